import { randomUUID } from 'node:crypto';
import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { allowNetworks, insertConnector } from '../../../test/helpers/connectors.ts';
import { merchantApi, seedCatalog } from '../../../test/helpers/inventory.ts';
import { type Receiver, startReceiver } from '../../../test/helpers/receiver.ts';
import { until } from '../../../test/helpers/until.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { allTasks } from '../../tasks.ts';
import { startWorker } from '../../worker.ts';

// Two attempts per run of the retry schedule, 50 ms apart: a receiver that is down fails a delivery quickly.
const s = useAppWithMerchant({ env: { BACKROOM_WEBHOOK_RETRY_SCHEDULE: '0,50ms' } });
const api = merchantApi(s);
const EVENTS = '/merchant/v1/webhooks/events';
const REPOST = `${EVENTS}/repost`;

const down = () => ({ status: 500, body: '{"message":"maintenance"}' });
const fine = () => ({ status: 200 });

let worker: Runner;
/** The receiver of inventory adjustments (INVENTORY_EXPORT_INA); down until a test brings it back. */
let adjustments: Receiver;
/** The receiver of bucket adjustments (INVENTORY_EXPORT_INBA); always fine. */
let buckets: Receiver;
let ina: string;
let inba: string;

beforeAll(async () => {
  worker = await startWorker(s.t.platform, s.t.database.pool, allTasks(), createLogger('silent'));
  await seedCatalog(s, ['NYC'], ['TEE', 'CAP', 'MUG', 'HAT', 'BAG', 'PEN']);
  await allowNetworks(s.t.platform, s.merchant.tenant.id);
  adjustments = await startReceiver(down);
  buckets = await startReceiver(fine);
  const tenantId = s.merchant.tenant.id;
  ina = (
    await insertConnector(s.t.platform, tenantId, {
      type: 'WEBHOOK',
      endpointName: 'INVENTORY_EXPORT_INA',
      url: adjustments.url,
      events: ['INVENTORY_ADJUSTMENT'],
    })
  ).id;
  inba = (
    await insertConnector(s.t.platform, tenantId, {
      type: 'WEBHOOK',
      endpointName: 'INVENTORY_EXPORT_INBA',
      url: buckets.url,
    })
  ).id;
  for (const productId of ['TEE', 'CAP', 'MUG']) await adjust(productId);
  await adjust('HAT', 'damaged');
  await listed('?status=failed', 3);
  await listed('?status=succeeded', 1);
});
afterAll(async () => {
  await worker?.stop();
  await adjustments?.close();
  await buckets?.close();
});

async function adjust(productId: string, bucket = 'on_hand') {
  const response = await api.adjustStock([
    { storeId: 'NYC', productId, quantity: 1, bucket, reason: 'recount' },
  ]);
  expect(response.statusCode, response.body).toBe(200);
}

/** The deliveries a search lists, once there are `count` of them. */
async function listed(query: string, count: number): Promise<any[]> {
  return until(async () => {
    const response = await api.call('GET', `${EVENTS}${query}`);
    expect(response.statusCode, response.body).toBe(200);
    const data = response.json().data as any[];
    return data.length === count ? data : undefined;
  });
}

