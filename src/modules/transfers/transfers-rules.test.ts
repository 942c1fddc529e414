import { beforeAll, describe, expect, it } from 'vitest';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { expectReconciled, queueBehindStockLevel } from '../../../test/helpers/inventory.ts';
import { TRANSFERS_URL, transfersApi } from './transfers.fixtures.ts';

const s = useAppWithMerchant();
const { call, addStock, create, ship, receive, sts, rtv, stockOf, movementsOf } = transfersApi(s);
const base = TRANSFERS_URL;

beforeAll(() =>
  transfersApi(s).setup(['SOCK', 'PEN', 'CUP', 'RACE', 'FIRST', 'GONE'], ['SOCK', 'PEN', 'CUP', 'FIRST']),
);

describe('bad transfers', () => {
  it('rejects malformed transfers with 400 naming the field', async () => {
    const cases: [object, string][] = [
      [sts('B-1', [{ productId: 'CUP', quantity: 1 }], { toStoreId: 'NYC' }), 'body.toStoreId'],
      [{ ...sts('B-2', [{ productId: 'CUP', quantity: 1 }]), toStoreId: undefined }, 'body.toStoreId'],
      [sts('B-3', [{ productId: 'CUP', quantity: 1 }], { vendor: 'Acme' }), 'body.vendor'],
      [rtv('B-4', [{ productId: 'CUP', quantity: 1 }], { toStoreId: 'BOS' }), 'body.toStoreId'],
      [{ ...rtv('B-5', [{ productId: 'CUP', quantity: 1 }]), vendor: undefined }, 'body.vendor'],
      [sts('B-6', [{ productId: 'CUP', quantity: 0 }]), 'body.lines.0.quantity'],
      [sts('B-7', [{ productId: 'CUP', quantity: -1 }]), 'body.lines.0.quantity'],
      [
        sts('B-8', [
          { productId: 'CUP', quantity: 1 },
          { productId: 'CUP', quantity: 1 },
        ]),
        'body.lines.1.productId',
      ],
      [sts('B-9', [{ productId: 'CUP', quantity: 1 }], { type: 'teleport' }), 'body.type'],
      [sts('B-10', [{ productId: 'CUP', quantity: 1.5 }]), 'body.lines.0.quantity'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      expect(response.statusCode, field).toBe(400);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    for (const id of ['B-1', 'B-6', 'B-8']) expect((await call('GET', `${base}/${id}`)).statusCode).toBe(404);
  });

  it('refuses unknown stores and products with 422, and a repeated transferId with 409', async () => {
    const unknown = await create(
      sts(
        'B-REF',
        [
          { productId: 'CUP', quantity: 1 },
          { productId: 'GHOST', quantity: 1 },
        ],
        { toStoreId: 'NOWHERE' },
      ),
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'unknown_reference' });
    expect(unknown.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body.toStoreId',
      'body.lines.1.productId',
    ]);
    expect((await call('GET', `${base}/B-REF`)).statusCode).toBe(404);
    expect(await eventsFor(s, 'B-REF')).toEqual([]);

    expect((await create(sts('B-DUP', [{ productId: 'CUP', quantity: 1 }]))).statusCode).toBe(201);
    const again = await create(rtv('B-DUP', [{ productId: 'CUP', quantity: 2 }]));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'already_exists' });
    expect((await call('GET', `${base}/B-DUP`)).json().type).toBe('store_to_store');
  });

  it('refuses receipts of unshipped transfers, of products not on them, and of negative quantities', async () => {
    await create(sts('B-RCV', [{ productId: 'CUP', quantity: 2 }]));
    expect((await receive('B-RCV', { lines: [{ productId: 'CUP', quantity: 2 }] })).json()).toMatchObject({
      code: 'invalid_state',
    });
    await ship('B-RCV');
    const off = await receive('B-RCV', { lines: [{ productId: 'PEN', quantity: 1 }] });
    expect(off.statusCode).toBe(422);
    expect(off.json().errors).toEqual([
      { field: 'body.lines.0.productId', message: expect.stringContaining('PEN') },
    ]);
    const negative = await receive('B-RCV', { lines: [{ productId: 'CUP', quantity: -1 }] });
    expect(negative.statusCode).toBe(400);
    expect((await stockOf('CUP', 'BOS')).buckets).toEqual({ in_transit: 2 });
    for (const url of [`${base}/NOPE`, `${base}/NOPE/ship`, `${base}/NOPE/cancel`]) {
      expect((await call(url.endsWith('NOPE') ? 'GET' : 'POST', url)).statusCode).toBe(404);
    }
  });
});

