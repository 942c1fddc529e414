import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem } from '../../platform/http/problems.ts';
import {
  lockStockLevels,
  type MovementInput,
  postMovements,
  type StockLevel,
  stockLevels,
} from '../inventory/service.ts';
import { CYCLE_COUNT_EVENTS } from './events.ts';
import * as repo from './repo.ts';
import type { Completion, CountsResult, CycleCount } from './schemas.ts';
import { lockCycleCount, showCounts, showCycleCount, wrongState } from './view.ts';

// Counting and completing. A line's expected quantity is what was on hand when its count was recorded, and
// completing posts `counted − expected` as a movement: units sold (or received) after a product was counted
// change on hand by themselves and are neither found nor lost again by the count.

const LEVELS_CHUNK = 1000;

/** Records counts (a product counted again replaces its count); the count becomes `counted` with its last line. */
export async function recordCounts(
  ctx: Ctx,
  cycleCountId: string,
  counts: readonly { productId: string; quantity: number }[],
): Promise<CountsResult> {
  const current = await lockCycleCount(ctx, cycleCountId);
  if (current.status === 'created') throw wrongState(current, 'take counts', 'Start it first.');
  if (current.status !== 'started' && current.status !== 'counted') throw wrongState(current, 'take counts');
  const inScope = new Set(
    await repo.lineProductIds(
      ctx.tx,
      cycleCountId,
      counts.map((count) => count.productId),
    ),
  );
  const outside = counts.flatMap((count, index) =>
    inScope.has(count.productId) ? [] : [{ ...count, index }],
  );
  if (outside.length > 0) {
    throw new Problem(
      'rule_violated',
      `Cycle count "${cycleCountId}" does not cover ${outside.map((count) => `"${count.productId}"`).join(', ')}; nothing was recorded.`,
      {
        errors: outside.map((count) => ({
          field: `body.counts.${count.index}.productId`,
          message: 'not a product of this count',
        })),
      },
    );
  }
  const onHand = await onHandOf(
    ctx,
    current.storeId,
    counts.map((count) => count.productId),
  );
  const recorded = await repo.recordCounts(
    ctx.tx,
    cycleCountId,
    counts.map((count) => ({
      productId: count.productId,
      expectedQuantity: onHand.get(count.productId) ?? 0,
      countedQuantity: count.quantity,
    })),
    ctx.now(),
  );
  let row = current;
  if (current.status === 'started') {
    const totals = await repo.lineTotals(ctx.tx, cycleCountId);
    if (totals.counted === totals.lines) {
      row = await repo.updateCycleCount(ctx.tx, cycleCountId, { status: 'counted', countedAt: ctx.now() });
      await emit(ctx, {
        type: CYCLE_COUNT_EVENTS.counted,
        subject: cycleCountId,
        data: {
          cycleCountId,
          storeId: row.storeId,
          lineCount: totals.lines,
          countedAt: row.countedAt?.getTime(),
        },
      });
    }
  }
  return showCounts(ctx, row, recorded);
}

/**
 * Completes a count: posts each line's variance to on hand (reason `cycle_count`), all or nothing. Requires
 * every line counted, unless `uncountedAsZero` records the rest as found empty.
 */
export async function completeCycleCount(
  ctx: Ctx,
  cycleCountId: string,
  input: Completion,
): Promise<CycleCount> {
  const current = await lockCycleCount(ctx, cycleCountId);
  if (current.status === 'created') throw wrongState(current, 'complete', 'Start it and count it first.');
  if (current.status === 'started' && !input.uncountedAsZero) {
    const totals = await repo.lineTotals(ctx.tx, cycleCountId);
    throw wrongState(
      current,
      'complete',
      `${totals.lines - totals.counted} of ${totals.lines} products are not counted yet; count them or pass uncountedAsZero.`,
    );
  }
  if (current.status !== 'started' && current.status !== 'counted') throw wrongState(current, 'complete');

  const zeroed = input.uncountedAsZero ? await countRestAsZero(ctx, current) : 0;
  const lines = await repo.linesWithVariance(ctx.tx, cycleCountId);
  const onHand = await onHandOf(
    ctx,
    current.storeId,
    lines.map((line) => line.productId),
    { lock: true },
  );
  // A count never takes on hand below zero: if more was sold since counting than the count found missing,
  // the shortfall has already left the books.
  const adjustments = lines.map((line) => ({
    productId: line.productId,
    adjustment: Math.max(line.variance ?? 0, -(onHand.get(line.productId) ?? 0)),
  }));
  const movements: MovementInput[] = adjustments
    .filter((item) => item.adjustment !== 0)
    .map((item) => ({
      storeId: current.storeId,
      productId: item.productId,
      bucket: 'on_hand',
      quantity: item.adjustment,
      reason: 'cycle_count',
      reference: { type: 'cycle_count', id: cycleCountId },
    }));
  // Trusted: the lines' products were checked when the count was made, and a product deleted since may still
  // hold stock here that the count corrects.
  await postMovements(ctx, movements, {
    trusted: true,
    field: (index) => `lines.${movements[index]?.productId}`,
  });
  await repo.setAdjustments(ctx.tx, cycleCountId, adjustments);
  const row = await repo.updateCycleCount(ctx.tx, cycleCountId, {
    status: 'completed',
    completedAt: ctx.now(),
  });
  const adjusted = new Map(adjustments.map((item) => [item.productId, item.adjustment]));
  await emit(ctx, {
    type: CYCLE_COUNT_EVENTS.completed,
    subject: cycleCountId,
    data: {
      cycleCountId,
      storeId: row.storeId,
      completedAt: row.completedAt?.getTime(),
      uncountedAsZero: input.uncountedAsZero,
      zeroedLines: zeroed,
      variances: lines.map((line) => ({
        productId: line.productId,
        expectedQuantity: line.expectedQuantity,
        countedQuantity: line.countedQuantity,
        variance: line.variance,
        adjustment: adjusted.get(line.productId) ?? 0,
      })),
    },
  });
  return showCycleCount(ctx, row);
}

/** Records every uncounted line as counted zero against what is on hand now; returns how many there were. */
async function countRestAsZero(ctx: Ctx, count: repo.CycleCountRow): Promise<number> {
  const productIds = await repo.uncountedProductIds(ctx.tx, count.cycleCountId);
  const onHand = await onHandOf(ctx, count.storeId, productIds);
  await repo.recordCounts(
    ctx.tx,
    count.cycleCountId,
    productIds.map((productId) => ({
      productId,
      expectedQuantity: onHand.get(productId) ?? 0,
      countedQuantity: 0,
    })),
    ctx.now(),
  );
  return productIds.length;
}

/**
 * On hand of these products at the store, by productId, read a chunk at a time. With `lock`, their levels are
 * created where missing and locked, in key order across the chunks, before the count posts to them.
 */
async function onHandOf(
  ctx: Ctx,
  storeId: string,
  productIds: readonly string[],
  options: { lock?: boolean } = {},
): Promise<Map<string, number>> {
  const onHand = new Map<string, number>();
  const sorted = [...productIds].sort();
  for (let start = 0; start < sorted.length; start += LEVELS_CHUNK) {
    const keys = sorted.slice(start, start + LEVELS_CHUNK).map((productId) => ({ storeId, productId }));
    const levels: Map<string, StockLevel> = options.lock
      ? await lockStockLevels(ctx, keys)
      : await stockLevels(ctx, keys);
    for (const level of levels.values()) onHand.set(level.productId, level.onHand);
  }
  return onHand;
}
