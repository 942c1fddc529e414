import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, expect } from 'vitest';
import type { StoredEvent } from '../../src/platform/events/registry.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { allTasks } from '../../src/tasks.ts';
import { startWorker } from '../../src/worker.ts';
import { type AppWithMerchant, createMerchant, type TestMerchant } from './app.ts';
import { allowNetworks, insertConnector, type TestConnector } from './connectors.ts';
import { merchantApi, seedCatalog } from './inventory.ts';
import { type Answer, type ReceivedRequest, type Receiver, startReceiver } from './receiver.ts';
import { until } from './until.ts';

/** A stock adjustment of TEE at NYC as the outbox holds it, for tests that fan an event out themselves. */
export function adjustmentEvent(occurredAt: Date): StoredEvent {
  return {
    id: crypto.randomUUID(),
    type: 'INVENTORY_ADJUSTMENT',
    subject: 'TEE',
    data: { storeId: 'NYC', productId: 'TEE', quantity: 1 },
    occurredAt,
  };
}

export interface WebhookMerchant {
  merchant: TestMerchant;
  receiver: Receiver;
  connector: { id: string; signingSecret: string };
  api: ReturnType<typeof merchantApi>;
  /** Sets stock at NYC; each item is one INVENTORY_ADJUSTMENT event. */
  adjust(items: { productId: string; quantity: number }[]): Promise<void>;
}

/**
 * For tests of webhook delivery: a worker running every task for the file's app, and merchants of their own,
 * each with one INVENTORY_EXPORT_INA webhook to a receiver of its own, so no other test's connector receives
 * their events. Worker and receivers stop after the file's tests.
 */
export function useWebhookMerchants(s: AppWithMerchant) {
  let worker: Runner | undefined;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    worker = await startWorker(s.t.platform, s.t.database.pool, allTasks(), createLogger('silent'));
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function merchantWithWebhook(
    respond?: (request: ReceivedRequest) => Answer,
    connector: Partial<TestConnector> = {},
  ): Promise<WebhookMerchant> {
    const merchant = await createMerchant(s.t.platform);
    await seedCatalog(s, ['NYC'], ['TEE', 'CAP', 'MUG'], merchant);
    await allowNetworks(s.t.platform, merchant.tenant.id);
    const receiver = await startReceiver(respond);
    receivers.push(receiver);
    const created = await insertConnector(s.t.platform, merchant.tenant.id, {
      type: 'WEBHOOK',
      endpointName: 'INVENTORY_EXPORT_INA',
      url: `${receiver.url}/hooks/inventory`,
      events: ['INVENTORY_ADJUSTMENT'],
      ...connector,
    });
    const api = merchantApi(s, () => merchant);
    return {
      merchant,
      receiver,
      connector: created,
      api,
      async adjust(items) {
        const response = await api.adjustStock(
          items.map((item) => ({ storeId: 'NYC', reason: 'received', ...item })),
        );
        expect(response.statusCode).toBe(200);
      },
    };
  }

  async function deliveriesOf(merchant: TestMerchant) {
    const { rows } = await s.t.database.pool.query(
      `select id, event_id as "eventId", status, attempts, total_attempts as "totalAttempts",
         last_status_code as "lastStatusCode", last_error as "lastError", next_attempt_at as "nextAttemptAt",
         payload
       from webhook_deliveries where tenant_id = $1 order by created_at, id`,
      [merchant.tenant.id],
    );
    return rows;
  }

  /** Waits until every delivery of the merchant is settled (succeeded or failed) and answers them. */
  function settledDeliveries(merchant: TestMerchant, count: number) {
    return until(async () => {
      const deliveries = await deliveriesOf(merchant);
      const settled = deliveries.length === count && deliveries.every((d) => d.status !== 'pending');
      return settled ? deliveries : undefined;
    });
  }

  /** The keys of the queued attempt jobs of these deliveries. */
  async function attemptJobKeys(deliveryIds: readonly string[]): Promise<string[]> {
    const { rows } = await s.t.database.pool.query(
      'select key from graphile_worker.jobs where key = any($1)',
      [deliveryIds.map((id) => `webhook:${id}`)],
    );
    return rows.map((row) => row.key as string);
  }

  return { merchantWithWebhook, deliveriesOf, settledDeliveries, attemptJobKeys };
}
