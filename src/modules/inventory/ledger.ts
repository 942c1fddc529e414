import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import { type FieldError, Problem } from '../../platform/http/problems.ts';
import { type BalanceChange, Balances, emptyLevel, keyOf } from './balances.ts';
import { unknownReferences } from './references.ts';
import * as repo from './repo.ts';
import { findSettings, type InventorySettings } from './settings-repo.ts';
import { announceStatusChanges, statusChanges } from './statuses.ts';
import type { StockStatus } from './tables.ts';

export interface MovementInput {
  storeId: string;
  productId: string;
  /** `on_hand`, `damaged`, `in_transit` or one of the merchant's buckets; `reserved` only for reservations. */
  bucket: string;
  /** Signed and non-zero: +3 adds three units to the bucket. */
  quantity: number;
  reason: string;
  reference?: { type: string; id: string } | undefined;
  note?: string | undefined;
  occurredAt?: Date | undefined;
}

export interface PostedMovement {
  index: number;
  storeId: string;
  productId: string;
  bucket: string;
  quantity: number;
  before: number;
  after: number;
  movementId: number;
  /** The display status of the product at the location once every movement is posted. */
  status: StockStatus;
}

export interface PostOptions {
  /** Where an item sits in the request, for field errors: `body.inventory.3`. */
  field?: (index: number) => string;
  /**
   * Movements whose stores, products, buckets and quantities the caller has already checked (a reservation,
   * a cycle count, a transfer, a shipping notice, a full feed): none of those checks is made again, so they are
   * posted even for a product deleted since, whose stock is still real. Only reservations move `reserved`.
   */
  trusted?: boolean;
}

export { keyOf };

export function sortedKeys(items: readonly repo.StockKey[]): repo.StockKey[] {
  const unique = new Map(
    items.map((item) => [keyOf(item), { storeId: item.storeId, productId: item.productId }]),
  );
  return [...unique.values()].sort((a, b) =>
    a.storeId === b.storeId ? compare(a.productId, b.productId) : compare(a.storeId, b.storeId),
  );
}

// Byte order, as the level repo sorts rows (collate "C") when it creates and locks them.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Posts movements to the ledger and their balances in one go, or throws a Problem and posts none. Pairs that
 * have no level row get one first, in key order, with the balances their movements give them from zero; then
 * the other level rows are locked in key order and read. Creating before locking, each in key order, is the
 * rule writers of stock follow (docs/architecture.md, "Lock order"), so concurrent postings take turns per pair
 * without deadlocking, and every balance stays the running sum of its movements.
 */
