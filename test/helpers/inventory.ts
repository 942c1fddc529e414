import { expect } from 'vitest';
import { type AppWithMerchant, sampleStore, type TestMerchant } from './app.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A caller of the merchant API as one merchant, for inventory tests. */
export function merchantApi(setup: AppWithMerchant, merchant?: () => TestMerchant) {
  const auth = () => (merchant ? merchant() : setup.merchant).auth;
  const call = (method: Method, url: string, payload?: object) =>
    setup.t.app.inject({ method, url, headers: auth(), ...(payload ? { payload } : {}) });
  return {
    call,
    setStock: (inventory: object[]) => call('PUT', '/merchant/v1/storeproducts/inventory', { inventory }),
    adjustStock: (inventory: object[]) => call('POST', '/merchant/v1/storeproducts/inventory', { inventory }),
    availability: (productIds: string[], storeIds?: string[]) =>
      call(
        'GET',
        `/merchant/v1/storeproducts/inventory?productIds=${productIds.join(',')}${storeIds ? `&storeIds=${storeIds.join(',')}` : ''}`,
      ),
    reserve: (body: object) => call('POST', '/merchant/v1/ims/inventory/reservations', body),
    /** The stock position of one product at one store, from the availability endpoint. */
    async position(storeId: string, productId: string) {
      const response = await this.availability([productId], [storeId]);
      expect(response.statusCode).toBe(200);
      return response.json().data[0];
    },
  };
}

/** Creates stores and simple products through the API. */
export async function seedCatalog(
  setup: AppWithMerchant,
  storeIds: readonly string[],
  productIds: readonly string[],
  merchant: TestMerchant = setup.merchant,
): Promise<void> {
  for (const storeId of storeIds) {
    const response = await setup.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: merchant.auth,
      payload: sampleStore(storeId),
    });
    expect(response.statusCode).toBe(201);
  }
  const response = await setup.t.app.inject({
    method: 'POST',
    url: '/merchant/v1/products',
    headers: merchant.auth,
    payload: {
      products: productIds.map((productId) => ({
        productId,
        sku: `SKU-${productId}`,
        name: `Product ${productId}`,
      })),
      allOrNothing: true,
    },
  });
  expect(response.statusCode).toBe(200);
}

/** The ledger movements of a product at a store, oldest first. */
export async function movementsOf(
  setup: AppWithMerchant,
  storeId: string,
  productId: string,
  merchant = setup.merchant,
) {
  const { rows } = await setup.t.database.pool.query(
    `select bucket, quantity::int, reason, reference_type as "referenceType", reference_id as "referenceId"
     from stock_movements where tenant_id = $1 and store_id = $2 and product_id = $3 order by id`,
    [merchant.tenant.id, storeId, productId],
  );
  return rows as {
    bucket: string;
    quantity: number;
    reason: string;
    referenceType: string | null;
    referenceId: string | null;
  }[];
}
