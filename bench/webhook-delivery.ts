import { cpus } from 'node:os';
import pg from 'pg';
import { Agent, request } from 'undici';
import type { Platform } from '../src/platform/context.ts';
import { createLogger } from '../src/platform/observability/logger.ts';
import { newSigningSecret } from '../src/platform/outbound/signing.ts';
import { asSystem } from '../src/platform/system-context.ts';
import { allTasks } from '../src/tasks.ts';
import { startWorker } from '../src/worker.ts';
import { accessToken, createBenchMerchant, startBackroom } from './lib/backroom.ts';
import { closedLoop, type LoadSummary } from './lib/closed-loop.ts';
import { type Cleanups, runBenchmark } from './lib/harness.ts';
import { startBenchPostgres } from './lib/postgres.ts';
import { describe, log, reportRate } from './lib/report.ts';
import { type LoadSettings, loadSettings, type Phase, smoke } from './lib/settings.ts';
import { startWebhookReceiver, type WebhookReceiver } from './lib/webhook-receiver.ts';

// Inventory adjustments through the API (POST /merchant/v1/storeproducts/inventory, one item each, from a
// closed loop of concurrent clients), each an INVENTORY_ADJUSTMENT event delivered by Backroom's worker to a
// webhook connector of INVENTORY_EXPORT_INA on a local receiver that answers 200. Measured: events per second
// from the first request to the last event's arrival, and each event's latency from its commit (the API's
// answer) to its arrival at the receiver, matched by the `eventId` of the payload. The baseline, in the same
// run: the same bodies POSTed straight to the same receiver from a closed loop of the same concurrency.

const NAME = 'webhook-delivery';
const STORE_ID = 'WEB';
const PRODUCTS = 100;
const productId = (n: number) => `P${String(n % PRODUCTS).padStart(3, '0')}`;

const clock = () => performance.timeOrigin + performance.now();

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

