import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVERTED } from '../../../examples/spi-server/samples.ts';
import { type SpiServer, startSpiServer } from '../../../examples/spi-server/server.ts';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { allowNetworks, insertConnector } from '../../../test/helpers/connectors.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';
import { cartsApi, seedPricedCatalog } from '../carts/carts.fixtures.ts';

const s = useAppWithMerchant();
const api = cartsApi(s);
const stock = merchantApi(s);
const position = (productId: string) => stock.position('WEB', productId);

const checkout = (cartId: string, body: object) =>
  api.call('POST', `/merchant/v1/carts/${cartId}/checkout`, body);
const pay = (orderId: string, body: object) =>
  api.call('POST', `/merchant/v1/checkouts/${orderId}/payment`, body);

beforeAll(async () => {
  await seedPricedCatalog(s, ['WEB']);
  const rates = await api.call('PUT', '/merchant/v1/stores/WEB/tax-rates', {
    rates: [{ name: 'State', ratePpm: 82500, appliesToShipping: false }],
  });
  expect(rates.statusCode, rates.body).toBe(200);
  const method = await api.call('PUT', '/merchant/v1/shipping-methods/ground', {
    name: 'Ground',
    currency: 'USD',
    price: 500,
  });
  expect(method.statusCode, method.body).toBe(201);
});

