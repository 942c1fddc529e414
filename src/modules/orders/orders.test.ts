import { beforeAll, describe, expect, it } from 'vitest';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi, movementsOf, seedCatalog } from '../../../test/helpers/inventory.ts';
import { newOrderSchema, orderPageSchema, orderSchema, orderSearchSchema, repostSchema } from './schemas.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);

const postOrder = (body: object) => api.call('POST', '/merchant/v1/sa/orders', body);
const search = (body: object) => api.call('POST', '/merchant/v1/sa/orders/search', body);
const onHand = async (storeId: string, productId: string) => (await api.position(storeId, productId)).onHand;

/** A balanced sale of `quantity` units at 1000 each with 80 tax per unit, paid by card. */
function sale(orderId: string, lines: { productId: string; quantity: number }[], extra: object = {}) {
  const subtotal = lines.reduce((total, line) => total + line.quantity * 1000, 0);
  const tax = lines.reduce((total, line) => total + line.quantity * 80, 0);
  return {
    orderId,
    type: 'sale',
    channel: 'store',
    storeId: 'NYC',
    lines: lines.map((line) => ({ ...line, unitPrice: 1000, taxAmount: line.quantity * 80 })),
    tenders: [{ type: 'card', amount: subtotal + tax, cardBrand: 'visa', cardLast4: '4242' }],
    totals: { subtotal, discountTotal: 0, taxTotal: tax, shippingTotal: 0, total: subtotal + tax },
    ...extra,
  };
}

beforeAll(async () => {
  await seedCatalog(s, ['NYC', 'BOS'], ['TEE', 'CAP', 'MUG', 'SOCK']);
  const stocked = await api.setStock([
    { storeId: 'NYC', productId: 'TEE', quantity: 10 },
    { storeId: 'NYC', productId: 'CAP', quantity: 5 },
    { storeId: 'NYC', productId: 'MUG', quantity: 2 },
    { storeId: 'NYC', productId: 'SOCK', quantity: 1 },
  ]);
  expect(stocked.statusCode).toBe(200);
});

describe('posting sales', () => {
  it('moves stock off hand and emits ORDER and SALE_INVENTORY', async () => {
    const response = await postOrder(sale('S-1', [{ productId: 'TEE', quantity: 2 }]));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      orderId: 'S-1',
      status: 'completed',
      currency: 'USD',
      orderProductList: [{ lineNumber: 1, productId: 'TEE', quantity: 2, amount: 2000, returnedQuantity: 0 }],
      totals: { total: 2160, returnTotal: 0 },
    });
    expect(await onHand('NYC', 'TEE')).toBe(8);
    expect((await movementsOf(s, 'NYC', 'TEE')).at(-1)).toEqual({
      bucket: 'on_hand',
      quantity: -2,
      reason: 'sale',
      referenceType: 'order',
      referenceId: 'S-1',
    });
    const events = await eventsFor(s, 'S-1');
    expect(events.map((event) => event.type).sort()).toEqual(['ORDER', 'SALE_INVENTORY']);
    const moved = events.find((event) => event.type === 'SALE_INVENTORY');
    expect(moved?.data.inventoryLines).toEqual([
      { lineNumber: 1, productId: 'TEE', storeId: 'NYC', quantity: 2 },
    ]);
  });

  it('answers the stored order for the same content and refuses different content', async () => {
    const again = await postOrder(sale('S-1', [{ productId: 'TEE', quantity: 2 }]));
    expect(again.statusCode).toBe(200);
    expect(again.json().orderId).toBe('S-1');
    const other = await postOrder(sale('S-1', [{ productId: 'TEE', quantity: 3 }]));
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('already_exists');
    expect(await onHand('NYC', 'TEE')).toBe(8);
    expect((await eventsFor(s, 'S-1')).filter((event) => event.type === 'ORDER')).toHaveLength(1);
  });

  it('names the field whose total does not add up and writes nothing', async () => {
    const body = sale('S-BAD', [{ productId: 'TEE', quantity: 1 }]);
    const response = await postOrder({ ...body, totals: { ...body.totals, taxTotal: 70, total: 1070 } });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('totals_mismatch');
    expect(response.json().errors).toContainEqual({
      field: 'body.totals.taxTotal',
      message: 'expected 80, got 70',
    });
    expect(await onHand('NYC', 'TEE')).toBe(8);
    expect((await api.call('GET', '/merchant/v1/sa/orders/S-BAD')).statusCode).toBe(404);
  });

  it('names an unknown product and refuses a pick-up line short of stock', async () => {
    const unknown = await postOrder(sale('S-X', [{ productId: 'NOPE', quantity: 1 }]));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors).toEqual([
      { field: 'body.lines.0.productId', message: 'no product has productId "NOPE"' },
    ]);
    const body = sale('S-Y', [{ productId: 'MUG', quantity: 3 }]);
    const bopis = await postOrder({ ...body, lines: [{ ...body.lines[0], fulfillment: { type: 'bopis' } }] });
    expect(bopis.statusCode).toBe(409);
    expect(bopis.json().code).toBe('insufficient_stock');
    expect((await api.call('GET', '/merchant/v1/sa/orders/S-Y')).statusCode).toBe(404);
  });

  it('refuses an online sale short of stock and writes nothing', async () => {
    const response = await postOrder(sale('S-SHORT', [{ productId: 'MUG', quantity: 3 }]));
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('insufficient_stock');
    expect(await onHand('NYC', 'MUG')).toBe(2);
  });

  it('keeps an offline sale short of stock, once, however often the register posts it', async () => {
    const body = sale('S-OFF', [{ productId: 'MUG', quantity: 3 }], {
      offline: true,
      occurredAt: 1_700_000_000_000,
    });
    const first = await postOrder(body);
    expect(first.statusCode).toBe(201);
    expect(first.json().orderProductList[0]).toMatchObject({ quantity: 3, stockShortfall: 1 });
    expect(first.json().occurredAt).toBe(1_700_000_000_000);
    const second = await postOrder(body);
    expect(second.statusCode).toBe(200);
    expect(await onHand('NYC', 'MUG')).toBe(0);
    expect((await movementsOf(s, 'NYC', 'MUG')).filter((m) => m.referenceId === 'S-OFF')).toHaveLength(1);
  });

  it('does not fail when one orderId is posted concurrently', async () => {
    const body = sale('S-RACE', [{ productId: 'CAP', quantity: 1 }]);
    const answers = await Promise.all([postOrder(body), postOrder(body), postOrder(body)]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 200, 201]);
    expect(await onHand('NYC', 'CAP')).toBe(4);
  });
});

