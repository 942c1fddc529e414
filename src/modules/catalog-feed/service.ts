import type { Ctx } from '../../platform/context.ts';
import { enqueueJob } from '../../platform/events/jobs.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import type { FeedFormat } from './parse.ts';
import * as repo from './repo.ts';
import type { CatalogImport } from './schemas.ts';

export const IMPORT_TASK = 'catalog.import';

export function toCatalogImport(row: repo.CatalogImportRow): CatalogImport {
  return {
    importId: row.id,
    format: row.format,
    status: row.status,
    ...(row.totalRows === null ? {} : { totalRows: row.totalRows }),
    processedRows: row.processedRows,
    summary: {
      created: row.createdCount,
      updated: row.updatedCount,
      unchanged: row.unchangedCount,
      failed: row.failedCount,
    },
    ...(row.failure ? { failure: row.failure } : {}),
    createdAt: row.createdAt.getTime(),
    ...(row.startedAt ? { startedAt: row.startedAt.getTime() } : {}),
    ...(row.finishedAt ? { finishedAt: row.finishedAt.getTime() } : {}),
  };
}

/** Stores the file and queues its import; the worker applies it in batches (see `runImport`). */
export async function startImport(
  ctx: Ctx,
  file: { format: FeedFormat; source: string },
  options: { queue: boolean } = { queue: true },
): Promise<CatalogImport> {
  if (file.source.trim() === '') throw new Problem('validation_failed', 'The file is empty.');
  const row = await repo.insertImport(ctx.tx, {
    tenantId: ctx.tenantId,
    format: file.format,
    source: file.source,
    requestedBy: `${ctx.principal.kind}:${ctx.principal.id}`,
    now: ctx.now(),
  });
  if (options.queue) await enqueueJob(ctx.tx, IMPORT_TASK, { tenantId: ctx.tenantId, importId: row.id });
  return toCatalogImport(row);
}

export async function getImport(ctx: Ctx, importId: string): Promise<CatalogImport> {
  const row = await repo.findImport(ctx.tx, importId);
  if (!row) throw new Problem('not_found', `No catalog import has id ${importId}.`);
  return toCatalogImport(row);
}

export async function listImports(ctx: Ctx, query: { limit: number; cursor?: string | undefined }) {
  const key = query.cursor ? decodeCursor(query.cursor) : undefined;
  const before =
    key && typeof key[0] === 'number' && typeof key[1] === 'string'
      ? { createdAt: new Date(key[0]), id: key[1] }
      : undefined;
  const rows = await repo.listImportRows(ctx.tx, { before, limit: query.limit + 1 });
  return toPage(rows, query.limit, (row) => [row.createdAt.getTime(), row.id], toCatalogImport);
}

export async function listImportErrors(
  ctx: Ctx,
  importId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<{ rowNumber: number; field: string; reason: string }>> {
  await getImport(ctx, importId);
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
