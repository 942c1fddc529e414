import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { CustomerLinksTable, CustomersTable, DuplicatePolicy } from './tables.ts';

export type CustomerRow = Selectable<CustomersTable>;
export type CustomerValues = Omit<Insertable<CustomersTable>, 'tenantId' | 'id' | 'createdAt' | 'updatedAt'>;
export type CustomerChanges = Omit<Updateable<CustomersTable>, 'tenantId' | 'id' | 'createdAt'>;

const LOCK_SPACES = { email: 61, phone: 62, loyalty: 63 } as const;

/**
 * Holds, until the transaction ends, the right to decide whether a customer with this normalised e-mail or
 * phone, or this loyalty id, exists, so two writers cannot both find none. Callers take e-mail, then phone,
 * then loyalty id, always.
 */
export async function lockContact(tx: Tx, tenantId: string, kind: keyof typeof LOCK_SPACES, value: string) {
  const space = LOCK_SPACES[kind];
  await sql`select pg_advisory_xact_lock(${space}::integer, hashtext(${`${tenantId}:${value}`}))`.execute(tx);
}

/** Active customers with this normalised e-mail or phone, oldest first. */
export function findByContact(tx: Tx, emailNormalized: string | null, phoneNormalized: string | null) {
  if (!emailNormalized && !phoneNormalized) return Promise.resolve([]);
  return tx
    .selectFrom('customers')
    .selectAll()
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        ...(emailNormalized ? [eb('emailNormalized', '=', emailNormalized)] : []),
        ...(phoneNormalized ? [eb('phoneNormalized', '=', phoneNormalized)] : []),
      ]),
    )
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

/**
 * The active customer, other than `exceptId`, holding this loyalty id. The loyalty id stays locked until the
 * transaction ends, so the write that follows a free answer cannot meet the unique index.
 */
export async function findLoyaltyHolder(tx: Tx, tenantId: string, loyaltyId: string, exceptId?: string) {
  await lockContact(tx, tenantId, 'loyalty', loyaltyId);
  let query = tx
    .selectFrom('customers')
    .select(['id', 'customerId'])
    .where('loyaltyId', '=', loyaltyId)
    .where('status', '=', 'active');
  if (exceptId) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst();
}

export async function customerIdTaken(tx: Tx, customerId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('customers')
    .select('id')
    .where('customerId', '=', customerId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The customer row with exactly this number (merged or not), locked for the transaction when asked. */
export function findByNumber(tx: Tx, customerId: string, options: { lock?: boolean } = {}) {
  let query = tx.selectFrom('customers').selectAll().where('customerId', '=', customerId);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Inserts the customer, or returns undefined when its number or loyalty id is taken. */
export function insertCustomer(tx: Tx, tenantId: string, values: CustomerValues, now: Date) {
  return tx
    .insertInto('customers')
    .values({ ...values, tenantId, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updateCustomerRow(tx: Tx, id: string, changes: CustomerChanges) {
  return tx
    .updateTable('customers')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Records links between possible duplicates; a link that exists already is kept as it is. */
export async function insertLinks(
  tx: Tx,
  tenantId: string,
  links: Omit<Insertable<CustomerLinksTable>, 'tenantId'>[],
) {
  if (links.length === 0) return;
  await tx
    .insertInto('customerLinks')
    .values(links.map((link) => ({ ...link, tenantId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The numbers of the customers merged into this one. */
export async function aliasesOf(tx: Tx, id: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('customers')
    .select('customerId')
    .where('mergedInto', '=', id)
    .orderBy('customerId')
    .execute();
  return rows.map((row) => row.customerId);
}

export interface CustomerFilter {
  emailNormalized?: string | undefined;
  phoneNormalized?: string | undefined;
  namePrefix?: string | undefined;
  loyaltyId?: string | undefined;
  channel?: string | undefined;
  storeId?: string | undefined;
  updatedSince?: Date | undefined;
  after?: { updatedAt?: Date | undefined; customerId: string } | undefined;
  limit: number;
}

function likePrefix(value: string): string {
  return `${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function listCustomerRows(tx: Tx, filter: CustomerFilter) {
  let query = tx.selectFrom('customers').selectAll().where('status', '=', 'active').limit(filter.limit);
  if (filter.emailNormalized) query = query.where('emailNormalized', '=', filter.emailNormalized);
  if (filter.phoneNormalized) query = query.where('phoneNormalized', '=', filter.phoneNormalized);
  if (filter.loyaltyId) query = query.where('loyaltyId', '=', filter.loyaltyId);
  if (filter.channel) query = query.where('channel', '=', filter.channel as CustomerRow['channel']);
  if (filter.storeId) query = query.where('originStoreId', '=', filter.storeId);
  if (filter.namePrefix) {
    const pattern = likePrefix(filter.namePrefix);
    query = query.where(
      sql<boolean>`(lower(last_name) like ${pattern} or lower(first_name) like ${pattern})`,
    );
  }
  const after = filter.after;
  if (filter.updatedSince) {
    query = query.where('updatedAt', '>=', filter.updatedSince).orderBy('updatedAt').orderBy('customerId');
    if (after?.updatedAt) {
      query = query.where(
        sql<boolean>`(updated_at, customer_id) > (${after.updatedAt}, ${after.customerId})`,
      );
    }
  } else {
    query = query.orderBy('customerId');
    if (after) query = query.where('customerId', '>', after.customerId);
  }
  return query.execute();
}

export interface CustomerSettingsRow {
  duplicatePolicy: DuplicatePolicy;
}

export async function findSettings(tx: Tx): Promise<CustomerSettingsRow | undefined> {
  return tx.selectFrom('customerSettings').select('duplicatePolicy').executeTakeFirst();
}

export async function saveSettings(tx: Tx, tenantId: string, policy: DuplicatePolicy, now: Date) {
  return tx
    .insertInto('customerSettings')
    .values({ tenantId, duplicatePolicy: policy, updatedAt: now })
    .onConflict((oc) => oc.column('tenantId').doUpdateSet({ duplicatePolicy: policy, updatedAt: now }))
    .returning('duplicatePolicy')
    .executeTakeFirstOrThrow();
}

/** Takes the next number of the counter (the settings row stays locked until the transaction ends). */
export async function takeNextNumber(tx: Tx, tenantId: string, now: Date): Promise<number> {
  const { rows } = await sql<{ taken: number }>`
    insert into customer_settings as s (tenant_id, next_number, updated_at) values (${tenantId}, 2, ${now})
    on conflict (tenant_id) do update set next_number = s.next_number + 1
    returning next_number - 1 as taken`.execute(tx);
  const taken = rows[0]?.taken;
  if (taken === undefined) throw new Error('customer number counter returned nothing');
  return Number(taken);
}
