import { describe, expect, it } from 'vitest';
import {
  createMerchant,
  eventsFor,
  type TestMerchant,
  useAppWithMerchant,
} from '../../../test/helpers/app.ts';

const s = useAppWithMerchant();

type Auth = Record<string, string>;

const send = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  auth: Auth = s.merchant.auth,
) =>
  s.t.app.inject({ method, url, headers: auth, ...(body === undefined ? {} : { payload: body as object }) });
const post = (body: unknown, auth?: Auth) => send('POST', '/merchant/v1/users', body, auth);
const put = (body: unknown, auth?: Auth) => send('PUT', '/merchant/v1/users', body, auth);
const get = (url: string, auth?: Auth) => send('GET', url, undefined, auth);
const remove = (userId: string, auth?: Auth) =>
  send('DELETE', `/merchant/v1/users?userId=${encodeURIComponent(userId)}`, undefined, auth);

let counter = 0;
function newUser(role = 'store_manager', overrides: Record<string, unknown> = {}) {
  counter += 1;
  return { email: `person${counter}@shop.example`, name: `Person ${counter}`, role, ...overrides };
}

async function created(body: Record<string, unknown>, merchant: TestMerchant = s.merchant) {
  const response = await post(body, merchant.auth);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { userId: string; email: string; temporaryPassword: string; role: string };
}

const signIn = (email: string, password: string, merchant: TestMerchant = s.merchant) =>
  s.t.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { merchantId: merchant.tenant.merchantId, email, password },
  });
const changePassword = (email: string, password: string, newPassword: string, merchant = s.merchant) =>
  s.t.app.inject({
    method: 'POST',
    url: '/auth/password',
    payload: { merchantId: merchant.tenant.merchantId, email, password, newPassword },
  });

/** Signs the user in for the first time and returns Bearer headers for the session. */
async function sessionOf(user: { email: string; temporaryPassword: string }, merchant = s.merchant) {
  const response = await changePassword(user.email, user.temporaryPassword, 'Back-office-2026', merchant);
  expect(response.statusCode, response.body).toBe(200);
  return { authorization: `Bearer ${response.json().token}` };
}

