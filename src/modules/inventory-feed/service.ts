import type { Ctx } from '../../platform/context.ts';
import { enqueueJob } from '../../platform/events/jobs.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import * as repo from './repo.ts';
import type { ImportError, InventoryImport } from './schemas.ts';

export const IMPORT_TASK = 'inventory.import';

export function toInventoryImport(row: repo.InventoryImportRow): InventoryImport {
  return {
    importId: row.id,
    status: row.status,
    ...(row.totalRows === null ? {} : { totalRows: row.totalRows }),
    processedRows: row.processedRows,
    summary: {
      changed: row.changedCount,
      unchanged: row.unchangedCount,
      failed: row.failedCount,
      zeroed: row.zeroedCount,
      ...(row.storeCount === null ? {} : { stores: row.storeCount }),
    },
    ...(row.failure ? { failure: row.failure } : {}),
    createdAt: row.createdAt.getTime(),
    ...(row.startedAt ? { startedAt: row.startedAt.getTime() } : {}),
    ...(row.finishedAt ? { finishedAt: row.finishedAt.getTime() } : {}),
  };
}

/** Stores the file and queues its import; the worker applies it in batches (see `runInventoryImport`). */
export async function startInventoryImport(
  ctx: Ctx,
  source: string,
  options: { queue: boolean } = { queue: true },
): Promise<InventoryImport> {
  if (!/\S/.test(source)) throw new Problem('validation_failed', 'The file is empty.');
  const row = await repo.insertImport(ctx.tx, {
    tenantId: ctx.tenantId,
    source,
    requestedBy: `${ctx.principal.kind}:${ctx.principal.id}`,
    now: ctx.now(),
  });
  if (options.queue) await enqueueJob(ctx.tx, IMPORT_TASK, { tenantId: ctx.tenantId, importId: row.id });
  return toInventoryImport(row);
}

export async function getInventoryImport(ctx: Ctx, importId: string): Promise<InventoryImport> {
  const row = await repo.findImport(ctx.tx, importId);
  if (!row) throw new Problem('not_found', `No inventory import has id ${importId}.`);
  return toInventoryImport(row);
}

export async function listInventoryImports(ctx: Ctx, query: { limit: number; cursor?: string | undefined }) {
  const key = query.cursor ? decodeCursor(query.cursor) : undefined;
  const before =
    key && typeof key[0] === 'number' && typeof key[1] === 'string'
      ? { createdAt: new Date(key[0]), id: key[1] }
      : undefined;
  const rows = await repo.listImportRows(ctx.tx, { before, limit: query.limit + 1 });
  return toPage(rows, query.limit, (row) => [row.createdAt.getTime(), row.id], toInventoryImport);
}

export async function listInventoryImportErrors(
  ctx: Ctx,
  importId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<ImportError>> {
  await getInventoryImport(ctx, importId);
  const key = query.cursor ? decodeCursor(query.cursor) : undefined;
  const after =
    key && typeof key[0] === 'number' && typeof key[1] === 'string'
      ? { rowNumber: key[0], field: key[1] }
      : undefined;
  const rows = await repo.listImportErrorRows(ctx.tx, importId, { after, limit: query.limit + 1 });
  return toPage(
    rows,
    query.limit,
    (row) => [row.rowNumber, row.field],
    (row) => row,
  );
}
