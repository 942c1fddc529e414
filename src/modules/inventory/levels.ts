import type { Ctx } from '../../platform/context.ts';
import { keyOf, sortedKeys } from './ledger.ts';
import * as repo from './repo.ts';
import { availableOf } from './status.ts';
import { refreshStatuses } from './statuses.ts';
import type { StockStatus } from './tables.ts';

export interface StockLevel {
  storeId: string;
  productId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  available: number;
  /** Balances of the other buckets that hold stock: damaged, in_transit, the merchant's own. */
  buckets: Record<string, number>;
  status: StockStatus;
  /** Whether the pair has a stock row; false when the product never had stock here. */
  recorded: boolean;
}

function toStockLevel(row: repo.LevelRow, buckets: Record<string, number>): StockLevel {
  return {
    storeId: row.storeId,
    productId: row.productId,
    onHand: row.onHand,
    reserved: row.reserved,
    safetyStock: row.safetyStock,
    available: availableOf(row),
    buckets,
    status: row.status,
    recorded: true,
  };
}

async function withBuckets(ctx: Ctx, rows: readonly repo.LevelRow[]): Promise<StockLevel[]> {
  const buckets = new Map<string, Record<string, number>>();
  for (const row of await repo.findBucketLevels(ctx.tx, rows)) {
    const key = keyOf(row);
    buckets.set(key, { ...buckets.get(key), [row.bucket]: row.quantity });
  }
  return rows.map((row) => toStockLevel(row, buckets.get(keyOf(row)) ?? {}));
}

/**
 * Current levels by `storeId/productId`, with zeros for pairs that never had stock. With `lock`, existing
 * level rows stay locked until the transaction ends, so what is read cannot change underneath the caller.
 */
export async function stockLevels(
  ctx: Ctx,
  keys: readonly repo.StockKey[],
  options: { lock?: boolean } = {},
): Promise<Map<string, StockLevel>> {
  const sorted = sortedKeys(keys);
  const found = await withBuckets(ctx, await repo.findLevels(ctx.tx, sorted, options));
  const levels = new Map(found.map((level) => [keyOf(level), level]));
  for (const key of sorted) {
    if (!levels.has(keyOf(key))) {
      levels.set(keyOf(key), {
        ...key,
        onHand: 0,
        reserved: 0,
        safetyStock: 0,
        available: 0,
        buckets: {},
        status: 'out_of_stock',
        recorded: false,
      });
    }
  }
  return levels;
}

/**
 * What a writer does first: creates the missing level rows of these pairs and locks all of them, in key order,
 * then answers their levels. Locking every pair it will touch before it touches any keeps a writer from
 * holding one level while it waits for another that a writer holding that one is waiting for.
 */
export async function lockStockLevels(
  ctx: Ctx,
  keys: readonly repo.StockKey[],
): Promise<Map<string, StockLevel>> {
  await repo.ensureLevels(ctx.tx, ctx.tenantId, sortedKeys(keys));
  return stockLevels(ctx, keys, { lock: true });
}

/** A store's stock rows in productId order, a page at a time (exports, full counts, full feeds). */
export async function listStoreStock(
  ctx: Ctx,
  storeId: string,
  page: { afterProductId?: string | undefined; limit: number },
): Promise<StockLevel[]> {
  return withBuckets(
    ctx,
    await repo.listLevelsAtStore(ctx.tx, storeId, page.afterProductId ?? '', page.limit),
  );
}

/**
 * A page of the store's stock rows, in productId order, that hold stock in one of `buckets` and whose product
 * is not listed in `exceptProductIds` (what a full feed leaves out). Read without locks.
 */
export async function listStoreStockExcept(
  ctx: Ctx,
  storeId: string,
  filter: { exceptProductIds: readonly string[]; buckets: readonly string[] },
  page: { afterProductId?: string | undefined; limit: number },
): Promise<StockLevel[]> {
  return withBuckets(
    ctx,
    await repo.listHeldLevelsAtStoreExcept(
      ctx.tx,
      storeId,
      filter.exceptProductIds,
      filter.buckets,
      page.afterProductId ?? '',
      page.limit,
    ),
  );
}

/**
 * Replaces what one source (a shipping notice, a transfer) is bringing to a store. What is expected feeds the
 * back-order and pre-order statuses and their dates; statuses are recomputed for every pair it touches. The
 * levels are locked before the expected rows that refer to them are written: the reference takes a share
 * lock on each level, and two writers that share a level cannot both go on to lock it for update.
 */
export async function expectInbound(
  ctx: Ctx,
  source: { type: string; id: string },
  storeId: string,
  lines: readonly { productId: string; quantity: number }[],
  expectedAt: Date | null,
): Promise<void> {
  const rows = lines
    .filter((line) => line.quantity > 0)
    .map((line) => ({ storeId, productId: line.productId, quantity: line.quantity, expectedAt }));
  const removed = await repo.deleteInbound(ctx.tx, source);
  await repo.ensureLevels(ctx.tx, ctx.tenantId, sortedKeys(rows));
  const levels = await repo.findLevels(ctx.tx, sortedKeys([...rows, ...removed]), { lock: true });
  await repo.insertInbound(ctx.tx, ctx.tenantId, source, rows);
  await refreshStatuses(ctx, levels);
}

export async function clearInbound(ctx: Ctx, source: { type: string; id: string }): Promise<void> {
  await refreshLevels(ctx, await repo.deleteInbound(ctx.tx, source));
}

/** Locks the levels of these pairs and recomputes their statuses (after thresholds or inbound stock change). */
export async function refreshLevels(ctx: Ctx, keys: readonly repo.StockKey[]): Promise<repo.LevelRow[]> {
  if (keys.length === 0) return [];
  const levels = await repo.findLevels(ctx.tx, sortedKeys(keys), { lock: true });
  await refreshStatuses(ctx, levels);
  return levels;
}