describe('console users', () => {
  it('creates a user with a one-time temporary password that must be changed before signing in', async () => {
    const response = await post(newUser('store_manager', { email: 'Kim@Shop.example', name: 'Kim Park' }));
    expect(response.statusCode).toBe(201);
    const user = response.json();
    expect(user).toEqual({
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'Kim@Shop.example',
      name: 'Kim Park',
      role: 'store_manager',
      active: true,
      locked: false,
      mustChangePassword: true,
      passwordChangedAt: expect.any(Number),
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      temporaryPassword: expect.any(String),
    });
    expect(JSON.stringify(user)).not.toMatch(/hash|scrypt/i);

    const { temporaryPassword, ...stored } = user;
    const fetched = await get(`/merchant/v1/users/${user.userId}`);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(stored);

    const first = await signIn('kim@shop.example', temporaryPassword);
    expect(first.statusCode).toBe(403);
    expect(first.json().code).toBe('password_change_required');
    await sessionOf({ email: 'kim@shop.example', temporaryPassword });
    const again = await signIn('kim@shop.example', 'Back-office-2026');
    expect(again.statusCode).toBe(200);
    expect(again.json().user).toMatchObject({ id: user.userId, role: 'store_manager' });
    expect((await get(`/merchant/v1/users/${user.userId}`)).json().mustChangePassword).toBe(false);

    const events = await eventsFor(s, user.userId);
    expect(events.map((e) => e.type)).toEqual(['user.created']);
    expect(events[0]?.data).toEqual({ user: stored });
    expect(JSON.stringify(events)).not.toContain(temporaryPassword);
  });

  it('refuses a second user with the same e-mail address, whatever its case', async () => {
    await created(newUser('associate', { email: 'twice@shop.example' }));
    const again = await post(newUser('associate', { email: 'TWICE@shop.example' }));
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('already_exists');
  });

  it('answers bad input with 400 and unknown users with 404, never 500', async () => {
    const bad: [unknown, string[]][] = [
      [newUser('owner'), ['body.role']],
      [newUser('associate', { email: 'not-an-email' }), ['body.email']],
      [newUser('associate', { name: ' ' }), ['body.name']],
      [{ ...newUser(), password: 'Chosen-by-me-1' }, ['body.password']],
      [{ email: 'x@shop.example' }, ['body.name', 'body.role']],
    ];
    for (const [body, fields] of bad) {
      const response = await post(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(fields),
      );
    }
    for (const userId of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', "1' or '1'='1"]) {
      const fetched = await get(`/merchant/v1/users/${encodeURIComponent(userId)}`);
      expect(fetched.statusCode, userId).toBe(404);
      expect(fetched.headers['content-type']).toContain('application/problem+json');
      expect((await put({ userId, name: 'x' })).statusCode).toBe(404);
      expect((await remove(userId)).statusCode).toBe(404);
    }
    const user = await created(newUser());
    expect((await put({ userId: user.userId, email: 'new@shop.example' })).statusCode).toBe(400);
    expect((await put({ userId: user.userId, resetPassword: 'yes' })).statusCode).toBe(400);
    expect((await get('/merchant/v1/users?role=owner')).statusCode).toBe(400);
    expect((await send('DELETE', '/merchant/v1/users')).statusCode).toBe(400);
  });

  it('updates name, role and active, naming the changed fields in user.updated', async () => {
    const user = await created(newUser('associate'));
    const updated = await put({ userId: user.userId, name: 'Renamed', role: 'store_manager', active: false });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Renamed', role: 'store_manager', active: false });
    expect(updated.json()).not.toHaveProperty('temporaryPassword');
    expect((await signIn(user.email, user.temporaryPassword)).json().code).toBe('invalid_credentials');

    const unchanged = await put({ userId: user.userId, name: 'Renamed', resetPassword: false });
    expect(unchanged.json().updatedAt).toBe(updated.json().updatedAt);
    const events = await eventsFor(s, user.userId);
    expect(events.map((e) => e.type)).toEqual(['user.created', 'user.updated']);
    expect(events[1]?.data).toEqual({ user: updated.json(), changed: ['name', 'role', 'active'] });
  });

  it('resets a password: a new temporary one, the old one stops working, and a lockout is lifted', async () => {
    const user = await created(newUser('associate'));
    await sessionOf(user);
    await s.t.database.pool.query(
      `update users set locked_until = now() + interval '30 minutes' where id = $1`,
      [user.userId],
    );
    expect((await get(`/merchant/v1/users/${user.userId}`)).json().locked).toBe(true);

    const reset = await put({ userId: user.userId, resetPassword: true });
    expect(reset.statusCode).toBe(200);
    const { temporaryPassword } = reset.json();
    expect(temporaryPassword).toEqual(expect.any(String));
    expect(temporaryPassword).not.toBe(user.temporaryPassword);
    expect(reset.json()).toMatchObject({ locked: false, mustChangePassword: true });

    expect((await signIn(user.email, 'Back-office-2026')).statusCode).toBe(401);
    expect((await signIn(user.email, temporaryPassword)).json().code).toBe('password_change_required');
    expect((await changePassword(user.email, temporaryPassword, 'Fresh-start-2031')).statusCode).toBe(200);
    expect((await signIn(user.email, 'Fresh-start-2031')).statusCode).toBe(200);

    const events = await eventsFor(s, user.userId);
    expect(events.at(-1)?.data.changed).toEqual(['password']);
    expect(JSON.stringify(events)).not.toContain(temporaryPassword);
  });

  it('lists users in e-mail order across pages, with filters', async () => {
    const merchant = await createMerchant(s.t.platform);
    const emails = ['d@shop.example', 'B@shop.example', 'a@shop.example', 'c@shop.example', 'e@shop.example'];
    for (const [index, email] of emails.entries()) {
      await created(newUser(index === 0 ? 'system_admin' : 'associate', { email }), merchant);
    }
    await put(
      { userId: (await listAll(merchant, 'role=associate'))[0]?.userId, active: false },
      merchant.auth,
    );
    const all = await listAll(merchant, 'limit=2');
    expect(all.map((u) => u.email)).toEqual([
      'a@shop.example',
      'B@shop.example',
      'c@shop.example',
      'd@shop.example',
      'e@shop.example',
    ]);
    expect((await listAll(merchant, 'role=system_admin')).map((u) => u.email)).toEqual(['d@shop.example']);
    expect((await listAll(merchant, 'active=false')).map((u) => u.email)).toEqual(['a@shop.example']);
    expect((await listAll(merchant, 'active=true&role=associate')).length).toBe(3);
  });

  it('never leaves the merchant without an active System Admin', async () => {
    const merchant = await createMerchant(s.t.platform);
    const admin = await created(newUser('system_admin'), merchant);
    const lastAdmin = [
      await put({ userId: admin.userId, role: 'store_manager' }, merchant.auth),
      await put({ userId: admin.userId, active: false }, merchant.auth),
      await remove(admin.userId, merchant.auth),
    ];
    for (const response of lastAdmin) {
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('rule_violated');
    }
    expect(lastAdmin[0]?.json().errors).toEqual([
      { field: 'body.role', message: 'would leave no active System Admin' },
    ]);
    expect((await get(`/merchant/v1/users/${admin.userId}`, merchant.auth)).json()).toMatchObject({
      role: 'system_admin',
      active: true,
    });
    expect((await put({ userId: admin.userId, name: 'Still admin' }, merchant.auth)).statusCode).toBe(200);

    const second = await created(newUser('system_admin'), merchant);
    const deleted = await remove(admin.userId, merchant.auth);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ userId: admin.userId, name: 'Still admin' });
    expect((await get(`/merchant/v1/users/${admin.userId}`, merchant.auth)).statusCode).toBe(404);
    expect((await eventsFor(s, admin.userId, merchant)).map((e) => e.type)).toEqual([
      'user.created',
      'user.updated',
      'user.deleted',
    ]);
    const { rows } = await s.t.database.pool.query(
      'select count(*)::int as n from password_history where user_id = $1',
      [admin.userId],
    );
    expect(rows[0].n).toBe(0);
    expect((await signIn(admin.email, admin.temporaryPassword, merchant)).statusCode).toBe(401);
    expect((await remove(second.userId, merchant.auth)).statusCode).toBe(422);
  });

  it('keeps one System Admin when every admin is demoted, deactivated or deleted at once', async () => {
    const merchant = await createMerchant(s.t.platform);
    const admins = [];
    for (let i = 0; i < 6; i += 1) admins.push(await created(newUser('system_admin'), merchant));
    const responses = await Promise.all(
      admins.map((admin, index) =>
        index % 3 === 0
          ? put({ userId: admin.userId, role: 'associate' }, merchant.auth)
          : index % 3 === 1
            ? put({ userId: admin.userId, active: false }, merchant.auth)
            : remove(admin.userId, merchant.auth),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 422)).toHaveLength(1);
    expect((await listAll(merchant, 'role=system_admin&active=true')).length).toBe(1);
  });

  it('does not let a signed-in user delete their own account', async () => {
    const merchant = await createMerchant(s.t.platform);
    const admin = await created(newUser('system_admin'), merchant);
    await created(newUser('system_admin'), merchant);
    const session = await sessionOf(admin, merchant);
    const self = await remove(admin.userId, session);
    expect(self.statusCode).toBe(422);
    expect(self.json()).toMatchObject({ code: 'rule_violated', errors: [{ field: 'query.userId' }] });
    const other = await created(newUser('associate'), merchant);
    expect((await remove(other.userId, session)).statusCode).toBe(200);
  });

  it('is for System Admins and clients given the users scopes only', async () => {
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['users:read'] } });
    expect((await get('/merchant/v1/users', reader.auth)).statusCode).toBe(200);
    const denied = await post(newUser(), reader.auth);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('insufficient_scope');
    const noScope = await createMerchant(s.t.platform, { client: { scopes: ['stores:read'] } });
    expect((await get('/merchant/v1/users', noScope.auth)).statusCode).toBe(403);

    const manager = await created(newUser('store_manager'));
    const session = await sessionOf(manager);
    expect((await get('/merchant/v1/users', session)).statusCode).toBe(403);
    expect((await post(newUser(), session)).statusCode).toBe(403);
  });

  it("keeps merchants apart: another merchant's client cannot see or change this merchant's users", async () => {
    const user = await created(newUser('associate', { email: 'shared@shop.example' }));
    const other = await createMerchant(s.t.platform);
    expect((await get(`/merchant/v1/users/${user.userId}`, other.auth)).statusCode).toBe(404);
    expect((await put({ userId: user.userId, name: 'Taken over' }, other.auth)).statusCode).toBe(404);
    expect((await remove(user.userId, other.auth)).statusCode).toBe(404);
    expect((await listAll(other, '')).map((u) => u.email)).not.toContain('shared@shop.example');
    await created(newUser('associate', { email: 'shared@shop.example' }), other);
    const mine = (await get(`/merchant/v1/users/${user.userId}`)).json();
    expect(mine).toMatchObject({ email: 'shared@shop.example', active: true });
    expect(mine.name).not.toBe('Taken over');
  });
});

async function listAll(merchant: TestMerchant, query: string) {
  const seen: { userId: string; email: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const params = [query, cursor ? `cursor=${cursor}` : ''].filter(Boolean).join('&');
    const page = await get(`/merchant/v1/users${params ? `?${params}` : ''}`, merchant.auth);
    expect(page.statusCode, page.body).toBe(200);
    seen.push(...page.json().data);
    cursor = page.json().nextCursor;
    pages += 1;
  } while (cursor && pages < 50);
  return seen;
}