describe('returns and exchanges', () => {
  const returnOf = (orderId: string, quantity: number, extra: object = {}) => ({
    orderId,
    type: 'return',
    channel: 'store',
    storeId: 'NYC',
    originalOrderId: 'S-1',
    returnLines: [{ originalLineNumber: 1, quantity, taxAmount: quantity * 80 }],
    tenders: [{ type: 'card', direction: 'refund', amount: quantity * 1080 }],
    totals: {
      subtotal: 0,
      discountTotal: 0,
      taxTotal: 0,
      shippingTotal: 0,
      total: 0,
      returnTotal: quantity * 1080,
    },
    ...extra,
  });

  it('restocks, updates the original and emits RETURN, RETURN_INVENTORY and ORDER_UPDATE', async () => {
    const response = await postOrder(returnOf('R-1', 1));
    expect(response.statusCode).toBe(201);
    expect(response.json().returnProductList).toEqual([
      {
        lineNumber: 1,
        originalLineNumber: 1,
        productId: 'TEE',
        quantity: 1,
        unitPrice: 1000,
        taxAmount: 80,
        amount: 1000,
        restock: true,
      },
    ]);
    expect(await onHand('NYC', 'TEE')).toBe(9);
    expect((await eventsFor(s, 'R-1')).map((event) => event.type).sort()).toEqual([
      'RETURN',
      'RETURN_INVENTORY',
    ]);
    const update = (await eventsFor(s, 'S-1')).find((event) => event.type === 'ORDER_UPDATE');
    expect(update?.data.productList).toMatchObject([{ productId: 'TEE', quantity: 1 }]);
    const original = (await api.call('GET', '/merchant/v1/sa/orders/S-1')).json();
    expect(original.orderProductList[0].returnedQuantity).toBe(1);
    expect(original.returns).toEqual([{ orderId: 'R-1', occurredAt: expect.any(Number) }]);
  });

  it('refuses to return more than is left with a 409 naming the quantity', async () => {
    const response = await postOrder(returnOf('R-2', 2));
    expect(response.statusCode).toBe(409);
    expect(response.json().errors).toEqual([
      { field: 'body.returnLines.0.quantity', message: 'only 1 of line 1 can still be returned' },
    ]);
    expect(await onHand('NYC', 'TEE')).toBe(9);
  });

  it('refuses a return priced above the sale, and a line too large to add up safely', async () => {
    const body = returnOf('R-PRICE', 1);
    const dearer = await postOrder({
      ...body,
      returnLines: [{ originalLineNumber: 1, quantity: 1, unitPrice: 5000, taxAmount: 80 }],
      tenders: [{ type: 'card', direction: 'refund', amount: 5080 }],
      totals: { ...body.totals, returnTotal: 5080 },
    });
    expect(dearer.statusCode).toBe(409);
    expect(dearer.json().errors).toEqual([
      expect.objectContaining({ field: 'body.returnLines.0.unitPrice' }),
    ]);
    const huge = await postOrder(
      sale('S-HUGE', [{ productId: 'TEE', quantity: 1 }], {
        lines: [{ productId: 'TEE', quantity: 1_000_000, unitPrice: 9_000_000, taxAmount: 0 }],
      }),
    );
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors).toEqual([expect.objectContaining({ field: 'body.lines.0.unitPrice' })]);
    expect(await onHand('NYC', 'TEE')).toBe(9);
  });

  it('lets only one of two concurrent returns take the last unit', async () => {
    const body = (orderId: string) =>
      returnOf(orderId, 1, {
        originalOrderId: 'S-RACE',
        tenders: [{ type: 'cash', direction: 'refund', amount: 1080 }],
      });
    const answers = await Promise.all([postOrder(body('R-RACE-1')), postOrder(body('R-RACE-2'))]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    const original = (await api.call('GET', '/merchant/v1/sa/orders/S-RACE')).json();
    expect(original.orderProductList[0].returnedQuantity).toBe(1);
    expect(original.productList).toEqual([]);
  });

  it('posts an exchange as one transaction: a short sale undoes its return', async () => {
    const exchange = {
      ...returnOf('X-1', 1),
      type: 'exchange',
      lines: [{ productId: 'SOCK', quantity: 2, unitPrice: 540, taxAmount: 0 }],
      tenders: [],
      totals: {
        subtotal: 1080,
        discountTotal: 0,
        taxTotal: 0,
        shippingTotal: 0,
        total: 1080,
        returnTotal: 1080,
      },
    };
    const short = await postOrder(exchange);
    expect(short.statusCode).toBe(409);
    expect(await onHand('NYC', 'TEE')).toBe(9);
    const fine = await postOrder({
      ...exchange,
      lines: [{ ...exchange.lines[0], quantity: 1, unitPrice: 1080 }],
    });
    expect(fine.statusCode).toBe(201);
    expect(await onHand('NYC', 'TEE')).toBe(10);
    expect(await onHand('NYC', 'SOCK')).toBe(0);
    expect((await eventsFor(s, 'X-1')).map((event) => event.type).sort()).toEqual([
      'ORDER',
      'RETURN',
      'RETURN_INVENTORY',
      'SALE_INVENTORY',
    ]);
  });
});

