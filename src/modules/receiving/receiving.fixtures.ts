import { expect } from 'vitest';
import { type AppWithMerchant, eventsFor, sampleStore } from '../../../test/helpers/app.ts';

// HTTP helpers the receiving test files share.

export const ASN_URL = '/merchant/v1/ims/inventory/asn';
export const EXPECTED_AT = Date.parse('2030-03-01T12:00:00Z');

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export function receivingApi(s: AppWithMerchant) {
  const call = (method: Method, url: string, payload?: object, auth = s.merchant.auth) =>
    s.t.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

  return {
    call,
    createAsn: (body: object) => call('POST', ASN_URL, body),
    receive: (asnId: string, body: object) => call('POST', `${ASN_URL}/${asnId}/receive`, body),
    newAsn: (asnId: string, lines: { productId: string; quantity: number }[], extra: object = {}) => ({
      asnId,
      storeId: 'DOCK',
      expectedAt: EXPECTED_AT,
      supplier: 'Acme Apparel',
      lines,
      ...extra,
    }),

    /** The product's stock at a store, as the availability API answers it. */
    async position(productId: string, storeId = 'DOCK') {
      const query = `productIds=${productId}&storeIds=${storeId}`;
      const response = await call('GET', `/merchant/v1/storeproducts/inventory?${query}`);
      expect(response.statusCode).toBe(200);
      return response.json().data[0];
    },

    /** The ledger movements an ASN posted, oldest first. */
    async movementsOf(asnId: string) {
      const { rows } = await s.t.database.pool.query(
        `select store_id as "storeId", product_id as "productId", bucket, quantity, reason
         from stock_movements where tenant_id = $1 and reference_type = 'asn' and reference_id = $2 order by id`,
        [s.merchant.tenant.id, asnId],
      );
      return rows;
    },

    /** The types of the events about an ASN, sorted (events of one transaction share a time). */
    typesOf: async (subject: string) => (await eventsFor(s, subject)).map((event) => event.type).sort(),

    /** The store DOCK and the products the tests receive. */
    async setup(productIds: readonly string[]) {
      expect((await call('POST', '/merchant/v1/stores', sampleStore('DOCK'))).statusCode).toBe(201);
      const products = productIds.map((productId) => ({
        productId,
        sku: `SKU-${productId}`,
        name: `Product ${productId}`,
      }));
      const created = await call('POST', '/merchant/v1/products', { products });
      expect(created.json().summary.created).toBe(products.length);
    },
  };
}
