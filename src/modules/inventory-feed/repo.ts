import type { Generated, Selectable } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import {
  type ImportColumns,
  type ImportRowErrorsTable,
  importSqlFor,
  newestFirst,
} from '../../platform/feeds/import-repo.ts';

export interface InventoryImportsTable extends ImportColumns {
  changedCount: Generated<number>;
  unchangedCount: Generated<number>;
  failedCount: Generated<number>;
  zeroedCount: Generated<number>;
  storeCount: number | null;
}

export type InventoryImportErrorsTable = ImportRowErrorsTable;

export type InventoryImportRow = Omit<Selectable<InventoryImportsTable>, 'tenantId' | 'source'>;

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

/** What is known once every row of the file is read. */
export function setFileTotals(tx: Tx, id: string, totals: { totalRows: number; storeCount: number }) {
  return tx.updateTable('inventoryImports').set(totals).where('id', '=', id).execute();
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

/** Status changes and row errors, on the inventory feed's tables. */
export const imports = importSqlFor('inventoryImports', 'inventoryImportErrors');

/** Newest first. */
export function listImportRows(tx: Tx, page: { before?: { createdAt: Date; id: string }; limit: number }) {
  return newestFirst(tx.selectFrom('inventoryImports').select(columns), page).execute();
}
