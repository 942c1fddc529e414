import { type Generated, type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface InventoryImportsTable {
  tenantId: string;
  id: Generated<string>;
  source: string;
  status: ImportStatus;
  totalRows: number | null;
  processedRows: Generated<number>;
  changedCount: Generated<number>;
  unchangedCount: Generated<number>;
  failedCount: Generated<number>;
  zeroedCount: Generated<number>;
  storeCount: number | null;
  failure: string | null;
  requestedBy: string;
  createdAt: Timestamp;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface InventoryImportErrorsTable {
  tenantId: string;
  importId: string;
  rowNumber: number;
  field: string;
  reason: string;
}

export type InventoryImportRow = Omit<Selectable<InventoryImportsTable>, 'tenantId' | 'source'>;

export interface RowError {
  rowNumber: number;
  field: string;
  reason: string;
}

const columns = [
  'id',
  'status',
  'totalRows',
  'processedRows',
  'changedCount',
  'unchangedCount',
  'failedCount',
  'zeroedCount',
  'storeCount',
  'failure',
  'requestedBy',
  'createdAt',
  'startedAt',
  'finishedAt',
] as const;

export function insertImport(
  tx: Tx,
  values: { tenantId: string; source: string; requestedBy: string; now: Date },
) {
  return tx
    .insertInto('inventoryImports')
    .values({
      tenantId: values.tenantId,
      source: values.source,
      status: 'queued',
      requestedBy: values.requestedBy,
      createdAt: values.now,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export function findImport(tx: Tx, id: string) {
  return tx.selectFrom('inventoryImports').select(columns).where('id', '=', id).executeTakeFirst();
}

export function findImportWithSource(tx: Tx, id: string) {
  return tx
    .selectFrom('inventoryImports')
    .select([...columns, 'source'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function updateImport(
  tx: Tx,
  id: string,
  values: Partial<
    Pick<InventoryImportRow, 'status' | 'totalRows' | 'storeCount' | 'failure' | 'startedAt' | 'finishedAt'>
  >,
) {
  return tx.updateTable('inventoryImports').set(values).where('id', '=', id).execute();
}

export interface BatchCounts {
  processed: number;
  changed: number;
  unchanged: number;
  failed: number;
  zeroed: number;
}

/** Adds a batch's outcome; runs in the batch's transaction so progress and stock commit together. */
export function addBatchCounts(tx: Tx, id: string, counts: BatchCounts) {
  return tx
    .updateTable('inventoryImports')
    .set((eb) => ({
      processedRows: eb('processedRows', '+', counts.processed),
      changedCount: eb('changedCount', '+', counts.changed),
      unchangedCount: eb('unchangedCount', '+', counts.unchanged),
      failedCount: eb('failedCount', '+', counts.failed),
      zeroedCount: eb('zeroedCount', '+', counts.zeroed),
    }))
    .where('id', '=', id)
    .execute();
}

export async function insertImportErrors(
  tx: Tx,
  tenantId: string,
  importId: string,
  errors: readonly RowError[],
) {
  if (errors.length === 0) return;
  await sql`
    insert into inventory_import_errors (tenant_id, import_id, row_number, field, reason)
    select ${tenantId}, ${importId}, e.row_number, e.field, e.reason
    from unnest(${errors.map((e) => e.rowNumber)}::integer[], ${errors.map((e) => e.field)}::text[],
      ${errors.map((e) => e.reason)}::text[]) as e (row_number, field, reason)
    on conflict do nothing`.execute(tx);
}

/** Newest first. */
export function listImportRows(tx: Tx, filter: { before?: { createdAt: Date; id: string }; limit: number }) {
  let query = tx
    .selectFrom('inventoryImports')
    .select(columns)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit);
  const before = filter.before;
  if (before) query = query.where(sql<boolean>`(created_at, id) < (${before.createdAt}, ${before.id})`);
  return query.execute();
}

export function listImportErrorRows(
  tx: Tx,
  importId: string,
  filter: { after?: { rowNumber: number; field: string }; limit: number },
) {
  let query = tx
    .selectFrom('inventoryImportErrors')
    .select(['rowNumber', 'field', 'reason'])
    .where('importId', '=', importId)
    .orderBy('rowNumber')
    .orderBy('field')
    .limit(filter.limit);
  const after = filter.after;
  if (after) query = query.where(sql<boolean>`(row_number, field) > (${after.rowNumber}, ${after.field})`);
  return query.execute();
}
