import { describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { until } from '../../../test/helpers/until.ts';
import { useWebhookMerchants } from '../../../test/helpers/webhooks.ts';
import { asSystem } from '../../platform/system-context.ts';
import { CONNECTOR_DISABLED_NOTE } from './deliver.ts';
import { webhookPayload } from './fan-out.ts';
import { sweepTask } from './sweep.ts';

// Deliveries that nothing was going to send: those of a disabled connector, and those whose job was lost.
const s = useAppWithMerchant({ env: { BACKROOM_WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms,100ms' } });
const { merchantWithWebhook, deliveriesOf, settledDeliveries, attemptJobKeys } = useWebhookMerchants(s);

describe('deliveries to a disabled connector', { timeout: 30_000 }, () => {
  it('wait without a job while it is disabled and all go out once it is enabled again', async () => {
    const w = await merchantWithWebhook();
    const connectorUrl = `/merchant/v1/connectors/${w.connector.id}`;
    const disabled = await w.api.call('POST', `${connectorUrl}/disable`);
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json()).toMatchObject({ enabled: false });

    await w.adjust([
      { productId: 'TEE', quantity: 2 },
      { productId: 'CAP', quantity: 3 },
      { productId: 'MUG', quantity: 4 },
    ]);
    const waiting = await until(async () => {
      const deliveries = await deliveriesOf(w.merchant);
      return deliveries.length === 3 ? deliveries : undefined;
    });
    for (const delivery of waiting) {
      expect(delivery).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: null,
        lastError: CONNECTOR_DISABLED_NOTE,
      });
    }
    expect(await attemptJobKeys(waiting.map((delivery) => delivery.id))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.receiver.requests).toHaveLength(0);

    const enabled = await w.api.call('POST', `${connectorUrl}/enable`);
    expect(enabled.statusCode, enabled.body).toBe(200);
    const delivered = await settledDeliveries(w.merchant, 3);
    expect(delivered.map((delivery) => delivery.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const subjects = w.receiver.requests.map((request) => JSON.parse(request.body).subject).sort();
    expect(subjects).toEqual(['CAP', 'MUG', 'TEE']);
    expect(new Set(w.receiver.requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set(waiting.map((delivery) => delivery.id)),
    );
  });
});

describe('the sweeper', { timeout: 30_000 }, () => {
  it('sends a pending delivery that lost its job, and leaves deliveries on schedule alone', async () => {
    const w = await merchantWithWebhook();
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    // pending, no job: due ten minutes ago (its job gave up after crashes), two minutes ago, in an hour
    const [stranded, recent, later] = await asSystem(s.t.platform, w.merchant.tenant.id, 'test', (ctx) =>
      ctx.tx
        .insertInto('webhookDeliveries')
        .values(
          [minutes(-10), minutes(-2), minutes(60)].map((nextAttemptAt, index) => {
            const event = {
              id: crypto.randomUUID(),
              type: 'INVENTORY_ADJUSTMENT',
              subject: ['TEE', 'CAP', 'MUG'][index] ?? 'TEE',
              data: { storeId: 'NYC', quantity: 1 },
              occurredAt: ctx.now(),
            };
            return {
              tenantId: w.merchant.tenant.id,
              connectorId: w.connector.id,
              eventId: event.id,
              eventType: event.type,
              endpointName: 'INVENTORY_EXPORT_INA',
              payload: JSON.stringify(webhookPayload(event)),
              nextAttemptAt,
              createdAt: new Date(Date.now() + index),
            };
          }),
        )
        .returning('id')
        .execute(),
    );
    if (!stranded || !recent || !later) throw new Error('deliveries not created');
    expect(await attemptJobKeys([stranded.id, recent.id, later.id])).toEqual([]);

    await sweepTask.run(s.t.platform, { _cron: { ts: new Date().toISOString(), backfilled: false } });
    const deliveries = await until(async () => {
      const all = await deliveriesOf(w.merchant);
      return all[0]?.status === 'pending' ? undefined : all;
    });
    expect(deliveries.map((delivery) => [delivery.id, delivery.status])).toEqual([
      [stranded.id, 'succeeded'],
      [recent.id, 'pending'],
      [later.id, 'pending'],
    ]);
    expect(w.receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([stranded.id]);
    expect(await attemptJobKeys([recent.id, later.id])).toEqual([]);
  });
});
