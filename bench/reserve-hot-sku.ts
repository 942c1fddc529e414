import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import pg from 'pg';
import { APP_ROLE } from '../src/platform/db/tenant-transaction.ts';
import { accessToken, createBenchMerchant, startBackroom } from './lib/backroom.ts';
import { closedLoop, type LoadSummary } from './lib/closed-loop.ts';
import { httpLoad } from './lib/http-load.ts';
import { startBenchPostgres } from './lib/postgres.ts';
import { describe, log, reportComparison } from './lib/report.ts';
import { type LoadSettings, loadSettings, smoke } from './lib/settings.ts';

// Reservations of one unit of one hot product (every request takes the same stock row) from 32 concurrent
// clients: POST /merchant/v1/ims/inventory/reservations with a Bearer token, against the statements the
// reservation service runs for a one-line reservation, sent by `pg` in a transaction with the same role and
// tenant settings from as many connections. Before measuring, the benchmark records the statements one API
// reservation really sends and stops if they are no longer the ones below.

const STORE_ID = 'WEB';
const PRODUCT_ID = 'HOT';
const STOCK = 10_000_000;
const CONCURRENCY = 32;

const RESERVATION = {
  storeId: STORE_ID,
  reference: { type: 'cart', id: 'cart-bench' },
  lines: [{ productId: PRODUCT_ID, quantity: 1 }],
};

const beginSql = (tenantId: string, timeoutMs: number) =>
  `begin; select set_config('role', '${APP_ROLE}', true), set_config('backroom.tenant_id', '${tenantId}', true), ` +
  `set_config('statement_timeout', '${timeoutMs}ms', true)`;

// expireReservationsAt: overdue reservations holding this product at this store (expiry on read).
const DUE_SQL = `
    select r.reservation_id as "reservationId", r.store_id as "storeId",
  r.reference_type as "referenceType", r.reference_id as "referenceId", r.status, r.expires_at as "expiresAt",
  r.created_at as "createdAt", r.updated_at as "updatedAt",
  (select coalesce(json_agg(json_build_object('productId', l.product_id, 'quantity', l.quantity)
     order by l.product_id), '[]') from stock_reservation_lines l
   where l.reservation_id = r.reservation_id) as lines from stock_reservations r
    where r.status = 'active' and r.expires_at <= $1
      and exists (select 1 from stock_reservation_lines l where l.reservation_id = r.reservation_id
              and l.store_id = any($2::text[]) and l.product_id = any($3::text[]))
    order by r.reservation_id
    for update of r skip locked`;

// reserveIfAvailable: the conditional update, with the merchant's settings.
const RESERVE_SQL = `
    update stock_levels set reserved = reserved + $1, updated_at = $2
    where store_id = $3 and product_id = $4
      and on_hand - reserved - safety_stock >= $5
      and exists (select 1 from products p where p.product_id = $6 and p.deleted_at is null)
    returning store_id as "storeId", product_id as "productId", on_hand as "onHand", reserved,
      safety_stock as "safetyStock", low_stock_threshold as "lowStockThreshold",
      out_of_stock_threshold as "outOfStockThreshold", allow_backorders as "allowBackorders",
      first_received_at as "firstReceivedAt", status, updated_at as "updatedAt",
      (select s.low_stock_threshold from inventory_settings s) as "defaultLowStockThreshold",
      (select s.out_of_stock_threshold from inventory_settings s) as "defaultOutOfStockThreshold"`;

// insertReservation: the header, its lines and their `reserved` movements, recorded before the stock is taken.
const INSERT_SQL = `
    with header as (
      insert into stock_reservations (tenant_id, reservation_id, store_id, reference_type, reference_id, status,
        expires_at, created_by, created_at, updated_at)
      values ($1, $2, $3, $4,
        $5, 'active', $6::timestamptz + make_interval(secs => coalesce(
          $7::integer, (select reservation_ttl_seconds from inventory_settings),
          $8::integer)),
        $9, $10, $11)
      on conflict do nothing
      returning reservation_id, expires_at
    ), lines as (
      insert into stock_reservation_lines (tenant_id, reservation_id, store_id, product_id, quantity)
      select $12, header.reservation_id, $13, l.product_id, l.quantity
      from header, unnest($14::text[], $15::bigint[])
        as l (product_id, quantity)
      returning product_id, quantity
    ), moved as (
      insert into stock_movements (tenant_id, store_id, product_id, bucket, quantity, reason, reference_type,
        reference_id, actor, occurred_at)
      select $16, $17, lines.product_id, 'reserved', lines.quantity, 'reservation',
        'reservation', $18, $19, $20
      from lines
      returning 1
    )
    select (select expires_at from header) as "expiresAt", (select count(*) from moved)::int as moved`;

