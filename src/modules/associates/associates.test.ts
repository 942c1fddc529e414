import { beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, eventsFor, sampleStore, useAppWithMerchant } from '../../../test/helpers/app.ts';

const s = useAppWithMerchant();

const send = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  auth = s.merchant.auth,
) =>
  s.t.app.inject({ method, url, headers: auth, ...(body === undefined ? {} : { payload: body as object }) });
const post = (body: unknown, auth?: Record<string, string>) =>
  send('POST', '/merchant/v1/associates', body, auth);
const put = (body: unknown) => send('PUT', '/merchant/v1/associates', body);
const get = (url: string, auth?: Record<string, string>) => send('GET', url, undefined, auth);
const deactivate = (associateId: string) =>
  send('DELETE', `/merchant/v1/associates?associateId=${encodeURIComponent(associateId)}`);
const verifyPin = (associateId: string, pin: string) =>
  send('POST', `/merchant/v1/associates/${associateId}/verify-pin`, { pin });

const sample = (associateId: string, overrides: Record<string, unknown> = {}) => ({
  associateId,
  employeeNumber: `E-${associateId}`,
  firstName: 'Dana',
  lastName: 'Reyes',
  storeIds: ['A-S1'],
  ...overrides,
});

async function pinHashOf(associateId: string): Promise<string | null> {
  const { rows } = await s.t.database.pool.query(
    'select pin_hash from associates where tenant_id = $1 and associate_id = $2',
    [s.merchant.tenant.id, associateId],
  );
  return rows[0]?.pin_hash ?? null;
}

beforeAll(async () => {
  for (const storeId of ['A-S1', 'A-S2', 'A-S3', 'A-S4']) {
    const response = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: s.merchant.auth,
      payload: sampleStore(storeId),
    });
    expect(response.statusCode).toBe(201);
  }
});

