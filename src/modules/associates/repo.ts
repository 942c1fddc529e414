import { type Generated, type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export interface AssociatesTable {
  tenantId: string;
  associateId: string;
  employeeNumber: string;
  firstName: string;
  lastName: string;
  email: string | null;
  storeIds: string[];
  role: string;
  pinHash: string | null;
  /** Wrong PINs in a row; reaching the limit locks PIN sign-in for a while. */
  pinFailures: Generated<number>;
  pinLockedUntil: Date | null;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type AssociateRow = Omit<Selectable<AssociatesTable>, 'tenantId' | 'pinFailures' | 'pinLockedUntil'>;

export type AssociateValues = Omit<AssociateRow, 'createdAt' | 'updatedAt'>;

const columns = [
  'associateId',
  'employeeNumber',
  'firstName',
  'lastName',
  'email',
  'storeIds',
  'role',
  'pinHash',
  'active',
  'createdAt',
  'updatedAt',
] as const;

/**
 * Holds, until the transaction ends, the right to give an employee number to an associate, so two requests
 * cannot both find it free.
 */
export async function lockEmployeeNumber(tx: Tx, tenantId: string, employeeNumber: string): Promise<void> {
  const key = `associates.employee_number:${tenantId}:${employeeNumber}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}

/** Inserts the associate, or returns undefined when the associateId or the employee number is taken. */
export function insertAssociate(tx: Tx, tenantId: string, values: AssociateValues, now: Date) {
  return tx
    .insertInto('associates')
    .values({ ...values, tenantId, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.doNothing())
    .returning(columns)
    .executeTakeFirst();
}

export function findAssociate(tx: Tx, associateId: string, options: { lock?: boolean } = {}) {
  const query = tx.selectFrom('associates').select(columns).where('associateId', '=', associateId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function findAssociateByEmployeeNumber(tx: Tx, employeeNumber: string) {
  return tx
    .selectFrom('associates')
    .select(columns)
    .where('employeeNumber', '=', employeeNumber)
    .executeTakeFirst();
}

export function updateAssociateRow(tx: Tx, associateId: string, values: AssociateValues, now: Date) {
  return tx
    .updateTable('associates')
    .set({ ...values, updatedAt: now })
    .where('associateId', '=', associateId)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export interface AssociateFilter {
  storeId?: string | undefined;
  associateId?: string | undefined;
  active?: boolean | undefined;
  afterAssociateId?: string | undefined;
  limit: number;
}

export function listAssociateRows(tx: Tx, filter: AssociateFilter) {
  let query = tx.selectFrom('associates').select(columns).orderBy('associateId').limit(filter.limit);
  if (filter.storeId)
    query = query.where(sql<boolean>`${sql.ref('storeIds')} @> array[${filter.storeId}]::text[]`);
  if (filter.associateId) query = query.where('associateId', '=', filter.associateId);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.afterAssociateId) query = query.where('associateId', '>', filter.afterAssociateId);
  return query.execute();
}

/** Records the outcome of a PIN check: a success clears the count, a failure adds one and may lock. */
export function recordPinCheck(tx: Tx, associateId: string, failures: number, lockedUntil: Date | null) {
  return tx
    .updateTable('associates')
    .set({ pinFailures: failures, pinLockedUntil: lockedUntil })
    .where('associateId', '=', associateId)
    .execute();
}

export function findPinState(tx: Tx, associateId: string) {
  return tx
    .selectFrom('associates')
    .select(['active', 'pinHash', 'pinFailures', 'pinLockedUntil'])
    .where('associateId', '=', associateId)
    .forUpdate()
    .executeTakeFirst();
}
