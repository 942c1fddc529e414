import { beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi, queueBehindLock, seedCatalog } from '../../../test/helpers/inventory.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);

beforeAll(async () => {
  await seedCatalog(s, ['NYC'], ['TEE', 'SOCK', 'GONE']);
  expect((await api.setStock([{ storeId: 'NYC', productId: 'GONE', quantity: 4 }])).statusCode).toBe(200);
  expect((await api.setStock([{ storeId: 'NYC', productId: 'TEE', quantity: 13 }])).statusCode).toBe(200);
});

describe('bad input', () => {
  it('answers input the database cannot hold with 400 and an unknown bucket with 422, writing nothing', async () => {
    const levels = async () =>
      (
        await s.t.database.pool.query('select count(*)::int as n from stock_levels where tenant_id = $1', [
          s.merchant.tenant.id,
        ])
      ).rows[0].n;
    const before = await levels();
    const nul = await api.adjustStock([
      { storeId: 'NYC', productId: 'TEE', quantity: 1, reason: 'found', note: 'shelf\u0000 3' },
    ]);
    expect(nul.statusCode, nul.body).toBe(400);
    expect(nul.json()).toMatchObject({ code: 'validation_failed' });
    for (const item of [
      { storeId: 'NYC', productId: 'SOCK', bucket: 'shelf', quantity: 0 },
      { storeId: 'NYC', productId: 'SOCK', bucket: 'shelf', safetyStock: 1 },
    ]) {
      const unknownBucket = await api.setStock([item]);
      expect(unknownBucket.statusCode, unknownBucket.body).toBe(422);
      expect(unknownBucket.json().errors).toEqual([
        { field: 'body.inventory.0.bucket', message: expect.stringContaining('shelf') },
      ]);
    }
    for (const threshold of ['lowStockThreshold', 'outOfStockThreshold']) {
      const huge = await api.call('PUT', '/merchant/v1/ims/inventory/settings', { [threshold]: 3e9 });
      expect(huge.statusCode, huge.body).toBe(400);
      expect(huge.json().errors[0].field).toBe(`body.${threshold}`);
    }
    expect(await levels()).toBe(before);
    expect(await api.position('NYC', 'TEE')).toMatchObject({ onHand: 13 });
  });
});

describe('rules of the buckets and the catalog', () => {
  it('leaves stock in transit to transfers: adjusting it is a 400 naming the field', async () => {
    for (const item of [
      { storeId: 'NYC', productId: 'TEE', quantity: 2, bucket: 'in_transit', reason: 'found' },
      {
        storeId: 'NYC',
        productId: 'TEE',
        quantity: 2,
        bucket: 'damaged',
        fromBucket: 'in_transit',
        reason: 'damaged',
      },
    ]) {
      const response = await api.adjustStock([item]);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().errors[0].message).toBe('stock in transit changes only through transfers');
    }
    const set = await api.setStock([{ storeId: 'NYC', productId: 'TEE', bucket: 'in_transit', quantity: 0 }]);
    expect(set.statusCode).toBe(400);
    expect(await api.position('NYC', 'TEE')).toMatchObject({ onHand: 13, buckets: {} });
  });

  it('does not reserve a product deleted from the catalog, though its stock remains', async () => {
    const deleted = await api.call('DELETE', '/merchant/v1/products', { productIds: ['GONE'] });
    expect(deleted.statusCode).toBe(200);
    const response = await api.reserve({
      storeId: 'NYC',
      reference: { type: 'cart', id: 'c-gone' },
      lines: [{ productId: 'GONE', quantity: 1 }],
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().errors).toEqual([
      { field: 'body.lines.0.productId', message: 'no product has productId "GONE"' },
    ]);
    const { rows } = await s.t.database.pool.query(
      `select on_hand::int, reserved::int from stock_levels where tenant_id = $1 and product_id = 'GONE'`,
      [s.merchant.tenant.id],
    );
    expect(rows).toEqual([{ on_hand: 4, reserved: 0 }]);
  });
});

describe('location settings', () => {
  it('keeps the settings a PUT leaves out, and null returns a threshold to the default', async () => {
    const first = await api.setStock([
      { storeId: 'NYC', productId: 'SOCK', safetyStock: 2, lowStockThreshold: 7, outOfStockThreshold: 1 },
      { storeId: 'NYC', productId: 'TEE', allowBackorders: true },
    ]);
    expect(first.statusCode, first.body).toBe(200);
    await api.setStock([
      { storeId: 'NYC', productId: 'SOCK', allowBackorders: true, outOfStockThreshold: null },
    ]);
    expect(await api.position('NYC', 'SOCK')).toMatchObject({
      safetyStock: 2,
      lowStockThreshold: 7,
      outOfStockThreshold: 0,
      allowBackorders: true,
    });
    expect(await api.position('NYC', 'TEE')).toMatchObject({ allowBackorders: true, safetyStock: 0 });
  });
});

describe('settings', () => {
  it('keeps every field of concurrent partial settings changes', async () => {
    const put = (body: object) => api.call('PUT', '/merchant/v1/ims/inventory/settings', body);
    const before = (await api.call('GET', '/merchant/v1/ims/inventory/settings')).json();
    expect((await put(before)).statusCode).toBe(200);
    // The changes read the settings, then queue behind a lock on them, so none sees another's change.
    const changes = [{ reservationTtlSeconds: 1200 }, { lowStockThreshold: 9 }, { outOfStockThreshold: 1 }];
    const responses = await queueBehindLock(
      s,
      {
        sql: 'select 1 from inventory_settings where tenant_id = $1 for update',
        params: [s.merchant.tenant.id],
      },
      changes.map((change) => () => put(change)),
    );
    for (const response of responses) expect(response.statusCode).toBe(200);
    expect((await api.call('GET', '/merchant/v1/ims/inventory/settings')).json()).toEqual({
      reservationTtlSeconds: 1200,
      lowStockThreshold: 9,
      outOfStockThreshold: 1,
    });
    expect((await put(before)).statusCode).toBe(200);
  });
});