describe('associates', () => {
  it('creates an associate, stores the PIN hashed, never returns it, and emits associate.created', async () => {
    const before = Date.now();
    const created = await post(sample('A-1', { pin: '4827', email: 'dana@example.com', role: 'lead' }));
    expect(created.statusCode).toBe(201);
    const associate = created.json();
    expect(associate).toEqual({
      associateId: 'A-1',
      employeeNumber: 'E-A-1',
      firstName: 'Dana',
      lastName: 'Reyes',
      email: 'dana@example.com',
      storeIds: ['A-S1'],
      role: 'lead',
      hasPin: true,
      active: true,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
    });
    expect(associate.createdAt).toBeGreaterThanOrEqual(before - 1000);

    const fetched = await get('/merchant/v1/associates/A-1');
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(associate);

    const hash = await pinHashOf('A-1');
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('4827');

    const events = await eventsFor(s, 'A-1');
    expect(events.map((e) => e.type)).toEqual(['associate.created']);
    expect(events[0]?.data).toEqual({ associate });
    expect(JSON.stringify(events)).not.toContain('4827');
  });

  it('defaults role and active, and leaves optional fields absent', async () => {
    const created = await post(sample('A-2', { storeIds: ['A-S1', 'A-S2'] }));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ role: 'associate', active: true, hasPin: false });
    expect(created.json()).not.toHaveProperty('email');
    expect(created.json()).not.toHaveProperty('pin');
    expect(await pinHashOf('A-2')).toBeNull();
  });

  it('refuses a taken associateId (already_exists) and a taken employee number (duplicate_value)', async () => {
    await post(sample('A-dup'));
    const again = await post(sample('A-dup', { employeeNumber: 'E-other' }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'already_exists' });

    const sameNumber = await post(sample('A-dup2', { employeeNumber: 'E-A-dup' }));
    expect(sameNumber.statusCode).toBe(409);
    expect(sameNumber.json()).toMatchObject({
      code: 'duplicate_value',
      errors: [{ field: 'body.employeeNumber', message: 'is used by another associate' }],
    });
    expect((await get('/merchant/v1/associates/A-dup2')).statusCode).toBe(404);
    expect((await eventsFor(s, 'A-dup')).length).toBe(1);
  });

  it('refuses storeIds that name no store with 422 unknown_reference naming each one', async () => {
    const response = await post(sample('A-nostore', { storeIds: ['A-S1', 'NOPE-1', 'A-S2', 'NOPE-2'] }));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'unknown_reference' });
    expect(response.json().errors).toEqual([
      { field: 'body.storeIds.1', message: 'no store has this storeId' },
      { field: 'body.storeIds.3', message: 'no store has this storeId' },
    ]);
    expect((await get('/merchant/v1/associates/A-nostore')).statusCode).toBe(404);
  });

  it('rejects trivial PINs with a clear 422 and malformed ones with 400, writing nothing', async () => {
    for (const pin of ['0000', '1111', '1234', '4321', '1212', '98765', '01234567']) {
      const response = await post(sample(`A-pin-${pin}`, { pin }));
      expect(response.statusCode, pin).toBe(422);
      expect(response.json().code).toBe('password_rejected');
      expect(response.json().errors[0].field).toBe('body.pin');
      expect(response.json().detail).toContain('too easy to guess');
    }
    for (const pin of ['123', '123456789', '12a4', '', 4827]) {
      const response = await post(sample('A-pin-bad', { pin }));
      expect(response.statusCode, String(pin)).toBe(400);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.pin']);
    }
    const { rows } = await s.t.database.pool.query(
      "select count(*)::int as n from associates where associate_id like 'A-pin-%'",
    );
    expect(rows[0].n).toBe(0);
  });

  it('answers bad input with 400 problems naming the fields, never 500', async () => {
    const cases: [unknown, string[]][] = [
      [{ ...sample('A-bad'), extra: 1 }, ['body.extra']],
      [sample('A-bad', { storeIds: [] }), ['body.storeIds']],
      [sample('A-bad', { storeIds: ['A-S1', 'A-S1'] }), ['body.storeIds']],
      [sample('A-bad', { storeIds: ['bad id!'] }), ['body.storeIds.0']],
      [sample('A-bad', { role: 'cashier', email: 'not-an-email' }), ['body.role', 'body.email']],
      [sample('bad id!', { firstName: '  ' }), ['body.associateId', 'body.firstName']],
      [{ associateId: 'A-bad' }, ['body.employeeNumber', 'body.firstName', 'body.lastName', 'body.storeIds']],
    ];
    for (const [body, fields] of cases) {
      const response = await post(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(fields),
      );
    }
    expect((await put({ associateId: 'A-1', pin: null, hasPin: false })).statusCode).toBe(400);
    expect((await get('/merchant/v1/associates?active=yes')).statusCode).toBe(400);
    expect((await get('/merchant/v1/associates?cursor=garbage')).statusCode).toBe(400);
    expect((await send('DELETE', '/merchant/v1/associates')).statusCode).toBe(400);
    expect((await verifyPin('A-1', 'x'.repeat(65))).statusCode).toBe(400);
  });

  it('updates only the given fields, clears with null, and names the changed fields (pin, never its value)', async () => {
    await post(sample('A-upd', { email: 'old@example.com', pin: '5190' }));
    const updated = await put({
      associateId: 'A-upd',
      lastName: 'Ortiz',
      email: null,
      storeIds: ['A-S2', 'A-S3'],
      pin: '7362',
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      lastName: 'Ortiz',
      firstName: 'Dana',
      storeIds: ['A-S2', 'A-S3'],
    });
    expect(updated.json()).not.toHaveProperty('email');
    expect(updated.json().hasPin).toBe(true);
    const events = await eventsFor(s, 'A-upd');
    expect(events.map((e) => e.type)).toEqual(['associate.created', 'associate.updated']);
    expect(events[1]?.data.changed).toEqual(['lastName', 'email', 'storeIds', 'pin']);
    expect(JSON.stringify(events)).not.toMatch(/5190|7362|pinHash|scrypt/);
    expect((await verifyPin('A-upd', '7362')).json().valid).toBe(true);
    expect((await verifyPin('A-upd', '5190')).json().valid).toBe(false);

    const unchanged = await put({ associateId: 'A-upd', lastName: 'Ortiz', pin: '7362' });
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json().updatedAt).toBe(updated.json().updatedAt);
    expect((await eventsFor(s, 'A-upd')).length).toBe(2);

    const cleared = await put({ associateId: 'A-upd', pin: null });
    expect(cleared.json().hasPin).toBe(false);
    expect(await pinHashOf('A-upd')).toBeNull();
    expect((await eventsFor(s, 'A-upd'))[2]?.data.changed).toEqual(['pin']);
  });

  it('gives an employee number to one of several concurrent requests, answering the others 409', async () => {
    for (const id of ['A-race-1', 'A-race-2', 'A-race-3']) await post(sample(id));
    const responses = await Promise.all([
      ...['A-race-4', 'A-race-5', 'A-race-6'].map((id) => post(sample(id, { employeeNumber: 'E-race' }))),
      ...['A-race-1', 'A-race-2', 'A-race-3'].map((id) => put({ associateId: id, employeeNumber: 'E-race' })),
    ]);
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((status) => status === 200 || status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(5);
    for (const response of responses.filter((r) => r.statusCode === 409)) {
      expect(response.json().code).toBe('duplicate_value');
    }
  });

  it('checks the rules on update: stores, employee numbers, PINs, and 404', async () => {
    await post(sample('A-rules'));
    const unknownStore = await put({ associateId: 'A-rules', storeIds: ['A-S1', 'NOPE'] });
    expect(unknownStore.statusCode).toBe(422);
    expect(unknownStore.json().errors).toEqual([
      { field: 'body.storeIds.1', message: 'no store has this storeId' },
    ]);
    const taken = await put({ associateId: 'A-rules', employeeNumber: 'E-A-1' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('duplicate_value');
    const own = await put({ associateId: 'A-rules', employeeNumber: 'E-A-rules', firstName: 'Sam' });
    expect(own.statusCode).toBe(200);
    expect((await put({ associateId: 'A-rules', pin: '2222' })).statusCode).toBe(422);
    expect((await put({ associateId: 'NOPE', firstName: 'x' })).statusCode).toBe(404);
    expect((await get('/merchant/v1/associates/A-rules')).json()).toMatchObject({
      employeeNumber: 'E-A-rules',
      firstName: 'Sam',
      storeIds: ['A-S1'],
      hasPin: false,
    });
  });

  it('deactivates on DELETE, keeps the associate, and emits associate.deactivated once', async () => {
    await post(sample('A-del', { pin: '3961' }));
    expect((await verifyPin('A-del', '3961')).json()).toEqual({ associateId: 'A-del', valid: true });
    const deleted = await deactivate('A-del');
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ associateId: 'A-del', active: false, hasPin: true });
    const again = await deactivate('A-del');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(deleted.json());
    expect((await get('/merchant/v1/associates/A-del')).json().active).toBe(false);
    const events = await eventsFor(s, 'A-del');
    expect(events.map((e) => e.type)).toEqual(['associate.created', 'associate.deactivated']);
    expect(events[1]?.data).toEqual({ associate: deleted.json() });
    expect((await deactivate('NOPE')).statusCode).toBe(404);

    expect((await verifyPin('A-del', '3961')).json()).toEqual({ associateId: 'A-del', valid: false });
    const reactivated = await put({ associateId: 'A-del', active: true });
    expect(reactivated.json().active).toBe(true);
    expect((await verifyPin('A-del', '3961')).json().valid).toBe(true);
  });

  it('verifies PINs: wrong or missing PINs are not valid, unknown associates are 404', async () => {
    await post(sample('A-ver', { pin: '80516' }));
    expect((await verifyPin('A-ver', '80516')).json()).toEqual({ associateId: 'A-ver', valid: true });
    expect((await verifyPin('A-ver', '80517')).json().valid).toBe(false);
    expect((await verifyPin('A-ver', 'abc')).json().valid).toBe(false);
    expect((await verifyPin('A-2', '1234')).json()).toEqual({ associateId: 'A-2', valid: false });
    const missing = await verifyPin('NOPE', '80516');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
  });

  it('locks PIN sign-in after five wrong PINs in a row, even when guessed concurrently', async () => {
    await post(sample('A-lock', { pin: '80516' }));
    expect((await verifyPin('A-lock', '11111')).json().valid).toBe(false);
    expect((await verifyPin('A-lock', '80516')).json()).toEqual({ associateId: 'A-lock', valid: true });
    const guesses = await Promise.all(
      ['20001', '20002', '20003', '20004', '20005'].map((pin) => verifyPin('A-lock', pin)),
    );
    expect(guesses.map((guess) => guess.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(guesses.filter((guess) => guess.json().lockedUntil !== undefined)).toHaveLength(1);
    const locked = (await verifyPin('A-lock', '80516')).json();
    expect(locked.valid).toBe(false);
    expect(locked.lockedUntil).toBeGreaterThan(Date.now() + 14 * 60_000);
  });

  it('lists every associate exactly once across pages, with filters', async () => {
    for (const id of ['L-1', 'L-2', 'L-3', 'L-4']) await post(sample(id, { storeIds: ['A-S4'] }));
    await post(sample('L-5', { storeIds: ['A-S2', 'A-S4'], active: false }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`/merchant/v1/associates?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      expect(page.json().data.length).toBeLessThanOrEqual(3);
      seen.push(...page.json().data.map((a: { associateId: string }) => a.associateId));
      cursor = page.json().nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['A-1', 'A-2', 'L-1', 'L-5']));

    const ids = async (query: string) =>
      (await get(`/merchant/v1/associates?${query}`))
        .json()
        .data.map((a: { associateId: string }) => a.associateId);
    expect(await ids('storeId=A-S4')).toEqual(['L-1', 'L-2', 'L-3', 'L-4', 'L-5']);
    expect(await ids('storeId=A-S4&active=true')).toEqual(['L-1', 'L-2', 'L-3', 'L-4']);
    expect(await ids('storeId=A-S2&active=false')).toEqual(['L-5']);
    expect(await ids('associateId=L-2')).toEqual(['L-2']);
    expect(await ids('storeId=NOPE')).toEqual([]);
  });

  it("keeps merchants apart: another merchant neither sees nor uses this merchant's associates or stores", async () => {
    const other = await createMerchant(s.t.platform);
    expect((await get('/merchant/v1/associates/A-1', other.auth)).statusCode).toBe(404);
    expect((await get('/merchant/v1/associates', other.auth)).json().data).toEqual([]);
    const storeElsewhere = await post(sample('A-1'), other.auth);
    expect(storeElsewhere.statusCode).toBe(422);
    expect(storeElsewhere.json().code).toBe('unknown_reference');

    await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: other.auth,
      payload: sampleStore('A-S1'),
    });
    const sameIds = await post(sample('A-1'), other.auth);
    expect(sameIds.statusCode).toBe(201);
    expect(sameIds.json().hasPin).toBe(false);
    expect((await get('/merchant/v1/associates/A-1')).json().hasPin).toBe(true);
    expect((await eventsFor(s, 'A-1', other)).map((e) => e.type)).toEqual(['associate.created']);
  });

  it('needs associates:write to change associates', async () => {
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['associates:read'] } });
    expect((await get('/merchant/v1/associates', reader.auth)).statusCode).toBe(200);
    const denied = await post(sample('A-x'), reader.auth);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('insufficient_scope');
  });
});
