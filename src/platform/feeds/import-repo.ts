import { type Generated, type SelectQueryBuilder, sql } from 'kysely';
import type { Database, Timestamp } from '../db/schema.ts';
import type { Tx } from '../db/tenant-transaction.ts';

// The SQL of feed imports. Each feed (catalog, inventory) keeps its imports and their row errors in two tables
// of its own with the columns below; its repo binds this SQL to those tables with `importSqlFor`.

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

/** The columns of every feed's imports table; each feed adds the counters of its summary. */
export interface ImportColumns {
  tenantId: string;
  id: Generated<string>;
  source: string;
  status: ImportStatus;
  totalRows: number | null;
  processedRows: Generated<number>;
  failure: string | null;
  requestedBy: string;
  createdAt: Timestamp;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface RowError {
  rowNumber: number;
  field: string;
  reason: string;
}

/** Every feed's table of row errors. */
export interface ImportRowErrorsTable extends RowError {
  tenantId: string;
  importId: string;
}

type TablesWith<Columns> = {
  [Name in keyof Database]: Database[Name] extends Columns ? Name : never;
}[keyof Database];

export type ImportsTableName = TablesWith<ImportColumns>;
export type RowErrorsTableName = TablesWith<ImportRowErrorsTable>;

/** Newest first: orders a feed's select of its imports and starts it after the cursor's import. */
export function newestFirst<Table extends ImportsTableName, Row>(
  query: SelectQueryBuilder<Database, Table, Row>,
  page: { before?: { createdAt: Date; id: string }; limit: number },
) {
  const ordered = query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(page.limit);
  const before = page.before;
  return before
    ? ordered.where(sql<boolean>`(created_at, id) < (${before.createdAt}, ${before.id})`)
    : ordered;
}

/** The status changes and row errors of one feed's imports, on its own tables. */
export function importSqlFor(imports: ImportsTableName, rowErrors: RowErrorsTableName) {
  const update = (
    tx: Tx,
    id: string,
    values: Partial<Pick<ImportColumns, 'status' | 'totalRows' | 'failure' | 'startedAt' | 'finishedAt'>>,
  ) => tx.updateTable(imports).set(values).where('id', '=', id).execute();

  return {
    /** A resumed run keeps the time of the first start. */
    markRunning: (tx: Tx, job: { id: string; startedAt: Date | null }, totalRows: number, now: Date) =>
      update(tx, job.id, { status: 'running', totalRows, ...(job.startedAt ? {} : { startedAt: now }) }),

    /** The file could not be read: nothing more of it will be applied. */
    markFailed: (tx: Tx, id: string, failure: string, now: Date) =>
      update(tx, id, { status: 'failed', failure, finishedAt: now }),

    markCompleted: (tx: Tx, id: string, now: Date) =>
      update(tx, id, { status: 'completed', finishedAt: now }),

    /** Three array parameters whatever the count: a batch's errors never reach PostgreSQL's parameter limit. */
    async insertRowErrors(tx: Tx, tenantId: string, importId: string, errors: readonly RowError[]) {
      if (errors.length === 0) return;
      await tx
        .insertInto(rowErrors)
        .columns(['tenantId', 'importId', 'rowNumber', 'field', 'reason'])
        .expression(
          sql`select ${tenantId}, ${importId}, e.row_number, e.field, e.reason
            from unnest(${errors.map((e) => e.rowNumber)}::integer[], ${errors.map((e) => e.field)}::text[],
              ${errors.map((e) => e.reason)}::text[]) as e (row_number, field, reason)`,
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    /** In the order of the file, after the cursor's error. */
    listRowErrors(
      tx: Tx,
      importId: string,
      page: { after?: { rowNumber: number; field: string }; limit: number },
    ): Promise<RowError[]> {
      let query = tx
        .selectFrom(rowErrors)
        .select(['rowNumber', 'field', 'reason'])
        .where('importId', '=', importId)
        .orderBy('rowNumber')
        .orderBy('field')
        .limit(page.limit);
      const after = page.after;
      if (after)
        query = query.where(sql<boolean>`(row_number, field) > (${after.rowNumber}, ${after.field})`);
      return query.execute();
    },
  };
}
