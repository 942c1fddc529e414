import type { Ctx } from '../../platform/context.ts';
import { queueEmail } from '../../platform/email/outbox.ts';
import { type Connector, integrationSettings } from '../connectors/lookup.ts';
import { alertEmail, type CallFacts, disabledEmail, formatDuration } from './alert-emails.ts';
import { emitConnectorDisabled, emitMonitoringEvent, isMonitored } from './monitoring-events.ts';
import type { ConnectorCall } from './record.ts';
import * as repo from './repo.ts';

const MINUTE_MS = 60_000;

/**
 * What a failed call sets off: the connector's failure state, an INTEGRATION_ERROR event, and either the
 * automatic disable (with its event and e-mail) once the connector has failed for longer than the tenant
 * allows, or an alert e-mail, at most one per connector per alert window.
 */
export async function handleFailure(
  ctx: Ctx,
  connector: Connector,
  call: ConnectorCall,
  redactedError: string | null,
): Promise<void> {
  const state = await repo.markFailed(ctx.tx, connector.id, call.startedAt);
  if (!state) return; // deleted meanwhile
  if (isMonitored(connector)) {
    await emitMonitoringEvent(ctx, 'INTEGRATION_ERROR', connector, call, redactedError);
  }
  const settings = await integrationSettings(ctx);
  const now = ctx.now();
  const facts: CallFacts = { connector, call, error: redactedError, failingSince: state.failingSince };

  const disableAfterMs = settings.disableAfterMinutes * MINUTE_MS;
  if (state.enabled && now.getTime() - state.failingSince.getTime() >= disableAfterMs) {
    const reason =
      `Failed continuously since ${state.failingSince.toISOString()}, ` +
      `longer than ${formatDuration(settings.disableAfterMinutes)}.`;
    if (await repo.disableConnector(ctx.tx, connector.id, now, reason)) {
      if (isMonitored(connector)) await emitConnectorDisabled(ctx, connector, state.failingSince, reason);
      await sendToMerchant(ctx, settings.alertEmail, 'connector_disabled', (contact) =>
        disabledEmail(ctx, facts, contact, reason),
      );
      return;
    }
  }

  const windowStart = new Date(now.getTime() - settings.alertWindowMinutes * MINUTE_MS);
  if (!(await repo.claimAlert(ctx.tx, connector.id, now, windowStart))) return;
  const failures = await repo.countFailuresSince(ctx.tx, connector.id, windowStart);
  await sendToMerchant(ctx, settings.alertEmail, 'connector_alert', (contact) =>
    alertEmail(ctx, facts, contact, {
      failures,
      windowMinutes: settings.alertWindowMinutes,
      disableAt: state.enabled ? new Date(state.failingSince.getTime() + disableAfterMs) : undefined,
    }),
  );
}

/** Queues an e-mail to the tenant's alert address, or else the merchant's support address. */
async function sendToMerchant(
  ctx: Ctx,
  alertAddress: string | null,
  purpose: string,
  compose: (contact: repo.MerchantContact) => { subject: string; text: string },
): Promise<void> {
  const contact = await repo.merchantContact(ctx.tx, ctx.tenantId);
  const to = alertAddress ?? contact?.supportEmail;
  if (!contact || !to) {
    ctx.platform.log.warn(
      { tenantId: ctx.tenantId, purpose },
      'no alert address or merchant support address: connector e-mail not sent',
    );
    return;
  }
  await queueEmail(ctx, { purpose, to: [to], ...compose(contact) });
}