describe('checkout', () => {
  it('holds the stock, then places the order from it once the payment succeeds', async () => {
    await api.open({
      cartId: 'c-full',
      storeId: 'WEB',
      channel: 'web',
      lines: [{ productId: 'TEE', quantity: 2 }],
    });
    const before = await position('TEE');
    const started = await checkout('c-full', { orderId: 'w-full', shippingMethodId: 'ground' });
    expect(started.statusCode, started.body).toBe(201);
    const body = started.json();
    expect(body).toMatchObject({
      orderId: 'w-full',
      cartId: 'c-full',
      status: 'pending_payment',
      lines: [{ productId: 'TEE', quantity: 2, unitPrice: 1800, taxAmount: 297, amount: 3600 }],
      shipping: { methodId: 'ground', amount: 500, taxAmount: 0 },
      totals: { subtotal: 3600, discountTotal: 0, taxTotal: 297, shippingTotal: 500, total: 4397 },
    });
    expect((await position('TEE')).reserved).toBe(before.reserved + 2);
    expect((await api.get('c-full')).json().status).toBe('checking_out');

    const replay = await checkout('c-full', { orderId: 'w-full', shippingMethodId: 'ground' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(body);
    expect((await checkout('c-full', { orderId: 'w-full' })).statusCode).toBe(409);
    expect((await checkout('c-full', { orderId: 'w-other' })).statusCode).toBe(409);

    const short = await pay('w-full', { outcome: 'succeeded', tenders: [{ type: 'card', amount: 4000 }] });
    expect(short.statusCode).toBe(422);
    expect(short.json().errors[0].field).toBe('body.tenders');

    const paid = await pay('w-full', { outcome: 'succeeded', tenders: [{ type: 'card', amount: 4397 }] });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({
      checkout: { status: 'completed' },
      order: { orderId: 'w-full', totals: { total: 4397 } },
    });
    const after = await position('TEE');
    expect(after.onHand).toBe(before.onHand - 2);
    expect(after.reserved).toBe(before.reserved);
    expect((await api.get('c-full')).json().status).toBe('checked_out');

    const again = await pay('w-full', { outcome: 'succeeded', tenders: [{ type: 'card', amount: 4397 }] });
    expect(again.statusCode).toBe(200);
    expect(again.json().order).toEqual(paid.json().order);
    const otherCard = await pay('w-full', {
      outcome: 'succeeded',
      tenders: [{ type: 'card', amount: 4397, cardLast4: '1881' }],
    });
    expect(otherCard.statusCode).toBe(409);
    expect(otherCard.json().code).toBe('already_exists');
    expect((await api.call('GET', '/merchant/v1/sa/orders/w-full')).json().orderProductList).toHaveLength(1);
    expect((await position('TEE')).onHand).toBe(before.onHand - 2);
    const types = (await eventsFor(s, 'w-full')).map((event) => event.type).sort();
    expect(types).toEqual(['ORDER', 'SALE_INVENTORY', 'checkout.started']);
    expect((await api.call('GET', '/merchant/v1/checkouts/w-full')).json().status).toBe('completed');
  });

  it('releases the stock and reopens the cart when the payment fails', async () => {
    await api.open({
      cartId: 'c-fail',
      storeId: 'WEB',
      channel: 'web',
      lines: [{ productId: 'CAP', quantity: 1 }],
    });
    const before = await position('CAP');
    expect((await checkout('c-fail', { orderId: 'w-fail' })).statusCode).toBe(201);
    expect((await position('CAP')).reserved).toBe(before.reserved + 1);
    const failed = await pay('w-fail', { outcome: 'failed', failureReason: 'card declined' });
    expect(failed.statusCode, failed.body).toBe(200);
    expect(failed.json().checkout).toMatchObject({
      status: 'payment_failed',
      failureReason: 'card declined',
    });
    expect(await position('CAP')).toMatchObject({ onHand: before.onHand, reserved: before.reserved });
    expect((await api.get('c-fail')).json().status).toBe('active');
    expect((await eventsFor(s, 'w-fail')).map((event) => event.type)).toContain('checkout.payment_failed');
    expect((await pay('w-fail', { outcome: 'failed' })).statusCode).toBe(200);
    expect(
      (await pay('w-fail', { outcome: 'succeeded', tenders: [{ type: 'card', amount: 1299 }] })).statusCode,
    ).toBe(409);
  });

  it('gives the last unit to one of two carts checking out at once', async () => {
    expect((await api.setStock([{ storeId: 'WEB', productId: 'MUG', quantity: 1 }])).statusCode).toBe(200);
    await api.call('PUT', '/merchant/v1/storeproducts', {
      storeProducts: [{ storeId: 'WEB', productId: 'MUG', listPrice: 900 }],
    });
    for (const cartId of ['c-last-1', 'c-last-2']) {
      await api.open({ cartId, storeId: 'WEB', channel: 'web', lines: [{ productId: 'MUG', quantity: 1 }] });
    }
    const answers = await Promise.all([
      checkout('c-last-1', { orderId: 'w-last-1' }),
      checkout('c-last-2', { orderId: 'w-last-2' }),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    const refused = answers.find((answer) => answer.statusCode === 409);
    expect(refused?.json()).toMatchObject({
      code: 'insufficient_stock',
      errors: [{ field: 'body.lines.0.quantity' }],
    });
    expect(await position('MUG')).toMatchObject({ onHand: 1, reserved: 1 });
  });

  it('refuses an order id an order already has, so a paid checkout can always become its order', async () => {
    const posted = await api.call('POST', '/merchant/v1/sa/orders', {
      orderId: 'w-taken',
      type: 'sale',
      channel: 'store',
      storeId: 'WEB',
      lines: [{ productId: 'CAP', quantity: 1, unitPrice: 1200, taxAmount: 0 }],
      tenders: [{ type: 'cash', amount: 1200 }],
      totals: { subtotal: 1200, discountTotal: 0, taxTotal: 0, shippingTotal: 0, total: 1200 },
    });
    expect(posted.statusCode, posted.body).toBe(201);
    await api.open({
      cartId: 'c-taken',
      storeId: 'WEB',
      channel: 'web',
      lines: [{ productId: 'CAP', quantity: 1 }],
    });
    const before = await position('CAP');
    const refused = await checkout('c-taken', { orderId: 'w-taken' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('already_exists');
    expect((await position('CAP')).reserved).toBe(before.reserved);
    expect((await api.get('c-taken')).json().status).toBe('active');
  });

  it('refuses an unknown shipping method and answers 404 for an unknown checkout', async () => {
    await api.open({
      cartId: 'c-ship',
      storeId: 'WEB',
      channel: 'web',
      lines: [{ productId: 'TEE', quantity: 1 }],
    });
    const bad = await checkout('c-ship', { orderId: 'w-ship', shippingMethodId: 'teleport' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('body.shippingMethodId');
    expect((await api.get('c-ship')).json().status).toBe('active');
    expect((await api.call('GET', '/merchant/v1/checkouts/w-ship')).statusCode).toBe(404);
  });

  it('answers 409 on payment after the hold ran out, and keeps the checkout expired and the cart active', async () => {
    await api.open({
      cartId: 'c-late',
      storeId: 'WEB',
      channel: 'web',
      lines: [{ productId: 'TEE', quantity: 1 }],
    });
    expect((await checkout('c-late', { orderId: 'w-late' })).statusCode).toBe(201);
    const realNow = s.t.platform.now;
    s.t.platform.now = () => new Date(Date.now() + 901 * 1000);
    try {
      const late = await pay('w-late', { outcome: 'succeeded', tenders: [{ type: 'card', amount: 1949 }] });
      expect(late.json()).toMatchObject({ status: 409, code: 'reservation_expired' });
    } finally {
      s.t.platform.now = realNow;
    }
    expect((await api.call('GET', '/merchant/v1/checkouts/w-late')).json().status).toBe('expired');
    expect((await api.get('c-late')).json().status).toBe('active');
    expect((await api.call('GET', '/merchant/v1/sa/orders/w-late')).json().code).toBe('not_found');
  });

  it('documents every checkout route with an example of its body and answer', async () => {
    const document = (await s.t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const example = (content: any) => Object.values<any>(content)[0].schema;
    for (const [path, method] of [
      ['/merchant/v1/carts/{cartId}/checkout', 'post'],
      ['/merchant/v1/checkouts/{orderId}/payment', 'post'],
      ['/merchant/v1/checkouts/{orderId}', 'get'],
    ] as const) {
      const operation = document.paths[path][method];
      if (operation.requestBody) expect(example(operation.requestBody.content).example).toBeDefined();
      expect(example(operation.responses['200'].content).example, path).toBeDefined();
    }
  });

  describe('with CART_VALIDATION and TAX_SERVICE SPIs', () => {
    let spi: SpiServer;
    beforeAll(async () => {
      spi = await startSpiServer({ apiKey: 'checkout-key-3f1a' });
      await allowNetworks(s.t.platform, s.merchant.tenant.id);
      await insertConnector(s.t.platform, s.merchant.tenant.id, {
        type: 'SPI',
        endpointName: 'CART_VALIDATION',
        url: spi.url,
        integrationType: 'HTTP_POST',
        apiKey: 'checkout-key-3f1a',
        apiVersion: '1.0',
      });
      await insertConnector(s.t.platform, s.merchant.tenant.id, {
        type: 'SPI',
        endpointName: 'INVENTORY_SERVICE',
        url: spi.url,
        integrationType: 'HTTP_POST',
        apiKey: 'checkout-key-3f1a',
        apiVersion: '1.0',
      });
      await insertConnector(s.t.platform, s.merchant.tenant.id, {
        type: 'SPI',
        endpointName: 'TAX_SERVICE',
        url: spi.url,
        integrationType: 'HTTP_POST',
        apiKey: 'checkout-key-3f1a',
        apiVersion: '1.0',
      });
    });
    afterAll(() => spi.close());

    it('refuses a cart the merchant refuses, holding nothing, and checks out one it accepts', async () => {
      expect((await api.setStock([{ storeId: 'WEB', productId: 'TEE', quantity: 20 }])).statusCode).toBe(200);
      await api.open({
        cartId: 'c-spi',
        storeId: 'WEB',
        channel: 'web',
        lines: [{ productId: 'TEE', quantity: 11 }],
      });
      const before = await position('TEE');
      const refused = await checkout('c-spi', { orderId: 'w-spi' });
      expect(refused.json()).toMatchObject({ status: 422, code: 'cart_invalid' });
      expect(refused.json().detail).toContain('At most 10');
      expect((await api.get('c-spi')).json().status).toBe('active');
      expect((await position('TEE')).reserved).toBe(before.reserved);
      expect((await api.set('c-spi', 'TEE', 1)).statusCode).toBe(200);
      expect((await checkout('c-spi', { orderId: 'w-spi' })).statusCode).toBe(201);
    });

    it("asks the merchant's INVENTORY_SERVICE to revert the cart once when its payment fails", async () => {
      await api.open({
        cartId: 'c-revert',
        storeId: 'WEB',
        channel: 'web',
        lines: [{ productId: 'TEE', quantity: 2 }],
      });
      expect((await checkout('c-revert', { orderId: 'w-revert' })).statusCode).toBe(201);
      const before = REVERTED.length;
      expect((await pay('w-revert', { outcome: 'failed', failureReason: 'card declined' })).statusCode).toBe(
        200,
      );
      expect(REVERTED.slice(before)).toEqual([
        {
          cartId: 'c-revert',
          orderId: 'w-revert',
          reason: 'payment_failed',
          items: [{ productId: 'TEE', quantity: 2 }],
        },
      ]);
      // The same failure reported again is answered as before, and nothing is reverted twice.
      expect((await pay('w-revert', { outcome: 'failed' })).statusCode).toBe(200);
      expect(REVERTED.length).toBe(before + 1);
    });

    it("taxes the lines with the merchant's tax engine when it answers for the address shipped to", async () => {
      await api.open({
        cartId: 'c-tax',
        storeId: 'WEB',
        channel: 'web',
        lines: [{ productId: 'TEE', quantity: 1 }],
      });
      const started = await checkout('c-tax', { orderId: 'w-tax', shippingAddress: { postalCode: '10001' } });
      expect(started.statusCode, started.body).toBe(201);
      // 8.875 % from the engine (160), not the store's 8.25 % (149).
      expect(started.json()).toMatchObject({
        lines: [{ taxAmount: 160 }],
        totals: { taxTotal: 160, total: 1960 },
      });
      await api.open({
        cartId: 'c-notax',
        storeId: 'WEB',
        channel: 'web',
        lines: [{ productId: 'TEE', quantity: 1 }],
      });
      const builtIn = await checkout('c-notax', { orderId: 'w-notax' });
      expect(builtIn.json()).toMatchObject({ lines: [{ taxAmount: 149 }] });
    });
  });
});
