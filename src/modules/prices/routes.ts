import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  setStorePricesBody,
  storePriceBulkResult,
  storeProductPricesQuery,
  storeProductPricesResponse,
} from './schemas.ts';
import * as prices from './service.ts';

const tags = ['Store prices'];

export function priceRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/storeproducts',
    scope: 'prices:write',
    tags,
    summary: "Set products' list prices, sale prices and promo banners at stores",
    description:
      'Up to 500 (store, product) prices per call, each created or changed in place: fields left out keep ' +
      "their stored value, null clears one. Prices are in the store's currency. Each item is reported in " +
      '`results` (created, updated, unchanged or failed, with field errors, and warnings such as a sale price ' +
      'above the list price); a failed item does not stop the others unless `allOrNothing` is true, in which ' +
      'case any failure answers 422 and nothing is written. Emits `price.updated` for each price that changed.',
    body: setStorePricesBody,
    response: storePriceBulkResult,
    handler: (ctx, { body }) => prices.setStorePrices(ctx, body.storeProducts, body.allOrNothing),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/storeproducts/prices',
    scope: 'catalog:read',
    tags,
    summary: 'Get the prices of up to 20 products at one store, at a moment',
    description:
      'The effective price is the sale price while its window is open at `at` (from saleStartsAt inclusive to ' +
      "saleEndsAt exclusive; a missing bound leaves that side open), else the store's list price, else the " +
      "product's list price when it is in the store's currency. Unknown productIds are listed in " +
      '`missingProductIds`; an unknown store answers 404.',
    query: storeProductPricesQuery,
    response: storeProductPricesResponse,
    handler: (ctx, { query }) => prices.storeProductPrices(ctx, query),
  });
}