describe('shipping and receiving what the transfer names', () => {
  it('refuses an expected date past the year 9999 with 400 and ships nothing', async () => {
    await create(sts('B-DATE', [{ productId: 'PEN', quantity: 1 }]));
    for (const expectedAt of [9e15, 3e14]) {
      const response = await ship('B-DATE', { expectedAt });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.expectedAt']);
    }
    expect(await movementsOf('B-DATE')).toEqual([]);
  });

  it('ships and receives a product deleted from the catalog after the transfer was made', async () => {
    await addStock('NYC', 'GONE', 3);
    await create(sts('B-GONE', [{ productId: 'GONE', quantity: 2 }]));
    expect((await ship('B-GONE')).statusCode).toBe(200);
    await create(sts('B-GONE-2', [{ productId: 'GONE', quantity: 1 }]));
    const deleted = await call('DELETE', '/merchant/v1/products', { productIds: ['GONE'] });
    expect(deleted.json().summary.deleted).toBe(1);
    const received = await receive('B-GONE', { lines: [{ productId: 'GONE', quantity: 2 }] });
    expect(received.statusCode, received.body).toBe(200);
    const shipped = await ship('B-GONE-2');
    expect(shipped.statusCode, shipped.body).toBe(200);
    const { rows } = await s.t.database.pool.query(
      `select store_id, on_hand::int, coalesce(b.quantity, 0)::int as in_transit from stock_levels l
       left join stock_bucket_levels b using (tenant_id, store_id, product_id)
       where l.tenant_id = $1 and l.product_id = 'GONE' order by store_id`,
      [s.merchant.tenant.id],
    );
    expect(rows).toEqual([
      { store_id: 'BOS', on_hand: 2, in_transit: 1 },
      { store_id: 'NYC', on_hand: 0, in_transit: 0 },
    ]);
  });
});

describe('concurrent shipments', () => {
  it('ship the same units once, ship one transfer once, and cross in opposite directions without deadlock', async () => {
    // 8 on hand, 2 reserved: 6 available, so only one of two shipments of 4 may leave, though on hand allows both.
    await addStock('NYC', 'RACE', 8);
    const reserved = await call('POST', '/merchant/v1/ims/inventory/reservations', {
      storeId: 'NYC',
      reference: { type: 'cart', id: 'CART-RACE' },
      lines: [{ productId: 'RACE', quantity: 2 }],
    });
    expect(reserved.statusCode).toBe(201);
    await create(sts('RACE-A', [{ productId: 'RACE', quantity: 4 }]));
    await create(sts('RACE-B', [{ productId: 'RACE', quantity: 4 }]));
    const [a, b] = await Promise.all([ship('RACE-A'), ship('RACE-B')]);
    expect([a?.statusCode, b?.statusCode].sort()).toEqual([200, 409]);
    expect([a?.json().code, b?.json().code]).toContain('insufficient_stock');
    expect(await stockOf('RACE', 'NYC')).toMatchObject({ onHand: 4, reserved: 2, available: 2 });

    await create(sts('TWICE', [{ productId: 'SOCK', quantity: 1 }]));
    const twice = await Promise.all([ship('TWICE'), ship('TWICE'), ship('TWICE')]);
    expect(twice.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    expect(await movementsOf('TWICE')).toHaveLength(2);

    await addStock('BOS', 'CUP', 5);
    const pairs = Array.from({ length: 4 }, (_, i) => [
      create(
        sts(`X-NB-${i}`, [
          { productId: 'CUP', quantity: 1 },
          { productId: 'PEN', quantity: 1 },
        ]),
      ),
      create({
        ...sts(`X-BN-${i}`, [{ productId: 'CUP', quantity: 1 }]),
        fromStoreId: 'BOS',
        toStoreId: 'NYC',
      }),
    ]);
    for (const created of await Promise.all(pairs.flat())) expect(created.statusCode).toBe(201);
    const crossed = await Promise.all(
      Array.from({ length: 4 }, (_, i) => [ship(`X-NB-${i}`), ship(`X-BN-${i}`)]).flat(),
    );
    expect(crossed.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect(await stockOf('CUP', 'NYC')).toMatchObject({ onHand: 4, buckets: { in_transit: 4 } });
    expect(await stockOf('CUP', 'BOS')).toMatchObject({ onHand: 1, buckets: { in_transit: 6 } });

    await expectReconciled(s);
  });

  it('ships to a store that never held the product while an adjustment first stocks it there, without deadlock', async () => {
    await create(sts('FIRST-1', [{ productId: 'FIRST', quantity: 2 }]));
    // The shipment, then an adjustment that creates FIRST at BOS, queue behind FIRST at NYC. The shipment
    // must not hold NYC while it waits to create BOS's row, which the adjustment made and holds.
    const [shipped, adjusted] = await queueBehindStockLevel(s, { storeId: 'NYC', productId: 'FIRST' }, [
      () => ship('FIRST-1'),
      () =>
        call('POST', '/merchant/v1/storeproducts/inventory', {
          inventory: [
            { storeId: 'BOS', productId: 'FIRST', quantity: 1, reason: 'found' },
            { storeId: 'NYC', productId: 'FIRST', quantity: -1, reason: 'lost' },
          ],
        }),
    ]);
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(adjusted.statusCode, adjusted.body).toBe(200);
    expect(await stockOf('FIRST', 'BOS')).toMatchObject({ onHand: 1, buckets: { in_transit: 2 } });
    expect(await stockOf('FIRST', 'NYC')).toMatchObject({ onHand: 7 });
    await expectReconciled(s);
  });
});
