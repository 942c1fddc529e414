import { beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { asSystem } from '../../platform/system-context.ts';
import { customerInserter } from '../customers/customers.fixtures.ts';
import { cartsApi, seedPricedCatalog } from './carts.fixtures.ts';
import { cartForCheckout, setCartCheckoutState } from './service.ts';

const s = useAppWithMerchant();
const api = cartsApi(s);
const newCustomer = customerInserter(s, 'CHK');
const asBackroom = <T>(work: Parameters<typeof asSystem<T>>[3]) =>
  asSystem(s.t.platform, s.merchant.tenant.id, 'test', work);

beforeAll(async () => {
  await seedPricedCatalog(s, ['WEB']);
});

describe('the cart a checkout pays for', () => {
  it('prices the lines (not saved-for-later ones) with the customer, and follows the checkout state', async () => {
    const customerId = await newCustomer({ email: 'pay@example.com' });
    await api.open({
      cartId: 'k-pay',
      storeId: 'WEB',
      channel: 'web',
      customerId,
      lines: [
        { productId: 'TEE', quantity: 2 },
        { productId: 'CAP', quantity: 1 },
      ],
    });
    await api.act('k-pay', 'lines/CAP/save-for-later');
    const cart = await asBackroom((ctx) => cartForCheckout(ctx, 'k-pay'));
    expect(cart).toMatchObject({
      cartId: 'k-pay',
      storeId: 'WEB',
      channel: 'web',
      currency: 'USD',
      status: 'active',
      customer: { customerId, email: 'pay@example.com' },
      lines: [{ productId: 'TEE', name: 'Product TEE', quantity: 2, unitPrice: 1800 }],
    });
    await asBackroom((ctx) => setCartCheckoutState(ctx, cart.cartUuid, 'checked_out', 'ORDER-1'));
    expect((await api.get('k-pay')).json().status).toBe('checked_out');
    await expect(asBackroom((ctx) => cartForCheckout(ctx, 'k-pay'))).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });

  it('refuses an unknown cart and an empty one', async () => {
    await expect(asBackroom((ctx) => cartForCheckout(ctx, 'k-none'))).rejects.toMatchObject({
      code: 'not_found',
    });
    await api.open({ cartId: 'k-empty', storeId: 'WEB', channel: 'web' });
    await expect(asBackroom((ctx) => cartForCheckout(ctx, 'k-empty'))).rejects.toMatchObject({
      status: 422,
    });
  });
});
