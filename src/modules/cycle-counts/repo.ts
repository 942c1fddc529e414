import { type Generated, type JSONColumnType, type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export type CycleCountKind = 'full' | 'partial' | 'manual';
export type CycleCountStatus = 'created' | 'started' | 'counted' | 'completed' | 'cancelled';
export type AttributeValue = string | number | boolean;

export interface CycleCountScope {
  categoryId?: string;
  brand?: string;
  attribute?: { code: string; value: AttributeValue };
  productIds?: string[];
}

export interface CycleCountsTable {
  tenantId: string;
  cycleCountId: string;
  storeId: string;
  kind: CycleCountKind;
  scope: JSONColumnType<CycleCountScope, string, string>;
  name: string | null;
  status: CycleCountStatus;
  cancelReason: string | null;
  createdBy: string;
  createdAt: Timestamp;
  startedAt: Date | null;
  countedAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
}

export interface CycleCountLinesTable {
  tenantId: string;
  cycleCountId: string;
  productId: string;
  expectedQuantity: number | null;
  countedQuantity: number | null;
  countedAt: Date | null;
  variance: Generated<number | null>;
  adjustment: number | null;
}

export type CycleCountRow = Omit<Selectable<CycleCountsTable>, 'tenantId'>;
export type CycleCountLineRow = Omit<Selectable<CycleCountLinesTable>, 'tenantId' | 'cycleCountId'>;

const countColumns = [
  'cycleCountId',
  'storeId',
  'kind',
  'scope',
  'name',
  'status',
  'cancelReason',
  'createdBy',
  'createdAt',
  'startedAt',
  'countedAt',
  'completedAt',
  'cancelledAt',
] as const;

const lineColumns = [
  'productId',
  'expectedQuantity',
  'countedQuantity',
  'countedAt',
  'variance',
  'adjustment',
] as const;

export interface NewCycleCountRow {
  cycleCountId: string;
  storeId: string;
  kind: CycleCountKind;
  scope: CycleCountScope;
  name: string | null;
  createdBy: string;
}

/**
 * Inserts the count, or returns undefined when its id is taken or, for a full count, when the store already
 * has an open one (the partial unique index); the caller tells which.
 */
export function insertCycleCount(tx: Tx, tenantId: string, values: NewCycleCountRow, now: Date) {
  return tx
    .insertInto('cycleCounts')
    .values({ ...values, scope: JSON.stringify(values.scope), tenantId, status: 'created', createdAt: now })
    .onConflict((oc) => oc.doNothing())
    .returning(countColumns)
    .executeTakeFirst();
}

export function findCycleCount(tx: Tx, cycleCountId: string, options: { lock?: boolean } = {}) {
  const query = tx.selectFrom('cycleCounts').select(countColumns).where('cycleCountId', '=', cycleCountId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function findOpenFullCount(tx: Tx, storeId: string) {
  return tx
    .selectFrom('cycleCounts')
    .select(countColumns)
    .where('storeId', '=', storeId)
    .where('kind', '=', 'full')
    .where('status', 'in', ['created', 'started', 'counted'])
    .executeTakeFirst();
}

export type StatusChange = Partial<
  Pick<CycleCountRow, 'status' | 'startedAt' | 'countedAt' | 'completedAt' | 'cancelledAt' | 'cancelReason'>
>;

export function updateCycleCount(tx: Tx, cycleCountId: string, change: StatusChange) {
  return tx
    .updateTable('cycleCounts')
    .set(change)
    .where('cycleCountId', '=', cycleCountId)
    .returning(countColumns)
    .executeTakeFirstOrThrow();
}

export async function insertLines(
  tx: Tx,
  tenantId: string,
  cycleCountId: string,
  productIds: readonly string[],
): Promise<void> {
  await sql`
    insert into cycle_count_lines (tenant_id, cycle_count_id, product_id)
    select ${tenantId}, ${cycleCountId}, product_id from unnest(${sql.val(productIds)}::text[]) as product_id
    on conflict do nothing`.execute(tx);
}

export interface LineTotals {
  lines: number;
  counted: number;
  withVariance: number;
  unitsOver: number;
  unitsShort: number;
}

export async function lineTotals(tx: Tx, cycleCountId: string): Promise<LineTotals> {
  const { rows } = await sql<LineTotals>`
    select count(*)::int as lines,
      count(counted_quantity)::int as counted,
      count(*) filter (where variance <> 0)::int as with_variance,
      coalesce(sum(variance) filter (where variance > 0), 0)::bigint as units_over,
      coalesce(-sum(variance) filter (where variance < 0), 0)::bigint as units_short
    from cycle_count_lines where cycle_count_id = ${cycleCountId}`.execute(tx);
  const row = rows[0];
  if (!row) throw new Error('aggregate returned no row');
  return row;
}

export interface LineFilter {
  counted?: boolean | undefined;
  afterProductId?: string | undefined;
  limit: number;
}

export function listLines(tx: Tx, cycleCountId: string, filter: LineFilter) {
  let query = tx
    .selectFrom('cycleCountLines')
    .select(lineColumns)
    .where('cycleCountId', '=', cycleCountId)
    .orderBy('productId')
    .limit(filter.limit);
  if (filter.counted !== undefined)
    query = query.where('countedQuantity', filter.counted ? 'is not' : 'is', null);
  if (filter.afterProductId) query = query.where('productId', '>', filter.afterProductId);
  return query.execute();
}

/** Those of `productIds` that are lines of the count. */
export async function lineProductIds(tx: Tx, cycleCountId: string, productIds: readonly string[]) {
  if (productIds.length === 0) return [];
  const rows = await tx
    .selectFrom('cycleCountLines')
    .select('productId')
    .where('cycleCountId', '=', cycleCountId)
    .where('productId', 'in', productIds)
    .execute();
  return rows.map((row) => row.productId);
}

/** The lines not counted yet, in productId order. */
export async function uncountedProductIds(tx: Tx, cycleCountId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('cycleCountLines')
    .select('productId')
    .where('cycleCountId', '=', cycleCountId)
    .where('countedQuantity', 'is', null)
    .orderBy('productId')
    .execute();
  return rows.map((row) => row.productId);
}

export interface RecordedCount {
  productId: string;
  expectedQuantity: number;
  countedQuantity: number;
}

/** Records (or re-records) counts with the on-hand quantity they are compared with. */
export async function recordCounts(
  tx: Tx,
  cycleCountId: string,
  counts: readonly RecordedCount[],
  now: Date,
): Promise<CycleCountLineRow[]> {
  if (counts.length === 0) return [];
  const { rows } = await sql<CycleCountLineRow>`
    update cycle_count_lines as line set
      expected_quantity = c."expectedQuantity", counted_quantity = c."countedQuantity", counted_at = ${now}
    from jsonb_to_recordset(${JSON.stringify(counts)}::jsonb)
      as c ("productId" text, "expectedQuantity" bigint, "countedQuantity" bigint)
    where line.cycle_count_id = ${cycleCountId} and line.product_id = c."productId"
    returning line.product_id, line.expected_quantity, line.counted_quantity, line.counted_at, line.variance,
      line.adjustment`.execute(tx);
  return rows.sort((a, b) => (a.productId < b.productId ? -1 : 1));
}

/** The counted lines whose count differs from what was on hand when they were counted. */
export function linesWithVariance(tx: Tx, cycleCountId: string) {
  return tx
    .selectFrom('cycleCountLines')
    .select(lineColumns)
    .where('cycleCountId', '=', cycleCountId)
    .where('variance', '<>', 0)
    .orderBy('productId')
    .execute();
}

export async function setAdjustments(
  tx: Tx,
  cycleCountId: string,
  adjustments: readonly { productId: string; adjustment: number }[],
): Promise<void> {
  if (adjustments.length === 0) return;
  await sql`
    update cycle_count_lines as line set adjustment = a.adjustment
    from jsonb_to_recordset(${JSON.stringify(adjustments)}::jsonb) as a ("productId" text, adjustment bigint)
    where line.cycle_count_id = ${cycleCountId} and line.product_id = a."productId"`.execute(tx);
}
