import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type SpiServer, startSpiServer } from '../../../examples/spi-server/server.ts';
import {
  createMerchant,
  sampleStore,
  type TestMerchant,
  useAppWithMerchant,
} from '../../../test/helpers/app.ts';
import { allowNetworks, insertConnector, type TestConnector } from '../../../test/helpers/connectors.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';
import { type Receiver, startReceiver } from '../../../test/helpers/receiver.ts';
import { until } from '../../../test/helpers/until.ts';
import { VERIFY_EMPLOYEE_PATH } from '../../modules/associates/verify-employee.ts';
import type { OutsideCtx } from '../../platform/context.ts';
import { processMetrics } from '../../platform/observability/metrics.ts';
import { callSpi } from './call-spi.ts';

const BREAKER_RESET_MS = 400;
const s = useAppWithMerchant({
  env: { BACKROOM_SPI_BREAKER_MIN_CALLS: '3', BACKROOM_SPI_BREAKER_RESET_MS: String(BREAKER_RESET_MS) },
});

const SPI_KEY = 'spi-key-7f3a9c1e5b2d';
let spi: SpiServer;
const receivers: Receiver[] = [];

beforeAll(async () => {
  spi = await startSpiServer({ apiKey: SPI_KEY });
});
afterAll(async () => {
  await spi?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(respond: Receiver['respond']): Promise<Receiver> {
  const started = await startReceiver(respond);
  receivers.push(started);
  return started;
}

interface Setup {
  merchant: TestMerchant;
  connectorId: string;
  verify(body: object): ReturnType<ReturnType<typeof merchantApi>['call']>;
  /** The connector's recorded calls, oldest first: each is written before the operation answers. */
  calls(): Promise<Record<string, any>[]>;
  /** What a route's `prepare` or a task outside transactions would hand `callSpi`. */
  outside: OutsideCtx;
}

/**
 * A merchant of its own (one VERIFY_EMPLOYEE connector per merchant), whose Backroom knows associate A-1 of
 * store S-1, with loopback allowed unless told otherwise and an SPI connector to `url`.
 */
async function merchantWithSpi(
  connector: Partial<TestConnector> & { url: string },
  options: { allowLoopback?: boolean } = {},
): Promise<Setup> {
  const merchant = await createMerchant(s.t.platform);
  const api = merchantApi(s, () => merchant);
  expect((await api.call('POST', '/merchant/v1/stores', sampleStore('S-1'))).statusCode).toBe(201);
  const associate = {
    associateId: 'A-1',
    employeeNumber: 'E-1',
    firstName: 'Kim',
    lastName: 'Lo',
    storeIds: ['S-1'],
  };
  expect((await api.call('POST', '/merchant/v1/associates', associate)).statusCode).toBe(201);
  if (options.allowLoopback !== false) await allowNetworks(s.t.platform, merchant.tenant.id);
  const { id } = await insertConnector(s.t.platform, merchant.tenant.id, {
    type: 'SPI',
    endpointName: 'VERIFY_EMPLOYEE',
    apiKey: SPI_KEY,
    apiVersion: '1.0',
    ...connector,
  });
  return {
    merchant,
    connectorId: id,
    verify: (body) => api.call('POST', '/merchant/v1/associates/verify', body),
    async calls() {
      const { rows } = await s.t.database.pool.query(
        `select kind, outcome, failure, status_code as "statusCode", latency_ms as "latencyMs", error,
                response_excerpt as "responseExcerpt"
         from connector_calls where tenant_id = $1 and connector_id = $2 order by started_at, id`,
        [merchant.tenant.id, id],
      );
      return rows;
    },
    outside: {
      tenantId: merchant.tenant.id,
      principal: {
        kind: 'system',
        id: 'test',
        tenantId: merchant.tenant.id,
        scopes: [],
        limits: { perSecond: 0, perDay: 0 },
      },
      requestId: 'call-spi-test',
      now: s.t.platform.now,
      platform: s.t.platform,
    },
  };
}

/**
 * An SPI that holds every request until `open()` is called, then answers each that it is an employee: shows
 * what Backroom holds while a merchant's system is thinking.
 */
async function startGatedSpi() {
  const held: ServerResponse[] = [];
  let opened = false;
  const answer = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"verified":true,"name":"Kim Lo"}');
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (opened ? answer(res) : held.push(res)));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held.length,
    open() {
      opened = true;
      for (const res of held.splice(0)) answer(res);
    },
    close() {
      this.open();
      server.closeAllConnections();
      return new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}

/** How many calls of the endpoint the metrics counted with this outcome, in this process so far. */
async function countedCalls(outcome: string): Promise<number> {
  const metric = await processMetrics.getSingleMetric('backroom_connector_calls_total')?.get();
  const value = metric?.values.find(
    ({ labels }) =>
      labels.kind === 'spi' && labels.endpoint === 'VERIFY_EMPLOYEE' && labels.outcome === outcome,
  );
  return value?.value ?? 0;
}

const builtinKim = { verified: true, associateId: 'A-1', name: 'Kim Lo', source: 'backroom' };

describe('SPI calls', () => {
  it('completes the operation through its fallback within timeout + 100 ms when the SPI sleeps past its timeout', async () => {
    const timeoutMs = 500;
    const slow = await startSpiServer({ apiKey: SPI_KEY });
    try {
      const m = await merchantWithSpi({ url: slow.url, timeoutMs });
      // A quick call first: what the first outbound call of a process sets up is not what is measured here.
      expect((await m.verify({ associateId: 'A-1001' })).json()).toMatchObject({ source: 'spi' });
      slow.delayMs = 3000;

      let started = performance.now();
      const result = await callSpi(m.outside, 'VERIFY_EMPLOYEE', {
        path: VERIFY_EMPLOYEE_PATH,
        body: { associateId: 'A-1' },
        response: z.object({ verified: z.boolean() }),
      });
      const spiElapsed = performance.now() - started;
      expect(result).toEqual({ answered: false, failure: 'timeout' });
      expect(spiElapsed).toBeGreaterThanOrEqual(timeoutMs);
      expect(spiElapsed).toBeLessThan(timeoutMs + 100);

      started = performance.now();
      const response = await m.verify({ associateId: 'A-1', storeId: 'S-1' });
      const verifyElapsed = performance.now() - started;
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(builtinKim);
      expect(verifyElapsed).toBeGreaterThanOrEqual(timeoutMs);
      // The +100 ms bound is asserted on the operation itself above; the whole HTTP request adds
      // authentication and a transaction, which can take longer while other test files load both cores.
      expect(verifyElapsed).toBeLessThan(timeoutMs + 300);

      const calls = await m.calls();
      expect(calls.map((call) => [call.outcome, call.failure, call.statusCode])).toEqual([
        ['succeeded', null, 200],
        ['failed', 'timeout', null],
        ['failed', 'timeout', null],
      ]);
      for (const call of calls.slice(1)) {
        expect(call.latencyMs).toBeGreaterThanOrEqual(timeoutMs);
        expect(call.latencyMs).toBeLessThan(timeoutMs + 100);
      }
    } finally {
      await slow.close();
    }
  });

  it('holds no database connection while the merchant system thinks: more calls than pool connections all reach it at once', async () => {
    const poolSize = s.t.database.pool.options.max ?? 10;
    const gated = await startGatedSpi();
    try {
      const m = await merchantWithSpi({ url: gated.url, timeoutMs: 10_000 });
      const verdicts = Array.from({ length: poolSize + 2 }, () => m.verify({ associateId: 'A-1' }));
      // Were each request's transaction open around its SPI call, only `poolSize` calls could be waiting here.
      await until(() => (gated.held() === poolSize + 2 ? true : undefined), 5000);
      const { rows } = await s.t.database.pool.query(
        `select count(*)::int as count from pg_stat_activity
         where datname = current_database() and state like 'idle in transaction%'`,
      );
      expect(rows[0].count).toBe(0);
      gated.open();
      for (const response of await Promise.all(verdicts)) {
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ ...builtinKim, source: 'spi' });
      }
      expect(await m.calls()).toHaveLength(poolSize + 2);
    } finally {
      await gated.close();
    }
  });

  it('answers a replay of an Idempotency-Key with the first verdict, without asking the SPI again', async () => {
    let verified = true;
    const merchantSide = await receiver(() => ({ status: 200, body: JSON.stringify({ verified }) }));
    const m = await merchantWithSpi({ url: merchantSide.url });
    const verify = () =>
      s.t.app.inject({
        method: 'POST',
        url: '/merchant/v1/associates/verify',
        headers: { ...m.merchant.auth, 'idempotency-key': 'verify-1' },
        payload: { associateId: 'A-1' },
      });
    expect((await verify()).json()).toEqual({ verified: true, associateId: 'A-1', source: 'spi' });
    verified = false;
    const replay = await verify();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual({ verified: true, associateId: 'A-1', source: 'spi' });
    expect(merchantSide.requests).toHaveLength(1);
  });

  it("uses the SPI's answer, asked with api_version in the path and api_key in the query", async () => {
    const m = await merchantWithSpi({ url: spi.url });
    // A-1001 is an employee of the merchant's system only; Backroom does not know this associate.
    const response = await m.verify({ associateId: 'A-1001', storeId: 'NYC-02' });
    expect(response.json()).toEqual({
      verified: true,
      associateId: 'A-1001',
      name: 'Dana Reyes',
      source: 'spi',
    });
    const notHere = await m.verify({ associateId: 'A-1001', storeId: 'S-1' });
    expect(notHere.json()).toEqual({ verified: false, associateId: 'A-1001', source: 'spi' });
    const calls = await m.calls();
    expect(calls.map((call) => [call.outcome, call.statusCode])).toEqual([
      ['succeeded', 200],
      ['succeeded', 200],
    ]);
  });

  it('sends api_key first, keeps the static query of the URL, and leaves absent fields out of the body', async () => {
    const merchantSide = await receiver(() => ({ status: 200, body: '{"verified":false}' }));
    const m = await merchantWithSpi({
      url: `${merchantSide.url}/spi?locale=en-us`,
      headers: { 'x-merchant': 'backroom' },
    });
    expect((await m.verify({ associateId: 'A-9' })).json()).toEqual({
      verified: false,
      associateId: 'A-9',
      source: 'spi',
    });
    const [request] = merchantSide.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`/spi/1.0/sa/employee/verification?api_key=${SPI_KEY}&locale=en-us`);
    expect(request?.headers['x-merchant']).toBe('backroom');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ associateId: 'A-9' });
  });

  it('falls back when the SPI answers 401 with an empty body to a wrong key', async () => {
    const m = await merchantWithSpi({ url: spi.url, apiKey: 'not-the-key' });
    expect((await m.verify({ associateId: 'A-1' })).json()).toEqual(builtinKim);
    const [call, ...more] = await m.calls();
    expect(more).toEqual([]);
    expect(call).toMatchObject({
      outcome: 'failed',
      failure: 'http_status',
      statusCode: 401,
      responseExcerpt: null,
    });
  });

  it('falls back when the SPI answers 200 with errorMessage and errorCode', async () => {
    const m = await merchantWithSpi({ url: spi.url });
    // The sample SPI does not know A-1: it answers EMPLOYEE_NOT_FOUND in a 200, and Backroom's associates decide.
    expect((await m.verify({ associateId: 'A-1' })).json()).toEqual(builtinKim);
    const [call, ...more] = await m.calls();
    expect(more).toEqual([]);
    expect(call).toMatchObject({ outcome: 'failed', failure: 'error_body', statusCode: 200 });
    expect(call?.error).toContain('EMPLOYEE_NOT_FOUND');
  });

  it('falls back on an answer that is not JSON or not of the expected shape', async () => {
    let answer = '{"verified":"yes"}';
    const merchantSide = await receiver(() => ({ status: 200, body: answer }));
    const m = await merchantWithSpi({ url: merchantSide.url });
    expect((await m.verify({ associateId: 'A-1' })).json()).toEqual(builtinKim);
    answer = 'verified';
    expect((await m.verify({ associateId: 'A-1' })).json()).toEqual(builtinKim);
    const calls = await m.calls();
    expect(calls.map((call) => call.failure)).toEqual(['invalid_response', 'invalid_response']);
    expect(calls[0]?.error).toContain('verified');
    expect(calls[1]?.error).toContain('not JSON');
  });

  it('reads a null field of an answer as absent: fine when optional, invalid when required', async () => {
    let answer = '{"verified":true,"name":null}';
    const merchantSide = await receiver(() => ({ status: 200, body: answer }));
    const m = await merchantWithSpi({ url: merchantSide.url });
    expect((await m.verify({ associateId: 'A-77' })).json()).toEqual({
      verified: true,
      associateId: 'A-77',
      source: 'spi',
    });
    answer = '{"verified":null,"name":"Kim Lo"}';
    expect((await m.verify({ associateId: 'A-1' })).json()).toEqual(builtinKim);
    const calls = await m.calls();
    expect(calls.map((call) => call.failure)).toEqual([null, 'invalid_response']);
  });

  it('opens the breaker after repeated failures, answers from the fallback without calling or recording, and closes after its reset timeout', async () => {
    let status = 503;
    const merchantSide = await receiver(() => ({ status, body: status === 200 ? '{"verified":false}' : '' }));
    const m = await merchantWithSpi({ url: merchantSide.url });
    for (let i = 0; i < 3; i++) {
      expect((await m.verify({ associateId: 'A-1' })).json()).toEqual(builtinKim);
    }
    expect(merchantSide.requests).toHaveLength(3);

    status = 200;
    const refusedBefore = await countedCalls('circuit_open');
    expect((await m.verify({ associateId: 'A-1' })).json()).toEqual(builtinKim);
    expect(merchantSide.requests).toHaveLength(3);
    let refused = 1;

    // Until the reset timeout has passed every call is refused; then one call tries the merchant's system.
    await until(async () => {
      const verdict = (await m.verify({ associateId: 'A-1' })).json();
      if (verdict.source === 'spi') return verdict;
      refused += 1;
      return undefined;
    }, BREAKER_RESET_MS * 10);
    expect((await m.verify({ associateId: 'A-1' })).json()).toMatchObject({ verified: false, source: 'spi' });
    expect(merchantSide.requests).toHaveLength(5);

    expect(await countedCalls('circuit_open')).toBe(refusedBefore + refused);
    const calls = await m.calls();
    expect(calls.map((call) => call.failure)).toEqual([
      'http_status',
      'http_status',
      'http_status',
      null,
      null,
    ]);
  });

  it('never records the api key, whatever the merchant system echoes', async () => {
    let kind = 0;
    const merchantSide = await receiver((request) => {
      kind += 1;
      if (kind === 1) return { status: 500, body: `failed for ${request.url}` };
      if (kind === 2)
        return { status: 200, body: JSON.stringify({ errorCode: 'E', errorMessage: `bad ${SPI_KEY}` }) };
      return { status: 200, body: JSON.stringify({ verified: SPI_KEY, echo: request.url }) };
    });
    const m = await merchantWithSpi({ url: merchantSide.url });
    for (let i = 0; i < 3; i++) {
      expect((await m.verify({ associateId: 'A-1' })).json()).toEqual(builtinKim);
    }
    const calls = await m.calls();
    expect(calls.map((call) => call.failure)).toEqual(['http_status', 'error_body', 'invalid_response']);
    for (const call of calls) {
      expect(`${call.error} ${call.responseExcerpt}`).not.toContain(SPI_KEY);
    }
    expect(calls[0]?.responseExcerpt).toContain('api_key=[REDACTED]');
  });

  it("refuses a loopback URL the tenant's outbound policy does not allow, and falls back", async () => {
    const merchantSide = await receiver(() => ({ status: 200, body: '{"verified":false}' }));
    const m = await merchantWithSpi({ url: merchantSide.url }, { allowLoopback: false });
    expect((await m.verify({ associateId: 'A-1', storeId: 'S-1' })).json()).toEqual(builtinKim);
    expect(merchantSide.requests).toHaveLength(0);
    const [call, ...more] = await m.calls();
    expect(more).toEqual([]);
    expect(call).toMatchObject({ outcome: 'failed', failure: 'url_refused' });
  });
});
