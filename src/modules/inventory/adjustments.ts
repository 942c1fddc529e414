import type { Ctx } from '../../platform/context.ts';
import { emitMany } from '../../platform/events/emit.ts';
import { type FieldError, Problem } from '../../platform/http/problems.ts';
import { keyOf, type MovementInput, postMovements, sortedKeys } from './ledger.ts';
import { lockStockLevels, refreshLevels } from './levels.ts';
import { unknownReferences } from './references.ts';
import * as repo from './repo.ts';
import type { AdjustItem, InventoryWriteResult, SetItem } from './schemas.ts';

export const ADJUSTMENT_EVENT = 'INVENTORY_ADJUSTMENT';
export const BUCKET_ADJUSTMENT_EVENT = 'INVENTORY_BUCKET_ADJUSTMENT';

const itemField = (index: number) => `body.inventory.${index}`;

/**
 * Incremental changes: each item adds to or takes from a bucket, or moves units between two buckets. All
 * items are posted, or none (a 4xx names the items at fault).
 */
export async function adjustInventory(ctx: Ctx, items: readonly AdjustItem[]): Promise<InventoryWriteResult> {
  checkMoves(items);
  const movements: MovementInput[] = [];
  const itemOf: number[] = [];
  for (const [index, item] of items.entries()) {
    const common = {
      storeId: item.storeId,
      productId: item.productId,
      reason: item.reason,
      reference: item.referenceId ? { type: 'adjustment', id: item.referenceId } : undefined,
      note: item.note,
    };
    if (item.fromBucket) {
      movements.push({ ...common, bucket: item.fromBucket, quantity: -item.quantity });
      itemOf.push(index);
    }
    movements.push({ ...common, bucket: item.bucket, quantity: item.quantity });
    itemOf.push(index);
  }
  const posted = await postMovements(ctx, movements, { field: (index) => itemField(itemOf[index] ?? index) });
  const results = items.map((item, index) => {
    const target = posted.findLast((movement, at) => itemOf[at] === index && movement.bucket === item.bucket);
    if (!target) throw new Error(`item ${index} was not posted`);
    return { index, item, target };
  });
  await emitMany(
    ctx,
    results.map(({ item, target }) => ({
      type: item.bucket === 'on_hand' && !item.fromBucket ? ADJUSTMENT_EVENT : BUCKET_ADJUSTMENT_EVENT,
      subject: item.productId,
      data: {
        storeId: item.storeId,
        productId: item.productId,
        bucket: item.bucket,
        ...(item.fromBucket ? { fromBucket: item.fromBucket } : {}),
        quantity: item.quantity,
        before: target.before,
        after: target.after,
        reason: item.reason,
        ...(item.referenceId ? { referenceId: item.referenceId } : {}),
        ...(item.note ? { note: item.note } : {}),
      },
    })),
  );
  return {
    results: results.map(({ index, item, target }) => ({
      index,
      storeId: item.storeId,
      productId: item.productId,
      bucket: item.bucket,
      before: target.before,
      after: target.after,
      status: target.status,
    })),
  };
}

function checkMoves(items: readonly AdjustItem[]): void {
  const errors: FieldError[] = [];
  for (const [index, item] of items.entries()) {
    if (item.fromBucket === item.bucket) {
      errors.push({ field: `${itemField(index)}.fromBucket`, message: 'must differ from bucket' });
    } else if (item.fromBucket && item.quantity < 0) {
      errors.push({
        field: `${itemField(index)}.quantity`,
        message: 'must be positive when moving between buckets',
      });
    }
  }
  if (errors.length > 0) throw new Problem('validation_failed', 'Some items are not valid.', { errors });
}

/**
 * Absolute levels and thresholds: a quantity sets the bucket's balance (the difference is posted as a
 * movement, so the ledger still explains it), and safety stock, thresholds and backorder policy are stored.
 */
export async function setInventory(ctx: Ctx, items: readonly SetItem[]): Promise<InventoryWriteResult> {
  await checkSetItems(ctx, items);
  const keys = sortedKeys(items);
  const current = await lockStockLevels(ctx, keys);
  const now = ctx.now();
  await repo.updateLevelSettings(
    ctx.tx,
    items.flatMap((item) => {
      const { safetyStock, lowStockThreshold, outOfStockThreshold, allowBackorders } = item;
      const settings = { safetyStock, lowStockThreshold, outOfStockThreshold, allowBackorders };
      const given = Object.values(settings).some((value) => value !== undefined);
      return given ? [{ storeId: item.storeId, productId: item.productId, settings }] : [];
    }),
    now,
  );
  const balanceOf = (item: SetItem) => {
    const level = current.get(keyOf(item));
    return item.bucket === 'on_hand' ? (level?.onHand ?? 0) : (level?.buckets[item.bucket] ?? 0);
  };
  const changes = items.flatMap((item, index) => {
    const before = balanceOf(item);
    const quantity = item.quantity === undefined ? 0 : item.quantity - before;
    return quantity === 0 ? [] : [{ index, item, movement: { ...item, quantity, reason: item.reason } }];
  });
  // Stores, products and buckets were checked above. Posting recomputes the statuses of the pairs it moves;
  // the others may only have had their thresholds changed.
  const posted = await postMovements(
    ctx,
    changes.map((change) => change.movement),
    { field: (at) => itemField(changes[at]?.index ?? at), trusted: true },
  );
  const statusOf = new Map(posted.map((movement) => [keyOf(movement), movement.status]));
  for (const level of await refreshLevels(
    ctx,
    keys.filter((key) => !statusOf.has(keyOf(key))),
  )) {
    statusOf.set(keyOf(level), level.status);
  }
  await emitMany(
    ctx,
    posted.map((movement) => ({
      type: movement.bucket === 'on_hand' ? ADJUSTMENT_EVENT : BUCKET_ADJUSTMENT_EVENT,
      subject: movement.productId,
      data: {
        storeId: movement.storeId,
        productId: movement.productId,
        bucket: movement.bucket,
        quantity: movement.quantity,
        before: movement.before,
        after: movement.after,
        reason: changes[movement.index]?.item.reason,
      },
    })),
  );
  return {
    results: items.map((item, index) => ({
      index,
      storeId: item.storeId,
      productId: item.productId,
      bucket: item.bucket,
      before: balanceOf(item),
      after: item.quantity ?? balanceOf(item),
      status: statusOf.get(keyOf(item)) ?? 'out_of_stock',
    })),
  };
}

async function checkSetItems(ctx: Ctx, items: readonly SetItem[]): Promise<void> {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    const id = `${keyOf(item)}/${item.bucket}`;
    const first = seen.get(id);
    if (first !== undefined) {
      errors.push({ field: itemField(index), message: `sets the same balance as item ${first}` });
    }
    seen.set(id, first ?? index);
  }
  if (errors.length > 0) throw new Problem('validation_failed', 'Some items are not valid.', { errors });
  const unknown = await unknownReferences(ctx, items, itemField);
  if (unknown.length > 0) {
    throw new Problem(
      'unknown_reference',
      'The request names stores, products or buckets that do not exist.',
      {
        errors: unknown,
      },
    );
  }
}