describe('finding orders', () => {
  let customerId = '';
  let mergedId = '';

  beforeAll(async () => {
    const create = (firstName: string) =>
      api.call('POST', '/merchant/v1/customers', { firstName, lastName: 'Buyer', channel: 'store' });
    customerId = (await create('Ann')).json().customerId;
    mergedId = (await create('Ben')).json().customerId;
    const body = sale('C-1', [{ productId: 'CAP', quantity: 1 }], { customerId, channel: 'web' });
    expect((await postOrder(body)).statusCode).toBe(201);
    const paidCash = sale('C-2', [{ productId: 'CAP', quantity: 1 }], { customerId: mergedId });
    const cash = { ...paidCash, tenders: [{ type: 'cash', amount: 1080 }] };
    expect((await postOrder(cash)).statusCode).toBe(201);
    const merged = await api.call('POST', '/merchant/v1/customers/merge', {
      survivorId: customerId,
      customerIds: [mergedId],
    });
    expect(merged.statusCode).toBeLessThan(300);
  });

  it('filters by product and by card', async () => {
    const byProduct = await search({ productId: 'SOCK' });
    expect(byProduct.json().data.map((order: { orderId: string }) => order.orderId)).toEqual(['X-1']);
    const byCard = await search({ cardLast4: '4242', customerId });
    expect(byCard.json().data.map((order: { orderId: string }) => order.orderId)).toEqual(['C-1']);
  });

  it('pages newest first', async () => {
    const first = await search({ storeId: 'NYC', limit: 2 });
    expect(first.statusCode).toBe(200);
    expect(first.json().data).toHaveLength(2);
    const next = await search({ storeId: 'NYC', limit: 2, cursor: first.json().nextCursor });
    const times = [...first.json().data, ...next.json().data].map(
      (order: { postedAt: number }) => order.postedAt,
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(next.json().data[0].orderId).not.toBe(first.json().data[1].orderId);
  });

  it("answers a customer's purchase history, merged customers included", async () => {
    const response = await api.call('GET', `/merchant/v1/customers/${customerId}/orders`);
    expect(response.statusCode).toBe(200);
    expect(
      response
        .json()
        .data.map((order: { orderId: string }) => order.orderId)
        .sort(),
    ).toEqual(['C-1', 'C-2']);
  });

  it('reposts found orders and names the missing ones', async () => {
    const response = await api.call('POST', '/merchant/v1/sa/orders/repost', { orderIds: ['R-1', 'NONE'] });
    expect(response.json()).toEqual({ reposted: ['R-1'], notFound: ['NONE'] });
    expect((await eventsFor(s, 'R-1')).filter((event) => event.type === 'RETURN')).toHaveLength(2);
  });
});

describe('the documented examples', () => {
  it('are valid orders and requests', () => {
    for (const schema of [newOrderSchema, orderSchema, orderSearchSchema, repostSchema, orderPageSchema]) {
      expect(schema.safeParse(schema.meta()?.example).error).toBeUndefined();
    }
  });
});
