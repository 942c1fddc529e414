import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import type { RowError } from '../../platform/feeds/import-repo.ts';
import {
  pageOfImports,
  pageOfRowErrors,
  queueImport,
  refuseEmptyFile,
} from '../../platform/feeds/import-service.ts';
import type { Page } from '../../platform/http/pagination.ts';
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
  refuseEmptyFile(file.source);
  const row = await repo.insertImport(ctx.tx, {
    tenantId: ctx.tenantId,
    format: file.format,
    source: file.source,
    requestedBy: principalKey(ctx.principal),
    now: ctx.now(),
  });
  if (options.queue) await queueImport(ctx, IMPORT_TASK, row.id);
  return toCatalogImport(row);
}

export async function getImport(ctx: Ctx, importId: string): Promise<CatalogImport> {
  const row = await repo.findImport(ctx.tx, importId);
  if (!row) throw new Problem('not_found', `No catalog import has id ${importId}.`);
  return toCatalogImport(row);
}

export function listImports(ctx: Ctx, query: { limit: number; cursor?: string | undefined }) {
  return pageOfImports(query, (page) => repo.listImportRows(ctx.tx, page), toCatalogImport);
}

export async function listImportErrors(
  ctx: Ctx,
  importId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<RowError>> {
  await getImport(ctx, importId);
  return pageOfRowErrors(query, (page) => repo.imports.listRowErrors(ctx.tx, importId, page));
}
