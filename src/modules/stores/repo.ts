import type { Generated, JSONColumnType, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export interface StoresTable {
  tenantId: string;
  storeId: string;
  name: string;
  type: 'store' | 'ecommerce' | 'warehouse';
  address: JSONColumnType<StoreAddress | null, string | null, string | null>;
  timezone: string;
  currency: string;
  phone: string | null;
  email: string | null;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface StoreAddress {
  line1: string;
  line2?: string | undefined;
  city: string;
  region?: string | undefined;
  postalCode?: string | undefined;
  country: string;
}

export type StoreRow = Omit<Selectable<StoresTable>, 'tenantId'>;

export type StoreValues = Omit<StoreRow, 'createdAt' | 'updatedAt'>;

const columns = [
  'storeId',
  'name',
  'type',
  'address',
  'timezone',
  'currency',
  'phone',
  'email',
  'active',
  'createdAt',
  'updatedAt',
] as const;

/** Inserts the store, or returns undefined when the tenant already has one with that storeId. */
export function insertStore(tx: Tx, tenantId: string, values: StoreValues, now: Date) {
  return tx
    .insertInto('stores')
    .values({ ...values, address: JSON.stringify(values.address), tenantId, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'storeId']).doNothing())
    .returning(columns)
    .executeTakeFirst();
}

export function findStore(tx: Tx, storeId: string, options: { lock?: boolean } = {}) {
  const query = tx.selectFrom('stores').select(columns).where('storeId', '=', storeId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function updateStoreRow(tx: Tx, storeId: string, values: StoreValues, now: Date) {
  return tx
    .updateTable('stores')
    .set({ ...values, address: JSON.stringify(values.address), updatedAt: now })
    .where('storeId', '=', storeId)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export interface StoreFilter {
  type?: StoreRow['type'] | undefined;
  active?: boolean | undefined;
  afterStoreId?: string | undefined;
  limit: number;
}

export function listStoreRows(tx: Tx, filter: StoreFilter) {
  let query = tx.selectFrom('stores').select(columns).orderBy('storeId').limit(filter.limit);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.afterStoreId) query = query.where('storeId', '>', filter.afterStoreId);
  return query.execute();
}

/** Those of `storeIds` the tenant has a store for, active or not. */
export async function existingStoreIds(tx: Tx, storeIds: readonly string[]): Promise<string[]> {
  const rows = await tx.selectFrom('stores').select('storeId').where('storeId', 'in', storeIds).execute();
  return rows.map((row) => row.storeId);
}

export function findStoreRows(tx: Tx, storeIds: readonly string[]) {
  if (storeIds.length === 0) return Promise.resolve([]);
  return tx.selectFrom('stores').select(columns).where('storeId', 'in', storeIds).execute();
}
