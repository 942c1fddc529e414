import type { Generated, Selectable } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import {
  type ImportColumns,
  type ImportRowErrorsTable,
  importSqlFor,
  newestFirst,
} from '../../platform/feeds/import-repo.ts';

export interface CatalogImportsTable extends ImportColumns {
  format: 'csv' | 'jsonl';
  createdCount: Generated<number>;
  updatedCount: Generated<number>;
  unchangedCount: Generated<number>;
  failedCount: Generated<number>;
}

export type CatalogImportErrorsTable = ImportRowErrorsTable;

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

/** Status changes and row errors, on the catalog's tables. */
export const imports = importSqlFor('catalogImports', 'catalogImportErrors');

/** Newest first. */
export function listImportRows(tx: Tx, page: { before?: { createdAt: Date; id: string }; limit: number }) {
  return newestFirst(tx.selectFrom('catalogImports').select(columns), page).execute();
}
