import { type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export interface StorePricesTable {
  tenantId: string;
  storeId: string;
  productId: string;
  currency: string;
  /** Minor units. */
  listPrice: number | null;
  salePrice: number | null;
  saleStartsAt: Date | null;
  saleEndsAt: Date | null;
  promoBannerText: string | null;
  updatedAt: Timestamp;
}

export type StorePriceRow = Omit<Selectable<StorePricesTable>, 'tenantId'>;

/** Everything a store price is, as written by the service. */
export type StorePriceValues = Omit<StorePriceRow, 'updatedAt'>;

export interface StoreProductKey {
  storeId: string;
  productId: string;
}

const columns = [
  'storeId',
  'productId',
  'currency',
  'listPrice',
  'salePrice',
  'saleStartsAt',
  'saleEndsAt',
  'promoBannerText',
  'updatedAt',
] as const;

/** The stored prices of these (store, product) pairs; locked, in key order, when about to change them. */
export async function findStorePriceRows(
  tx: Tx,
  keys: readonly StoreProductKey[],
  options: { lock?: boolean } = {},
): Promise<StorePriceRow[]> {
  if (keys.length === 0) return [];
  if (options.lock) {
    // Row locks cannot cover prices that do not exist yet; these locks make two first writes of the same
    // price take turns, so the second merges into the first instead of overwriting it. Sorted: no deadlocks.
    const names = keys.map((key) => `store_price:${key.storeId}/${key.productId}`).sort();
    await sql`select pg_advisory_xact_lock(hashtextextended(current_setting('backroom.tenant_id') || name, 0))
      from unnest(${names}::text[]) as name`.execute(tx);
  }
  const query = tx
    .selectFrom('storePrices')
    .select(columns)
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple('storeId', 'productId'),
        'in',
        keys.map((key) => tuple(key.storeId, key.productId)),
      ),
    )
    .orderBy('storeId')
    .orderBy('productId');
  return (options.lock ? query.forUpdate() : query).execute();
}

/** The stored prices of these products at one store. */
export function storePriceRowsAt(
  tx: Tx,
  storeId: string,
  productIds: readonly string[],
): Promise<StorePriceRow[]> {
  if (productIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('storePrices')
    .select(columns)
    .where('storeId', '=', storeId)
    .where('productId', 'in', productIds)
    .execute();
}

/** Inserts or replaces many store prices in one statement; callers pass only prices that really changed. */
export function writeStorePriceRows(
  tx: Tx,
  tenantId: string,
  values: readonly StorePriceValues[],
  now: Date,
): Promise<StorePriceRow[]> {
  if (values.length === 0) return Promise.resolve([]);
  return tx
    .insertInto('storePrices')
    .values(values.map((value) => ({ ...value, tenantId, updatedAt: now })))
    .onConflict((oc) =>
      oc.columns(['tenantId', 'storeId', 'productId']).doUpdateSet((eb) => ({
        currency: eb.ref('excluded.currency'),
        listPrice: eb.ref('excluded.listPrice'),
        salePrice: eb.ref('excluded.salePrice'),
        saleStartsAt: eb.ref('excluded.saleStartsAt'),
        saleEndsAt: eb.ref('excluded.saleEndsAt'),
        promoBannerText: eb.ref('excluded.promoBannerText'),
        updatedAt: eb.ref('excluded.updatedAt'),
      })),
    )
    .returning(columns)
    .execute();
}
