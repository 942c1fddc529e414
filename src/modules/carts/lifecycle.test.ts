import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { customerInserter } from '../customers/customers.fixtures.ts';
import { abandonIdleCarts } from './abandon.ts';
import { cartsApi, seedPricedCatalog } from './carts.fixtures.ts';

const s = useAppWithMerchant();
const api = cartsApi(s);
const newCustomer = customerInserter(s, 'CART');
const realNow = () => new Date();
const audit = { associateId: 'A-7', registerId: 'REG-1', reason: 'Customer left the line' };

beforeAll(async () => {
  await seedPricedCatalog(s, ['WEB', 'NYC']);
});

afterEach(() => {
  s.t.platform.now = realNow;
});

describe('cart lifecycle', () => {
  it('saves a cart with a name and resumes it; edits need an active cart', async () => {
    await api.open({ cartId: 'l-save', storeId: 'WEB', channel: 'web' });
    const saved = await api.act('l-save', 'save', { name: 'Gift ideas' });
    expect(saved.json()).toMatchObject({ status: 'saved', name: 'Gift ideas' });
    const edit = await api.add('l-save', 'TEE', 1);
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('invalid_state');
    expect((await api.act('l-save', 'resume')).json().status).toBe('active');
    expect((await api.act('l-save', 'resume')).statusCode).toBe(409);
  });

  it('suspends and voids with who and why, emitting SUSPEND_CART and VOID_CART', async () => {
    await api.open({
      cartId: 'l-audit',
      storeId: 'NYC',
      channel: 'store',
      lines: [{ productId: 'TEE', quantity: 1 }],
    });
    const suspended = (await api.act('l-audit', 'suspend', audit)).json();
    expect(suspended).toMatchObject({ status: 'suspended', statusReason: audit.reason, statusBy: 'A-7' });
    const voided = (await api.act('l-audit', 'void', { associateId: 'A-8', reason: 'Duplicate' })).json();
    expect(voided).toMatchObject({ status: 'voided', statusReason: 'Duplicate', statusBy: 'A-8' });
    expect((await api.act('l-audit', 'resume')).statusCode).toBe(409);
    const events = await eventsFor(s, 'l-audit');
    expect(events.map((event) => event.type)).toEqual(['SUSPEND_CART', 'VOID_CART']);
    expect(events[0]?.data).toMatchObject({
      associateId: 'A-7',
      registerId: 'REG-1',
      reason: audit.reason,
      cart: { cartId: 'l-audit', status: 'suspended', subtotal: 1800 },
    });
    expect(events[0]?.data.at).toEqual(expect.any(Number));
  });

  it('attaches a customer who signs in, or merges into their active cart at the store', async () => {
    const customerId = await newCustomer();
    await api.open({
      cartId: 'l-theirs',
      storeId: 'WEB',
      channel: 'web',
      customerId,
      lines: [{ productId: 'TEE', quantity: 1 }],
    });
    await api.open({ cartId: 'l-other-store', storeId: 'NYC', channel: 'web' });
    const attached = (await api.act('l-other-store', 'sign-in', { customerId })).json();
    expect(attached).toMatchObject({ cartId: 'l-other-store', customerId, status: 'active' });
    await api.open({
      cartId: 'l-anon',
      storeId: 'WEB',
      channel: 'mobile',
      lines: [
        { productId: 'TEE', quantity: 2 },
        { productId: 'CAP', quantity: 1 },
      ],
    });
    const merged = await api.act('l-anon', 'sign-in', { customerId });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({
      cartId: 'l-theirs',
      lines: [
        { productId: 'TEE', quantity: 3 },
        { productId: 'CAP', quantity: 1 },
      ],
    });
    expect((await api.get('l-anon')).json()).toMatchObject({
      status: 'merged',
      mergedIntoCartId: 'l-theirs',
    });
    expect((await eventsFor(s, 'l-anon')).map((event) => event.type)).toEqual(['cart.merged']);
    const unknown = await api.act('l-other-store', 'sign-in', { customerId: 'NOBODY' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].field).toBe('body.customerId');
  });

  it("lists a customer's carts newest first, filtered by status", async () => {
    const customerId = await newCustomer();
    await api.open({ cartId: 'l-list-1', storeId: 'WEB', channel: 'web', customerId });
    await api.open({ cartId: 'l-list-2', storeId: 'NYC', channel: 'store', customerId });
    await api.act('l-list-1', 'save');
    const all = await api.call('GET', `/merchant/v1/customers/${customerId}/carts`);
    expect(all.json().data.map((cart: { cartId: string }) => cart.cartId)).toEqual(['l-list-2', 'l-list-1']);
    const saved = await api.call('GET', `/merchant/v1/customers/${customerId}/carts?status=saved`);
    expect(saved.json().data.map((cart: { cartId: string }) => cart.cartId)).toEqual(['l-list-1']);
    expect((await api.call('GET', '/merchant/v1/customers/NOBODY/carts')).statusCode).toBe(404);
  });

  it('abandons idle active carts and e-mails the customer when the settings ask for it', async () => {
    const defaults = await api.call('GET', '/merchant/v1/cart-settings');
    expect(defaults.json()).toEqual({
      abandonAfterMinutes: 1440,
      notifyOnAbandon: false,
      checkoutHoldSeconds: 900,
    });
    const settings = { abandonAfterMinutes: 30, notifyOnAbandon: true, checkoutHoldSeconds: 600 };
    const put = await api.call('PUT', '/merchant/v1/cart-settings', settings);
    expect(put.json()).toEqual(settings);
    const customerId = await newCustomer({ email: 'idle@example.com' });
    await api.open({
      cartId: 'l-idle',
      storeId: 'WEB',
      channel: 'web',
      customerId,
      lines: [{ productId: 'CAP', quantity: 1 }],
    });
    await api.open({ cartId: 'l-saved-idle', storeId: 'WEB', channel: 'web' });
    await api.act('l-saved-idle', 'save');
    s.t.platform.now = () => new Date(Date.now() + 20 * 60_000);
    await abandonIdleCarts(s.t.platform);
    expect((await api.get('l-idle')).json().status).toBe('active');
    s.t.platform.now = () => new Date(Date.now() + 31 * 60_000);
    await abandonIdleCarts(s.t.platform);
    s.t.platform.now = realNow;
    expect((await api.get('l-idle')).json().status).toBe('abandoned');
    expect((await api.get('l-saved-idle')).json().status).toBe('saved');
    expect((await eventsFor(s, 'l-idle')).map((event) => event.type)).toEqual(['cart.abandoned']);
    const { rows } = await s.t.database.pool.query(
      "select type, data from notifications where tenant_id = $1 and type = 'CART_ABANDONED'",
      [s.merchant.tenant.id],
    );
    expect(rows).toEqual([
      { type: 'CART_ABANDONED', data: expect.objectContaining({ cartId: 'l-idle', customerId }) },
    ]);
    expect((await api.act('l-idle', 'resume')).json().status).toBe('active');
  });
});
