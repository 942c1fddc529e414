import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from './helpers/app.ts';
import { allowNetworks, insertConnector } from './helpers/connectors.ts';
import { merchantApi, seedCatalog } from './helpers/inventory.ts';
import { type Receiver, startReceiver } from './helpers/receiver.ts';
import { until } from './helpers/until.ts';
import { startWorkerProcess, stopAllWorkers, type WorkerProcess } from './helpers/worker-process.ts';

// A worker process is killed (SIGKILL) while it delivers a burst of webhooks, with one request in flight.
// After a new worker starts, every event must reach the receiver at least once, and a repeated delivery must
// carry the webhook-id of the first, so the receiver can drop it.

const ENV = { BACKROOM_WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms,100ms', BACKROOM_WORKER_LIVENESS_MS: '2000' };
const PRODUCTS = ['P0', 'P1', 'P2', 'P3', 'P4'];
const REQUESTS = 60;
const CLIENTS = 4;
/** The worker dies while the receiver holds this request unanswered. */
const KILL_AT_REQUEST = 80;

const s = useAppWithMerchant({ env: ENV });
const api = merchantApi(s);
let receiver: Receiver;
let secret: string;
let first: WorkerProcess | undefined;

beforeAll(async () => {
  await seedCatalog(s, ['NYC'], PRODUCTS);
  await allowNetworks(s.t.platform, s.merchant.tenant.id);
  receiver = await startReceiver(() => {
    if (receiver.requests.length === KILL_AT_REQUEST) {
      first?.child.kill('SIGKILL');
      return { status: 200, delayMs: 500 };
    }
    return { status: 200, delayMs: 2 };
  });
  const connector = await insertConnector(s.t.platform, s.merchant.tenant.id, {
    type: 'WEBHOOK',
    endpointName: 'INVENTORY_EXPORT_INA',
    url: `${receiver.url}/hooks`,
    events: ['INVENTORY_ADJUSTMENT'],
  });
  secret = connector.signingSecret;
});
afterAll(async () => {
  await stopAllWorkers();
  await receiver?.close();
});

async function adjustmentEventIds(): Promise<string[]> {
  const { rows } = await s.t.database.pool.query(
    "select id from events where tenant_id = $1 and type = 'INVENTORY_ADJUSTMENT'",
    [s.merchant.tenant.id],
  );
  return rows.map((row) => row.id as string);
}

describe('a worker killed with SIGKILL in the middle of a burst of webhooks', { timeout: 60_000 }, () => {
  it('delivers every event at least once after a restart, a repeat always with the same webhook-id', async () => {
    first = await startWorkerProcess(s.t.databaseUrl, ENV);
    let sent = 0;
    const client = async () => {
      while (sent < REQUESTS) {
        const i = sent++;
        const response = await api.adjustStock(
          PRODUCTS.map((productId) => ({ storeId: 'NYC', productId, quantity: i + 1, reason: 'received' })),
        );
        expect(response.statusCode).toBe(200);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const events = await adjustmentEventIds();
    expect(events).toHaveLength(REQUESTS * PRODUCTS.length);

    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');
    const receivedBeforeRestart = receiver.requests.length;
    expect(receivedBeforeRestart).toBeLessThan(events.length);

    const restartedAt = Date.now();
    await startWorkerProcess(s.t.databaseUrl, ENV);
    const eventsOf = () => new Set(receiver.requests.map((request) => JSON.parse(request.body).eventId));
    await until(() => (eventsOf().size === events.length ? true : undefined), 30_000);
    const recoveredInMs = Date.now() - restartedAt;

    const webhookIdsByEvent = new Map<string, Set<string>>();
    const verifier = new Webhook(secret);
    for (const request of receiver.requests) {
      const payload = verifier.verify(request.body, request.headers as Record<string, string>) as {
        eventId: string;
      };
      const ids = webhookIdsByEvent.get(payload.eventId) ?? new Set();
      ids.add(String(request.headers['webhook-id']));
      webhookIdsByEvent.set(payload.eventId, ids);
    }
    expect(new Set(webhookIdsByEvent.keys())).toEqual(new Set(events));
    for (const ids of webhookIdsByEvent.values()) expect(ids.size).toBe(1);
    // the request cut off by the kill was delivered again: the dead worker's job was freed, not left locked
    const repeats = receiver.requests.length - events.length;
    expect(repeats).toBeGreaterThanOrEqual(1);

    // the deliveries agree: each one succeeded, the repeated ones' last outcome recorded
    const statuses = async () => {
      const { rows } = await s.t.database.pool.query(
        'select status, count(*)::int as n from webhook_deliveries where tenant_id = $1 group by status',
        [s.merchant.tenant.id],
      );
      return rows;
    };
    await until(async () => ((await statuses()).some((row) => row.status === 'pending') ? undefined : true));
    expect(await statuses()).toEqual([{ status: 'succeeded', n: events.length }]);
    console.info(
      `webhooks crash: ${events.length} events, ${receivedBeforeRestart} requests before the kill, ` +
        `${repeats} repeated, all delivered ${recoveredInMs} ms after the restart`,
    );
  });
});
