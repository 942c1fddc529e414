import type { Ctx, Platform } from '../../platform/context.ts';
import type { RowError } from '../../platform/feeds/import-repo.ts';
import type { ImportProgress } from '../../platform/feeds/import-service.ts';
import { asSystem } from '../../platform/system-context.ts';
import {
  listStoreStockExcept,
  type MovementInput,
  type PostedMovement,
  postMovements,
  type StockLevel,
  stockKey,
  stockLevels,
} from '../inventory/service.ts';
import { missingProductIds } from '../products/service.ts';
import { missingStoreIds } from '../stores/service.ts';
import { countRows, type FeedRow, readFeed, UnreadableFeed } from './parse.ts';
import * as repo from './repo.ts';
import { IMPORT_TASK } from './service.ts';

/** Rows per transaction: large enough that each statement's round trip is shared by thousands of rows. */
export const IMPORT_BATCH_ROWS = 5_000;
/** Stock rows per transaction when the products a file leaves out are set to 0. */
export const ZERO_PAGE_ROWS = 5_000;
export const FEED_REASON = 'feed_reconciliation';

export type { ImportProgress };

interface Run {
  importId: string;
  reference: { type: string; id: string };
  /** The buckets the file reconciles. */
  buckets: string[];
  /** Whether each storeId met so far names a store. */
  storeExists: Map<string, boolean>;
  /** storeId → productId → first row: what the file lists, errors included. */
  seen: Map<string, Map<string, number>>;
}

/**
 * Applies a queued inventory import: the file is read as a stream, and each batch of rows is applied in its own
 * transaction together with its progress and row errors while the next batch is being parsed. After the last
 * row, the products of the file's stores that it does not list are set to 0, a page of stock at a time.
 * After a crash the job runs again: it skips the rows already committed, and setting absent products to 0
 * again finds nothing left to do for those already done. A run that changes nothing writes nothing.
 */
