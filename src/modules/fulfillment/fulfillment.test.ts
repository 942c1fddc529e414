import { beforeAll, describe, expect, it } from 'vitest';
import { eventsFor, sampleStore, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { seedCatalog } from '../../../test/helpers/inventory.ts';
import { asSystem } from '../../platform/system-context.ts';
import { expectInbound } from '../inventory/service.ts';
import { fulfillmentApi, pickListMails, webSale } from './fulfillment.fixtures.ts';
import { runBackorders } from './service.ts';

const s = useAppWithMerchant();
const api = fulfillmentApi(s);

const stock = (productId: string) => api.position('NYC', productId);
const typesOf = async (subject: string) => (await eventsFor(s, subject)).map((event) => event.type);

beforeAll(async () => {
  const store = await api.call(
    'POST',
    '/merchant/v1/stores',
    sampleStore('NYC', { email: 'nyc@example.com' }),
  );
  expect(store.statusCode).toBe(201);
  await seedCatalog(s, ['BOS'], ['TEE', 'CAP', 'MUG']);
  const stocked = await api.setStock([
    { storeId: 'NYC', productId: 'TEE', quantity: 10 },
    { storeId: 'NYC', productId: 'CAP', quantity: 5 },
  ]);
  expect(stocked.statusCode).toBe(200);
});

describe('opening fulfillments', () => {
  it('holds the units of a BOPIS order at the store, e-mails the pick list and emits BOPIS_EXPORT', async () => {
    const response = await api.postOrder(
      webSale('W-1', [{ productId: 'TEE', quantity: 2, fulfillment: { type: 'bopis' } }]),
    );
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      status: 'open',
      fulfillments: [
        { fulfillmentId: 'F-W-1-1', type: 'bopis', storeId: 'NYC', status: 'placed', lineNumbers: [1] },
      ],
    });
    expect(await stock('TEE')).toMatchObject({ onHand: 10, available: 8 });
    const types = await typesOf('W-1');
    expect(types).toContain('BOPIS_EXPORT');
    expect(types).not.toContain('SALE_INVENTORY');
    const exported = (await eventsFor(s, 'W-1')).find((event) => event.type === 'BOPIS_EXPORT');
    expect(exported?.data.fulfillment).toMatchObject({ fulfillmentId: 'F-W-1-1', orderId: 'W-1' });
    expect(await pickListMails(s)).toEqual([
      {
        email: 'nyc@example.com',
        data: expect.objectContaining({
          fulfillmentId: 'F-W-1-1',
          lines: [{ productId: 'TEE', name: 'Product TEE', quantity: 2 }],
        }),
      },
    ]);
    const queue = await api.queue('storeId=NYC');
    expect(queue.statusCode).toBe(200);
    expect(queue.json().items.map((item: { fulfillmentId: string }) => item.fulfillmentId)).toContain(
      'F-W-1-1',
    );
  });
});

