import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import {
  merchantApi,
  movementsOf,
  queueBehindStockLevel,
  seedCatalog,
} from '../../../test/helpers/inventory.ts';
import { asSystem } from '../../platform/system-context.ts';
import { expireDueReservations } from './expiry.ts';
import { verifyInventory } from './service.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
const realNow = () => new Date();

const reserve = (reservationId: string, lines: object[], extra: object = {}) =>
  api.reserve({
    reservationId,
    storeId: 'WEB',
    reference: { type: 'cart', id: `cart-${reservationId}` },
    lines,
    ...extra,
  });
const action = (reservationId: string, verb: string, payload?: object) =>
  api.call('POST', `/merchant/v1/ims/inventory/reservations/${reservationId}/${verb}`, payload);
const later = (seconds: number) => {
  s.t.platform.now = () => new Date(Date.now() + seconds * 1000);
};

beforeAll(async () => {
  await seedCatalog(s, ['WEB'], ['TEE', 'CAP', 'HOT', 'OLD', 'SWEPT', 'LKA', 'LKB', 'LKC', 'GONE']);
  const stocked = await api.setStock([
    { storeId: 'WEB', productId: 'TEE', quantity: 10 },
    { storeId: 'WEB', productId: 'CAP', quantity: 2 },
    { storeId: 'WEB', productId: 'HOT', quantity: 10 },
    { storeId: 'WEB', productId: 'OLD', quantity: 1 },
    { storeId: 'WEB', productId: 'SWEPT', quantity: 4 },
    { storeId: 'WEB', productId: 'LKA', quantity: 5 },
    { storeId: 'WEB', productId: 'LKB', quantity: 5 },
    { storeId: 'WEB', productId: 'LKC', quantity: 5 },
    { storeId: 'WEB', productId: 'GONE', quantity: 3 },
  ]);
  expect(stocked.statusCode).toBe(200);
});

afterEach(() => {
  s.t.platform.now = realNow;
});

