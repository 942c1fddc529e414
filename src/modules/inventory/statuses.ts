import type { Ctx } from '../../platform/context.ts';
import { emitMany } from '../../platform/events/emit.ts';
import { keyOf } from './balances.ts';
import * as repo from './repo.ts';
import { type DefaultThresholds, findSettings } from './settings-repo.ts';
import { availableOf, stockStatus } from './status.ts';
import type { StockStatus } from './tables.ts';

export const STATUS_CHANGED_EVENT = 'INVENTORY_STATUS_CHANGED';

/** A level's thresholds, its own where set, else the merchant's defaults. */
export function thresholdsOf(level: repo.LevelRow, settings: DefaultThresholds) {
  return {
    lowStockThreshold: level.lowStockThreshold ?? settings.lowStockThreshold,
    outOfStockThreshold: level.outOfStockThreshold ?? settings.outOfStockThreshold,
  };
}

export interface StatusChange {
  level: repo.LevelRow;
  next: StockStatus;
  expected: repo.InboundRow | undefined;
}

/** The levels whose display status differs from the stored one, given their (new) balances. */
export async function statusChanges(
  ctx: Ctx,
  levels: readonly repo.LevelRow[],
  settings?: DefaultThresholds,
): Promise<StatusChange[]> {
  if (levels.length === 0) return [];
  const defaults = settings ?? (await findSettings(ctx.tx));
  const mayWaitForStock = levels.filter(
    (level) =>
      level.allowBackorders && availableOf(level) <= thresholdsOf(level, defaults).outOfStockThreshold,
  );
  const inbound = new Map(
    (await repo.inboundTotals(ctx.tx, mayWaitForStock)).map((row) => [keyOf(row), row]),
  );
  return levels.flatMap((level) => {
    const next = stockStatus({
      ...level,
      ...thresholdsOf(level, defaults),
      everReceived: level.firstReceivedAt !== null,
      inboundExpected: inbound.has(keyOf(level)),
    });
    return next === level.status ? [] : [{ level, next, expected: inbound.get(keyOf(level)) }];
  });
}

/**
 * Emits INVENTORY_STATUS_CHANGED for levels that crossed a threshold, so a web store learns the moment a
 * product becomes low, out of stock, back-ordered or available again; the levels then hold the new status.
 */
export async function announceStatusChanges(ctx: Ctx, changes: readonly StatusChange[]): Promise<void> {
  await emitMany(
    ctx,
    changes.map(({ level, next, expected }) => ({
      type: STATUS_CHANGED_EVENT,
      subject: level.productId,
      data: {
        storeId: level.storeId,
        productId: level.productId,
        previousStatus: level.status,
        status: next,
        available: availableOf(level),
        ...(expected?.expectedAt ? { expectedAt: expected.expectedAt.getTime() } : {}),
      },
    })),
  );
  for (const { level, next } of changes) level.status = next;
}

/**
 * Recomputes the display status of levels just changed (the rows must hold their new balances), stores the
 * statuses that changed and announces them.
 */
export async function refreshStatuses(
  ctx: Ctx,
  levels: readonly repo.LevelRow[],
  settings?: DefaultThresholds,
): Promise<void> {
  const changes = await statusChanges(ctx, levels, settings);
  if (changes.length === 0) return;
  await repo.setStatuses(
    ctx.tx,
    changes.map(({ level, next }) => ({ storeId: level.storeId, productId: level.productId, status: next })),
  );
  await announceStatusChanges(ctx, changes);
}
