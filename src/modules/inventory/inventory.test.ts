import { beforeAll, describe, expect, it } from 'vitest';
import {
  createMerchant,
  eventsFor,
  type TestMerchant,
  useAppWithMerchant,
} from '../../../test/helpers/app.ts';
import { merchantApi, movementsOf, seedCatalog } from '../../../test/helpers/inventory.ts';
import { asSystem } from '../../platform/system-context.ts';
import { expectInbound, verifyInventory } from './service.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);

beforeAll(async () => {
  await seedCatalog(s, ['NYC', 'BOS', 'WEB'], ['TEE', 'CAP', 'MUG', 'SOCK', 'NEW', 'LOW']);
});

describe('setting and adjusting stock', () => {
  it('sets on-hand stock; the difference is a ledger movement and an INVENTORY_ADJUSTMENT event', async () => {
    const response = await api.setStock([{ storeId: 'NYC', productId: 'TEE', quantity: 10 }]);
    expect(response.statusCode).toBe(200);
    expect(response.json().results).toEqual([
      {
        index: 0,
        storeId: 'NYC',
        productId: 'TEE',
        bucket: 'on_hand',
        before: 0,
        after: 10,
        status: 'in_stock',
      },
    ]);
    expect(await movementsOf(s, 'NYC', 'TEE')).toEqual([
      { bucket: 'on_hand', quantity: 10, reason: 'recount', referenceType: null, referenceId: null },
    ]);
    const adjustment = (await eventsFor(s, 'TEE')).find((event) => event.type === 'INVENTORY_ADJUSTMENT');
    expect(adjustment?.data).toMatchObject({
      storeId: 'NYC',
      quantity: 10,
      before: 0,
      after: 10,
      reason: 'recount',
    });
    expect(await api.position('NYC', 'TEE')).toMatchObject({
      onHand: 10,
      reserved: 0,
      available: 10,
      status: 'in_stock',
    });
  });

  it('setting the same quantity again posts nothing', async () => {
    const before = (await movementsOf(s, 'NYC', 'TEE')).length;
    const response = await api.setStock([{ storeId: 'NYC', productId: 'TEE', quantity: 10 }]);
    expect(response.json().results[0]).toMatchObject({ before: 10, after: 10 });
    expect(await movementsOf(s, 'NYC', 'TEE')).toHaveLength(before);
  });

  it('adjusts incrementally and moves units between buckets, with reasons and references', async () => {
    const response = await api.adjustStock([
      { storeId: 'NYC', productId: 'TEE', quantity: 5, reason: 'received', referenceId: 'PO-1' },
      {
        storeId: 'NYC',
        productId: 'TEE',
        quantity: 2,
        bucket: 'damaged',
        fromBucket: 'on_hand',
        reason: 'damaged',
      },
    ]);
    expect(response.statusCode).toBe(200);
    expect(response.json().results.map((r: { after: number }) => r.after)).toEqual([15, 2]);
    expect(await api.position('NYC', 'TEE')).toMatchObject({
      onHand: 13,
      available: 13,
      buckets: { damaged: 2 },
    });
    const types = (await eventsFor(s, 'TEE')).map((event) => event.type);
    expect(types).toContain('INVENTORY_BUCKET_ADJUSTMENT');
    expect((await movementsOf(s, 'NYC', 'TEE')).slice(-3)).toEqual([
      {
        bucket: 'on_hand',
        quantity: 5,
        reason: 'received',
        referenceType: 'adjustment',
        referenceId: 'PO-1',
      },
      { bucket: 'on_hand', quantity: -2, reason: 'damaged', referenceType: null, referenceId: null },
      { bucket: 'damaged', quantity: 2, reason: 'damaged', referenceType: null, referenceId: null },
    ]);
  });

  it('refuses to take a bucket below zero, naming the item, and applies none of the call', async () => {
    const response = await api.adjustStock([
      { storeId: 'NYC', productId: 'TEE', quantity: 1, reason: 'found' },
      { storeId: 'NYC', productId: 'CAP', quantity: -1, reason: 'theft' },
    ]);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'insufficient_stock',
      errors: [{ field: 'body.inventory.1.quantity' }],
    });
    expect(await api.position('NYC', 'TEE')).toMatchObject({ onHand: 13 });
  });

  it('answers 422 for unknown stores, products and buckets, and 400 for meaningless quantities', async () => {
    const unknown = await api.adjustStock([
      { storeId: 'NOPE', productId: 'TEE', quantity: 1, reason: 'found' },
      { storeId: 'NYC', productId: 'GHOST', quantity: 1, reason: 'found' },
      { storeId: 'NYC', productId: 'TEE', quantity: 1, bucket: 'shelf', reason: 'found' },
    ]);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body.inventory.0.storeId',
      'body.inventory.1.productId',
      'body.inventory.2.bucket',
    ]);
    const zero = await api.adjustStock([{ storeId: 'NYC', productId: 'TEE', quantity: 0, reason: 'found' }]);
    expect(zero.statusCode).toBe(400);
    expect(zero.json().errors[0].field).toBe('body.inventory.0.quantity');
    const reserved = await api.adjustStock([
      { storeId: 'NYC', productId: 'TEE', quantity: 1, bucket: 'reserved', reason: 'found' },
    ]);
    expect(reserved.statusCode).toBe(400);
    const negativeMove = await api.adjustStock([
      {
        storeId: 'NYC',
        productId: 'TEE',
        quantity: -1,
        bucket: 'damaged',
        fromBucket: 'on_hand',
        reason: 'damaged',
      },
    ]);
    expect(negativeMove.statusCode).toBe(400);
    const negativeSet = await api.setStock([{ storeId: 'NYC', productId: 'TEE', quantity: -4 }]);
    expect(negativeSet.statusCode).toBe(400);
    const unknownSet = await api.setStock([{ storeId: 'NYC', productId: 'GHOST', quantity: 4 }]);
    expect(unknownSet.statusCode).toBe(422);
    expect(await api.position('NYC', 'TEE')).toMatchObject({ onHand: 13, buckets: { damaged: 2 } });
  });

  it("takes stock into the merchant's own buckets once they are defined", async () => {
    const created = await api.call('POST', '/merchant/v1/ims/inventory/buckets', {
      bucketId: 'display',
      name: 'Display',
    });
    expect(created.statusCode).toBe(201);
    expect(
      (await api.call('POST', '/merchant/v1/ims/inventory/buckets', { bucketId: 'display', name: 'x' }))
        .statusCode,
    ).toBe(409);
    expect(
      (await api.call('POST', '/merchant/v1/ims/inventory/buckets', { bucketId: 'damaged', name: 'x' }))
        .statusCode,
    ).toBe(400);
    const moved = await api.adjustStock([
      {
        storeId: 'NYC',
        productId: 'TEE',
        quantity: 1,
        bucket: 'display',
        fromBucket: 'on_hand',
        reason: 'internal_use',
      },
    ]);
    expect(moved.statusCode).toBe(200);
    expect(await api.position('NYC', 'TEE')).toMatchObject({
      onHand: 12,
      buckets: { damaged: 2, display: 1 },
    });
  });
});

