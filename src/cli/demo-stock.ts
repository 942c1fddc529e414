import { setInventory } from '../modules/inventory/service.ts';
import type { NewProduct } from '../modules/products/schemas.ts';
import type { Ctx } from '../platform/context.ts';

const STOCKED_LOCATIONS = ['NYC-01', 'SF-01', 'CHI-01', 'WEB', 'DC-EAST'];
const CHUNK = 500;

/**
 * Stock for every demo product at every location: deterministic, mostly plentiful, some low and some sold out,
 * so availability shows every status; the warehouse holds the most. Setting the same levels again posts nothing.
 */
export async function seedDemoStock(ctx: Ctx, products: readonly NewProduct[]): Promise<void> {
  const items = STOCKED_LOCATIONS.flatMap((storeId, storeIndex) =>
    products.map((product, index) => {
      const spread = (index * 7 + storeIndex * 5) % 23;
      const quantity = storeId === 'DC-EAST' ? 40 + spread * 3 : spread < 3 ? 0 : spread;
      return {
        storeId,
        productId: product.productId,
        quantity,
        bucket: 'on_hand',
        reason: 'recount' as const,
        ...(storeId === 'WEB' ? { safetyStock: 1, allowBackorders: true } : {}),
      };
    }),
  );
  for (let start = 0; start < items.length; start += CHUNK) {
    await setInventory(ctx, items.slice(start, start + CHUNK));
  }
}