describe('reservations', () => {
  it('holds stock: available drops, the ledger records it, and the reservation can be read back', async () => {
    const response = await reserve('r1', [{ productId: 'TEE', quantity: 3 }]);
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      reservationId: 'r1',
      status: 'active',
      lines: [{ productId: 'TEE', quantity: 3 }],
    });
    expect(body.expiresAt - body.createdAt).toBe(900_000);
    expect(await api.position('WEB', 'TEE')).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
    expect((await movementsOf(s, 'WEB', 'TEE')).at(-1)).toEqual({
      bucket: 'reserved',
      quantity: 3,
      reason: 'reservation',
      referenceType: 'reservation',
      referenceId: 'r1',
    });
    const read = await api.call('GET', '/merchant/v1/ims/inventory/reservations/r1');
    expect(read.json()).toEqual(body);
  });

  it('reserves every line or none: a short line answers 409 naming it and what is available', async () => {
    const response = await reserve('r2', [
      { productId: 'TEE', quantity: 1 },
      { productId: 'CAP', quantity: 3 },
    ]);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'insufficient_stock',
      errors: [{ field: 'body.lines.1.quantity', message: '2 of CAP available at WEB; 3 asked' }],
    });
    expect(await api.position('WEB', 'TEE')).toMatchObject({ reserved: 3 });
    expect((await api.call('GET', '/merchant/v1/ims/inventory/reservations/r2')).statusCode).toBe(404);
  });

  it('refuses unknown products and stores (422), reused ids (409) and malformed lines (400)', async () => {
    const unknown = await reserve('r3', [{ productId: 'GHOST', quantity: 1 }]);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].field).toBe('body.lines.0.productId');
    const store = await api.reserve({
      storeId: 'NOWHERE',
      reference: { type: 'cart', id: 'c' },
      lines: [{ productId: 'TEE', quantity: 1 }],
    });
    expect(store.statusCode).toBe(422);
    expect((await reserve('r1', [{ productId: 'TEE', quantity: 1 }])).statusCode).toBe(409);
    expect((await reserve('r4', [{ productId: 'TEE', quantity: 0 }])).statusCode).toBe(400);
    const twice = await reserve('r4', [
      { productId: 'TEE', quantity: 1 },
      { productId: 'TEE', quantity: 1 },
    ]);
    expect(twice.statusCode).toBe(400);
    expect(
      (await reserve('r4', [{ productId: 'TEE', quantity: 1 }], { expiresInSeconds: 1 })).statusCode,
    ).toBe(400);
    expect(await api.position('WEB', 'TEE')).toMatchObject({ reserved: 3 });
  });

  it('commits a reservation into a sale; an ended reservation cannot be committed or released again', async () => {
    const committed = await action('r1', 'commit');
    expect(committed.statusCode).toBe(200);
    expect(committed.json().status).toBe('committed');
    expect(await api.position('WEB', 'TEE')).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
    expect((await movementsOf(s, 'WEB', 'TEE')).slice(-2)).toEqual([
      { bucket: 'reserved', quantity: -3, reason: 'sale', referenceType: 'reservation', referenceId: 'r1' },
      { bucket: 'on_hand', quantity: -3, reason: 'sale', referenceType: 'reservation', referenceId: 'r1' },
    ]);
    expect((await action('r1', 'commit')).json()).toMatchObject({ status: 409, code: 'invalid_state' });
    expect((await action('r1', 'release')).statusCode).toBe(409);
    expect((await action('nope', 'commit')).statusCode).toBe(404);
  });

  it('releases a reservation back to available, and extends one that is still active', async () => {
    expect((await reserve('r5', [{ productId: 'CAP', quantity: 2 }])).statusCode).toBe(201);
    const extended = await action('r5', 'extend', { expiresInSeconds: 3600 });
    expect(extended.statusCode).toBe(200);
    expect(extended.json().expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(await api.position('WEB', 'CAP')).toMatchObject({ available: 0, status: 'out_of_stock' });
    const released = await action('r5', 'release');
    expect(released.json().status).toBe('released');
    expect(await api.position('WEB', 'CAP')).toMatchObject({
      reserved: 0,
      available: 2,
      status: 'low_stock',
    });
  });

  it('refuses to commit what a recount found missing, naming the line, and keeps the reservation', async () => {
    expect((await reserve('r-gone', [{ productId: 'GONE', quantity: 3 }])).statusCode).toBe(201);
    expect((await api.setStock([{ storeId: 'WEB', productId: 'GONE', quantity: 1 }])).statusCode).toBe(200);
    const committed = await action('r-gone', 'commit');
    expect(committed.statusCode).toBe(409);
    expect(committed.json()).toMatchObject({
      code: 'insufficient_stock',
      errors: [{ field: 'lines.0.quantity', message: expect.stringContaining('has 1 in on_hand') }],
    });
    expect((await action('r-gone', 'release')).json().status).toBe('released');
    expect(await api.position('WEB', 'GONE')).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
  });

  it('expires on read: an overdue reservation no longer holds stock and cannot be committed or extended', async () => {
    expect(
      (await reserve('r6', [{ productId: 'OLD', quantity: 1 }], { expiresInSeconds: 60 })).statusCode,
    ).toBe(201);
    expect((await reserve('r7', [{ productId: 'OLD', quantity: 1 }])).statusCode).toBe(409);
    later(61);
    expect((await api.call('GET', '/merchant/v1/ims/inventory/reservations/r6')).json().status).toBe(
      'expired',
    );
    expect((await action('r6', 'commit')).json()).toMatchObject({ status: 409, code: 'reservation_expired' });
    expect((await action('r6', 'extend', { expiresInSeconds: 60 })).json().code).toBe('reservation_expired');
    expect(await api.position('WEB', 'OLD')).toMatchObject({ reserved: 0, available: 1 });
    expect((await movementsOf(s, 'WEB', 'OLD')).at(-1)).toMatchObject({
      quantity: -1,
      reason: 'reservation_expiry',
    });
    expect((await reserve('r7', [{ productId: 'OLD', quantity: 1 }])).statusCode).toBe(201);
  });

  it('the scheduled sweep releases overdue reservations of every tenant', async () => {
    expect(
      (await reserve('r8', [{ productId: 'SWEPT', quantity: 4 }], { expiresInSeconds: 30 })).statusCode,
    ).toBe(201);
    later(31);
    expect(await expireDueReservations(s.t.platform)).toBeGreaterThanOrEqual(1);
    s.t.platform.now = realNow;
    const { rows } = await s.t.database.pool.query(
      `select r.status, l.reserved::int from stock_reservations r join stock_levels l using (tenant_id, store_id)
       where reservation_id = 'r8' and product_id = 'SWEPT'`,
    );
    expect(rows).toEqual([{ status: 'expired', reserved: 0 }]);
  });

  it('never lets racing reservations take more than is available', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => reserve(`race-${i}`, [{ productId: 'HOT', quantity: 1 }])),
    );
    const statuses = attempts.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 409)).toHaveLength(30);
    expect(await api.position('WEB', 'HOT')).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
  });

  it('expires an overdue reservation on the way to a new one without deadlocking a writer of its other products', async () => {
    const overdue = [
      { productId: 'LKA', quantity: 1 },
      { productId: 'LKC', quantity: 1 },
    ];
    expect((await reserve('lk-old', overdue, { expiresInSeconds: 30 })).statusCode).toBe(201);
    later(31);
    // The new reservation (LKA, LKB) first expires lk-old, which holds LKC too; an adjustment of LKB and LKC
    // queues behind it on LKC. Taking LKB only after LKC would deadlock with the adjustment.
    const [reserved, adjusted] = await queueBehindStockLevel(s, { storeId: 'WEB', productId: 'LKC' }, [
      () =>
        reserve('lk-new', [
          { productId: 'LKA', quantity: 1 },
          { productId: 'LKB', quantity: 1 },
        ]),
      () =>
        api.adjustStock(
          ['LKB', 'LKC'].map((productId) => ({ storeId: 'WEB', productId, quantity: 1, reason: 'found' })),
        ),
    ]);
    expect(reserved.statusCode, reserved.body).toBe(201);
    expect(adjusted.statusCode, adjusted.body).toBe(200);
    expect(await api.position('WEB', 'LKC')).toMatchObject({ onHand: 6, reserved: 0 });
  });

  it('leaves the ledger, the balances and the reservations reconciled', async () => {
    const result = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) => verifyInventory(ctx));
    expect(result.ledgerMismatches).toEqual([]);
    expect(result.reservationMismatches).toEqual([]);
  });
});
