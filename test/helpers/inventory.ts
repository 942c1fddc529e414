import { expect } from 'vitest';
import { verifyInventory } from '../../src/modules/inventory/service.ts';
import { asSystem } from '../../src/platform/system-context.ts';
import { type AppWithMerchant, sampleStore, type TestMerchant } from './app.ts';
import { until } from './until.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A caller of the merchant API as one merchant, for inventory tests. */
export function merchantApi(setup: AppWithMerchant, merchant?: () => TestMerchant) {
  const auth = () => (merchant ? merchant() : setup.merchant).auth;
  const call = (method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
    setup.t.app.inject({ method, url, headers: { ...auth(), ...headers }, ...(payload ? { payload } : {}) });
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

/** The ledger movements a document (an ASN, a transfer) posted, oldest first. */
export async function movementsOfDocument(setup: AppWithMerchant, reference: { type: string; id: string }) {
  const { rows } = await setup.t.database.pool.query(
    `select store_id as "storeId", product_id as "productId", bucket, quantity, reason
     from stock_movements where tenant_id = $1 and reference_type = $2 and reference_id = $3 order by id`,
    [setup.merchant.tenant.id, reference.type, reference.id],
  );
  return rows;
}

/** Asserts that every balance of the merchant is the sum of its movements and every reserved balance is held. */
export async function expectReconciled(setup: AppWithMerchant, merchant = setup.merchant): Promise<void> {
  const result = await asSystem(setup.t.platform, merchant.tenant.id, 'test', (ctx) => verifyInventory(ctx));
  expect(result.ledgerMismatches).toEqual([]);
  expect(result.reservationMismatches).toEqual([]);
}

/**
 * Starts `requests` one after the other behind a row lock the test holds (`lockRow` selects one row for
 * update), each once the ones before it wait for a lock, then lets them all go and answers their responses.
 * Requests that lock in conflicting orders then deadlock every time instead of once in a while.
 */
export async function queueBehindLock<T extends unknown[]>(
  setup: AppWithMerchant,
  lockRow: { sql: string; params: unknown[] },
  requests: { [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  const client = await setup.t.database.pool.connect();
  const started: Promise<unknown>[] = [];
  try {
    await client.query('begin');
    const { rowCount } = await client.query(lockRow.sql, lockRow.params);
    expect(rowCount, 'rows the test holds').toBe(1);
    for (const request of requests) {
      started.push(request());
      await lockWaiters(setup, started.length);
    }
  } finally {
    await client.query('commit');
    client.release();
  }
  return (await Promise.all(started)) as T;
}

/** `queueBehindLock` on the stock level of a product at a store. */
export function queueBehindStockLevel<T extends unknown[]>(
  setup: AppWithMerchant,
  key: { storeId: string; productId: string },
  requests: { [K in keyof T]: () => Promise<T[K]> },
  merchant = setup.merchant,
): Promise<T> {
  return queueBehindLock(
    setup,
    {
      sql: 'select 1 from stock_levels where tenant_id = $1 and store_id = $2 and product_id = $3 for update',
      params: [merchant.tenant.id, key.storeId, key.productId],
    },
    requests,
  );
}

/** Waits until `count` sessions of the test's database are waiting for a lock. */
export async function lockWaiters(setup: AppWithMerchant, count: number): Promise<void> {
  await until(async () => {
    const { rows } = await setup.t.database.pool.query(
      `select count(*)::int as waiting from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return rows[0].waiting >= count ? true : undefined;
  }, 10_000);
}