export async function runInventoryImport(
  platform: Platform,
  tenantId: string,
  importId: string,
  onProgress: ImportProgress = () => {},
): Promise<void> {
  const system = <T>(work: (ctx: Ctx) => Promise<T>) => asSystem(platform, tenantId, IMPORT_TASK, work);
  const job = await system((ctx) => repo.findImportWithSource(ctx.tx, importId));
  if (!job || job.status === 'completed' || job.status === 'failed') return;
  let total = job.totalRows ?? countRows(job.source);
  await system((ctx) => repo.imports.markRunning(ctx.tx, job, total, ctx.now()));
  const run: Run = {
    importId,
    reference: { type: 'inventory_import', id: importId },
    buckets: [],
    storeExists: new Map(),
    seen: new Map(),
  };
  let processed = job.processedRows;
  let read = 0;
  let batch: FeedRow[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  // One batch is applied while the next is parsed; its failure surfaces when it is awaited.
  const applyNext = async (rows: FeedRow[]) => {
    await inFlight;
    inFlight = system((ctx) => applyBatch(ctx, run, rows)).then(() => {
      processed += rows.length;
      onProgress(processed, Math.max(total, processed));
    });
    inFlight.catch(() => {});
  };
  let unreadable: UnreadableFeed | undefined;
  try {
    for await (const row of readFeed(job.source, run.seen, (header) => (run.buckets = header.buckets))) {
      read += 1;
      if (read <= job.processedRows) continue;
      batch.push(row);
      if (batch.length === IMPORT_BATCH_ROWS) {
        await applyNext(batch);
        batch = [];
      }
    }
  } catch (error) {
    if (!(error instanceof UnreadableFeed)) throw error;
    unreadable = error;
  }
  if (!unreadable && batch.length > 0) await applyNext(batch);
  await inFlight;
  if (unreadable) {
    const failure = unreadable.message;
    await system((ctx) => repo.imports.markFailed(ctx.tx, importId, failure, ctx.now()));
    return;
  }
  total = read;
  const stores = await system(async (ctx) => {
    await checkStores(ctx, run, [...run.seen.keys()]);
    const named = [...run.seen.keys()].filter((storeId) => run.storeExists.get(storeId)).sort(byCodeUnits);
    await repo.setFileTotals(ctx.tx, importId, { totalRows: total, storeCount: named.length });
    return named;
  });
  for (const storeId of stores) await zeroAbsentProducts(system, run, storeId);
  await system((ctx) => repo.imports.markCompleted(ctx.tx, importId, ctx.now()));
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function checkStores(ctx: Ctx, run: Run, storeIds: string[]) {
  const unchecked = [...new Set(storeIds)].filter((storeId) => !run.storeExists.has(storeId));
  if (unchecked.length === 0) return;
  const missing = new Set(await missingStoreIds(ctx, unchecked));
  for (const storeId of unchecked) run.storeExists.set(storeId, !missing.has(storeId));
}

function quantityIn(level: StockLevel | undefined, bucket: string): number {
  if (!level) return 0;
  return bucket === 'on_hand' ? level.onHand : (level.buckets[bucket] ?? 0);
}

/** One batch in one transaction: check the rows, lock and read their stock, post the differences. */
async function applyBatch(ctx: Ctx, run: Run, rows: FeedRow[]): Promise<void> {
  const errors: RowError[] = [];
  const failed = new Set<number>();
  const fail = (row: FeedRow, field: string, reason: string) => {
    errors.push({ rowNumber: row.rowNumber, field, reason });
    failed.add(row.rowNumber);
  };
  for (const row of rows) for (const error of row.errors) fail(row, error.field, error.reason);
  const candidates = rows.filter((row) => row.errors.length === 0);
  await checkStores(
    ctx,
    run,
    candidates.map((row) => row.storeId),
  );
  const missingProducts = new Set(
    await missingProductIds(
      ctx,
      candidates.map((row) => row.productId),
    ),
  );
  const valid = candidates.filter((row) => {
    if (!run.storeExists.get(row.storeId)) fail(row, 'storeId', `no store has storeId "${row.storeId}"`);
    if (missingProducts.has(row.productId))
      fail(row, 'productId', `no product has productId "${row.productId}"`);
    return !failed.has(row.rowNumber);
  });
  // Most rows of a nightly file match the stock: they are read without locking (a lock writes to every row it
  // takes), and a change committed after that read simply comes after this feed. Pairs with no stock row yet
  // are posted first, so their rows are created before any existing row is locked (the order every writer of
  // stock follows); then the existing pairs that differ are locked in key order and read again, and their
  // movements come from the locked balances.
  const seen = await stockLevels(ctx, valid);
  const differs = valid.filter((row) => {
    const level = seen.get(stockKey(row));
    return [...row.targets].some(([bucket, target]) => target !== quantityIn(level, bucket));
  });
  const fresh = differs.filter((row) => !seen.get(stockKey(row))?.recorded);
  const created = await postDifferences(ctx, run, fresh, seen);
  await correctRacedPairs(ctx, run, fresh, created.posted);
  const changed = created.changed;
  const known = differs.filter((row) => seen.get(stockKey(row))?.recorded);
  const locked = await stockLevels(ctx, known, { lock: true });
  const changedToo = (await postDifferences(ctx, run, known, locked)).changed;
  await repo.imports.insertRowErrors(ctx.tx, ctx.tenantId, run.importId, errors);
  await repo.addBatchCounts(ctx.tx, run.importId, {
    processed: rows.length,
    changed: changed + changedToo,
    unchanged: valid.length - changed - changedToo,
    failed: failed.size,
    zeroed: 0,
  });
}

/**
 * Posts the movements that bring each row's buckets from `levels` to the file's quantities; answers how many
 * rows changed and the posted movements.
 */
async function postDifferences(
  ctx: Ctx,
  run: Run,
  rows: readonly FeedRow[],
  levels: Map<string, StockLevel>,
): Promise<{ changed: number; posted: PostedMovement[] }> {
  const movements: MovementInput[] = [];
  const movedRows: number[] = [];
  let changed = 0;
  for (const row of rows) {
    const level = levels.get(stockKey(row));
    const before = movements.length;
    for (const [bucket, target] of row.targets) {
      const quantity = target - quantityIn(level, bucket);
      if (quantity === 0) continue;
      movements.push(movement(run, row, bucket, quantity));
      movedRows.push(row.rowNumber);
    }
    if (movements.length > before) changed += 1;
  }
  // Stores and products were checked in this transaction.
  const posted = await postMovements(ctx, movements, {
    field: (index) => `row ${movedRows[index]}`,
    trusted: true,
  });
  return { changed, posted };
}

/**
 * A pair with no stock row when the batch read it may have been created by another writer before the feed
 * posted to it; the feed's movement then landed on that writer's stock. Such a pair is locked by now, so a
 * second movement brings it to the file's quantity.
 */
async function correctRacedPairs(ctx: Ctx, run: Run, rows: readonly FeedRow[], posted: PostedMovement[]) {
  const targets = new Map(rows.map((row) => [stockKey(row), row.targets]));
  const corrections = posted
    .filter((landed) => landed.before !== 0)
    .map((landed) => {
      const target = targets.get(stockKey(landed))?.get(landed.bucket) ?? landed.after;
      return movement(run, landed, landed.bucket, target - landed.after);
    })
    .filter((correction) => correction.quantity !== 0);
  await postMovements(ctx, corrections, { field: (index) => `correction ${index}`, trusted: true });
}

function movement(
  run: Run,
  key: { storeId: string; productId: string },
  bucket: string,
  quantity: number,
): MovementInput {
  return {
    storeId: key.storeId,
    productId: key.productId,
    bucket,
    quantity,
    reason: FEED_REASON,
    reference: run.reference,
  };
}

/**
 * What "full" means: a product with stock at one of the file's stores that the file does not list has none.
 * Its reconciled buckets are set to 0, a page of the store's stock per transaction; the rows are locked before
 * the quantities are read, so a sale committing meanwhile is not undone.
 */
async function zeroAbsentProducts(
  system: <T>(work: (ctx: Ctx) => Promise<T>) => Promise<T>,
  run: Run,
  storeId: string,
): Promise<void> {
  const filter = { exceptProductIds: [...(run.seen.get(storeId)?.keys() ?? [])], buckets: run.buckets };
  let after: string | undefined;
  for (;;) {
    const page = await system(async (ctx) => {
      // Only rows that hold stock and that the file leaves out come back; they are locked and read again.
      const absent = await listStoreStockExcept(ctx, storeId, filter, {
        afterProductId: after,
        limit: ZERO_PAGE_ROWS,
      });
      if (absent.length > 0) {
        const locked = await stockLevels(ctx, absent, { lock: true });
        const movements = absent.flatMap((key) =>
          run.buckets
            .map((bucket) => movement(run, key, bucket, -quantityIn(locked.get(stockKey(key)), bucket)))
            .filter((entry) => entry.quantity !== 0),
        );
        // Trusted: these rows exist, and a product deleted since it was stocked still holds real stock.
        await postMovements(ctx, movements, {
          field: (i) => `absent ${movements[i]?.productId}`,
          trusted: true,
        });
        const zeroed = new Set(movements.map((entry) => entry.productId)).size;
        await repo.addBatchCounts(ctx.tx, run.importId, {
          processed: 0,
          changed: 0,
          unchanged: 0,
          failed: 0,
          zeroed,
        });
      }
      return { size: absent.length, last: absent.at(-1)?.productId };
    });
    if (page.size < ZERO_PAGE_ROWS || !page.last) return;
    after = page.last;
  }
}
