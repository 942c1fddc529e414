import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../db/database.ts';
import { inTenantTransaction, type Tx } from '../db/tenant-transaction.ts';
import { Problem } from '../http/problems.ts';
import type { Tenant } from '../tenancy/tenants.ts';
import { limitsFor } from './licence.ts';
import { hashPassword, passwordPolicyViolations, temporaryPassword, verifyPassword } from './passwords.ts';
import { ROLE_SCOPES, type Role } from './scopes.ts';
import type { Principal } from './tokens.ts';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password?: string | undefined;
}

export interface CreatedUser {
  id: string;
  email: string;
  role: Role;
  temporaryPassword: string;
}

type PasswordRules = Config['password'];

/** Console users start with a temporary password that must be changed at first sign-in. */
export function createUser(db: Db, tenant: Tenant, input: NewUser): Promise<CreatedUser> {
  return inTenantTransaction(db, tenant.id, (tx) => insertUser(tx, tenant.id, input));
}

/** Creates the user as `createUser` does, inside the caller's tenant transaction. */
export async function insertUser(tx: Tx, tenantId: string, input: NewUser): Promise<CreatedUser> {
  const password = input.password ?? temporaryPassword();
  const violations = passwordPolicyViolations(password);
  if (violations.length > 0) throw new Problem('password_rejected', `The password ${violations.join(', ')}.`);
  const passwordHash = await hashPassword(password);
  const user = await tx
    .insertInto('users')
    .values({ tenantId, email: input.email, name: input.name, role: input.role, passwordHash })
    .onConflict((oc) => oc.doNothing())
    .returning(['id'])
    .executeTakeFirst();
  if (!user) throw new Problem('already_exists', `A user with e-mail ${input.email} already exists.`);
  await tx.insertInto('passwordHistory').values({ tenantId, userId: user.id, passwordHash }).execute();
  return { id: user.id, email: input.email, role: input.role, temporaryPassword: password };
}

/**
 * Replaces the user's password with a new temporary one that must be changed at the next sign-in, and lifts a
 * lockout. Returns the temporary password, or undefined when the tenant has no such user.
 */
export async function issueTemporaryPassword(
  tx: Tx,
  tenantId: string,
  userId: string,
  now: Date,
): Promise<string | undefined> {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const user = await tx
    .updateTable('users')
    .set({
      passwordHash,
      passwordChangedAt: now,
      mustChangePassword: true,
      failedLoginAttempts: 0,
      lockedUntil: null,
      updatedAt: now,
    })
    .where('tenantId', '=', tenantId)
    .where('id', '=', userId)
    .returning(['id'])
    .executeTakeFirst();
  if (!user) return undefined;
  await tx.insertInto('passwordHistory').values({ tenantId, userId, passwordHash }).execute();
  return password;
}

function findByEmail(tx: Tx, email: string) {
  return tx
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .forUpdate()
    .executeTakeFirst();
}

type UserRow = NonNullable<Awaited<ReturnType<typeof findByEmail>>>;

export interface SignIn {
  email: string;
  password: string;
}

/**
 * Checks a password the way the lockout rules require: wrong passwords are counted even under concurrent
 * attempts, a locked account stays locked whatever the password, and a successful check resets the count.
 * A failed attempt must be committed, so it returns a problem instead of throwing one.
 */
async function checkPassword(
  tx: Tx,
  tenant: Tenant,
  signIn: SignIn,
  rules: PasswordRules,
  now: Date,
): Promise<UserRow | Problem> {
  const user = await findByEmail(tx, signIn.email);
  if (!user?.active) return new Problem('invalid_credentials');
  if (user.lockedUntil && user.lockedUntil > now) {
    const seconds = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000);
    return new Problem(
      'account_locked',
      `The account is locked for another ${Math.ceil(seconds / 60)} minutes.`,
      {
        headers: { 'retry-after': String(seconds) },
      },
    );
  }
  if (!(await verifyPassword(signIn.password, user.passwordHash))) {
    const attempts = user.failedLoginAttempts + 1;
    const locks = attempts >= rules.lockoutThreshold;
    await tx
      .updateTable('users')
      .set({
        failedLoginAttempts: locks ? 0 : attempts,
        lockedUntil: locks ? new Date(now.getTime() + rules.lockoutMinutes * 60_000) : user.lockedUntil,
      })
      .where('tenantId', '=', tenant.id)
      .where('id', '=', user.id)
      .execute();
    return new Problem('invalid_credentials');
  }
  if (user.failedLoginAttempts > 0 || user.lockedUntil) {
    await tx
      .updateTable('users')
      .set({ failedLoginAttempts: 0, lockedUntil: null })
      .where('tenantId', '=', tenant.id)
      .where('id', '=', user.id)
      .execute();
  }
  return user;
}

export function userPrincipal(tenant: Tenant, user: { id: string; role: Role }): Principal {
  return {
    kind: 'user',
    id: user.id,
    tenantId: tenant.id,
    scopes: ROLE_SCOPES[user.role],
    limits: limitsFor(tenant.licenceTier),
    role: user.role,
  };
}

export async function signIn(db: Db, tenant: Tenant, input: SignIn, rules: PasswordRules, now: Date) {
  const outcome = await inTenantTransaction(db, tenant.id, (tx) =>
    checkPassword(tx, tenant, input, rules, now),
  );
  if (outcome instanceof Problem) throw outcome;
  if (outcome.mustChangePassword) {
    throw new Problem('password_change_required', 'Set a new password with POST /auth/password.');
  }
  const ageDays = (now.getTime() - outcome.passwordChangedAt.getTime()) / 86_400_000;
  if (ageDays > rules.maxAgeDays) {
    throw new Problem('password_expired', `Passwords expire after ${rules.maxAgeDays} days; set a new one.`);
  }
  return outcome;
}

export async function changePassword(
  db: Db,
  tenant: Tenant,
  input: SignIn & { newPassword: string },
  rules: PasswordRules,
  now: Date,
) {
  const violations = passwordPolicyViolations(input.newPassword);
  if (violations.length > 0) {
    throw new Problem('password_rejected', `The new password ${violations.join(', ')}.`, {
      errors: violations.map((message) => ({ field: 'body.newPassword', message })),
    });
  }
  const newHash = await hashPassword(input.newPassword);
  const outcome = await inTenantTransaction(db, tenant.id, async (tx) => {
    const user = await checkPassword(tx, tenant, input, rules, now);
    if (user instanceof Problem) return user;
    const recent = await tx
      .selectFrom('passwordHistory')
      .select('passwordHash')
      .where('userId', '=', user.id)
      .orderBy('createdAt', 'desc')
      .limit(rules.history)
      .execute();
    for (const { passwordHash } of recent) {
      if (await verifyPassword(input.newPassword, passwordHash)) {
        return new Problem(
          'password_rejected',
          `The new password must differ from the last ${rules.history}.`,
          {
            errors: [{ field: 'body.newPassword', message: 'was used recently' }],
          },
        );
      }
    }
    await tx
      .updateTable('users')
      .set({ passwordHash: newHash, passwordChangedAt: now, mustChangePassword: false, updatedAt: now })
      .where('tenantId', '=', tenant.id)
      .where('id', '=', user.id)
      .execute();
    await tx
      .insertInto('passwordHistory')
      .values({ tenantId: tenant.id, userId: user.id, passwordHash: newHash })
      .execute();
    return user;
  });
  if (outcome instanceof Problem) throw outcome;
  return outcome;
}
