import { z } from 'zod';
import type { Ctx, Platform } from '../context.ts';
import { enqueueJob } from '../events/jobs.ts';
import type { TaskDefinition } from '../events/registry.ts';
import { decodeCursor, type Page, toPage } from '../http/pagination.ts';
import { Problem } from '../http/problems.ts';
import type { RowError } from './import-repo.ts';

// What feed imports share above their SQL: an uploaded file is stored as an import, queued for the worker,
// applied in batches, and read back as pages of imports and of row errors.

/** Rows applied so far and the rows of the file, after each batch that commits. */
export type ImportProgress = (processed: number, total: number) => void;

type PageQuery = { limit: number; cursor?: string | undefined };

export function refuseEmptyFile(source: string): void {
  if (!/\S/.test(source)) throw new Problem('validation_failed', 'The file is empty.');
}

/** Queues the worker task that applies the import, in the transaction that stored it. */
export function queueImport(ctx: Ctx, task: string, importId: string): Promise<void> {
  return enqueueJob(ctx.tx, task, { tenantId: ctx.tenantId, importId });
}

const importPayload = z.object({ tenantId: z.uuid(), importId: z.uuid() });

/** The worker task behind `queueImport`. */
export function importTask(
  name: string,
  run: (platform: Platform, tenantId: string, importId: string) => Promise<void>,
): TaskDefinition {
  return {
    name,
    run: (platform, payload) => {
      const { tenantId, importId } = importPayload.parse(payload);
      return run(platform, tenantId, importId);
    },
  };
}

/** A page of imports, newest first; the cursor is the createdAt and id of the last one. */
export async function pageOfImports<Row extends { createdAt: Date; id: string }, Item>(
  query: PageQuery,
  fetch: (page: { before?: { createdAt: Date; id: string }; limit: number }) => Promise<Row[]>,
  toItem: (row: Row) => Item,
): Promise<Page<Item>> {
  const key = query.cursor ? decodeCursor(query.cursor) : undefined;
  const before =
    key && typeof key[0] === 'number' && typeof key[1] === 'string'
      ? { createdAt: new Date(key[0]), id: key[1] }
      : undefined;
  const rows = await fetch({ before, limit: query.limit + 1 });
  return toPage(rows, query.limit, (row) => [row.createdAt.getTime(), row.id], toItem);
}

/** A page of an import's row errors in the order of the file; the cursor is the last one's row and field. */
export async function pageOfRowErrors(
  query: PageQuery,
  fetch: (page: { after?: { rowNumber: number; field: string }; limit: number }) => Promise<RowError[]>,
): Promise<Page<RowError>> {
  const key = query.cursor ? decodeCursor(query.cursor) : undefined;
  const after =
    key && typeof key[0] === 'number' && typeof key[1] === 'string'
      ? { rowNumber: key[0], field: key[1] }
      : undefined;
  const rows = await fetch({ after, limit: query.limit + 1 });
  return toPage(
    rows,
    query.limit,
    (row) => [row.rowNumber, row.field],
    (row) => row,
  );
}
