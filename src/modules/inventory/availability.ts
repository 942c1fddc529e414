import type { Ctx } from '../../platform/context.ts';
import { missingProductIds } from '../products/service.ts';
import { listStores, missingStoreIds } from '../stores/service.ts';
import { emptyLevel, keyOf } from './balances.ts';
import { expireReservationsAt } from './expiry.ts';
import * as repo from './repo.ts';
import type { AvailabilityQuery, StockPosition } from './schemas.ts';
import { findSettings } from './settings-repo.ts';
import { availableOf, stockStatus } from './status.ts';
import { thresholdsOf } from './statuses.ts';

/**
 * Stock of up to 20 products at up to 1,000 locations (all of them when none are named): balances, what is
 * available, the display status and, for products on their way, when they are expected. Reservations past
 * their expiry are released first, so what is shown is what can really be sold.
 */
export async function availability(ctx: Ctx, query: AvailabilityQuery) {
  const productIds = query.productIds;
  const namedStores = query.storeIds?.length ? query.storeIds : undefined;
  const missingProducts = await missingProductIds(ctx, productIds);
  const missingStores = namedStores ? await missingStoreIds(ctx, namedStores) : [];
  const liveProducts = productIds.filter((id) => !missingProducts.includes(id));
  const storeIds = namedStores
    ? namedStores.filter((id) => !missingStores.includes(id))
    : await allStoreIds(ctx);
  await expireReservationsAt(ctx, storeIds, liveProducts);
  const levels = new Map(
    (await repo.findLevelsOf(ctx.tx, liveProducts, storeIds)).map((row) => [keyOf(row), row]),
  );
  const keys = storeIds.flatMap((storeId) => liveProducts.map((productId) => ({ storeId, productId })));
  const buckets = await repo.findBucketLevels(ctx.tx, [...levels.values()]);
  const inbound = await repo.inboundTotals(ctx.tx, [...levels.values()]);
  const settings = await findSettings(ctx.tx);
  const bucketsOf = new Map<string, Record<string, number>>();
  for (const row of buckets)
    bucketsOf.set(keyOf(row), { ...bucketsOf.get(keyOf(row)), [row.bucket]: row.quantity });
  const inboundOf = new Map(inbound.map((row) => [keyOf(row), row]));
  const data: StockPosition[] = keys.map((key) => {
    const level = levels.get(keyOf(key)) ?? emptyLevel(key);
    const thresholds = thresholdsOf(level, settings);
    const expected = inboundOf.get(keyOf(key));
    return {
      storeId: key.storeId,
      productId: key.productId,
      onHand: level.onHand,
      reserved: level.reserved,
      safetyStock: level.safetyStock,
      available: availableOf(level),
      buckets: bucketsOf.get(keyOf(key)) ?? {},
      status: stockStatus({
        ...level,
        ...thresholds,
        everReceived: level.firstReceivedAt !== null,
        inboundExpected: expected !== undefined,
      }),
      ...(expected?.expectedAt ? { expectedAt: expected.expectedAt.getTime() } : {}),
      ...(expected ? { expectedQuantity: expected.quantity } : {}),
      ...thresholds,
      allowBackorders: level.allowBackorders,
      ...(levels.has(keyOf(key)) ? { updatedAt: level.updatedAt.getTime() } : {}),
    };
  });
  return { data, missingProductIds: missingProducts, missingStoreIds: missingStores };
}

async function allStoreIds(ctx: Ctx): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listStores(ctx, { limit: 200, cursor, active: true, type: undefined });
    ids.push(...page.data.map((store) => store.storeId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}
