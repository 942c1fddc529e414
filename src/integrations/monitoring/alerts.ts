import type { Ctx } from '../../platform/context.ts';
import { queueEmail } from '../../platform/email/outbox.ts';
import { type Connector, type IntegrationSettings, integrationSettings } from '../connectors/lookup.ts';
import { claimAlertWindow, disableConnector } from '../connectors/state.ts';
import {
  alertEmail,
  type CallFacts,
  type Composed,
  disabledEmail,
  formatDuration,
  slowAnswerEmail,
} from './alert-emails.ts';
import { emitConnectorDisabled, isMonitored } from './monitoring-events.ts';
import * as repo from './repo.ts';

const MINUTE_MS = 60_000;

/**
 * After a failed call: disables the connector (with its event and e-mail) once it has failed without a break
 * for longer than the tenant allows; otherwise sends the failure alert if the connector's alert window is free.
 */
export async function disableOrAlertOnFailure(
  ctx: Ctx,
  facts: CallFacts & { failingSince: Date },
  enabled: boolean,
): Promise<void> {
  const { connector, failingSince } = facts;
  const settings = await integrationSettings(ctx);
  const disableAfterMs = settings.disableAfterMinutes * MINUTE_MS;
  if (enabled && ctx.now().getTime() - failingSince.getTime() >= disableAfterMs) {
    const reason =
      `Failed continuously since ${failingSince.toISOString()}, ` +
      `longer than ${formatDuration(settings.disableAfterMinutes)}.`;
    if (await disableConnector(ctx, connector.id, reason)) {
      if (isMonitored(connector)) await emitConnectorDisabled(ctx, connector, failingSince, reason);
      // Not held back by the alert window: a connector is disabled once per run of failures.
      const recipient = await alertRecipient(ctx, connector, settings);
      if (recipient) {
        const email = disabledEmail(ctx, facts, recipient.contact, reason);
        await queueEmail(ctx, { purpose: 'connector_disabled', to: [recipient.to], ...email });
      }
      return;
    }
  }
  await alertInWindow(ctx, connector, settings, 'connector_alert', async (contact, windowStart) =>
    alertEmail(ctx, facts, contact, {
      failures: await repo.countFailuresSince(ctx.tx, connector.id, windowStart),
      windowMinutes: settings.alertWindowMinutes,
      disableAt: enabled ? new Date(failingSince.getTime() + disableAfterMs) : undefined,
    }),
  );
}

/** After an answer that came later than the connector's latency threshold: the latency alert, if the window is free. */
export async function alertOnSlowAnswer(ctx: Ctx, facts: CallFacts): Promise<void> {
  const { connector } = facts;
  const settings = await integrationSettings(ctx);
  await alertInWindow(ctx, connector, settings, 'connector_latency_alert', async (contact, windowStart) =>
    slowAnswerEmail(ctx, facts, contact, {
      slowAnswers: await repo.countSlowCallsSince(
        ctx.tx,
        connector.id,
        windowStart,
        connector.latencyThresholdMs,
      ),
      windowMinutes: settings.alertWindowMinutes,
    }),
  );
}

/**
 * Queues an alert and takes the connector's alert window, if it is free: at most one alert (failure or
 * latency) per connector per window. With nowhere to send it, the window is left free, so the first alert
 * after an address is set goes out at once.
 */
async function alertInWindow(
  ctx: Ctx,
  connector: Connector,
  settings: IntegrationSettings,
  purpose: string,
  compose: (contact: repo.MerchantContact, windowStart: Date) => Promise<Composed>,
): Promise<void> {
  const recipient = await alertRecipient(ctx, connector, settings);
  if (!recipient) return;
  const now = ctx.now();
  const windowStart = new Date(now.getTime() - settings.alertWindowMinutes * MINUTE_MS);
  if (!(await claimAlertWindow(ctx, connector.id, now, windowStart))) return;
  const email = await compose(recipient.contact, windowStart);
  await queueEmail(ctx, { purpose, to: [recipient.to], ...email });
}

/** When each connector's missing alert address was last logged, so a failing connector does not flood the log. */
const missingAddressLoggedAt = new Map<string, number>();

/** The tenant's alert address, or else the merchant's support address, with the merchant's details. */
async function alertRecipient(
  ctx: Ctx,
  connector: Connector,
  settings: IntegrationSettings,
): Promise<{ to: string; contact: repo.MerchantContact } | undefined> {
  const contact = await repo.merchantContact(ctx.tx, ctx.tenantId);
  const to = settings.alertEmail ?? contact?.supportEmail;
  if (contact && to) {
    missingAddressLoggedAt.delete(connector.id);
    return { to, contact };
  }
  const now = ctx.now().getTime();
  const loggedAt = missingAddressLoggedAt.get(connector.id);
  if (loggedAt === undefined || now - loggedAt >= settings.alertWindowMinutes * MINUTE_MS) {
    missingAddressLoggedAt.set(connector.id, now);
    ctx.platform.log.warn(
      { tenantId: ctx.tenantId, connectorId: connector.id },
      'no alert address or merchant support address: connector alerts are not sent',
    );
  }
  return undefined;
}