describe('moving fulfillments', () => {
  it('commits the held stock when a pick-up completes and completes the order', async () => {
    for (const to of ['picking', 'ready_for_pickup', 'completed']) {
      const moved = await api.move('F-W-1-1', { to });
      expect(moved.statusCode).toBe(200);
      expect(moved.json().status).toBe(to);
    }
    expect(await stock('TEE')).toMatchObject({ onHand: 8, available: 8 });
    const fulfillment = (await api.get('F-W-1-1')).json();
    expect(fulfillment).toMatchObject({
      orderId: 'W-1',
      lines: [{ lineNumber: 1, productId: 'TEE', quantity: 2 }],
    });
    expect(fulfillment.history.map((entry: { status: string }) => entry.status)).toEqual([
      'placed',
      'picking',
      'ready_for_pickup',
      'completed',
    ]);
    expect((await api.getOrder('W-1')).json()).toMatchObject({
      status: 'completed',
      fulfillments: [{ status: 'completed' }],
    });
    const types = await typesOf('W-1');
    expect(types).toContain('SALE_INVENTORY');
    expect(types.filter((type) => type === 'ORDER_UPDATE')).toHaveLength(3);
    expect(await typesOf('F-W-1-1')).toEqual(
      expect.arrayContaining([
        'fulfillment.picking',
        'fulfillment.ready_for_pickup',
        'fulfillment.completed',
      ]),
    );
  });

  it('refuses a return of a line not yet picked up, and takes it back once it is', async () => {
    const placed = await api.postOrder(
      webSale('W-RET', [{ productId: 'CAP', quantity: 1, fulfillment: { type: 'bopis' } }]),
    );
    expect(placed.statusCode, placed.body).toBe(201);
    const giveBack = (orderId: string) =>
      api.postOrder({
        orderId,
        type: 'return',
        channel: 'store',
        storeId: 'NYC',
        originalOrderId: 'W-RET',
        returnLines: [{ originalLineNumber: 1, quantity: 1, taxAmount: 80 }],
        tenders: [{ type: 'card', direction: 'refund', amount: 1080 }],
        totals: { subtotal: 0, discountTotal: 0, taxTotal: 0, shippingTotal: 0, total: 0, returnTotal: 1080 },
      });
    const early = await giveBack('R-EARLY');
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().errors).toEqual([
      expect.objectContaining({ field: 'body.returnLines.0.originalLineNumber' }),
    ]);
    expect((await api.getOrder('R-EARLY')).statusCode).toBe(404);
    for (const to of ['picking', 'ready_for_pickup', 'completed']) {
      expect((await api.move('F-W-RET-1', { to })).statusCode).toBe(200);
    }
    const returned = await giveBack('R-LATE');
    expect(returned.statusCode, returned.body).toBe(201);
  });

  it('releases the held stock on cancel and cancels the order', async () => {
    const placed = await api.postOrder(
      webSale('W-2', [{ productId: 'CAP', quantity: 3, fulfillment: { type: 'bofis' } }]),
    );
    expect(placed.statusCode).toBe(201);
    expect(await stock('CAP')).toMatchObject({ onHand: 5, available: 2 });
    const cancelled = await api.move('F-W-2-1', { to: 'cancelled', reason: 'customer changed their mind' });
    expect(cancelled.statusCode).toBe(200);
    expect(await stock('CAP')).toMatchObject({ onHand: 5, available: 5 });
    expect((await api.getOrder('W-2')).json().status).toBe('cancelled');
  });

  it('refuses an illegal move with 409 and changes nothing', async () => {
    const placed = await api.postOrder(
      webSale('W-3', [{ productId: 'TEE', quantity: 1, fulfillment: { type: 'ship_from_store' } }]),
    );
    expect(placed.statusCode).toBe(201);
    expect(await typesOf('W-3')).toContain('BOFIS_EXPORT');
    const skipped = await api.move('F-W-3-1', { to: 'completed' });
    expect(skipped.statusCode).toBe(409);
    expect(skipped.json()).toMatchObject({ code: 'invalid_state' });
    expect(skipped.json().detail).toContain('from placed to completed');
    expect((await api.move('F-W-3-1', { to: 'picking' })).statusCode).toBe(200);
    expect((await api.move('F-W-3-1', { to: 'ready_for_pickup' })).statusCode).toBe(409);
    const after = (await api.get('F-W-3-1')).json();
    expect(after.status).toBe('picking');
    expect(after.history).toHaveLength(2);
    expect(await stock('TEE')).toMatchObject({ onHand: 8, available: 7 });
    const shipped = await api.move('F-W-3-1', { to: 'shipped', tracking: { carrier: 'UPS', number: '1Z1' } });
    expect(shipped.json()).toMatchObject({ status: 'shipped', tracking: { carrier: 'UPS', number: '1Z1' } });
    expect(await stock('TEE')).toMatchObject({ onHand: 7, available: 7 });
  });
});

describe('racing moves', () => {
  it('applies only one of two concurrent cancels', async () => {
    const placed = await api.postOrder(
      webSale('W-5', [{ productId: 'CAP', quantity: 1, fulfillment: { type: 'bopis' } }]),
    );
    expect(placed.statusCode).toBe(201);
    const answers = await Promise.all([
      api.move('F-W-5-1', { to: 'cancelled' }),
      api.move('F-W-5-1', { to: 'cancelled' }),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    expect((await api.get('F-W-5-1')).json().history).toHaveLength(2);
    expect(await stock('CAP')).toMatchObject({ onHand: 5, available: 5 });
  });
});

describe('back-orders', () => {
  it('waits with the expected date and is placed once stock arrives and the task runs', async () => {
    const due = Date.parse('2030-01-15T00:00:00Z');
    await asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) =>
      expectInbound(
        ctx,
        { type: 'asn', id: 'ASN-F1' },
        'NYC',
        [{ productId: 'MUG', quantity: 6 }],
        new Date(due),
      ),
    );
    const placed = await api.postOrder(
      webSale('W-4', [
        { productId: 'MUG', quantity: 2, allowBackorder: true, fulfillment: { type: 'ropis' } },
      ]),
    );
    expect(placed.statusCode).toBe(201);
    expect(placed.json().fulfillments).toEqual([
      {
        fulfillmentId: 'F-W-4-1',
        type: 'ropis',
        storeId: 'NYC',
        status: 'backordered',
        expectedAt: due,
        lineNumbers: [1],
      },
    ]);
    expect(await runBackorders(s.t.platform)).toBe(0);
    expect((await api.get('F-W-4-1')).json().status).toBe('backordered');
    expect((await api.setStock([{ storeId: 'NYC', productId: 'MUG', quantity: 5 }])).statusCode).toBe(200);
    expect(await runBackorders(s.t.platform)).toBe(1);
    const fulfillment = (await api.get('F-W-4-1')).json();
    expect(fulfillment.status).toBe('placed');
    expect(fulfillment.expectedAt).toBeUndefined();
    expect(await stock('MUG')).toMatchObject({ onHand: 5, available: 3 });
    expect((await pickListMails(s)).map((mail) => mail.data.fulfillmentId)).toContain('F-W-4-1');
    expect(await typesOf('W-4')).toContain('ORDER_UPDATE');
  });
});
