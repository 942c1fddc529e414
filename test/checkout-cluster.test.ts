import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartsApi, seedPricedCatalog } from '../src/modules/carts/carts.fixtures.ts';
import { verifyInventory } from '../src/modules/inventory/service.ts';
import { asSystem } from '../src/platform/system-context.ts';
import { useAppWithMerchant } from './helpers/app.ts';
import { merchantApi } from './helpers/inventory.ts';
import {
  type HttpOutcome,
  requestJson,
  type ServerProcess,
  startServerProcess,
  stopAllServers,
} from './helpers/server-process.ts';
import { until } from './helpers/until.ts';

// Checkouts through separate Backroom processes on one database: the last units race across processes, and a
// process is killed (SIGKILL) while checkouts and payments are in flight. Paid orders must never be lost or
// doubled, and stock must always equal what the orders and the open checkouts account for.

const SERVERS = 3;
const RACERS = 30;
const LAST_UNITS = 5;
const DEEP_UNITS = 10_000;
const CLIENTS = 12;
const KILL_AFTER_PAID = 25;

const s = useAppWithMerchant();
const api = cartsApi(s);
const stock = merchantApi(s);
const headers = () => s.merchant.auth;

beforeAll(async () => {
  await seedPricedCatalog(s, ['WEB']);
  const stocked = await api.setStock([
    { storeId: 'WEB', productId: 'CAP', quantity: LAST_UNITS },
    { storeId: 'WEB', productId: 'TEE', quantity: DEEP_UNITS },
  ]);
  expect(stocked.statusCode).toBe(200);
});
afterAll(stopAllServers);

async function openCart(productId: string): Promise<string> {
  const cart = await api.open({ storeId: 'WEB', channel: 'web', lines: [{ productId, quantity: 1 }] });
  return cart.cartId;
}

const checkout = (server: ServerProcess, cartId: string, orderId: string) =>
  requestJson(`${server.url}/merchant/v1/carts/${cartId}/checkout`, 'POST', headers(), { orderId });

const pay = (server: ServerProcess, orderId: string, amount: number) =>
  requestJson(`${server.url}/merchant/v1/checkouts/${orderId}/payment`, 'POST', headers(), {
    outcome: 'succeeded',
    tenders: [{ type: 'card', amount, cardLast4: '4242' }],
  });

async function count(sql: string): Promise<number> {
  const { rows } = await s.t.database.pool.query(sql, [s.merchant.tenant.id]);
  return rows[0].n;
}

async function reconciles() {
  const verification = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', verifyInventory);
  expect(verification).toMatchObject({ ledgerMismatches: [], reservationMismatches: [] });
}

const statusCounts = (outcomes: HttpOutcome[]) =>
  outcomes.reduce<Record<string, number>>((counts, outcome) => {
    counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
    return counts;
  }, {});

describe('checkouts across several server processes', { timeout: 90_000 }, () => {
  it(`sells the last ${LAST_UNITS} units to exactly ${LAST_UNITS} of ${RACERS} carts, each paid order once`, async () => {
    const servers = await Promise.all(
      Array.from({ length: SERVERS }, () => startServerProcess(s.t.databaseUrl)),
    );
    const carts = await Promise.all(Array.from({ length: RACERS }, () => openCart('CAP')));
    const started = await Promise.all(
      carts.map((cartId, i) => checkout(servers[i % SERVERS] as ServerProcess, cartId, `race-${i}`)),
    );
    expect(statusCounts(started)).toEqual({ 201: LAST_UNITS, 409: RACERS - LAST_UNITS });
    for (const outcome of started.filter((o) => o.status === 409)) {
      expect(outcome).toMatchObject({ body: { code: 'insufficient_stock' } });
    }
    const winners = started.flatMap((outcome, i) => (outcome.status === 201 ? [i] : []));
    // Each winner pays twice, through two processes at once: one order each, never two.
    const paid = await Promise.all(
      winners.flatMap((i) => {
        const total = (started[i] as { body: any }).body.totals.total;
        return [0, 1].map((k) => pay(servers[(i + k) % SERVERS] as ServerProcess, `race-${i}`, total));
      }),
    );
    expect(statusCounts(paid)).toEqual({ 200: LAST_UNITS * 2 });
    const orderIds = paid.map((outcome) => (outcome as { body: any }).body.order.orderId);
    expect(new Set(orderIds)).toEqual(new Set(winners.map((i) => `race-${i}`)));

    expect(await stock.position('WEB', 'CAP')).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
    const orders = await count(
      `select count(*)::int as n from orders o join order_lines l on l.order_uuid = o.id
       where o.tenant_id = $1 and l.product_id = 'CAP'`,
    );
    expect(orders).toBe(LAST_UNITS);
    await reconciles();
    await stopAllServers();
  });

  it('keeps every acknowledged payment after a SIGKILL mid-burst, and stock equals orders plus open holds', async () => {
    const first = await startServerProcess(s.t.databaseUrl);
    const tee = async () => (await stock.position('WEB', 'TEE')) as { onHand: number; reserved: number };
    const before = await tee();
    const carts = await Promise.all(Array.from({ length: 120 }, () => openCart('TEE')));
    const acknowledged: string[] = [];
    const attempted = new Map<string, number>();
    let next = 0;
    let killed = false;
    const client = async () => {
      while (!killed && next < carts.length) {
        const i = next++;
        const orderId = `crash-${i}`;
        const started = await checkout(first, carts[i] as string, orderId);
        if (started.status !== 201) continue;
        attempted.set(orderId, started.body.totals.total);
        const paid = await pay(first, orderId, started.body.totals.total);
        if (paid.status === 200) acknowledged.push(orderId);
      }
    };
    const killer = async () => {
      await until(() => (acknowledged.length >= KILL_AFTER_PAID ? true : undefined), 60_000);
      killed = true;
      first.child.kill('SIGKILL');
    };
    await Promise.all([killer(), ...Array.from({ length: CLIENTS }, client)]);
    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(next).toBeLessThan(carts.length);

    // Every order in the database was paid for once and took its unit; every other unit is held or on hand.
    const orders = await count(
      `select count(*)::int as n from orders where tenant_id = $1 and order_id like 'crash-%'`,
    );
    const holds = await count(
      `select count(*)::int as n from checkouts where tenant_id = $1 and status = 'pending_payment' and order_id like 'crash-%'`,
    );
    expect(orders).toBeGreaterThanOrEqual(acknowledged.length);
    const after = await tee();
    expect(after.onHand).toBe(before.onHand - orders);
    expect(after.reserved).toBe(before.reserved + holds);
    await reconciles();

    // A restarted server answers every acknowledged order, and a retried payment of one whose answer was lost
    // completes it or answers the order it already made: none is placed twice.
    const second = await startServerProcess(s.t.databaseUrl);
    for (const orderId of acknowledged) {
      const order = await requestJson(`${second.url}/merchant/v1/sa/orders/${orderId}`, 'GET', headers());
      expect(order, orderId).toMatchObject({ status: 200, body: { orderId, type: 'sale' } });
    }
    const unanswered = [...attempted.keys()].filter((orderId) => !acknowledged.includes(orderId));
    const retried = await Promise.all(
      unanswered.map((orderId) => pay(second, orderId, attempted.get(orderId) ?? 0)),
    );
    for (const outcome of retried) expect(outcome.status).toBe(200);
    const finalOrders = await count(
      `select count(*)::int as n from orders where tenant_id = $1 and order_id like 'crash-%'`,
    );
    expect(finalOrders).toBe(attempted.size);
    expect((await tee()).onHand).toBe(before.onHand - attempted.size);
    await reconciles();
  });
});