describe('availability', () => {
  it('answers every (store, product) pair, all active stores when none are named, and lists unknown ids', async () => {
    const response = await api.availability(['TEE', 'GHOST']);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.missingProductIds).toEqual(['GHOST']);
    expect(body.data.map((p: { storeId: string }) => p.storeId).sort()).toEqual(['BOS', 'NYC', 'WEB']);
    expect(body.data.find((p: { storeId: string }) => p.storeId === 'BOS')).toMatchObject({
      onHand: 0,
      available: 0,
      status: 'out_of_stock',
    });
    const empty = await api.call('GET', '/merchant/v1/storeproducts/inventory?productIds=TEE&storeIds=');
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json().data).toHaveLength(3);
    const named = await api.availability(['TEE'], ['NYC', 'NOWHERE']);
    expect(named.json().missingStoreIds).toEqual(['NOWHERE']);
    expect(named.json().data).toHaveLength(1);
  });

  it('refuses more than 20 products or 1,000 stores', async () => {
    const products = Array.from({ length: 21 }, (_, i) => `P${i}`);
    expect((await api.availability(products)).statusCode).toBe(400);
    const stores = Array.from({ length: 1001 }, (_, i) => `S${i}`);
    expect((await api.availability(['TEE'], stores)).statusCode).toBe(400);
  });

  it('holds back safety stock from what is available', async () => {
    await api.setStock([{ storeId: 'BOS', productId: 'MUG', quantity: 10, safetyStock: 3 }]);
    expect(await api.position('BOS', 'MUG')).toMatchObject({ onHand: 10, safetyStock: 3, available: 7 });
  });
});

