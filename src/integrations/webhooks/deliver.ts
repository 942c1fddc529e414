import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import type { TaskDefinition } from '../../platform/events/registry.ts';
import { type OutboundRequest, redactSecrets, sendOutbound } from '../../platform/outbound/http.ts';
import { signWebhook } from '../../platform/outbound/signing.ts';
import { asSystem } from '../../platform/system-context.ts';
import {
  type Connector,
  connectorSecrets,
  integrationSettings,
  signingSecrets,
} from '../connectors/lookup.ts';
import { recordConnectorCall } from '../monitoring/record.ts';
import { judgeResponse } from '../outcome.ts';
import type { IntegrationType } from '../tables.ts';
import {
  type AttemptOutcome,
  findDeliveryWithConnector,
  noteWaiting,
  recordAttempt,
} from './deliveries-repo.ts';
import { DELIVER_TASK } from './schedule.ts';

const payloadSchema = z.object({ tenantId: z.uuid(), deliveryId: z.uuid() });

export const WEBHOOK_USER_AGENT = 'Backroom-Webhooks/1.0';

const METHODS: Record<IntegrationType, OutboundRequest['method']> = {
  HTTP_POST: 'POST',
  HTTP_GET: 'GET',
  HTTP_PUT: 'PUT',
  HTTP_DELETE: 'DELETE',
};

/** Headers Backroom sets on every delivery; a connector's own headers cannot replace them. */
const RESERVED_HEADERS = [
  'content-type',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
];

export const CONNECTOR_DISABLED_NOTE =
  'The connector is disabled; delivery resumes when it is enabled again.';

/**
 * One attempt of one delivery. The HTTP call happens outside any transaction; its outcome — whatever the
 * receiver did — is recorded with the delivery's next step in one transaction afterwards. Only a crash or a
 * database error throws, and then the job queue runs the job again: the receiver may get the same delivery
 * twice, always with the same `webhook-id`.
 */
export async function deliverOnce(platform: Platform, tenantId: string, deliveryId: string): Promise<void> {
  const loaded = await asSystem(platform, tenantId, DELIVER_TASK, async (ctx) => {
    const found = await findDeliveryWithConnector(ctx.tx, deliveryId);
    if (found?.delivery.status !== 'pending') return undefined;
    const { delivery, connector } = found;
    if (!connector.enabled) {
      await noteWaiting(ctx.tx, deliveryId, CONNECTOR_DISABLED_NOTE);
      return undefined;
    }
    return { delivery, connector, settings: await integrationSettings(ctx) };
  });
  if (!loaded) return;
  const { delivery, connector, settings } = loaded;

  const startedAt = platform.now();
  const body = JSON.stringify(delivery.payload);
  const method = METHODS[connector.integrationType];
  const response = judgeResponse(
    await sendOutbound({
      method,
      url: connector.url,
      headers: deliveryHeaders(connector, delivery.id, startedAt, body),
      ...(method === 'POST' || method === 'PUT' ? { body } : {}),
      timeoutMs: connector.timeoutMs,
      allowedNetworks: settings.allowedNetworks,
      maxResponseBytes: platform.config.outboundMaxResponseBytes,
    }),
  );

  await asSystem(platform, tenantId, DELIVER_TASK, async (ctx) => {
    await recordConnectorCall(ctx, connector, {
      kind: 'webhook',
      deliveryId: delivery.id,
      startedAt,
      response,
      reposted: delivery.repostedAt !== null,
    });
    const attempts = delivery.attempts + 1;
    const schedule = platform.config.webhookRetryScheduleMs;
    const at = platform.now();
    const next: AttemptOutcome['next'] = response.ok
      ? { kind: 'succeeded' }
      : attempts < schedule.length
        ? { kind: 'retry', at: new Date(at.getTime() + (schedule[attempts] ?? 0)) }
        : { kind: 'failed' };
    await recordAttempt(ctx.tx, tenantId, delivery.id, delivery.totalAttempts, {
      at,
      statusCode: response.status ?? null,
      error: response.ok ? null : redactSecrets(response.error ?? 'failed', connectorSecrets(connector)),
      next,
    });
  });
}

/**
 * Standard Webhooks headers: `webhook-id` is the delivery's id, the same on every attempt and repost, so a
 * receiver can drop duplicates; the signature covers id, timestamp and body, with every valid secret.
 */
export function deliveryHeaders(
  connector: Connector,
  deliveryId: string,
  now: Date,
  body: string,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const own = Object.entries(connector.headers).filter(
    ([name]) => !RESERVED_HEADERS.includes(name.toLowerCase()),
  );
  return {
    ...Object.fromEntries(own),
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(signingSecrets(connector, now), deliveryId, timestamp, body),
  };
}

export const deliverTask: TaskDefinition = {
  name: DELIVER_TASK,
  async run(platform: Platform, payload: unknown) {
    const { tenantId, deliveryId } = payloadSchema.parse(payload);
    await deliverOnce(platform, tenantId, deliveryId);
  },
};
