import type { Ctx } from '../../platform/context.ts';
import type { FieldError } from '../../platform/http/problems.ts';
import { missingProductIds } from '../products/service.ts';
import { missingStoreIds } from '../stores/service.ts';
import * as repo from './repo.ts';

export const BUILT_IN_BUCKETS = ['on_hand', 'reserved', 'damaged', 'in_transit'] as const;

/** A store or product a request names, and where it names it (`body.lines.2.productId`). */
export type NamedReference = { field: string; storeId: string } | { field: string; productId: string };

/**
 * Field errors, in the order given, for the stores and products named that do not exist; a deleted product
 * counts as missing. What every document that holds stock checks before it is made.
 */
export async function missingReferences(ctx: Ctx, named: readonly NamedReference[]): Promise<FieldError[]> {
  const storeIds = [...new Set(named.flatMap((ref) => ('storeId' in ref ? [ref.storeId] : [])))];
  const productIds = named.flatMap((ref) => ('productId' in ref ? [ref.productId] : []));
  const missingStores = new Set(await missingStoreIds(ctx, storeIds));
  const missingProducts = new Set(productIds.length > 0 ? await missingProductIds(ctx, productIds) : []);
  return named.flatMap((ref) => {
    if ('storeId' in ref) {
      return missingStores.has(ref.storeId)
        ? [{ field: ref.field, message: `no store has storeId "${ref.storeId}"` }]
        : [];
    }
    return missingProducts.has(ref.productId)
      ? [{ field: ref.field, message: `no product has productId "${ref.productId}"` }]
      : [];
  });
}

/**
 * Field errors for the stores and products among these items that do not exist, and for buckets that are
 * neither built in nor the merchant's own (`reserved` changes only through reservations).
 */
export async function unknownReferences(
  ctx: Ctx,
  items: readonly { storeId: string; productId: string; bucket: string }[],
  field: (index: number) => string,
): Promise<FieldError[]> {
  const errors = await missingReferences(
    ctx,
    items.flatMap((item, index) => [
      { field: `${field(index)}.storeId`, storeId: item.storeId },
      { field: `${field(index)}.productId`, productId: item.productId },
    ]),
  );
  const isBuiltIn = (bucket: string) => (BUILT_IN_BUCKETS as readonly string[]).includes(bucket);
  const merchantBuckets = new Set(
    items.some((item) => !isBuiltIn(item.bucket)) ? await repo.merchantBucketIds(ctx.tx) : [],
  );
  for (const [index, item] of items.entries()) {
    if (item.bucket === 'reserved' || (!isBuiltIn(item.bucket) && !merchantBuckets.has(item.bucket))) {
      errors.push({
        field: `${field(index)}.bucket`,
        message: `"${item.bucket}" is not a bucket stock can be moved to`,
      });
    }
  }
  return errors;
}
