import { expect } from 'vitest';
import { type AppWithMerchant, sampleStore } from '../../../test/helpers/app.ts';

// HTTP helpers the cycle-count test files share.

export const COUNTS = '/merchant/v1/ims/inventory/cyclecount';

export function api(s: AppWithMerchant) {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    s.t.app.inject({ method, url, headers: s.merchant.auth, ...(payload ? { payload } : {}) });

  async function ok(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
    const response = await call(method, url, payload);
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  }

  return {
    call,
    ok,
    async store(storeId: string) {
      await ok('POST', '/merchant/v1/stores', sampleStore(storeId));
    },
    async products(...products: ({ productId: string } & Record<string, unknown>)[]) {
      const body = await ok('POST', '/merchant/v1/products', {
        products: products.map((p) => ({ sku: `SKU-${p.productId}`, name: `Product ${p.productId}`, ...p })),
      });
      expect(body.summary.failed, JSON.stringify(body.results)).toBe(0);
    },
    /** Adds (or with a negative quantity takes) on-hand units, as a receipt or a till would. */
    async adjust(storeId: string, productId: string, quantity: number) {
      await ok('POST', '/merchant/v1/storeproducts/inventory', {
        inventory: [{ storeId, productId, quantity, reason: quantity > 0 ? 'received' : 'other' }],
      });
    },
    async onHand(storeId: string, productId: string): Promise<number> {
      const body = await ok(
        'GET',
        `/merchant/v1/storeproducts/inventory?productIds=${productId}&storeIds=${storeId}`,
      );
      return body.data[0]?.onHand ?? 0;
    },
    create: (kind: 'full' | 'partial' | 'manual', body: object) => call('POST', `${COUNTS}/${kind}`, body),
    start: (id: string) => ok('POST', `${COUNTS}/${id}/start`),
    count: (id: string, counts: Record<string, number>) =>
      call('PUT', `${COUNTS}/${id}/counts`, {
        counts: Object.entries(counts).map(([productId, quantity]) => ({ productId, quantity })),
      }),
    complete: (id: string, body?: object) => call('POST', `${COUNTS}/${id}/complete`, body),
    cancel: (body: object) => call('PUT', `${COUNTS}/cancel`, body),
    get: (id: string, query = '') => call('GET', `${COUNTS}/${id}${query}`),
    productIdsOf: (count: { lines: { productId: string }[] }) => count.lines.map((line) => line.productId),
  };
}

/** The ledger movements a cycle count posted. */
export async function movementsOf(s: AppWithMerchant, cycleCountId: string) {
  const { rows } = await s.t.database.pool.query(
    `select product_id, bucket, quantity::int, reason from stock_movements
     where tenant_id = $1 and reference_type = 'cycle_count' and reference_id = $2 order by product_id`,
    [s.merchant.tenant.id, cycleCountId],
  );
  return rows as { product_id: string; bucket: string; quantity: number; reason: string }[];
}
