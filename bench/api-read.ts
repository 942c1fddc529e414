import { cpus } from 'node:os';
import { accessToken, createBenchMerchant, startBackroom } from './lib/backroom.ts';
import { startBareFastify } from './lib/bare-fastify.ts';
import { httpLoad } from './lib/http-load.ts';
import { pgQueryLoad } from './lib/pg-load.ts';
import { startBenchPostgres } from './lib/postgres.ts';
import { describe, log, reportComparison } from './lib/report.ts';
import { loadSettings, smoke } from './lib/settings.ts';

// The cost of the platform on the simplest authenticated read, GET /merchant/v1/stores/{storeId} with a Bearer
// token: token verification, the shared rate-limit statement, a tenant transaction and the query. Compared, in
// one run on one machine, with a bare Fastify app serving the same document and with the same query through pg.

const STORE = {
  storeId: 'NYC-01',
  name: 'Backroom Broadway',
  type: 'store',
  address: { line1: '1 Broadway', city: 'New York', region: 'NY', postalCode: '10004', country: 'US' },
  timezone: 'America/New_York',
  currency: 'USD',
  phone: '+1 212 555 0100',
  email: 'broadway@example.com',
};

const ROUTE = '/merchant/v1/stores/:storeId';
const PATH = `/merchant/v1/stores/${STORE.storeId}`;

// What the store read runs inside its tenant transaction, with the tenant that row-level security adds.
const STORE_SQL = `select "store_id", "name", "type", "address", "timezone", "currency", "phone", "email",
  "active", "created_at", "updated_at" from "stores" where "tenant_id" = $1 and "store_id" = $2`;

async function fetchText(url: string, init: RequestInit, status: number): Promise<string> {
  const response = await fetch(url, init);
  const body = await response.text();
  if (response.status !== status)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${body}`);
  return body;
}

const cleanups: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  const settings = loadSettings();
  const { concurrency, measure } = settings;
  log(
    `api-read${smoke ? ' (smoke)' : ''}: node ${process.version}, ${cpus().length} CPUs, concurrency ${concurrency}, ` +
      `${measure.requests} requests or ${measure.durationMs / 1000} s per target`,
  );
  const postgres = await startBenchPostgres();
  cleanups.push(postgres.stop);
  const backroom = await startBackroom(postgres.databaseUrl);
  cleanups.push(backroom.close);
  const merchant = await createBenchMerchant(backroom.platform);
  const token = await accessToken(backroom.url, merchant.client);
  const auth = { authorization: `Bearer ${token}` };
  await fetchText(
    `${backroom.url}/merchant/v1/stores`,
    { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(STORE) },
    201,
  );
  const document = await fetchText(`${backroom.url}${PATH}`, { headers: auth }, 200);
  const bare = await startBareFastify(ROUTE, JSON.parse(document));
  cleanups.push(bare.close);
  if ((await fetchText(`${bare.url}${PATH}`, {}, 200)) !== document) {
    throw new Error('bare Fastify does not answer the document Backroom answers');
  }
  log(
    `Backroom at ${backroom.url} (pool ${backroom.platform.config.dbPoolSize}), bare Fastify at ${bare.url}`,
  );

  const api = await httpLoad({ url: `${backroom.url}${PATH}`, headers: auth, settings });
  log(describe('Backroom GET store', api));
  const fastify = await httpLoad({ url: `${bare.url}${PATH}`, headers: {}, settings });
  log(describe('bare Fastify GET', fastify));
  const query = await pgQueryLoad(
    postgres.databaseUrl,
    STORE_SQL,
    [merchant.tenant.id, STORE.storeId],
    settings,
  );
  log(describe('pg select', query));

  reportComparison('api-read vs bare fastify', api, fastify);
  reportComparison('api-read vs pg select', api, query);
}

try {
  await main();
} catch (error) {
  log(`api-read failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => log(`shutdown: ${String(error)}`));
  }
}
