import { sql } from 'kysely';
import type { UsersTable } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

const columns = [
  'id',
  'email',
  'name',
  'role',
  'active',
  'mustChangePassword',
  'lockedUntil',
  'passwordChangedAt',
  'createdAt',
  'updatedAt',
] as const;

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: UsersTable['role'];
  active: boolean;
  mustChangePassword: boolean;
  lockedUntil: Date | null;
  passwordChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserValues {
  name: string;
  role: UsersTable['role'];
  active: boolean;
}

/**
 * Serialises, until the transaction ends, every change that could leave the tenant without an active System
 * Admin, so two such changes cannot both count the other admin.
 */
export async function lockSystemAdmins(tx: Tx, tenantId: string): Promise<void> {
  const key = `users.system_admins:${tenantId}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}

export function findUser(
  tx: Tx,
  userId: string,
  options: { lock?: boolean } = {},
): Promise<UserRow | undefined> {
  const query = tx.selectFrom('users').select(columns).where('id', '=', userId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function countActiveSystemAdmins(tx: Tx, options: { except: string }): Promise<number> {
  const row = await tx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('role', '=', 'system_admin')
    .where('active', '=', true)
    .where('id', '<>', options.except)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function updateUserRow(tx: Tx, userId: string, values: UserValues, now: Date): Promise<UserRow> {
  return tx
    .updateTable('users')
    .set({ ...values, updatedAt: now })
    .where('id', '=', userId)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export async function deleteUserRow(tx: Tx, userId: string): Promise<void> {
  await tx.deleteFrom('users').where('id', '=', userId).execute();
}

export interface UserFilter {
  role?: UsersTable['role'] | undefined;
  active?: boolean | undefined;
  afterEmailKey?: string | undefined;
  limit: number;
}

/** Users in order of their lower-cased e-mail address, which is unique in a tenant. */
export function listUserRows(tx: Tx, filter: UserFilter) {
  const emailKey = sql<string>`lower(email)`;
  let query = tx
    .selectFrom('users')
    .select([...columns, emailKey.as('emailKey')])
    .orderBy(emailKey)
    .limit(filter.limit);
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.afterEmailKey !== undefined) query = query.where(emailKey, '>', filter.afterEmailKey);
  return query.execute();
}
