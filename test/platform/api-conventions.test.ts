import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { createMerchant, sampleStore, useAppWithMerchant } from '../helpers/app.ts';

const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});
const s = useAppWithMerchant({
  env: { BACKROOM_BODY_LIMIT_BYTES: '4096' },
  server: { logger: createLogger('info', sink) },
});

const storeCount = async () =>
  Number(
    (
      await s.t.database.pool.query('select count(*) from stores where tenant_id = $1', [
        s.merchant.tenant.id,
      ])
    ).rows[0].count,
  );

function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json(): any },
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const body = response.json();
  expect(body).toMatchObject({ status, code, type: `urn:backroom:problem:${code}` });
  expect(body.title).toBeTruthy();
  expect(body.detail).toBeTruthy();
  return body;
}

describe('bad input gets a precise 4xx problem and writes nothing', () => {
  it('malformed JSON', async () => {
    const before = await storeCount();
    const response = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: { ...s.merchant.auth, 'content-type': 'application/json' },
      payload: '{"storeId": "X",',
    });
    expectProblem(response, 400, 'malformed_json');
    expect(await storeCount()).toBe(before);
  });

  it('wrong types and unknown fields, each named', async () => {
    const response = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: s.merchant.auth,
      payload: { ...sampleStore('T-1'), active: 'yes', colour: 'blue' },
    });
    const body = expectProblem(response, 400, 'validation_failed');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { field: 'body.active', message: expect.any(String) },
        { field: 'body.colour', message: 'unknown field' },
      ]),
    );
  });

  it('an oversized body', async () => {
    const response = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: s.merchant.auth,
      payload: sampleStore('BIG', { name: 'x'.repeat(5000) }),
    });
    expectProblem(response, 413, 'payload_too_large');
  });

  it('an unsupported content type', async () => {
    const response = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: { ...s.merchant.auth, 'content-type': 'text/csv' },
      payload: 'storeId,name',
    });
    expectProblem(response, 415, 'unsupported_media_type');
  });

  it('bad pagination: a forged cursor, a limit out of range, an unknown query parameter', async () => {
    const get = (query: string) =>
      s.t.app.inject({ method: 'GET', url: `/merchant/v1/stores?${query}`, headers: s.merchant.auth });
    expectProblem(await get('cursor=not-a-cursor'), 400, 'invalid_cursor');
    expectProblem(await get(`cursor=${Buffer.from('{"a":1}').toString('base64url')}`), 400, 'invalid_cursor');
    expect((await get('limit=0')).json().errors[0].field).toBe('query.limit');
    expectProblem(await get('limit=201'), 400, 'validation_failed');
    expect((await get('sort=name')).json().errors).toEqual([
      { field: 'query.sort', message: 'unknown field' },
    ]);
  });

  it('an unknown route', async () => {
    expectProblem(
      await s.t.app.inject({ method: 'GET', url: '/merchant/v1/nothing' }),
      404,
      'route_not_found',
    );
  });
});

describe('request ids and logs', () => {
  it('echoes a sane incoming x-request-id and puts it in problems; invents one otherwise', async () => {
    const echoed = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/stores/NOPE',
      headers: { ...s.merchant.auth, 'x-request-id': 'pos-42.abc' },
    });
    expect(echoed.headers['x-request-id']).toBe('pos-42.abc');
    expect(echoed.json().requestId).toBe('pos-42.abc');
    const invented = await s.t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(invented.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs credentials', async () => {
    await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/stores',
      headers: { ...s.merchant.auth, authorization: 'Bearer secret-token-value' },
    });
    await s.t.app.inject({ method: 'GET', url: '/merchant/v1/stores', headers: s.merchant.auth });
    const all = logLines.join('\n');
    expect(all).toContain('/merchant/v1/stores');
    expect(all).not.toContain(s.merchant.client.apiKey);
    expect(all).not.toContain('secret-token-value');
  });

  it('never logs the token of a signed download link', async () => {
    await s.t.app.inject({ method: 'GET', url: '/downloads/v1/inventory/NYC?token=link-secret-value&x=1' });
    const all = logLines.join('\n');
    expect(all).toContain('/downloads/v1/inventory/NYC?token=[redacted]&x=1');
    expect(all).not.toContain('link-secret-value');
  });

  it('redacts secrets wherever they appear in a logged object', () => {
    s.t.app.log.info({ connector: { api_key: 'bk_live_1' }, user: { password: 'hunter2-hunter2' } }, 'probe');
    const line = logLines.at(-1) ?? '';
    expect(line).toContain('probe');
    expect(line).toContain('[redacted]');
    expect(line).not.toContain('bk_live_1');
    expect(line).not.toContain('hunter2');
  });
});

describe('Idempotency-Key', () => {
  const postWithKey = (key: string, body: object) =>
    s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: { ...s.merchant.auth, 'idempotency-key': key },
      payload: body,
    });

  it('replays the first response for the same key and body, without doing the work twice', async () => {
    const first = await postWithKey('key-1', sampleStore('IDEM-1'));
    expect(first.statusCode).toBe(201);
    const second = await postWithKey('key-1', sampleStore('IDEM-1'));
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const { rows } = await s.t.database.pool.query(
      `select count(*)::int as n from events where subject = 'IDEM-1'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('answers 422 when the key is reused with another body', async () => {
    await postWithKey('key-2', sampleStore('IDEM-2'));
    expectProblem(await postWithKey('key-2', sampleStore('IDEM-3')), 422, 'idempotency_key_reused');
    expect(
      (await s.t.app.inject({ method: 'GET', url: '/merchant/v1/stores/IDEM-3', headers: s.merchant.auth }))
        .statusCode,
    ).toBe(404);
  });

  it('answers 409 to a duplicate that arrives while the first is still in flight', async () => {
    const lock = await s.t.database.pool.connect();
    try {
      // Hold the key's advisory lock as an in-flight request would.
      await lock.query('begin');
      await lock.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `${s.merchant.tenant.id}:client:${await clientUuid()}:key-3`,
      ]);
      expectProblem(await postWithKey('key-3', sampleStore('IDEM-4')), 409, 'idempotency_key_in_use');
    } finally {
      await lock.query('rollback');
      lock.release();
    }
    expect((await postWithKey('key-3', sampleStore('IDEM-4'))).statusCode).toBe(201);
  });

  it('lets exactly one of many concurrent identical requests do the work', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => postWithKey('key-4', sampleStore('IDEM-5'))),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses).toContain(201);
    const { rows } = await s.t.database.pool.query(
      `select count(*)::int as n from events where subject = 'IDEM-5'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('keys are per client: another client may use the same key', async () => {
    const other = await createMerchant(s.t.platform);
    const response = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: { ...other.auth, 'idempotency-key': 'key-1' },
      payload: sampleStore('IDEM-1'),
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });
});

async function clientUuid(): Promise<string> {
  const { rows } = await s.t.database.pool.query('select id from api_clients where client_id = $1', [
    s.merchant.client.clientId,
  ]);
  return rows[0].id;
}
