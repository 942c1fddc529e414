import type { z } from 'zod';
import type { Ctx, Platform } from '../../platform/context.ts';
import type { RowError } from '../../platform/feeds/import-repo.ts';
import type { ImportProgress } from '../../platform/feeds/import-service.ts';
import { Problem } from '../../platform/http/problems.ts';
import { asSystem } from '../../platform/system-context.ts';
import { newProductSchema } from '../products/schemas.ts';
import { saveProducts } from '../products/service.ts';
import { typedAttributes } from './attribute-types.ts';
import { type FeedRow, parseFeed } from './parse.ts';
import * as repo from './repo.ts';
import { IMPORT_TASK } from './service.ts';

export const IMPORT_BATCH_ROWS = 500;

export type { ImportProgress };

/**
 * Applies a queued catalog import in batches of 500 rows, each batch in its own transaction together with
 * its progress and row errors. After a crash the job runs again and resumes after the last committed batch;
 * products are written only when they change, so running a file twice changes nothing.
 */
export async function runImport(
  platform: Platform,
  tenantId: string,
  importId: string,
  onProgress: ImportProgress = () => {},
): Promise<void> {
  const system = <T>(work: (ctx: Ctx) => Promise<T>) => asSystem(platform, tenantId, IMPORT_TASK, work);
  const job = await system((ctx) => repo.findImport(ctx.tx, importId, { withSource: true }));
  if (!job || job.status === 'completed' || job.status === 'failed') return;
  let rows: FeedRow[];
  try {
    rows = markDuplicates(parseFeed(job.source, job.format));
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    await system((ctx) => repo.imports.markFailed(ctx.tx, importId, error.message, ctx.now()));
    return;
  }
  await system((ctx) => repo.imports.markRunning(ctx.tx, job, rows.length, ctx.now()));
  for (let start = job.processedRows; start < rows.length; start += IMPORT_BATCH_ROWS) {
    const batch = rows.slice(start, start + IMPORT_BATCH_ROWS);
    await system((ctx) => applyBatch(ctx, importId, batch));
    onProgress(Math.min(start + IMPORT_BATCH_ROWS, rows.length), rows.length);
  }
  await system((ctx) => repo.imports.markCompleted(ctx.tx, importId, ctx.now()));
}

/** A product must appear once per file: later rows with the same productId are errors. */
function markDuplicates(rows: FeedRow[]): FeedRow[] {
  const firstRow = new Map<unknown, number>();
  return rows.map((row) => {
    const productId = row.product?.productId;
    if (typeof productId !== 'string') return row;
    const first = firstRow.get(productId);
    if (first === undefined) {
      firstRow.set(productId, row.rowNumber);
      return row;
    }
    return { rowNumber: row.rowNumber, error: { field: 'productId', reason: `also on row ${first}` } };
  });
}

async function applyBatch(ctx: Ctx, importId: string, batch: FeedRow[]) {
  const errors: RowError[] = [];
  const valid: { rowNumber: number; product: z.output<typeof newProductSchema> }[] = [];
  const products = await typedAttributes(ctx, batch);
  for (const [index, row] of batch.entries()) {
    if (row.error) {
      errors.push({ rowNumber: row.rowNumber, ...row.error });
      continue;
    }
    const parsed = newProductSchema.safeParse(products[index]);
    if (parsed.success) valid.push({ rowNumber: row.rowNumber, product: parsed.data });
    else {
      for (const issue of parsed.error.issues) {
        errors.push({ rowNumber: row.rowNumber, field: fieldOf(issue), reason: issue.message });
      }
    }
  }
  const outcome = await saveProducts(
    ctx,
    valid.map((row) => row.product),
  );
  for (const result of outcome.results) {
    if (result.status !== 'failed') continue;
    const rowNumber = valid[result.index]?.rowNumber ?? 0;
    const fieldErrors = result.error?.errors ?? [{ field: '', message: result.error?.detail ?? 'failed' }];
    for (const error of fieldErrors) errors.push({ rowNumber, field: error.field, reason: error.message });
  }
  await repo.imports.insertRowErrors(ctx.tx, ctx.tenantId, importId, errors);
  await repo.addBatchCounts(ctx.tx, importId, {
    processed: batch.length,
    created: outcome.summary.created,
    updated: outcome.summary.updated,
    unchanged: outcome.summary.unchanged,
    failed: new Set(errors.map((error) => error.rowNumber)).size,
  });
}

function fieldOf(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return [path, ...issue.keys].filter(Boolean).join('.');
  return path;
}