interface Statement {
  text: string;
  parameters: number;
}

interface SentStatement extends Statement {
  values: unknown[];
}

/** The statements of one reservation's transaction, as the service sends them. */
function expectedStatements(tenantId: string, timeoutMs: number): Statement[] {
  return [
    { text: beginSql(tenantId, timeoutMs), parameters: 0 },
    { text: DUE_SQL, parameters: 3 },
    { text: INSERT_SQL, parameters: 20 },
    { text: RESERVE_SQL, parameters: 6 },
    { text: 'commit', parameters: 0 },
  ];
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Every statement the server sends to PostgreSQL while `work` runs (the server runs in this process). */
async function recordStatements(work: () => Promise<void>): Promise<SentStatement[]> {
  const prototype = pg.Client.prototype as any;
  const original = prototype.query;
  const seen: SentStatement[] = [];
  prototype.query = function (this: pg.Client, ...args: any[]) {
    const [config, given] = args;
    const text = typeof config === 'string' ? config : config?.text;
    const values: unknown[] = given ?? config?.values ?? [];
    if (typeof text === 'string') seen.push({ text, parameters: values.length, values });
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.query = original;
  }
  return seen;
}

/**
 * Throws unless the API's reservation transaction sends exactly the baseline's statements; returns the
 * transaction's statements.
 */
function checkBaseline(recorded: SentStatement[], expected: Statement[]): SentStatement[] {
  const first = recorded.findIndex((s) => s.text.startsWith('begin;'));
  const transaction = recorded.slice(first, first + expected.length);
  const same =
    first >= 0 &&
    transaction.length === expected.length &&
    transaction.every(
      (s, i) =>
        normalise(s.text) === normalise(expected[i]?.text ?? '') && s.parameters === expected[i]?.parameters,
    );
  if (!same) {
    const show = (list: Statement[]) =>
      list.map((s) => `  [${s.parameters} parameters] ${normalise(s.text)}`).join('\n');
    throw new Error(
      `the reservation service no longer sends the statements this benchmark compares with; update the ` +
        `baseline.\nThe API sent:\n${show(recorded)}\nThe baseline sends:\n${show(expected)}`,
    );
  }
  log(
    `one API reservation: ${recorded.length} statements, ${recorded.length - expected.length} outside its transaction`,
  );
  return transaction;
}

/** The reservation transaction through `pg`, from `concurrency` connections. */
async function pgReservationLoad(
  databaseUrl: string,
  tenantId: string,
  actor: string,
  timeoutMs: number,
  settings: LoadSettings,
): Promise<LoadSummary> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: settings.concurrency });
  pool.on('error', () => {});
  const begin = beginSql(tenantId, timeoutMs);
  const reserve = async () => {
    const client = await pool.connect();
    try {
      await client.query(begin);
      const now = new Date();
      await client.query(DUE_SQL, [now, [STORE_ID], [PRODUCT_ID]]);
      const id = `rsv_${randomUUID()}`;
      const { reference } = RESERVATION;
      const inserted = await client.query(INSERT_SQL, [
        ...[tenantId, id, STORE_ID, reference.type, reference.id, now, null, 900, actor, now, now],
        ...[tenantId, STORE_ID, [PRODUCT_ID], [1]],
        ...[tenantId, STORE_ID, id, actor, now],
      ]);
      if (!inserted.rows[0]?.expiresAt) throw new Error('the pg baseline did not record its reservation');
      const taken = await client.query(RESERVE_SQL, [1, now, STORE_ID, PRODUCT_ID, 1, PRODUCT_ID]);
      if (taken.rowCount !== 1) throw new Error('the pg baseline found no stock to reserve');
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  try {
    await closedLoop(settings.concurrency, settings.warmup, reserve);
    return await closedLoop(settings.concurrency, settings.measure, reserve);
  } finally {
    await pool.end();
  }
}

async function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: object,
  status: number,
) {
  const response = await fetch(url, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== status) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text;
}

