import { describe, expect, it } from 'vitest';
import { createUser } from '../../src/platform/auth/users.ts';
import { sampleStore, useAppWithMerchant } from '../helpers/app.ts';

const s = useAppWithMerchant();

let userCounter = 0;
async function newUser(role: 'system_admin' | 'store_manager' | 'associate' = 'associate') {
  userCounter += 1;
  const email = `user${userCounter}@shop.example`;
  const user = await createUser(s.t.platform.db, s.merchant.tenant, {
    email,
    name: `User ${userCounter}`,
    role,
  });
  return { email, password: user.temporaryPassword, id: user.id };
}

const signIn = (email: string, password: string) =>
  s.t.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { merchantId: s.merchant.tenant.merchantId, email, password },
  });
const changePassword = (email: string, password: string, newPassword: string) =>
  s.t.app.inject({
    method: 'POST',
    url: '/auth/password',
    payload: { merchantId: s.merchant.tenant.merchantId, email, password, newPassword },
  });

describe('console sign-in and password rules', () => {
  it('forces a change of the temporary password, then signs in with the new one', async () => {
    const user = await newUser('store_manager');
    const first = await signIn(user.email, user.password);
    expect(first.statusCode).toBe(403);
    expect(first.json().code).toBe('password_change_required');

    const changed = await changePassword(user.email, user.password, 'Harbour-lights-2026');
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      tokenType: 'Bearer',
      user: { email: user.email, role: 'store_manager' },
    });

    const again = await signIn(user.email, 'Harbour-lights-2026');
    expect(again.statusCode).toBe(200);
    expect(again.json().expiresAt).toBeGreaterThan(Date.now());
  });

  it('gives each role its scopes: an associate reads stores but cannot create one; a manager can', async () => {
    const associate = await newUser('associate');
    const manager = await newUser('store_manager');
    const tokens: string[] = [];
    for (const user of [associate, manager]) {
      const response = await changePassword(
        user.email,
        user.password,
        `Counter-top-${user.id.slice(0, 4)}-99`,
      );
      tokens.push(response.json().token);
    }
    const [associateToken, managerToken] = tokens;
    const read = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/stores',
      headers: { authorization: `Bearer ${associateToken}` },
    });
    expect(read.statusCode).toBe(200);
    const denied = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: { authorization: `Bearer ${associateToken}` },
      payload: sampleStore('ROLE-1'),
    });
    expect(denied.statusCode).toBe(403);
    const allowed = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: { authorization: `Bearer ${managerToken}` },
      payload: sampleStore('ROLE-1'),
    });
    expect(allowed.statusCode).toBe(201);
  });

  it('rejects weak passwords and any of the last four', async () => {
    const user = await newUser();
    const weak = await changePassword(user.email, user.password, 'short1');
    expect(weak.statusCode).toBe(422);
    expect(weak.json().code).toBe('password_rejected');
    const noDigit = await changePassword(user.email, user.password, 'only-letters-here');
    expect(noDigit.statusCode).toBe(422);

    const history = ['Password-one-1111', 'Password-two-2222', 'Password-three-3333', 'Password-four-4444'];
    let current = user.password;
    for (const next of history) {
      expect((await changePassword(user.email, current, next)).statusCode).toBe(200);
      current = next;
    }
    for (const reused of history) {
      const response = await changePassword(user.email, current, reused);
      expect(response.statusCode, reused).toBe(422);
      expect(response.json().errors).toEqual([{ field: 'body.newPassword', message: 'was used recently' }]);
    }
    // The temporary password is now five passwords back, so it may be used again.
    expect((await changePassword(user.email, current, user.password)).statusCode).toBe(200);
  });

  it('locks the account for 30 minutes after six wrong passwords, even for the right password', async () => {
    const user = await newUser();
    await changePassword(user.email, user.password, 'Correct-horse-42');
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () => signIn(user.email, 'Wrong-password-1')),
    );
    expect(attempts.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 401]);
    const locked = await signIn(user.email, 'Correct-horse-42');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().code).toBe('account_locked');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(29 * 60);
    expect(retryAfter).toBeLessThanOrEqual(30 * 60);

    await s.t.database.pool.query(
      `update users set locked_until = now() - interval '1 second' where id = $1`,
      [user.id],
    );
    expect((await signIn(user.email, 'Correct-horse-42')).statusCode).toBe(200);
  });

  it('counts failures only consecutively: a success resets the count', async () => {
    const user = await newUser();
    await changePassword(user.email, user.password, 'Correct-horse-43');
    for (let i = 0; i < 5; i += 1) await signIn(user.email, 'Wrong-password-1');
    expect((await signIn(user.email, 'Correct-horse-43')).statusCode).toBe(200);
    for (let i = 0; i < 5; i += 1) await signIn(user.email, 'Wrong-password-1');
    expect((await signIn(user.email, 'Correct-horse-43')).statusCode).toBe(200);
  });

  it('expires passwords after 90 days', async () => {
    const user = await newUser();
    await changePassword(user.email, user.password, 'Correct-horse-44');
    await s.t.database.pool.query(
      `update users set password_changed_at = now() - interval '91 days' where id = $1`,
      [user.id],
    );
    const expired = await signIn(user.email, 'Correct-horse-44');
    expect(expired.statusCode).toBe(403);
    expect(expired.json().code).toBe('password_expired');
    expect((await changePassword(user.email, 'Correct-horse-44', 'Fresh-start-2027')).statusCode).toBe(200);
    expect((await signIn(user.email, 'Fresh-start-2027')).statusCode).toBe(200);
  });

  it('does not reveal whether the merchant or the user exists', async () => {
    const unknownUser = await signIn('nobody@shop.example', 'Whatever-1234');
    const unknownMerchant = await s.t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { merchantId: 'no-such-merchant', email: 'a@b.example', password: 'Whatever-1234' },
    });
    for (const response of [unknownUser, unknownMerchant]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('invalid_credentials');
    }
  });
});
