import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import type { StockStatus } from './tables.ts';

export interface StockKey {
  storeId: string;
  productId: string;
}

export interface LevelRow extends StockKey {
  onHand: number;
  reserved: number;
  safetyStock: number;
  lowStockThreshold: number | null;
  outOfStockThreshold: number | null;
  allowBackorders: boolean;
  firstReceivedAt: Date | null;
  status: StockStatus;
  updatedAt: Date;
}

const levelColumns = sql`store_id as "storeId", product_id as "productId", on_hand as "onHand",
  reserved, safety_stock as "safetyStock", low_stock_threshold as "lowStockThreshold",
  out_of_stock_threshold as "outOfStockThreshold", allow_backorders as "allowBackorders",
  first_received_at as "firstReceivedAt", status, updated_at as "updatedAt"`;

const keyArrays = (keys: readonly StockKey[]) => ({
  stores: keys.map((key) => key.storeId),
  products: keys.map((key) => key.productId),
});

// Rows are created and locked in byte order of (store_id, product_id), the order sortedKeys gives, whatever the
// database's collation: every writer must take its locks in the same order or two writers can deadlock.

/** Creates the missing level rows of these pairs, in key order so concurrent writers never deadlock. */
export async function ensureLevels(tx: Tx, tenantId: string, keys: readonly StockKey[]): Promise<void> {
  if (keys.length === 0) return;
  const { stores, products } = keyArrays(keys);
  await sql`
    insert into stock_levels (tenant_id, store_id, product_id)
    select ${tenantId}, k.store_id, k.product_id
    from unnest(${stores}::text[], ${products}::text[]) as k (store_id, product_id)
    order by k.store_id collate "C", k.product_id collate "C"
    on conflict do nothing`.execute(tx);
}

/**
 * The level rows of these pairs. With `lock`, the rows are locked in key order: every change of a product's
 * stock at a location locks its level row first, so the row lock serialises all of that pair's buckets.
 */
export async function findLevels(
  tx: Tx,
  keys: readonly StockKey[],
  options: { lock?: boolean } = {},
): Promise<LevelRow[]> {
  if (keys.length === 0) return [];
  const { stores, products } = keyArrays(keys);
  const { rows } = await sql<LevelRow>`
    select ${levelColumns} from stock_levels
    where (store_id, product_id) in (
      select * from unnest(${stores}::text[], ${products}::text[]))
    order by store_id collate "C", product_id collate "C"
    ${options.lock ? sql`for update` : sql``}`.execute(tx);
  return rows;
}

export async function listLevelsAtStore(tx: Tx, storeId: string, afterProductId: string, limit: number) {
  const { rows } = await sql<LevelRow>`
    select ${levelColumns} from stock_levels
    where store_id = ${storeId} and product_id > ${afterProductId}
    order by product_id limit ${limit}`.execute(tx);
  return rows;
}

/**
 * The store's level rows, in productId order, that hold stock in one of these buckets and whose product is not
 * one of `exceptProductIds`: what a full feed of the store leaves out and must set to 0.
 */
export async function listHeldLevelsAtStoreExcept(
  tx: Tx,
  storeId: string,
  exceptProductIds: readonly string[],
  buckets: readonly string[],
  afterProductId: string,
  limit: number,
) {
  const { rows } = await sql<LevelRow>`
    select ${levelColumns} from stock_levels l
    where store_id = ${storeId} and product_id > ${afterProductId}
      and not exists (
        select from unnest(${exceptProductIds}::text[]) as listed (product_id)
        where listed.product_id = l.product_id)
      and ((${buckets.includes('on_hand')}::boolean and on_hand > 0) or exists (
        select from stock_bucket_levels b
        where b.store_id = l.store_id and b.product_id = l.product_id and b.bucket = any(${buckets}::text[])
          and b.quantity > 0))
    order by product_id limit ${limit}`.execute(tx);
  return rows;
}

export async function findLevelsOf(
  tx: Tx,
  productIds: readonly string[],
  storeIds: readonly string[] | null,
) {
  const { rows } = await sql<LevelRow>`
    select ${levelColumns} from stock_levels
    where product_id = any(${productIds}::text[])
      ${storeIds ? sql`and store_id = any(${storeIds}::text[])` : sql``}`.execute(tx);
  return rows;
}

export interface BucketRow extends StockKey {
  bucket: string;
  quantity: number;
}