export async function postMovements(
  ctx: Ctx,
  movements: readonly MovementInput[],
  options: PostOptions = {},
): Promise<PostedMovement[]> {
  if (movements.length === 0) return [];
  const field = options.field ?? ((index: number) => `body.items.${index}`);
  if (!options.trusted) await checkReferences(ctx, movements, field);
  const now = ctx.now();
  const changes = movements.map((movement) => ({ ...movement, occurredAt: movement.occurredAt ?? now }));
  const settings = await findSettings(ctx.tx);
  const created = await createMissingLevels(ctx, changes, settings, now);

  const existing = sortedKeys(changes).filter((key) => !created.balances.levels.has(keyOf(key)));
  const locked = await repo.findLevels(ctx.tx, existing, { lock: true });
  const stored = new Map(locked.map((level) => [keyOf(level), level.status]));
  const current = new Balances(
    [...locked, ...existing.filter((key) => !stored.has(keyOf(key))).map(emptyLevel)],
    await repo.findBucketLevels(ctx.tx, locked),
  );
  const errors: FieldError[] = [];
  const applied = changes.map((change, index) => {
    const result = (created.balances.levels.has(keyOf(change)) ? created.balances : current).apply(change);
    if (result.after < 0) {
      errors.push({
        field: `${field(index)}.quantity`,
        message: `${change.productId} at ${change.storeId} has ${result.before} in ${change.bucket}; cannot take ${-change.quantity}`,
      });
    }
    return result;
  });
  if (errors.length > 0) {
    throw new Problem(
      'insufficient_stock',
      'There is not enough stock for these movements; nothing was posted.',
      {
        errors,
      },
    );
  }
  const updates = [...current.levels.values()].filter((level) => stored.has(keyOf(level)));
  const statusChanged = await statusChanges(ctx, updates, settings);
  const nextStatus = new Map(statusChanged.map((change) => [keyOf(change.level), change.next]));
  await repo.updateLevels(
    ctx.tx,
    updates.map((level) => levelWrite(level, current, nextStatus.get(keyOf(level)) ?? level.status)),
    now,
  );
  await repo.setBucketLevels(
    ctx.tx,
    ctx.tenantId,
    [...created.balances.changedBucketRows(), ...current.changedBucketRows()],
    now,
  );
  const ids = await repo.insertMovements(
    ctx.tx,
    ctx.tenantId,
    principalKey(ctx.principal),
    changes.map((change) => ({
      storeId: change.storeId,
      productId: change.productId,
      bucket: change.bucket,
      quantity: change.quantity,
      reason: change.reason,
      referenceType: change.reference?.type ?? null,
      referenceId: change.reference?.id ?? null,
      note: change.note ?? null,
      occurredAt: change.occurredAt,
    })),
  );
  await announceStatusChanges(ctx, [...created.statusChanged, ...statusChanged]);
  return changes.map((change, index) => ({
    index,
    storeId: change.storeId,
    productId: change.productId,
    bucket: change.bucket,
    quantity: change.quantity,
    before: applied[index]?.before ?? 0,
    after: applied[index]?.after ?? 0,
    movementId: ids[index] ?? 0,
    status:
      (created.balances.levels.get(keyOf(change)) ?? current.levels.get(keyOf(change)))?.status ??
      'out_of_stock',
  }));
}

/**
 * Inserts the level rows of pairs that have none, with the balances their movements give them from zero (a
 * pair whose movements would go below zero is left out: it fails with the others). Answers zero balances for
 * the created pairs, to which their movements are applied again for the ledger, and their status changes.
 */
async function createMissingLevels(
  ctx: Ctx,
  changes: readonly (BalanceChange & MovementInput)[],
  settings: InventorySettings,
  now: Date,
) {
  const trial = new Balances(sortedKeys(changes).map(emptyLevel), []);
  const short = new Set(changes.filter((change) => trial.apply(change).after < 0).map(keyOf));
  const candidates = [...trial.levels.values()].filter((level) => !short.has(keyOf(level)));
  const trialChanges = await statusChanges(ctx, candidates, settings);
  const nextStatus = new Map(trialChanges.map((change) => [keyOf(change.level), change.next]));
  const writes = candidates.map((level) =>
    levelWrite(level, trial, nextStatus.get(keyOf(level)) ?? level.status),
  );
  const inserted = new Set((await repo.insertLevels(ctx.tx, ctx.tenantId, writes, now)).map(keyOf));
  const balances = new Balances(
    sortedKeys(changes)
      .filter((key) => inserted.has(keyOf(key)))
      .map((key) => ({ ...emptyLevel(key), status: nextStatus.get(keyOf(key)) ?? 'out_of_stock' })),
    [],
  );
  return { balances, statusChanged: trialChanges.filter((change) => inserted.has(keyOf(change.level))) };
}

function levelWrite(level: repo.LevelRow, balances: Balances, status: StockStatus): repo.LevelWrite {
  return {
    storeId: level.storeId,
    productId: level.productId,
    onHand: level.onHand,
    reserved: level.reserved,
    receivedAt: balances.receivedAt.get(keyOf(level)) ?? null,
    status,
  };
}

async function checkReferences(
  ctx: Ctx,
  movements: readonly MovementInput[],
  field: (index: number) => string,
): Promise<void> {
  const errors = await unknownReferences(ctx, movements, field);
  for (const [index, movement] of movements.entries()) {
    if (!Number.isSafeInteger(movement.quantity) || movement.quantity === 0) {
      errors.push({ field: `${field(index)}.quantity`, message: 'must be a non-zero whole number' });
    }
  }
  if (errors.length > 0) {
    throw new Problem(
      'unknown_reference',
      'The request names stores, products or buckets that do not exist.',
      {
        errors,
      },
    );
  }
}