const detail = async (id: string) => {
  const response = await api.call('GET', `${EVENTS}/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

const settled = (id: string, status: string) =>
  until(async () => {
    const event = await detail(id);
    return event.status === status ? event : undefined;
  });

const received = (receiver: Receiver, id: string) =>
  receiver.requests.filter((request) => request.headers['webhook-id'] === id);

const repost = (body: object) => api.call('POST', REPOST, body);

describe('the failed webhook events report', () => {
  it('lists failed deliveries newest first with their last attempt, absent fields left out', async () => {
    const failed = await listed('?status=failed', 3);
    for (const event of failed) {
      expect(event).toMatchObject({
        connectorId: ina,
        connectorName: 'INVENTORY_EXPORT_INA test',
        endpointName: 'INVENTORY_EXPORT_INA',
        eventType: 'INVENTORY_ADJUSTMENT',
        status: 'failed',
        attempts: 2,
        totalAttempts: 2,
        lastStatusCode: 500,
      });
      expect(event.lastError).toEqual(expect.any(String));
      expect(event.failedAt).toBeGreaterThanOrEqual(event.lastAttemptAt);
      for (const absent of ['succeededAt', 'repostedAt', 'nextAttemptAt'])
        expect(event).not.toHaveProperty(absent);
      expect(received(adjustments, event.id)).toHaveLength(2);
    }
    const created = failed.map((event) => event.createdAt);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const all = await listed('', 4);
    expect(all.map((event) => event.status).sort()).toEqual(['failed', 'failed', 'failed', 'succeeded']);
  });

  it('filters by connector, endpoint name, event type and creation time', async () => {
    const [bucketEvent] = await listed(`?connectorId=${inba}`, 1);
    expect(bucketEvent).toMatchObject({
      status: 'succeeded',
      eventType: 'INVENTORY_BUCKET_ADJUSTMENT',
      attempts: 1,
    });
    expect(bucketEvent).not.toHaveProperty('lastError');
    await listed('?endpointName=INVENTORY_EXPORT_INBA', 1);
    await listed('?eventType=INVENTORY_ADJUSTMENT', 3);
    await listed('?eventType=INVENTORY_ADJUSTMENT&status=succeeded', 0);
    const all = await listed('', 4);
    const oldest = Math.min(...all.map((event) => event.createdAt));
    const newest = Math.max(...all.map((event) => event.createdAt));
    await listed(`?from=${oldest}&to=${newest}`, 4);
    await listed(`?from=${newest + 1}`, 0);
    await listed(`?to=${oldest - 1}`, 0);
  });

  it('pages newest first with a cursor, each delivery once', async () => {
    const first = (await api.call('GET', `${EVENTS}?limit=3`)).json();
    expect(first.data).toHaveLength(3);
    const second = (await api.call('GET', `${EVENTS}?limit=3&cursor=${first.nextCursor}`)).json();
    expect(second).toMatchObject({ nextCursor: null });
    const ids = [...first.data, ...second.data].map((event) => event.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids).toEqual((await listed('', 4)).map((event) => event.id));
  });

  it('shows the payload exactly as sent and every attempt, oldest first', async () => {
    const [event] = await listed('?status=failed&limit=1', 1);
    const view = await detail(event.id);
    const sent = received(adjustments, event.id);
    expect(view.payload).toEqual(JSON.parse(sent[0]?.body ?? ''));
    expect(view.payload).toMatchObject({ type: 'INVENTORY_ADJUSTMENT', eventId: view.eventId });
    expect(view.attemptLog).toHaveLength(2);
    for (const attempt of view.attemptLog) {
      expect(attempt).toMatchObject({
        statusCode: 500,
        outcome: 'failed',
        failure: 'http_status',
        reposted: false,
      });
      expect(attempt.responseExcerpt).toContain('maintenance');
      expect(attempt.latencyMs).toEqual(expect.any(Number));
    }
    expect(view.attemptLog[0].at).toBeLessThanOrEqual(view.attemptLog[1].at);
  });

  it('answers 400 for malformed input and 404 for an unknown delivery', async () => {
    const bad = [
      ['GET', `${EVENTS}/not-a-uuid`],
      ['GET', `${EVENTS}?connectorId=nope`],
      ['GET', `${EVENTS}?status=lost`],
      ['GET', `${EVENTS}?endpointName=NOWHERE`],
      ['GET', `${EVENTS}?from=soon`],
      ['GET', `${EVENTS}?from=2000&to=1000`],
      ['GET', `${EVENTS}?colour=red`],
      ['GET', `${EVENTS}?cursor=bm90IGEgY3Vyc29y`],
      ['GET', `${EVENTS}?cursor=${Buffer.from('["x","y"]').toString('base64url')}`],
    ] as const;
    for (const [method, url] of bad) {
      const response = await api.call(method, url);
      expect(response.statusCode, url).toBe(400);
    }
    expect((await api.call('GET', `${EVENTS}/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('answers 400 invalid_cursor for a cursor of the right shape naming a time that does not exist', async () => {
    const first = (await api.call('GET', `${EVENTS}?limit=1`)).json();
    const [at, id] = JSON.parse(Buffer.from(first.nextCursor, 'base64url').toString('utf8'));
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const craft = (time: string) => Buffer.from(JSON.stringify([time, id])).toString('base64url');
    for (const time of [
      '2025-13-45T99:99:99.000000Z',
      '2025-02-30T10:00:00.000000Z',
      '2025-04-31T00:00:00.000000Z',
      '0000-01-01T00:00:00.000000Z',
      '1969-12-31T23:59:59.999999Z',
    ]) {
      const response = await api.call('GET', `${EVENTS}?limit=1&cursor=${craft(time)}`);
      expect(response.statusCode, time).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_cursor', errors: [{ field: 'query.cursor' }] });
    }
    const leap = await api.call('GET', `${EVENTS}?limit=1&cursor=${craft('2024-02-29T23:59:59.999999Z')}`);
    expect(leap.statusCode, leap.body).toBe(200);
  });

  it('answers 404 for a delivery of another merchant', async () => {
    const [event] = await listed('?status=failed&limit=1', 1);
    const other = await createMerchant(s.t.platform);
    const foreign = await s.t.app.inject({
      method: 'GET',
      url: `${EVENTS}/${event.id}`,
      headers: other.auth,
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('refuses malformed repost requests, and reposts nothing when an id is unknown', async () => {
    const bodies = [
      {},
      { ids: [] },
      { ids: ['not-a-uuid'] },
      { ids: Array.from({ length: 1001 }, () => randomUUID()) },
      { ids: [randomUUID()], search: {} },
      { search: { status: 'pending' } },
      { search: { from: 2000, to: 1000 } },
      { search: { colour: 'red' } },
      { ids: [randomUUID()], colour: 'red' },
    ];
    for (const body of bodies) expect((await repost(body)).statusCode, JSON.stringify(body)).toBe(400);
    const [event] = await listed('?status=failed&limit=1', 1);
    const unknown = randomUUID();
    const response = await repost({ ids: [event.id, unknown] });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'unknown_reference', errors: [{ field: 'body.ids.1' }] });
    expect(response.json().detail).toContain(unknown);
    expect((await detail(event.id)).status).toBe('failed');
  });

  it('needs the integrations:write scope to repost', async () => {
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['integrations:read'] } });
    const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
      s.t.app.inject({ method, url, headers: reader.auth, ...(payload ? { payload } : {}) });
    expect((await call('GET', EVENTS)).statusCode).toBe(200);
    expect((await call('POST', REPOST, { search: {} })).statusCode).toBe(403);
  });
});

