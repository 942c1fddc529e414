import { beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { cartsApi, seedPricedCatalog } from './carts.fixtures.ts';

const s = useAppWithMerchant();
const api = cartsApi(s);

beforeAll(async () => {
  await seedPricedCatalog(s, ['WEB']);
});

describe('carts', () => {
  it('creates a priced cart with a generated id and reads it back', async () => {
    const cart = await api.open({
      storeId: 'WEB',
      channel: 'web',
      lines: [{ productId: 'TEE', quantity: 2 }],
    });
    expect(cart.cartId).toMatch(/^cart_[0-9a-f-]{36}$/);
    expect(cart).toMatchObject({
      storeId: 'WEB',
      channel: 'web',
      status: 'active',
      currency: 'USD',
      lines: [
        {
          productId: 'TEE',
          productName: 'Product TEE',
          quantity: 2,
          unitPrice: 1800,
          listPrice: 2400,
          onSale: true,
          amount: 3600,
          available: 10,
          availability: 'in_stock',
        },
      ],
      savedForLater: [],
      subtotal: 3600,
      itemCount: 2,
    });
    expect(cart.customerId).toBeUndefined();
    const read = await api.get(cart.cartId);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(cart);
  });

  it('adds to a line, sets it, removes it, and every change moves lastActivityAt', async () => {
    const cart = await api.open({ cartId: 'c-edit', storeId: 'WEB', channel: 'store' });
    const added = await api.add('c-edit', 'CAP', 1);
    expect(added.statusCode, added.body).toBe(200);
    const again = (await api.add('c-edit', 'CAP', 1)).json();
    expect(again.lines).toMatchObject([{ productId: 'CAP', quantity: 2, amount: 2400 }]);
    expect(again.lastActivityAt).toBeGreaterThanOrEqual(cart.lastActivityAt);
    const set = (await api.set('c-edit', 'CAP', 3)).json();
    expect(set.lines).toMatchObject([{ productId: 'CAP', quantity: 3 }]);
    expect(set.subtotal).toBe(3600);
    const removed = await api.remove('c-edit', 'CAP');
    expect(removed.json()).toMatchObject({ lines: [], subtotal: 0, itemCount: 0 });
    expect((await api.remove('c-edit', 'CAP')).statusCode).toBe(404);
  });

  it('refuses an unknown product, one without a price, and more than is available, naming the field', async () => {
    const unknown = await api.create({
      storeId: 'WEB',
      channel: 'web',
      lines: [{ productId: 'NOPE', quantity: 1 }],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors).toEqual([{ field: 'body.lines.0.productId', message: expect.any(String) }]);
    const unpriced = await api.create({
      storeId: 'WEB',
      channel: 'web',
      lines: [
        { productId: 'TEE', quantity: 1 },
        { productId: 'MUG', quantity: 1 },
      ],
    });
    expect(unpriced.statusCode).toBe(422);
    expect(unpriced.json().errors[0].field).toBe('body.lines.1.productId');
    await api.open({ cartId: 'c-short', storeId: 'WEB', channel: 'web' });
    await api.add('c-short', 'CAP', 2);
    const short = await api.add('c-short', 'CAP', 2);
    expect(short.statusCode).toBe(409);
    expect(short.json()).toMatchObject({ code: 'insufficient_stock', errors: [{ field: 'body.quantity' }] });
    expect(short.json().detail).toContain('only 3 of CAP');
    expect((await api.get('c-short')).json().lines).toMatchObject([{ productId: 'CAP', quantity: 2 }]);
  });

  it('refuses a taken cart id and an unknown store', async () => {
    await api.open({ cartId: 'c-taken', storeId: 'WEB', channel: 'web' });
    expect((await api.create({ cartId: 'c-taken', storeId: 'WEB', channel: 'web' })).statusCode).toBe(409);
    const store = await api.create({ storeId: 'NOWHERE', channel: 'web' });
    expect(store.statusCode).toBe(422);
    expect(store.json().errors[0].field).toBe('body.storeId');
    expect((await api.get('c-missing')).statusCode).toBe(404);
  });

  it('moves a line to saved for later and back, which checks stock again', async () => {
    await api.open({
      cartId: 'c-later',
      storeId: 'WEB',
      channel: 'mobile',
      lines: [{ productId: 'CAP', quantity: 2 }],
    });
    const saved = (await api.act('c-later', 'lines/CAP/save-for-later')).json();
    expect(saved).toMatchObject({
      lines: [],
      savedForLater: [{ productId: 'CAP', quantity: 2 }],
      subtotal: 0,
    });
    await api.add('c-later', 'CAP', 2);
    const tooMany = await api.act('c-later', 'lines/CAP/move-to-cart');
    expect(tooMany.statusCode).toBe(409);
    await api.set('c-later', 'CAP', 1);
    const moved = (await api.act('c-later', 'lines/CAP/move-to-cart')).json();
    expect(moved).toMatchObject({ lines: [{ productId: 'CAP', quantity: 3 }], savedForLater: [] });
  });
});
