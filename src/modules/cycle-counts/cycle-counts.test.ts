import { describe, expect, it } from 'vitest';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { expectReconciled, queueBehindStockLevel } from '../../../test/helpers/inventory.ts';
import { api, movementsOf } from './cycle-counts.fixtures.ts';

const s = useAppWithMerchant();
const a = api(s);

/** A store with products holding the given on-hand quantities, and a started manual count of them all. */
async function startedCount(cycleCountId: string, storeId: string, stock: Record<string, number>) {
  await a.store(storeId);
  await a.products(...Object.keys(stock).map((productId) => ({ productId })));
  for (const [productId, quantity] of Object.entries(stock)) {
    if (quantity > 0) await a.adjust(storeId, productId, quantity);
  }
  const created = await a.create('manual', { cycleCountId, storeId, productIds: Object.keys(stock) });
  expect(created.statusCode, created.body).toBe(201);
  return a.start(cycleCountId);
}

describe('cycle counts', () => {
  it('runs created → started → counted → completed, and posts the variances to on hand', async () => {
    await a.store('LC');
    await a.products({ productId: 'LC-A' }, { productId: 'LC-B' }, { productId: 'LC-C' });
    await a.adjust('LC', 'LC-A', 10);
    await a.adjust('LC', 'LC-B', 5);

    const created = await a.create('manual', {
      cycleCountId: 'CC-1',
      storeId: 'LC',
      name: 'Spot check',
      productIds: ['LC-C', 'LC-A', 'LC-B'],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      cycleCountId: 'CC-1',
      kind: 'manual',
      status: 'created',
      name: 'Spot check',
      scope: { productIds: ['LC-C', 'LC-A', 'LC-B'] },
      totals: { lines: 3, counted: 0, withVariance: 0, unitsOver: 0, unitsShort: 0 },
      lines: [{ productId: 'LC-A' }, { productId: 'LC-B' }, { productId: 'LC-C' }],
      nextCursor: null,
    });
    expect((await a.count('CC-1', { 'LC-A': 1 })).json()).toMatchObject({ code: 'invalid_state' });

    expect(await a.start('CC-1')).toMatchObject({ status: 'started', startedAt: expect.any(Number) });
    const first = await a.count('CC-1', { 'LC-A': 9 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      status: 'started',
      recorded: [{ productId: 'LC-A', expectedQuantity: 10, countedQuantity: 9, variance: -1 }],
    });
    // Counted again before completion: the new count replaces the first.
    const second = (await a.count('CC-1', { 'LC-A': 10, 'LC-B': 7 })).json();
    expect(second.recorded.map((line: { variance: number }) => line.variance)).toEqual([0, 2]);
    expect(second.status).toBe('started');

    const last = (await a.count('CC-1', { 'LC-C': 1 })).json();
    expect(last).toMatchObject({
      status: 'counted',
      countedAt: expect.any(Number),
      totals: { lines: 3, counted: 3, withVariance: 2, unitsOver: 3, unitsShort: 0 },
    });

    const completed = await a.complete('CC-1');
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json()).toMatchObject({ status: 'completed', completedAt: expect.any(Number) });
    expect(completed.json().lines).toEqual([
      expect.objectContaining({ productId: 'LC-A', expectedQuantity: 10, countedQuantity: 10, variance: 0 }),
      expect.objectContaining({ productId: 'LC-B', variance: 2, adjustment: 2 }),
      expect.objectContaining({ productId: 'LC-C', expectedQuantity: 0, variance: 1, adjustment: 1 }),
    ]);
    expect([
      await a.onHand('LC', 'LC-A'),
      await a.onHand('LC', 'LC-B'),
      await a.onHand('LC', 'LC-C'),
    ]).toEqual([10, 7, 1]);
    expect(await movementsOf(s, 'CC-1')).toEqual([
      { product_id: 'LC-B', bucket: 'on_hand', quantity: 2, reason: 'cycle_count' },
      { product_id: 'LC-C', bucket: 'on_hand', quantity: 1, reason: 'cycle_count' },
    ]);

    const events = await eventsFor(s, 'CC-1');
    expect(events.map((event) => event.type)).toEqual([
      'CYC_COUNT_CREATED_EVENT',
      'CYC_COUNT_STARTED_EVENT',
      'CYC_COUNT_COUNTED_EVENT',
      'CYC_COUNT_COMPLETED_EVENT',
    ]);
    expect(events[0]?.data).toMatchObject({
      cycleCountId: 'CC-1',
      storeId: 'LC',
      kind: 'manual',
      lineCount: 3,
    });
    expect(events[3]?.data.variances).toEqual([
      { productId: 'LC-B', expectedQuantity: 5, countedQuantity: 7, variance: 2, adjustment: 2 },
      { productId: 'LC-C', expectedQuantity: 0, countedQuantity: 1, variance: 1, adjustment: 1 },
    ]);

    // A completed count is closed: no more counts, no second completion, no cancel.
    for (const response of [
      await a.count('CC-1', { 'LC-A': 3 }),
      await a.complete('CC-1'),
      await a.cancel({ cycleCountId: 'CC-1' }),
      await a.call('POST', '/merchant/v1/ims/inventory/cyclecount/CC-1/start'),
    ]) {
      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('invalid_state');
    }
    expect(await a.onHand('LC', 'LC-A')).toBe(10);
  });

  it('accounts for sales and receipts between counting and completing', async () => {
    await startedCount('CC-SALES', 'SL', { 'SL-A': 10, 'SL-B': 10, 'SL-C': 4, 'SL-D': 10 });
    await a.adjust('SL', 'SL-D', -2); // sold before it was counted: on hand is 8 when the count is taken
    const counted = await a.count('CC-SALES', { 'SL-A': 8, 'SL-B': 12, 'SL-C': 4, 'SL-D': 8 });
    expect(counted.json().status).toBe('counted');

    await a.adjust('SL', 'SL-A', -3); // three sold at the till after SL-A was counted
    const reservation = await a.ok('POST', '/merchant/v1/ims/inventory/reservations', {
      storeId: 'SL',
      reference: { type: 'order', id: 'web-1' },
      lines: [{ productId: 'SL-B', quantity: 1 }],
    });
    await a.ok('POST', `/merchant/v1/ims/inventory/reservations/${reservation.reservationId}/commit`);
    await a.adjust('SL', 'SL-C', 5); // a delivery arrives after SL-C was counted

    expect((await a.complete('CC-SALES')).statusCode).toBe(200);
    // Counted minus what left since, plus what arrived since: nothing sold is "found" again.
    expect(await a.onHand('SL', 'SL-A')).toBe(8 - 3);
    expect(await a.onHand('SL', 'SL-B')).toBe(12 - 1);
    expect(await a.onHand('SL', 'SL-C')).toBe(4 + 5);
    expect(await a.onHand('SL', 'SL-D')).toBe(8);
    expect(await movementsOf(s, 'CC-SALES')).toEqual([
      { product_id: 'SL-A', bucket: 'on_hand', quantity: -2, reason: 'cycle_count' },
      { product_id: 'SL-B', bucket: 'on_hand', quantity: 2, reason: 'cycle_count' },
    ]);
  });

  it('never takes on hand below zero when more was sold after counting than the count found missing', async () => {
    await startedCount('CC-CLAMP', 'CL', { 'CL-A': 10 });
    await a.count('CC-CLAMP', { 'CL-A': 2 });
    await a.adjust('CL', 'CL-A', -9);
    const completed = await a.complete('CC-CLAMP');
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json().lines[0]).toMatchObject({ variance: -8, adjustment: -1 });
    expect(await a.onHand('CL', 'CL-A')).toBe(0);
  });

  it('completes with uncounted products only when told to count them as zero', async () => {
    await startedCount('CC-ZERO', 'ZR', { 'ZR-A': 3, 'ZR-B': 4 });
    await a.count('CC-ZERO', { 'ZR-A': 3 });
    const refused = await a.complete('CC-ZERO');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'invalid_state' });
    expect(refused.json().detail).toContain('1 of 2 products are not counted');
    expect(await a.onHand('ZR', 'ZR-B')).toBe(4);

    const completed = await a.complete('CC-ZERO', { uncountedAsZero: true });
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json().lines[1]).toMatchObject({ productId: 'ZR-B', countedQuantity: 0, variance: -4 });
    expect(await a.onHand('ZR', 'ZR-B')).toBe(0);
    const events = await eventsFor(s, 'CC-ZERO');
    expect(events.map((event) => event.type)).not.toContain('CYC_COUNT_COUNTED_EVENT');
    expect(events.at(-1)?.data).toMatchObject({ uncountedAsZero: true, zeroedLines: 1 });
  });

  it('cancels an open count without touching stock and refuses counts and completion afterwards', async () => {
    await startedCount('CC-CANCEL', 'CN', { 'CN-A': 6 });
    await a.count('CC-CANCEL', { 'CN-A': 0 });
    const cancelled = await a.cancel({ cycleCountId: 'CC-CANCEL', reason: 'Wrong aisle' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Wrong aisle',
      cancelledAt: expect.any(Number),
    });
    expect(await a.onHand('CN', 'CN-A')).toBe(6);
    expect((await eventsFor(s, 'CC-CANCEL')).at(-1)).toEqual({
      type: 'CYC_COUNT_CANCELED_EVENT',
      data: { cycleCountId: 'CC-CANCEL', storeId: 'CN', previousStatus: 'counted', reason: 'Wrong aisle' },
    });
    for (const response of [
      await a.count('CC-CANCEL', { 'CN-A': 1 }),
      await a.complete('CC-CANCEL', { uncountedAsZero: true }),
      await a.cancel({ cycleCountId: 'CC-CANCEL' }),
    ]) {
      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('invalid_state');
    }
    expect((await a.get('CC-CANCEL')).json().lines[0]).toMatchObject({ countedQuantity: 0 });
    expect(await movementsOf(s, 'CC-CANCEL')).toEqual([]);
  });

  it('pages through the lines of a count, and filters counted or uncounted ones', async () => {
    await startedCount('CC-PAGE', 'PG', { 'PG-1': 0, 'PG-2': 0, 'PG-3': 0, 'PG-4': 0, 'PG-5': 0 });
    await a.count('CC-PAGE', { 'PG-2': 1, 'PG-4': 1 });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await a.get('CC-PAGE', `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode, page.body).toBe(200);
      expect(page.json().lines.length).toBeLessThanOrEqual(2);
      seen.push(...a.productIdsOf(page.json()));
      cursor = page.json().nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(['PG-1', 'PG-2', 'PG-3', 'PG-4', 'PG-5']);
    expect(a.productIdsOf((await a.get('CC-PAGE', '?counted=true')).json())).toEqual(['PG-2', 'PG-4']);
    expect(a.productIdsOf((await a.get('CC-PAGE', '?counted=false')).json())).toEqual([
      'PG-1',
      'PG-3',
      'PG-5',
    ]);
    expect((await a.get('CC-PAGE', '?cursor=nonsense')).json().code).toBe('invalid_cursor');
    expect((await a.get('CC-NOPE')).statusCode).toBe(404);
  });

  it('completes a count that finds a product never stocked here while an adjustment first stocks it, without deadlock', async () => {
    await startedCount('CC-LOCK', 'DL', { 'DL-A': 5, 'DL-B': 0 });
    await a.count('CC-LOCK', { 'DL-A': 4, 'DL-B': 3 });
    // The completion, then an adjustment that creates DL-B's level, queue behind DL-A. The completion must not
    // hold DL-A while it waits to create DL-B's level, which the adjustment made and holds.
    const [completed, adjusted] = await queueBehindStockLevel(s, { storeId: 'DL', productId: 'DL-A' }, [
      () => a.complete('CC-LOCK'),
      () =>
        a.call('POST', '/merchant/v1/storeproducts/inventory', {
          inventory: [
            { storeId: 'DL', productId: 'DL-A', quantity: 1, reason: 'found' },
            { storeId: 'DL', productId: 'DL-B', quantity: 1, reason: 'found' },
          ],
        }),
    ]);
    expect(completed.statusCode, completed.body).toBe(200);
    expect(adjusted.statusCode, adjusted.body).toBe(200);
    expect(await a.onHand('DL', 'DL-A')).toBe(5);
    expect(await a.onHand('DL', 'DL-B')).toBe(4);
  });

  it('leaves every balance the sum of its movements', async () => {
    await expectReconciled(s);
  });
});
