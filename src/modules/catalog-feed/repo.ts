import { type Generated, type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export interface CatalogImportsTable {
  tenantId: string;
  id: Generated<string>;
  format: 'csv' | 'jsonl';
  source: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  totalRows: number | null;
  processedRows: Generated<number>;
  createdCount: Generated<number>;
  updatedCount: Generated<number>;
  unchangedCount: Generated<number>;
  failedCount: Generated<number>;
  failure: string | null;
  requestedBy: string;
  createdAt: Timestamp;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface CatalogImportErrorsTable {
  tenantId: string;
  importId: string;
  rowNumber: number;
  field: string;
  reason: string;
}

export type CatalogImportRow = Omit<Selectable<CatalogImportsTable>, 'tenantId' | 'source'>;

const columns = [
  'id',
  'format',
  'status',
  'totalRows',
  'processedRows',
  'createdCount',
  'updatedCount',
  'unchangedCount',
  'failedCount',
  'failure',
  'requestedBy',
  'createdAt',
  'startedAt',
  'finishedAt',
] as const;

export function insertImport(
  tx: Tx,
  values: { tenantId: string; format: 'csv' | 'jsonl'; source: string; requestedBy: string; now: Date },
) {
  return tx
    .insertInto('catalogImports')
    .values({
      tenantId: values.tenantId,
      format: values.format,
      source: values.source,
      status: 'queued',
      requestedBy: values.requestedBy,
      createdAt: values.now,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export function findImport(tx: Tx, id: string, options: { withSource?: boolean } = {}) {
  return tx
    .selectFrom('catalogImports')
    .select([...columns, ...(options.withSource ? (['source'] as const) : [])])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function updateImport(
  tx: Tx,
  id: string,
  values: Partial<Pick<CatalogImportRow, 'status' | 'totalRows' | 'failure' | 'startedAt' | 'finishedAt'>>,
) {
  return tx.updateTable('catalogImports').set(values).where('id', '=', id).execute();
}

export interface BatchCounts {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** Adds a batch's outcome; runs in the batch's transaction so progress and products commit together. */
export function addBatchCounts(tx: Tx, id: string, counts: BatchCounts) {
  return tx
    .updateTable('catalogImports')
    .set((eb) => ({
      processedRows: eb('processedRows', '+', counts.processed),
      createdCount: eb('createdCount', '+', counts.created),
      updatedCount: eb('updatedCount', '+', counts.updated),
      unchangedCount: eb('unchangedCount', '+', counts.unchanged),
      failedCount: eb('failedCount', '+', counts.failed),
    }))
    .where('id', '=', id)
    .execute();
}

export async function insertImportErrors(
  tx: Tx,
  tenantId: string,
  importId: string,
  errors: readonly { rowNumber: number; field: string; reason: string }[],
) {
  if (errors.length === 0) return;
  await tx
    .insertInto('catalogImportErrors')
    .values(errors.map((error) => ({ tenantId, importId, ...error })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Newest first. */
export function listImportRows(tx: Tx, filter: { before?: { createdAt: Date; id: string }; limit: number }) {
  let query = tx
    .selectFrom('catalogImports')
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
    .selectFrom('catalogImportErrors')
    .select(['rowNumber', 'field', 'reason'])
    .where('importId', '=', importId)
    .orderBy('rowNumber')
    .orderBy('field')
    .limit(filter.limit);
  const after = filter.after;
  if (after) query = query.where(sql<boolean>`(row_number, field) > (${after.rowNumber}, ${after.field})`);
  return query.execute();
}
