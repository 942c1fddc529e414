import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export interface InventorySettings {
  reservationTtlSeconds: number;
  lowStockThreshold: number;
  outOfStockThreshold: number;
}

/** The thresholds a location without its own uses. */
export type DefaultThresholds = Pick<InventorySettings, 'lowStockThreshold' | 'outOfStockThreshold'>;

export const DEFAULT_SETTINGS: InventorySettings = {
  reservationTtlSeconds: 900,
  lowStockThreshold: 5,
  outOfStockThreshold: 0,
};

export async function findSettings(tx: Tx): Promise<InventorySettings> {
  const row = await tx
    .selectFrom('inventorySettings')
    .select(['reservationTtlSeconds', 'lowStockThreshold', 'outOfStockThreshold'])
    .executeTakeFirst();
  return row ?? DEFAULT_SETTINGS;
}

/**
 * Changes the given settings and keeps the others, in one statement: concurrent changes of different settings
 * all stay. The first change of a tenant starts from the defaults.
 */
export async function saveSettings(
  tx: Tx,
  tenantId: string,
  change: Partial<InventorySettings>,
  now: Date,
): Promise<InventorySettings> {
  const { reservationTtlSeconds = null, lowStockThreshold = null, outOfStockThreshold = null } = change;
  const { rows } = await sql<InventorySettings>`
    insert into inventory_settings as s (tenant_id, reservation_ttl_seconds, low_stock_threshold,
      out_of_stock_threshold, updated_at)
    values (${tenantId}, ${reservationTtlSeconds ?? DEFAULT_SETTINGS.reservationTtlSeconds},
      ${lowStockThreshold ?? DEFAULT_SETTINGS.lowStockThreshold},
      ${outOfStockThreshold ?? DEFAULT_SETTINGS.outOfStockThreshold}, ${now})
    on conflict (tenant_id) do update set
      reservation_ttl_seconds = coalesce(${reservationTtlSeconds}::integer, s.reservation_ttl_seconds),
      low_stock_threshold = coalesce(${lowStockThreshold}::integer, s.low_stock_threshold),
      out_of_stock_threshold = coalesce(${outOfStockThreshold}::integer, s.out_of_stock_threshold),
      updated_at = excluded.updated_at
    returning reservation_ttl_seconds as "reservationTtlSeconds", low_stock_threshold as "lowStockThreshold",
      out_of_stock_threshold as "outOfStockThreshold"`.execute(tx);
  const saved = rows[0];
  if (!saved) throw new Error('inventory settings were not saved');
  return saved;
}

export function listBucketRows(tx: Tx) {
  return tx.selectFrom('stockBuckets').select(['bucketId', 'name']).orderBy('bucketId').execute();
}

/** Adds a merchant bucket, or returns undefined when the tenant already has one with this id. */
export function insertBucket(
  tx: Tx,
  tenantId: string,
  bucket: { bucketId: string; name: string },
  now: Date,
) {
  return tx
    .insertInto('stockBuckets')
    .values({ ...bucket, tenantId, createdAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'bucketId']).doNothing())
    .returning(['bucketId', 'name'])
    .executeTakeFirst();
}