async function call(agent: Agent, url: string, method: 'POST' | 'PUT', headers: object, body: object) {
  const response = await request(url, {
    method,
    dispatcher: agent,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${text}`);
  return text;
}

/** A webhook connector of INVENTORY_EXPORT_INA to the receiver, with loopback allowed for the tenant. */
async function connectReceiver(platform: Platform, tenantId: string, url: string): Promise<void> {
  await asSystem(platform, tenantId, 'bench', async (ctx) => {
    await ctx.tx
      .insertInto('integrationSettings')
      .values({ tenantId, allowedNetworks: ['loopback'] })
      .execute();
    await ctx.tx
      .insertInto('connectors')
      .values({
        tenantId,
        name: 'Benchmark receiver',
        type: 'WEBHOOK',
        endpointName: 'INVENTORY_EXPORT_INA',
        url,
        integrationType: 'HTTP_POST',
        headers: '{}',
        events: ['INVENTORY_ADJUSTMENT'],
        timeoutMs: 10_000,
        latencyThresholdMs: 60_000,
        signingSecret: newSigningSecret(),
      })
      .execute();
  });
}

interface Fired {
  /** When the first request was sent. */
  startedAt: number;
  /** When the API answered each request (the commit), by request id. */
  committedAt: Map<string, number>;
}

/** Adjusts stock through the API from `concurrency` loops; each request carries its own request id. */
async function fireEvents(
  api: string,
  auth: Record<string, string>,
  label: string,
  concurrency: number,
  phase: Phase,
): Promise<Fired> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const committedAt = new Map<string, number>();
  let next = 0;
  const startedAt = clock();
  try {
    await closedLoop(concurrency, phase, async () => {
      const n = next++;
      const requestId = `${label}-${n}`;
      const response = await request(`${api}/storeproducts/inventory`, {
        method: 'POST',
        dispatcher: agent,
        headers: { ...auth, 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({
          inventory: [{ storeId: STORE_ID, productId: productId(n), quantity: 1, reason: 'recount' }],
        }),
      });
      const answeredAt = clock();
      const text = await response.body.text();
      if (response.statusCode !== 200)
        throw new Error(`adjustment ${requestId}: ${response.statusCode} ${text}`);
      committedAt.set(requestId, answeredAt);
    });
  } finally {
    await agent.close();
  }
  return { startedAt, committedAt };
}

/** Waits until every delivery the tenant has succeeded and there are `expected` of them. */
async function drained(client: pg.Client, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query(
      `select count(*) filter (where status = 'succeeded')::int as succeeded,
         count(*) filter (where status = 'failed')::int as failed from webhook_deliveries`,
    );
    const { succeeded, failed } = rows[0] as { succeeded: number; failed: number };
    if (failed > 0) throw new Error(`${failed} deliveries failed`);
    if (succeeded >= expected) return;
    if (Date.now() > deadline) {
      throw new Error(`${succeeded} of ${expected} deliveries succeeded within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Each measured event's id, its payload as Backroom sends it and its commit time. */
async function measuredEvents(client: pg.Client, fired: Fired) {
  const { rows } = await client.query(
    `select e.id::text as id, e.request_id as "requestId", d.payload
     from events e join webhook_deliveries d on d.event_id = e.id
     where e.request_id = any($1::text[])`,
    [[...fired.committedAt.keys()]],
  );
  if (rows.length !== fired.committedAt.size) {
    throw new Error(`${fired.committedAt.size} adjustments made ${rows.length} deliveries`);
  }
  return rows.map((row: { id: string; requestId: string; payload: unknown }) => ({
    eventId: row.id,
    body: JSON.stringify(row.payload),
    committedAt: fired.committedAt.get(row.requestId) as number,
  }));
}

/** Where a measured event's time goes, median of each stage, from the rows Backroom wrote. */
async function stageMedians(client: pg.Client): Promise<string> {
  const { rows } = await client.query(
    `select
       percentile_cont(0.5) within group (order by extract(epoch from e.dispatched_at - e.occurred_at) * 1000)
         as dispatched,
       percentile_cont(0.5) within group (order by extract(epoch from c.started_at - e.dispatched_at) * 1000)
         as attempted,
       percentile_cont(0.5) within group (order by c.latency_ms) as http,
       percentile_cont(0.5) within group (order by extract(epoch from d.succeeded_at - c.started_at) * 1000
         - c.latency_ms) as recorded
     from events e join webhook_deliveries d on d.event_id = e.id join connector_calls c on c.delivery_id = d.id
     where e.request_id like 'measured-%'`,
  );
  const stage = (value: unknown) => `${Number(value).toFixed(1)} ms`;
  const row = rows[0] ?? {};
  return (
    `median stages: event to fan-out ${stage(row.dispatched)}, fan-out to attempt ${stage(row.attempted)}, ` +
    `HTTP ${stage(row.http)}, attempt recorded ${stage(row.recorded)}`
  );
}

/** Events per second from the first request to the last arrival, and commit-to-arrival latencies. */
async function deliverySummary(
  receiver: WebhookReceiver,
  fired: Fired,
  events: { eventId: string; committedAt: number }[],
): Promise<LoadSummary> {
  const { firstArrival } = await receiver.arrivals();
  const latencies: number[] = [];
  let lastArrival = fired.startedAt;
  for (const event of events) {
    const arrivedAt = firstArrival.get(event.eventId);
    if (arrivedAt === undefined) throw new Error(`event ${event.eventId} never arrived at the receiver`);
    latencies.push(arrivedAt - event.committedAt);
    lastArrival = Math.max(lastArrival, arrivedAt);
  }
  latencies.sort((a, b) => a - b);
  const elapsedMs = lastArrival - fired.startedAt;
  return {
    completed: events.length,
    elapsedMs,
    perSecond: events.length / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** The bodies POSTed to the receiver by `concurrency` loops on keep-alive connections, as a client library would. */
async function barePostLoop(url: string, bodies: string[], settings: LoadSettings): Promise<LoadSummary> {
  const agent = new Agent({ connections: settings.concurrency, keepAliveTimeout: 30_000 });
  let next = 0;
  const post = async () => {
    const body = bodies[next++ % bodies.length];
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`POST ${url}: ${response.statusCode}`);
  };
  try {
    await closedLoop(settings.concurrency, settings.warmup, post);
    return await closedLoop(
      settings.concurrency,
      { requests: bodies.length, durationMs: settings.measure.durationMs * 10 },
      post,
    );
  } finally {
    await agent.close();
  }
}

async function main(cleanups: Cleanups): Promise<void> {
  const defaults = loadSettings();
  // Every event is a few jobs for the worker: the smoke run keeps the backlog to drain small.
  const settings: LoadSettings =
    smoke && !process.env.BENCH_REQUESTS
      ? {
          ...defaults,
          warmup: { requests: 20, durationMs: 2_000 },
          measure: { ...defaults.measure, requests: 100 },
        }
      : defaults;
  const { concurrency, warmup, measure } = settings;
  const drainMs = smoke ? 30_000 : 300_000;

  const postgres = await startBenchPostgres();
  cleanups.push(postgres.stop);
  const backroom = await startBackroom(postgres.databaseUrl);
  cleanups.push(backroom.close);
  const { platform } = backroom;
  const workerPool = new pg.Pool({
    connectionString: postgres.databaseUrl,
    max: platform.config.workerConcurrency + 4,
  });
  workerPool.on('error', () => {});
  workerPool.on('connect', (connection) => connection.on('error', () => {}));
  cleanups.push(() => workerPool.end());
  const worker = await startWorker(platform, workerPool, allTasks(), createLogger('silent'));
  cleanups.push(() => worker.stop());
  const receiver = await startWebhookReceiver();
  cleanups.push(receiver.close);
  const client = new pg.Client({ connectionString: postgres.databaseUrl });
  await client.connect();
  cleanups.push(() => client.end());
  log(
    `${NAME}${smoke ? ' (smoke)' : ''}: node ${process.version}, ${cpus().length} CPUs, concurrency ` +
      `${concurrency}, ${measure.requests} events or ${measure.durationMs / 1000} s of requests, worker ` +
      `concurrency ${platform.config.workerConcurrency}, receiver at ${receiver.url}`,
  );

  const merchant = await createBenchMerchant(platform);
  const auth = { authorization: `Bearer ${await accessToken(backroom.url, merchant.client)}` };
  const api = `${backroom.url}/merchant/v1`;
  const setup = new Agent();
  cleanups.push(() => setup.close());
  await call(setup, `${api}/stores`, 'POST', auth, {
    storeId: STORE_ID,
    name: 'Web store',
    type: 'store',
    address: { line1: '1 Broadway', city: 'New York', country: 'US' },
    timezone: 'America/New_York',
    currency: 'USD',
  });
  await call(setup, `${api}/products`, 'POST', auth, {
    products: Array.from({ length: PRODUCTS }, (_, n) => ({
      productId: productId(n),
      sku: `SKU-${productId(n)}`,
      name: `Product ${n}`,
    })),
    allOrNothing: true,
  });
  await connectReceiver(platform, merchant.tenant.id, receiver.url);

  const warm = await fireEvents(api, auth, 'warmup', concurrency, warmup);
  await drained(client, warm.committedAt.size, drainMs);
  await receiver.reset();
  log(`warm-up: ${warm.committedAt.size} events delivered`);

  const fired = await fireEvents(api, auth, 'measured', concurrency, measure);
  const firedMs = clock() - fired.startedAt;
  log(
    `API: ${fired.committedAt.size} adjustments committed in ${(firedMs / 1000).toFixed(2)} s = ` +
      `${(fired.committedAt.size / (firedMs / 1000)).toFixed(0)}/s`,
  );
  await drained(client, warm.committedAt.size + fired.committedAt.size, drainMs);
  const events = await measuredEvents(client, fired);
  log(await stageMedians(client));
  const delivered = await deliverySummary(receiver, fired, events);
  log(describe('Backroom commit → receiver 2xx (latency: commit to arrival)', delivered));

  const bare = await barePostLoop(
    receiver.url,
    events.map((event) => event.body),
    settings,
  );
  log(describe('bare HTTP POST loop to the receiver (latency: round trip)', bare));

  const ms = (value: number) => Number(value.toFixed(3));
  reportRate(`${NAME} vs bare HTTP POST loop`, 'events/s', delivered.perSecond, bare.perSecond, {
    p50Ms: ms(delivered.p50Ms),
    p99Ms: ms(delivered.p99Ms),
    baselineP50Ms: ms(bare.p50Ms),
    baselineP99Ms: ms(bare.p99Ms),
    events: events.length,
  });
}

await runBenchmark(NAME, main);
