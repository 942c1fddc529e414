import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import { type FieldError, Problem } from '../../platform/http/problems.ts';
import { unknownReferences } from './references.ts';
import * as repo from './repo.ts';
import { announceStatusChanges, refreshStatuses, statusChanges } from './statuses.ts';
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
   * Movements built from a document whose stores and products were checked when it was made (a reservation,
   * a cycle count, a transfer, a shipping notice): they are posted even for a product deleted since, whose
   * stock is still real. Only inventory's own reservations use it to move the `reserved` bucket.
   */
  trusted?: boolean;
}

export const keyOf = (key: repo.StockKey) => `${key.storeId}/${key.productId}`;

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
 * Posts movements to the ledger and their balances in one go, or throws a Problem and posts none. Each level
 * row is locked (in key order) before it is read, so concurrent postings of the same product at the same
 * location take turns and every balance stays the running sum of its movements.
 */
export async function postMovements(
  ctx: Ctx,
  movements: readonly MovementInput[],
  options: PostOptions = {},
): Promise<PostedMovement[]> {
  if (movements.length === 0) return [];
  const field = options.field ?? ((index: number) => `body.items.${index}`);
  if (!options.trusted) await checkReferences(ctx, movements, field);
  const keys = sortedKeys(movements);
  const levels = new Map(
    (await repo.findLevels(ctx.tx, keys, { lock: true })).map((row) => [keyOf(row), row]),
  );
  const stored = new Map([...levels.values()].map((level) => [keyOf(level), { ...level }]));
  for (const key of keys) if (!levels.has(keyOf(key))) levels.set(keyOf(key), emptyLevel(key));
  const buckets = new Map(
    (await repo.findBucketLevels(ctx.tx, keys)).map((row) => [`${keyOf(row)}/${row.bucket}`, row.quantity]),
  );
  const now = ctx.now();
  const balance = (key: string, bucket: string): number => {
    const level = levels.get(key);
    if (!level) throw new Error(`stock level ${key} was not read`);
    if (bucket === 'on_hand') return level.onHand;
    if (bucket === 'reserved') return level.reserved;
    return buckets.get(`${key}/${bucket}`) ?? 0;
  };
  const receivedAt = new Map<string, Date>();
  const changedBuckets = new Set<string>();
  const errors: FieldError[] = [];
  const posted = movements.map((movement, index) => {
    const key = keyOf(movement);
    const before = balance(key, movement.bucket);
    const after = before + movement.quantity;
    if (after < 0) {
      errors.push({
        field: `${field(index)}.quantity`,
        message: `${movement.productId} at ${movement.storeId} has ${before} in ${movement.bucket}; cannot take ${-movement.quantity}`,
      });
    }
    const level = levels.get(key);
    if (level && movement.bucket === 'on_hand') level.onHand = after;
    else if (level && movement.bucket === 'reserved') level.reserved = after;
    else {
      buckets.set(`${key}/${movement.bucket}`, after);
      changedBuckets.add(`${key}/${movement.bucket}`);
    }
    if (movement.bucket === 'on_hand' && movement.quantity > 0 && !receivedAt.has(key)) {
      receivedAt.set(key, movement.occurredAt ?? now);
    }
    return { index, ...movement, before, after };
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
  const touched = [...levels.values()];
  for (const level of touched) {
    const received = receivedAt.get(keyOf(level));
    if (received && !level.firstReceivedAt) level.firstReceivedAt = received;
  }
  const statusChanged = await statusChanges(ctx, touched);
  const nextStatus = new Map(statusChanged.map((change) => [keyOf(change.level), change.next]));
  const writes = touched.map((level) => ({
    storeId: level.storeId,
    productId: level.productId,
    onHand: level.onHand,
    reserved: level.reserved,
    receivedAt: receivedAt.get(keyOf(level)) ?? null,
    status: nextStatus.get(keyOf(level)) ?? level.status,
  }));
  await repo.updateLevels(
    ctx.tx,
    writes.filter((write) => stored.has(keyOf(write))),
    now,
  );
  const inserted = await repo.insertLevels(
    ctx.tx,
    ctx.tenantId,
    writes.filter((write) => !stored.has(keyOf(write))),
    now,
  );
  await repo.setBucketLevels(
    ctx.tx,
    ctx.tenantId,
    [...changedBuckets].map((id) => {
      const [storeId = '', productId = '', bucket = ''] = id.split('/');
      return { storeId, productId, bucket, quantity: buckets.get(id) ?? 0 };
    }),
    now,
  );
  const ids = await repo.insertMovements(
    ctx.tx,
    ctx.tenantId,
    principalKey(ctx.principal),
    movements.map((movement) => ({
      storeId: movement.storeId,
      productId: movement.productId,
      bucket: movement.bucket,
      quantity: movement.quantity,
      reason: movement.reason,
      referenceType: movement.reference?.type ?? null,
      referenceId: movement.reference?.id ?? null,
      note: movement.note ?? null,
      occurredAt: movement.occurredAt ?? now,
    })),
  );
  await announceStatusChanges(ctx, statusChanged);
  const raced = inserted.filter((row) => {
    const level = levels.get(keyOf(row));
    return level?.onHand !== row.onHand || level.reserved !== row.reserved;
  });
  // A pair with no level row was not locked: another transaction may have created it meanwhile, and then its
  // status was computed from the wrong balance. Rare; recompute those from the stored rows.
  if (raced.length > 0) await refreshStatuses(ctx, await repo.findLevels(ctx.tx, raced, { lock: true }));
  return posted.map(({ index, storeId, productId, bucket, quantity, before, after }) => ({
    index,
    storeId,
    productId,
    bucket,
    quantity,
    before,
    after,
    movementId: ids[index] ?? 0,
    status: levels.get(keyOf({ storeId, productId }))?.status ?? 'out_of_stock',
  }));
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

function emptyLevel(key: repo.StockKey): repo.LevelRow {
  return {
    storeId: key.storeId,
    productId: key.productId,
    onHand: 0,
    reserved: 0,
    safetyStock: 0,
    lowStockThreshold: null,
    outOfStockThreshold: null,
    allowBackorders: false,
    firstReceivedAt: null,
    status: 'out_of_stock',
    updatedAt: new Date(0),
  };
}
