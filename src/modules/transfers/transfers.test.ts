import { beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { expectReconciled } from '../../../test/helpers/inventory.ts';
import { TRANSFERS_URL, transfersApi } from './transfers.fixtures.ts';

const s = useAppWithMerchant();
const { call, create, ship, receive, sts, rtv, stockOf, movementsOf, typesOf, eventOf } = transfersApi(s);
const base = TRANSFERS_URL;

const products = ['TEE', 'CAP', 'MUG', 'BAG', 'HAT', 'SOCK', 'BELT', 'PEN'];
beforeAll(() => transfersApi(s).setup(products, products));

describe('store-to-store transfers', () => {
  it('creates, ships through the in-transit bucket, and receives a transfer', async () => {
    const created = await create(
      sts('TR-1', [{ productId: 'TEE', quantity: 4 }], { reason: 'replenishment' }),
    );
    expect(created.statusCode).toBe(201);
    const transfer = created.json();
    expect(transfer).toMatchObject({
      transferId: 'TR-1',
      type: 'store_to_store',
      status: 'created',
      reason: 'replenishment',
    });
    expect(transfer.lines).toEqual([{ productId: 'TEE', quantity: 4, shippedQuantity: 0 }]);
    expect((await call('GET', `${base}/TR-1`)).json()).toEqual(transfer);
    expect((await stockOf('TEE', 'NYC')).onHand).toBe(10);
    expect(await eventOf('TR-1', 'TRANSFER_CREATED_EVENT')).toEqual({
      transfer,
      exportEndpoint: 'INVENTORY_EXPORT_STS',
    });

    const expectedAt = Date.parse('2030-05-01T09:00:00Z');
    const shipped = await ship('TR-1', { expectedAt });
    expect(shipped.statusCode).toBe(200);
    expect(shipped.json()).toMatchObject({ status: 'shipped', expectedAt, shippedAt: expect.any(Number) });
    expect(shipped.json().lines).toEqual([{ productId: 'TEE', quantity: 4, shippedQuantity: 4 }]);
    expect((await stockOf('TEE', 'NYC')).onHand).toBe(6);
    expect(await stockOf('TEE', 'BOS')).toMatchObject({
      onHand: 0,
      buckets: { in_transit: 4 },
      expectedQuantity: 4,
      expectedAt,
    });
    expect(await eventOf('TR-1', 'TRANSFER_SHIPPED_EVENT')).toEqual({
      transfer: shipped.json(),
      exportEndpoint: 'INVENTORY_EXPORT_STS',
    });

    const received = await receive('TR-1', { lines: [{ productId: 'TEE', quantity: 4 }] });
    expect(received.statusCode).toBe(200);
    expect(received.json()).toMatchObject({ status: 'received', receivedAt: expect.any(Number) });
    expect(received.json().lines).toEqual([
      { productId: 'TEE', quantity: 4, shippedQuantity: 4, receivedQuantity: 4, discrepancy: 0 },
    ]);
    const bos = await stockOf('TEE', 'BOS');
    expect(bos.onHand).toBe(4);
    expect(bos.buckets.in_transit ?? 0).toBe(0);
    expect(bos.expectedQuantity).toBeUndefined();
    expect(await movementsOf('TR-1')).toEqual([
      { storeId: 'NYC', productId: 'TEE', bucket: 'on_hand', quantity: -4, reason: 'transfer_out' },
      { storeId: 'BOS', productId: 'TEE', bucket: 'in_transit', quantity: 4, reason: 'transfer_in_transit' },
      { storeId: 'BOS', productId: 'TEE', bucket: 'in_transit', quantity: -4, reason: 'transfer_in' },
      { storeId: 'BOS', productId: 'TEE', bucket: 'on_hand', quantity: 4, reason: 'transfer_in' },
    ]);
    expect(await eventOf('TR-1', 'TRANSFER_RECEIVED_EVENT')).toEqual({
      transfer: received.json(),
      discrepancies: [],
      exportEndpoint: 'INVENTORY_EXPORT_STS',
    });
    expect(await typesOf('TR-1')).toEqual([
      'TRANSFER_CREATED_EVENT',
      'TRANSFER_RECEIVED_EVENT',
      'TRANSFER_SHIPPED_EVENT',
    ]);

    expect((await receive('TR-1', { lines: [{ productId: 'TEE', quantity: 1 }] })).statusCode).toBe(409);
    expect((await ship('TR-1')).statusCode).toBe(409);
  });

  it('records short, missing and (allowed) extra units as discrepancies, on the lines, ledger and event', async () => {
    const lines = [
      { productId: 'CAP', quantity: 5 },
      { productId: 'MUG', quantity: 3 },
      { productId: 'BAG', quantity: 2 },
    ];
    await create(sts('TR-D', lines));
    expect((await ship('TR-D')).statusCode).toBe(200);
    const receipt = {
      lines: [
        { productId: 'CAP', quantity: 4 },
        { productId: 'BAG', quantity: 3 },
      ],
    };
    const refused = await receive('TR-D', receipt);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'rule_violated' });
    expect(refused.json().errors).toEqual([
      { field: 'body.lines.1.quantity', message: expect.stringContaining('BAG') },
    ]);
    expect((await stockOf('BAG', 'BOS')).buckets).toEqual({ in_transit: 2 });
    expect((await call('GET', `${base}/TR-D`)).json().status).toBe('shipped');

    const received = await receive('TR-D', { ...receipt, allowOverReceipt: true });
    expect(received.statusCode).toBe(200);
    expect(received.json().lines).toEqual([
      { productId: 'BAG', quantity: 2, shippedQuantity: 2, receivedQuantity: 3, discrepancy: 1 },
      { productId: 'CAP', quantity: 5, shippedQuantity: 5, receivedQuantity: 4, discrepancy: -1 },
      { productId: 'MUG', quantity: 3, shippedQuantity: 3, receivedQuantity: 0, discrepancy: -3 },
    ]);
    for (const [productId, onHand] of [
      ['BAG', 3],
      ['CAP', 4],
      ['MUG', 0],
    ] as const) {
      const bos = await stockOf(productId, 'BOS');
      expect([bos.onHand, bos.buckets.in_transit ?? 0], productId).toEqual([onHand, 0]);
    }
    const discrepancies = (await movementsOf('TR-D')).filter((m) => m.reason === 'transfer_discrepancy');
    expect(discrepancies).toEqual([
      { storeId: 'BOS', productId: 'BAG', bucket: 'on_hand', quantity: 1, reason: 'transfer_discrepancy' },
      {
        storeId: 'BOS',
        productId: 'CAP',
        bucket: 'in_transit',
        quantity: -1,
        reason: 'transfer_discrepancy',
      },
      {
        storeId: 'BOS',
        productId: 'MUG',
        bucket: 'in_transit',
        quantity: -3,
        reason: 'transfer_discrepancy',
      },
    ]);
    expect((await eventOf('TR-D', 'TRANSFER_RECEIVED_EVENT'))?.discrepancies).toEqual([
      { productId: 'BAG', shippedQuantity: 2, receivedQuantity: 3, discrepancy: 1 },
      { productId: 'CAP', shippedQuantity: 5, receivedQuantity: 4, discrepancy: -1 },
      { productId: 'MUG', shippedQuantity: 3, receivedQuantity: 0, discrepancy: -3 },
    ]);
  });

  it('refuses to ship what the origin does not have available (reserved and safety stock count) and moves nothing', async () => {
    const safety = await call('PUT', '/merchant/v1/storeproducts/inventory', {
      inventory: [{ storeId: 'NYC', productId: 'HAT', safetyStock: 3 }],
    });
    expect(safety.statusCode).toBe(200);
    const reserved = await call('POST', '/merchant/v1/ims/inventory/reservations', {
      storeId: 'NYC',
      reference: { type: 'order', id: 'ORD-1' },
      lines: [{ productId: 'HAT', quantity: 4 }],
    });
    expect(reserved.statusCode).toBe(201);
    expect((await stockOf('HAT', 'NYC')).available).toBe(3);

    await create(
      sts('TR-SHORT', [
        { productId: 'HAT', quantity: 4 },
        { productId: 'SOCK', quantity: 1 },
      ]),
    );
    const refused = await ship('TR-SHORT');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'insufficient_stock' });
    expect(refused.json().errors).toEqual([
      { field: 'lines.0.quantity', message: expect.stringContaining('3 available') },
    ]);
    expect(await stockOf('HAT', 'NYC')).toMatchObject({ onHand: 10, reserved: 4 });
    expect((await stockOf('SOCK', 'NYC')).onHand).toBe(10);
    expect(await movementsOf('TR-SHORT')).toEqual([]);
    expect((await call('GET', `${base}/TR-SHORT`)).json().status).toBe('created');
    expect(await typesOf('TR-SHORT')).toEqual(['TRANSFER_CREATED_EVENT']);

    await create(sts('TR-FITS', [{ productId: 'HAT', quantity: 3 }]));
    expect((await ship('TR-FITS')).statusCode).toBe(200);
    expect(await stockOf('HAT', 'NYC')).toMatchObject({ onHand: 7, reserved: 4, available: 0 });
  });

  it('cancels a transfer before shipping, and not after', async () => {
    await create(sts('TR-CXL', [{ productId: 'PEN', quantity: 1 }]));
    const cancelled = await call('POST', `${base}/TR-CXL/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(Number) });
    expect(await typesOf('TR-CXL')).toEqual(['TRANSFER_CANCELLED_EVENT', 'TRANSFER_CREATED_EVENT']);
    expect((await ship('TR-CXL')).json()).toMatchObject({ code: 'invalid_state' });
    expect((await stockOf('PEN', 'NYC')).onHand).toBe(10);

    await create(sts('TR-CXL2', [{ productId: 'PEN', quantity: 1 }]));
    await ship('TR-CXL2');
    const late = await call('POST', `${base}/TR-CXL2/cancel`);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'invalid_state' });
  });
});

describe('returns to vendor', () => {
  it('takes the stock out of on hand when shipped, and is then done', async () => {
    const created = await create(rtv('RTV-1', [{ productId: 'BELT', quantity: 2 }], { reason: 'defective' }));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      type: 'return_to_vendor',
      vendor: 'Acme Apparel',
      status: 'created',
    });
    expect(created.json().toStoreId).toBeUndefined();
    expect(await eventOf('RTV-1', 'TRANSFER_CREATED_EVENT')).toMatchObject({
      exportEndpoint: 'INVENTORY_EXPORT_RTV',
    });

    const shipped = await ship('RTV-1');
    expect(shipped.statusCode).toBe(200);
    expect(shipped.json()).toMatchObject({
      status: 'shipped',
      lines: [{ productId: 'BELT', shippedQuantity: 2 }],
    });
    expect((await stockOf('BELT', 'NYC')).onHand).toBe(8);
    expect(await movementsOf('RTV-1')).toEqual([
      { storeId: 'NYC', productId: 'BELT', bucket: 'on_hand', quantity: -2, reason: 'return_to_vendor' },
    ]);
    expect(await eventOf('RTV-1', 'RTV_SHIPPED_EVENT')).toEqual({
      transfer: shipped.json(),
      exportEndpoint: 'INVENTORY_EXPORT_RTV',
    });
    expect(await typesOf('RTV-1')).toEqual(['RTV_SHIPPED_EVENT', 'TRANSFER_CREATED_EVENT']);

    expect((await receive('RTV-1', { lines: [{ productId: 'BELT', quantity: 2 }] })).json()).toMatchObject({
      code: 'invalid_state',
    });
    expect((await call('POST', `${base}/RTV-1/cancel`)).statusCode).toBe(409);
    expect((await ship('RTV-1', { expectedAt: 1 })).statusCode).toBe(409);
  });

  it('leaves every balance the sum of its movements', async () => {
    await expectReconciled(s);
  });
});