describe('reposting', () => {
  it('reposts one failed delivery with the same webhook-id once the receiver is back', async () => {
    adjustments.respond = fine;
    const [event] = await listed('?status=failed&limit=1', 1);
    const response = await repost({ ids: [event.id] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ reposted: 1, skipped: 0, remaining: 0, ids: [event.id] });
    const view = await settled(event.id, 'succeeded');
    expect(view).toMatchObject({ attempts: 1, totalAttempts: 3, lastStatusCode: 200 });
    expect(view.repostedAt).toBeGreaterThanOrEqual(event.failedAt);
    expect(view.succeededAt).toBeGreaterThanOrEqual(view.repostedAt);
    expect(view.attemptLog.map((a: any) => [a.outcome, a.reposted])).toEqual([
      ['failed', false],
      ['failed', false],
      ['succeeded', true],
    ]);
    const sent = received(adjustments, event.id);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((request) => request.body)).size).toBe(1);
  });

  it('reposts a selection and skips, and counts, deliveries still pending', async () => {
    adjustments.respond = () => ({ status: 200, delayMs: 1000 });
    const failed = await listed('?status=failed', 2);
    const ids = failed.map((event) => event.id);
    const first = await repost({ ids });
    expect(first.json()).toEqual({ reposted: 2, skipped: 0, remaining: 0, ids });
    const again = await repost({ ids: [ids[0]] });
    expect(again.json()).toEqual({ reposted: 0, skipped: 1, remaining: 0, ids: [] });
    expect((await repost({ search: { connectorId: ina } })).json()).toEqual({
      reposted: 0,
      skipped: 0,
      remaining: 0,
      ids: [],
    });
    for (const id of ids) {
      await settled(id, 'succeeded');
      expect(received(adjustments, id)).toHaveLength(3);
    }
    adjustments.respond = fine;
  });

  it('reposts every delivery matching a search, failed ones by default', async () => {
    adjustments.respond = down;
    await adjust('BAG');
    await adjust('PEN');
    const failed = await listed(`?status=failed&connectorId=${ina}`, 2);
    adjustments.respond = fine;
    const response = await repost({ search: { connectorId: ina, eventType: 'INVENTORY_ADJUSTMENT' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ reposted: 2, skipped: 0, remaining: 0 });
    expect([...response.json().ids].sort()).toEqual(failed.map((event) => event.id).sort());
    for (const event of failed) {
      await settled(event.id, 'succeeded');
      expect(received(adjustments, event.id).length).toBe(3);
    }
    await listed('?status=failed', 0);
  });

  it('reposts succeeded deliveries when the search asks for them', async () => {
    const [delivered] = await listed('?endpointName=INVENTORY_EXPORT_INBA', 1);
    const response = await repost({ search: { endpointName: 'INVENTORY_EXPORT_INBA', status: 'succeeded' } });
    expect(response.json()).toEqual({ reposted: 1, skipped: 0, remaining: 0, ids: [delivered.id] });
    await until(() => (received(buckets, delivered.id).length === 2 ? true : undefined));
    const view = await settled(delivered.id, 'succeeded');
    expect(view.attemptLog.map((a: any) => a.reposted)).toEqual([false, true]);
  });

  it('refuses to repost to a disabled connector, naming it', async () => {
    const pool = s.t.database.pool;
    await pool.query('update connectors set enabled = false where tenant_id = $1 and id = $2', [
      s.merchant.tenant.id,
      ina,
    ]);
    try {
      const before = await listed(`?connectorId=${ina}&status=succeeded`, 5);
      const response = await repost({ search: { status: 'succeeded' } });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'invalid_state' });
      expect(response.json().detail).toContain('INVENTORY_EXPORT_INA test');
      expect(response.json().detail).not.toContain('INVENTORY_EXPORT_INBA test');
      expect((await repost({ ids: [before[0].id] })).statusCode).toBe(409);
      const after = await listed(`?connectorId=${ina}&status=succeeded`, 5);
      expect(after.map((event) => event.repostedAt)).toEqual(before.map((event) => event.repostedAt));
      expect((await listed(`?connectorId=${inba}`, 1))[0].status).toBe('succeeded');
    } finally {
      await pool.query('update connectors set enabled = true where tenant_id = $1 and id = $2', [
        s.merchant.tenant.id,
        ina,
      ]);
    }
  });
});