const cleanups: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  const defaults = loadSettings();
  const settings = {
    ...defaults,
    concurrency: process.env.BENCH_CONCURRENCY ? defaults.concurrency : CONCURRENCY,
  };
  const { concurrency, measure } = settings;
  log(
    `reserve-hot-sku${smoke ? ' (smoke)' : ''}: node ${process.version}, ${cpus().length} CPUs, ` +
      `concurrency ${concurrency}, ${measure.requests} reservations or ${measure.durationMs / 1000} s per target`,
  );
  const postgres = await startBenchPostgres();
  cleanups.push(postgres.stop);
  const backroom = await startBackroom(postgres.databaseUrl);
  cleanups.push(backroom.close);
  const { config } = backroom.platform;
  const merchant = await createBenchMerchant(backroom.platform);
  const token = await accessToken(backroom.url, merchant.client);
  const auth = { authorization: `Bearer ${token}` };
  const api = (path: string) => `${backroom.url}/merchant/v1${path}`;
  await send(
    api('/stores'),
    'POST',
    auth,
    {
      storeId: STORE_ID,
      name: 'Web store',
      type: 'store',
      address: { line1: '1 Broadway', city: 'New York', country: 'US' },
      timezone: 'America/New_York',
      currency: 'USD',
    },
    201,
  );
  await send(
    api('/products'),
    'POST',
    auth,
    { products: [{ productId: PRODUCT_ID, sku: 'HOT-1', name: 'Hot product' }], allOrNothing: true },
    200,
  );
  await send(
    api('/storeproducts/inventory'),
    'PUT',
    auth,
    { inventory: [{ storeId: STORE_ID, productId: PRODUCT_ID, quantity: STOCK }] },
    200,
  );

  const recorded = await recordStatements(async () => {
    const reservation = JSON.parse(
      await send(api('/ims/inventory/reservations'), 'POST', auth, RESERVATION, 201),
    );
    if (reservation.status !== 'active') throw new Error(`the reservation is ${reservation.status}`);
  });
  const transaction = checkBaseline(
    recorded,
    expectedStatements(merchant.tenant.id, config.statementTimeoutMs),
  );
  // The ledger's actor, as the service writes it for this client (createdBy, the 9th value of the insert).
  const actor = String(transaction[2]?.values[8]);
  log(
    `Backroom at ${backroom.url} (pool ${config.dbPoolSize}), ${STOCK} units of ${PRODUCT_ID} at ${STORE_ID}`,
  );

  const viaApi = await httpLoad({
    url: api('/ims/inventory/reservations'),
    headers: auth,
    method: 'POST',
    body: JSON.stringify(RESERVATION),
    status: 201,
    settings,
  });
  log(describe('Backroom POST reservation', viaApi));
  const viaPg = await pgReservationLoad(
    postgres.databaseUrl,
    merchant.tenant.id,
    actor,
    config.statementTimeoutMs,
    settings,
  );
  log(describe('pg reservation transaction', viaPg));
  await checkLedger(postgres.databaseUrl, merchant.tenant.id);
  reportComparison('reserve-hot-sku vs pg transaction', viaApi, viaPg);
}

/** Every reservation made holds exactly its unit, and the ledger says so. */
async function checkLedger(databaseUrl: string, tenantId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select l.reserved::int as reserved, l.on_hand::int as "onHand",
         (select count(*)::int from stock_reservations r where r.tenant_id = $1 and r.status = 'active') as active,
         (select coalesce(sum(quantity), 0)::int from stock_movements m
          where m.tenant_id = $1 and m.product_id = $3 and m.bucket = 'reserved') as ledger
       from stock_levels l where l.tenant_id = $1 and l.store_id = $2 and l.product_id = $3`,
      [tenantId, STORE_ID, PRODUCT_ID],
    );
    const row = rows[0];
    if (!row || row.reserved !== row.active || row.reserved !== row.ledger || row.onHand !== STOCK) {
      throw new Error(`the hot product does not reconcile: ${JSON.stringify(row)}`);
    }
    log(`${row.reserved} reservations made; reserved balance, active reservations and ledger agree`);
  } finally {
    await client.end();
  }
}

try {
  await main();
} catch (error) {
  log(`reserve-hot-sku failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => log(`shutdown: ${String(error)}`));
  }
}
