import { expect } from 'vitest';
import type { AppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi, seedCatalog } from '../../../test/helpers/inventory.ts';

// Helpers the cart test files share.

/** Requests to the cart endpoints as the set-up merchant. */
export function cartsApi(s: AppWithMerchant) {
  const { call, setStock } = merchantApi(s);
  const cart = (cartId: string) => `/merchant/v1/carts/${cartId}`;
  return {
    call,
    setStock,
    create: (body: object) => call('POST', '/merchant/v1/carts', body),
    get: (cartId: string) => call('GET', cart(cartId)),
    add: (cartId: string, productId: string, quantity: number) =>
      call('POST', `${cart(cartId)}/lines`, { productId, quantity }),
    set: (cartId: string, productId: string, quantity: number) =>
      call('PUT', `${cart(cartId)}/lines/${productId}`, { quantity }),
    remove: (cartId: string, productId: string) => call('DELETE', `${cart(cartId)}/lines/${productId}`),
    act: (cartId: string, verb: string, body?: object) => call('POST', `${cart(cartId)}/${verb}`, body ?? {}),
    /** Creates a cart, expecting a 201. */
    async open(body: object) {
      const response = await call('POST', '/merchant/v1/carts', body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    },
  };
}

/** Stores and products with prices and stock: TEE 1800 (list 2400, on sale), CAP 1200, MUG priced nowhere. */
export async function seedPricedCatalog(s: AppWithMerchant, storeIds: string[]): Promise<void> {
  await seedCatalog(s, storeIds, ['TEE', 'CAP', 'MUG']);
  const { call, setStock } = merchantApi(s);
  const prices = await call('PUT', '/merchant/v1/storeproducts', {
    storeProducts: storeIds.flatMap((storeId) => [
      { storeId, productId: 'TEE', listPrice: 2400, salePrice: 1800 },
      { storeId, productId: 'CAP', listPrice: 1200 },
    ]),
  });
  expect(prices.statusCode, prices.body).toBe(200);
  const stock = await setStock(
    storeIds.flatMap((storeId) => [
      { storeId, productId: 'TEE', quantity: 10 },
      { storeId, productId: 'CAP', quantity: 3 },
      { storeId, productId: 'MUG', quantity: 5 },
    ]),
  );
  expect(stock.statusCode, stock.body).toBe(200);
}
