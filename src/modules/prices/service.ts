import type { Ctx } from '../../platform/context.ts';
import { findProducts, type Product } from '../products/service.ts';
import { getStore } from '../stores/service.ts';
import { priceAt, saleAndBannerFields } from './pricing.ts';
import * as repo from './repo.ts';
import type { StoreProductPrice, StoreProductPrices, StoreProductPricesQuery } from './schemas.ts';

export { setStorePrices } from './write.ts';

/**
 * What each product sells for at one store at one moment (default now), with the product's current name and
 * primary image. An unknown store is 404; unknown or deleted products are listed in `missingProductIds`.
 */
export async function storeProductPrices(
  ctx: Ctx,
  query: StoreProductPricesQuery,
): Promise<StoreProductPrices> {
  const store = await getStore(ctx, query.storeId);
  const at = query.at === undefined ? ctx.now() : new Date(query.at);
  const products = await findProducts(ctx, query.productIds);
  const stored = new Map(
    (await repo.storePriceRowsAt(ctx.tx, store.storeId, [...products.keys()])).map((row) => [
      row.productId,
      row,
    ]),
  );
  const data: StoreProductPrice[] = [];
  const missingProductIds: string[] = [];
  for (const productId of query.productIds) {
    const product = products.get(productId);
    if (product) data.push(describe(store.storeId, store.currency, product, stored.get(productId), at));
    else missingProductIds.push(productId);
  }
  return { at: at.getTime(), data, missingProductIds };
}

function describe(
  storeId: string,
  currency: string,
  product: Product,
  stored: repo.StorePriceRow | undefined,
  at: Date,
): StoreProductPrice {
  const { listPrice, effectivePrice, onSale, priceSource } = priceAt(stored, currency, product, at);
  const image = product.primaryImage;
  return {
    storeId,
    productId: product.productId,
    currency,
    ...(listPrice === undefined ? {} : { listPrice }),
    ...(effectivePrice === undefined ? {} : { effectivePrice }),
    onSale,
    ...(stored ? saleAndBannerFields(stored) : {}),
    priceSource,
    productName: product.name,
    ...(image ? { primaryImage: { url: image.url, ...(image.alt ? { alt: image.alt } : {}) } } : {}),
  };
}