describe('thresholds and statuses', () => {
  it('emits INVENTORY_STATUS_CHANGED when a product crosses the low and out-of-stock thresholds', async () => {
    await api.setStock([{ storeId: 'NYC', productId: 'LOW', quantity: 20, lowStockThreshold: 5 }]);
    await api.adjustStock([{ storeId: 'NYC', productId: 'LOW', quantity: -15, reason: 'correction' }]);
    expect(await api.position('NYC', 'LOW')).toMatchObject({
      available: 5,
      status: 'low_stock',
      lowStockThreshold: 5,
    });
    await api.adjustStock([{ storeId: 'NYC', productId: 'LOW', quantity: -1, reason: 'correction' }]);
    await api.adjustStock([{ storeId: 'NYC', productId: 'LOW', quantity: -4, reason: 'correction' }]);
    const changes = (await eventsFor(s, 'LOW'))
      .filter((event) => event.type === 'INVENTORY_STATUS_CHANGED')
      .map((event) => `${event.data.previousStatus}→${event.data.status}`);
    expect(changes).toEqual(['out_of_stock→in_stock', 'in_stock→low_stock', 'low_stock→out_of_stock']);
  });

  it("uses the merchant's default thresholds unless the location has its own", async () => {
    const settings = await api.call('PUT', '/merchant/v1/ims/inventory/settings', { lowStockThreshold: 8 });
    expect(settings.json()).toEqual({
      reservationTtlSeconds: 900,
      lowStockThreshold: 8,
      outOfStockThreshold: 0,
    });
    await api.setStock([{ storeId: 'WEB', productId: 'SOCK', quantity: 7 }]);
    expect(await api.position('WEB', 'SOCK')).toMatchObject({ status: 'low_stock', lowStockThreshold: 8 });
    await api.setStock([{ storeId: 'WEB', productId: 'SOCK', lowStockThreshold: 2, outOfStockThreshold: 1 }]);
    expect(await api.position('WEB', 'SOCK')).toMatchObject({ status: 'in_stock', lowStockThreshold: 2 });
    const bad = await api.call('PUT', '/merchant/v1/ims/inventory/settings', { reservationTtlSeconds: 5 });
    expect(bad.statusCode).toBe(400);
  });

  it('shows back-ordered and pre-order, with the expected date, only when backorders are allowed and stock is coming', async () => {
    const due = Date.parse('2030-01-15T00:00:00Z');
    await asSystem(s.t.platform, s.merchant.tenant.id, 'test', async (ctx) => {
      await expectInbound(
        ctx,
        { type: 'asn', id: 'ASN-T1' },
        'WEB',
        [
          { productId: 'NEW', quantity: 40 },
          { productId: 'CAP', quantity: 12 },
        ],
        new Date(due),
      );
    });
    expect(await api.position('WEB', 'NEW')).toMatchObject({ status: 'out_of_stock', expectedQuantity: 40 });
    await api.setStock([{ storeId: 'WEB', productId: 'CAP', quantity: 3 }]);
    await api.setStock([{ storeId: 'WEB', productId: 'CAP', quantity: 0 }]);
    await api.setStock([
      { storeId: 'WEB', productId: 'NEW', allowBackorders: true },
      { storeId: 'WEB', productId: 'CAP', allowBackorders: true },
    ]);
    expect(await api.position('WEB', 'NEW')).toMatchObject({ status: 'pre_order', expectedAt: due });
    expect(await api.position('WEB', 'CAP')).toMatchObject({
      status: 'back_ordered',
      expectedAt: due,
      expectedQuantity: 12,
    });
    const events = (await eventsFor(s, 'NEW')).filter((event) => event.type === 'INVENTORY_STATUS_CHANGED');
    expect(events.at(-1)?.data).toMatchObject({ status: 'pre_order', expectedAt: due });
  });
});

describe('tenancy and reconciliation', () => {
  let other: TestMerchant;
  beforeAll(async () => {
    other = await createMerchant(s.t.platform);
  });

  it("never shows or changes another merchant's stock", async () => {
    const otherApi = merchantApi(s, () => other);
    const response = await otherApi.availability(['TEE'], ['NYC']);
    expect(response.json()).toMatchObject({ data: [], missingProductIds: ['TEE'], missingStoreIds: ['NYC'] });
    expect(
      (await otherApi.adjustStock([{ storeId: 'NYC', productId: 'TEE', quantity: -1, reason: 'theft' }]))
        .statusCode,
    ).toBe(422);
  });

  it('verify finds the ledger and balances reconciled, and reports a balance changed behind its back', async () => {
    const verify = () => asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) => verifyInventory(ctx));
    const clean = await verify();
    expect(clean.ledgerMismatches).toEqual([]);
    expect(clean.reservationMismatches).toEqual([]);
    expect(clean.balancesChecked).toBeGreaterThan(10);
    await s.t.database.pool.query(
      `update stock_levels set on_hand = on_hand + 1 where tenant_id = $1 and store_id = 'NYC' and product_id = 'TEE'`,
      [s.merchant.tenant.id],
    );
    expect((await verify()).ledgerMismatches).toEqual([
      { storeId: 'NYC', productId: 'TEE', bucket: 'on_hand', ledger: 12, balance: 13 },
    ]);
    await s.t.database.pool.query(
      `update stock_levels set on_hand = on_hand - 1 where tenant_id = $1 and store_id = 'NYC' and product_id = 'TEE'`,
      [s.merchant.tenant.id],
    );
  });

  it('keeps the ledger append-only for the application', async () => {
    const client = await s.t.database.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `select set_config('role', 'backroom_app', true), set_config('backroom.tenant_id', $1, true)`,
        [s.merchant.tenant.id],
      );
      await expect(client.query('update stock_movements set quantity = 99')).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});
