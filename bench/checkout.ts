import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import pg from 'pg';
import { accessToken, createBenchMerchant, startBackroom } from './lib/backroom.ts';
import { closedLoop } from './lib/closed-loop.ts';
import { runBenchmark } from './lib/harness.ts';
import { startBenchPostgres } from './lib/postgres.ts';
import { recordTransactions, replayOnce } from './lib/replay.ts';
import { describe, log, reportComparison } from './lib/report.ts';
import { loadSettings, smoke } from './lib/settings.ts';

// Complete checkouts from 16 concurrent clients: a web cart with one line, checked out (priced, taxed, stock
// reserved) and paid (stock committed, the order posted with its events) — three API calls per checkout —
// against the very statements of those calls' transactions, recorded from one checkout through the API and
// replayed through `pg` from as many connections (bench/lib/replay.ts).

const STORE_ID = 'WEB';
const PRODUCT_ID = 'TEE';
const STOCK = 10_000_000;

async function main(cleanups: (() => Promise<void>)[]): Promise<void> {
  const settings = loadSettings();
  log(
    `checkout${smoke ? ' (smoke)' : ''}: node ${process.version}, ${cpus().length} CPUs, concurrency ` +
      `${settings.concurrency}, ${settings.measure.requests} checkouts or ${settings.measure.durationMs / 1000} s per target`,
  );
  const postgres = await startBenchPostgres();
  cleanups.push(postgres.stop);
  const backroom = await startBackroom(postgres.databaseUrl);
  cleanups.push(backroom.close);
  const merchant = await createBenchMerchant(backroom.platform);
  const token = await accessToken(backroom.url, merchant.client);
  const call = async (method: string, path: string, body: object, status: number) => {
    const response = await fetch(`${backroom.url}/merchant/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== status) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  await seed(call);

  const checkout = async () => {
    const cart = await call(
      'POST',
      '/carts',
      { storeId: STORE_ID, channel: 'web', lines: [{ productId: PRODUCT_ID, quantity: 1 }] },
      201,
    );
    const orderId = `order-${randomUUID()}`;
    const started = await call('POST', `/carts/${cart.cartId}/checkout`, { orderId }, 201);
    await call(
      'POST',
      `/checkouts/${orderId}/payment`,
      { outcome: 'succeeded', tenders: [{ type: 'card', amount: started.totals.total, cardLast4: '4242' }] },
      200,
    );
  };
  const recorded = await recordTransactions(checkout);
  log(`one checkout: ${recorded.length} transactions, ${recorded.flat().length} statements`);

  await closedLoop(settings.concurrency, settings.warmup, checkout);
  const viaApi = await closedLoop(settings.concurrency, settings.measure, checkout);
  log(describe('Backroom checkout (3 API calls)', viaApi));
  await checkStock(postgres.databaseUrl, merchant.tenant.id);

  const pool = new pg.Pool({ connectionString: postgres.databaseUrl, max: settings.concurrency });
  pool.on('error', () => {});
  cleanups.push(() => pool.end());
  const replay = () => replayOnce(pool, recorded, [merchant.tenant.id]);
  await closedLoop(settings.concurrency, settings.warmup, replay);
  const viaPg = await closedLoop(settings.concurrency, settings.measure, replay);
  log(describe('pg replay of the same transactions', viaPg));

  reportComparison('checkout vs pg replay of its transactions', viaApi, viaPg);
}

async function seed(call: (method: string, path: string, body: object, status: number) => Promise<unknown>) {
  await call(
    'POST',
    '/stores',
    {
      storeId: STORE_ID,
      name: 'Web store',
      type: 'ecommerce',
      address: { line1: '1 Broadway', city: 'New York', region: 'NY', country: 'US' },
      timezone: 'America/New_York',
      currency: 'USD',
    },
    201,
  );
  await call(
    'POST',
    '/products',
    {
      products: [{ productId: PRODUCT_ID, sku: 'TEE-1', name: 'Tee', taxClass: 'standard' }],
      allOrNothing: true,
    },
    200,
  );
  await call(
    'PUT',
    '/storeproducts',
    { storeProducts: [{ storeId: STORE_ID, productId: PRODUCT_ID, listPrice: 2000 }] },
    200,
  );
  await call('PUT', `/stores/${STORE_ID}/tax-rates`, { rates: [{ name: 'State', ratePpm: 80_000 }] }, 200);
  await call(
    'PUT',
    '/storeproducts/inventory',
    { inventory: [{ storeId: STORE_ID, productId: PRODUCT_ID, quantity: STOCK }] },
    200,
  );
}

/**
 * Every checkout through the API sold exactly its unit and holds none back. (The replay writes the balances the
 * recorded checkout computed, so only the API's own checkouts can be reconciled.)
 */
async function checkStock(databaseUrl: string, tenantId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query(
    `select l.on_hand::bigint as "onHand", l.reserved::bigint as reserved,
       (select count(*) from orders o where o.tenant_id = $1)::bigint as orders
     from stock_levels l where l.tenant_id = $1 and l.store_id = $2 and l.product_id = $3`,
    [tenantId, STORE_ID, PRODUCT_ID],
  );
  await client.end();
  const row = rows[0];
  if (!row || Number(row.reserved) !== 0 || Number(row.onHand) + Number(row.orders) !== STOCK) {
    throw new Error(`stock does not reconcile with the orders: ${JSON.stringify(row)}`);
  }
  log(`${row.orders} orders; on hand fell by exactly as many units and nothing is left reserved`);
}

await runBenchmark('checkout', main);
