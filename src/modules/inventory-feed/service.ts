import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import {
  pageOfImports,
  pageOfRowErrors,
  queueImport,
  refuseEmptyFile,
} from '../../platform/feeds/import-service.ts';
import type { Page } from '../../platform/http/pagination.ts';
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
  refuseEmptyFile(source);
  const row = await repo.insertImport(ctx.tx, {
    tenantId: ctx.tenantId,
    source,
    requestedBy: principalKey(ctx.principal),
    now: ctx.now(),
  });
  if (options.queue) await queueImport(ctx, IMPORT_TASK, row.id);
  return toInventoryImport(row);
}

export async function getInventoryImport(ctx: Ctx, importId: string): Promise<InventoryImport> {
  const row = await repo.findImport(ctx.tx, importId);
  if (!row) throw new Problem('not_found', `No inventory import has id ${importId}.`);
  return toInventoryImport(row);
}

export function listInventoryImports(ctx: Ctx, query: { limit: number; cursor?: string | undefined }) {
  return pageOfImports(query, (page) => repo.listImportRows(ctx.tx, page), toInventoryImport);
}

export async function listInventoryImportErrors(
  ctx: Ctx,
  importId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<ImportError>> {
  await getInventoryImport(ctx, importId);
  return pageOfRowErrors(query, (page) => repo.imports.listRowErrors(ctx.tx, importId, page));
}