export async function findBucketLevels(tx: Tx, keys: readonly StockKey[]): Promise<BucketRow[]> {
  if (keys.length === 0) return [];
  const { stores, products } = keyArrays(keys);
  const { rows } = await sql<BucketRow>`
    select store_id as "storeId", product_id as "productId", bucket, quantity from stock_bucket_levels
    where (store_id, product_id) in (select * from unnest(${stores}::text[], ${products}::text[]))
      and quantity <> 0`.execute(tx);
  return rows;
}

export interface LevelWrite extends StockKey {
  onHand: number;
  reserved: number;
  receivedAt: Date | null;
  status: StockStatus;
}

/** Writes the new balances and statuses of level rows the caller holds locked. */
export async function updateLevels(tx: Tx, rows: readonly LevelWrite[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof LevelWrite>(key: K) => rows.map((row) => row[key]);
  await sql`
    update stock_levels l
    set on_hand = u.on_hand, reserved = u.reserved, status = u.status, updated_at = ${now},
      first_received_at = coalesce(l.first_received_at, u.received_at)
    from unnest(${column('storeId')}::text[], ${column('productId')}::text[], ${column('onHand')}::bigint[],
      ${column('reserved')}::bigint[], ${column('receivedAt')}::timestamptz[], ${column('status')}::text[])
      as u (store_id, product_id, on_hand, reserved, received_at, status)
    where l.store_id = u.store_id and l.product_id = u.product_id`.execute(tx);
}

/**
 * Inserts the level rows of pairs that had none, with their first balances, so a new row is written (and its
 * foreign keys checked) once. Pairs another transaction has created meanwhile are left alone; answers the
 * pairs this call created.
 */
export async function insertLevels(
  tx: Tx,
  tenantId: string,
  rows: readonly LevelWrite[],
  now: Date,
): Promise<StockKey[]> {
  if (rows.length === 0) return [];
  const column = <K extends keyof LevelWrite>(key: K) => rows.map((row) => row[key]);
  const { rows: inserted } = await sql<StockKey>`
    insert into stock_levels (tenant_id, store_id, product_id, on_hand, reserved, first_received_at, status,
      updated_at)
    select ${tenantId}, c.store_id, c.product_id, c.on_hand, c.reserved, c.received_at, c.status, ${now}
    from unnest(${column('storeId')}::text[], ${column('productId')}::text[], ${column('onHand')}::bigint[],
      ${column('reserved')}::bigint[], ${column('receivedAt')}::timestamptz[], ${column('status')}::text[])
      as c (store_id, product_id, on_hand, reserved, received_at, status)
    order by c.store_id collate "C", c.product_id collate "C"
    on conflict do nothing
    returning store_id as "storeId", product_id as "productId"`.execute(tx);
  return inserted;
}

export async function setBucketLevels(
  tx: Tx,
  tenantId: string,
  rows: readonly BucketRow[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into stock_bucket_levels (tenant_id, store_id, product_id, bucket, quantity, updated_at)
    select ${tenantId}, r.store_id, r.product_id, r.bucket, r.quantity, ${now}
    from unnest(${rows.map((r) => r.storeId)}::text[], ${rows.map((r) => r.productId)}::text[],
      ${rows.map((r) => r.bucket)}::text[], ${rows.map((r) => r.quantity)}::bigint[])
      as r (store_id, product_id, bucket, quantity)
    on conflict (tenant_id, store_id, product_id, bucket)
    do update set quantity = excluded.quantity, updated_at = excluded.updated_at`.execute(tx);
}

export interface MovementRow extends StockKey {
  bucket: string;
  quantity: number;
  reason: string;
  referenceType: string | null;
  referenceId: string | null;
  note: string | null;
  occurredAt: Date;
}

/** Appends movements to the ledger; returns their ids in the order given. */
export async function insertMovements(
  tx: Tx,
  tenantId: string,
  actor: string,
  rows: readonly MovementRow[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  const column = <K extends keyof MovementRow>(key: K) => rows.map((row) => row[key]);
  const { rows: inserted } = await sql<{ id: number }>`
    insert into stock_movements (tenant_id, store_id, product_id, bucket, quantity, reason, reference_type,
      reference_id, note, occurred_at, actor)
    select ${tenantId}, m.store_id, m.product_id, m.bucket, m.quantity, m.reason, m.reference_type,
      m.reference_id, m.note, m.occurred_at, ${actor}
    from unnest(${column('storeId')}::text[], ${column('productId')}::text[], ${column('bucket')}::text[],
      ${column('quantity')}::bigint[], ${column('reason')}::text[], ${column('referenceType')}::text[],
      ${column('referenceId')}::text[], ${column('note')}::text[], ${column('occurredAt')}::timestamptz[])
      with ordinality as m (store_id, product_id, bucket, quantity, reason, reference_type, reference_id, note,
        occurred_at, position)
    order by m.position
    returning id`.execute(tx);
  return inserted.map((row) => row.id);
}

export async function merchantBucketIds(tx: Tx): Promise<string[]> {
  const rows = await tx.selectFrom('stockBuckets').select('bucketId').execute();
  return rows.map((row) => row.bucketId);
}

export interface InboundRow extends StockKey {
  quantity: number;
  expectedAt: Date | null;
}

/** Expected stock per pair: the total on its way and the earliest date one of its sources is expected. */
export async function inboundTotals(tx: Tx, keys: readonly StockKey[]): Promise<InboundRow[]> {
  if (keys.length === 0) return [];
  const { stores, products } = keyArrays(keys);
  const { rows } = await sql<InboundRow>`
    select store_id as "storeId", product_id as "productId", sum(quantity)::bigint as quantity,
      min(expected_at) as "expectedAt"
    from stock_inbound
    where (store_id, product_id) in (select * from unnest(${stores}::text[], ${products}::text[]))
    group by store_id, product_id`.execute(tx);
  return rows;
}

/** Removes what one source was bringing; answers the pairs it was bringing stock to. */
export async function deleteInbound(tx: Tx, source: { type: string; id: string }): Promise<StockKey[]> {
  const { rows } = await sql<StockKey>`
    delete from stock_inbound where source_type = ${source.type} and source_id = ${source.id}
    returning store_id as "storeId", product_id as "productId"`.execute(tx);
  return rows;
}

export async function insertInbound(
  tx: Tx,
  tenantId: string,
  source: { type: string; id: string },
  rows: readonly InboundRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into stock_inbound (tenant_id, store_id, product_id, source_type, source_id, quantity, expected_at)
    select ${tenantId}, r.store_id, r.product_id, ${source.type}, ${source.id}, r.quantity, r.expected_at
    from unnest(${rows.map((r) => r.storeId)}::text[], ${rows.map((r) => r.productId)}::text[],
      ${rows.map((r) => r.quantity)}::bigint[], ${rows.map((r) => r.expectedAt)}::timestamptz[])
      as r (store_id, product_id, quantity, expected_at)`.execute(tx);
}

export async function setStatuses(
  tx: Tx,
  rows: readonly (StockKey & { status: StockStatus })[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update stock_levels l set status = s.status
    from unnest(${rows.map((r) => r.storeId)}::text[], ${rows.map((r) => r.productId)}::text[],
      ${rows.map((r) => r.status)}::text[]) as s (store_id, product_id, status)
    where l.store_id = s.store_id and l.product_id = s.product_id`.execute(tx);
}

export interface LevelSettings {
  safetyStock?: number | undefined;
  lowStockThreshold?: number | null | undefined;
  outOfStockThreshold?: number | null | undefined;
  allowBackorders?: boolean | undefined;
}

/**
 * Stores the safety stock, thresholds and backorder policy of many pairs in one statement. A field left out
 * of a pair's settings keeps its value; a threshold set to null falls back to the merchant's default.
 */
export async function updateLevelSettings(
  tx: Tx,
  changes: readonly (StockKey & { settings: LevelSettings })[],
  now: Date,
): Promise<void> {
  if (changes.length === 0) return;
  const patches = changes.map(({ storeId, productId, settings }) => ({ storeId, productId, ...settings }));
  const keep = (field: string, column: string, type: string) =>
    sql.raw(`case when p.patch ? '${field}' then (p.patch->>'${field}')::${type} else l.${column} end`);
  await sql`
    update stock_levels l
    set safety_stock = ${keep('safetyStock', 'safety_stock', 'integer')},
      low_stock_threshold = ${keep('lowStockThreshold', 'low_stock_threshold', 'integer')},
      out_of_stock_threshold = ${keep('outOfStockThreshold', 'out_of_stock_threshold', 'integer')},
      allow_backorders = ${keep('allowBackorders', 'allow_backorders', 'boolean')},
      updated_at = ${now}
    from jsonb_array_elements(${JSON.stringify(patches)}::jsonb) as p (patch)
    where l.store_id = p.patch->>'storeId' and l.product_id = p.patch->>'productId'`.execute(tx);
}
