import { describe, expect, it } from 'vitest';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { seedPricedCatalog } from '../carts/carts.fixtures.ts';
import { customerInserter, customersApi, home } from './customers.fixtures.ts';

const setup = useAppWithMerchant();

const api = customersApi(setup);
const { call, addAddress } = api;
const newCustomer = customerInserter(setup, 'M');

async function row(customerId: string) {
  const { rows } = await setup.t.database.pool.query(
    `select c.*, s.customer_id as survivor from customers c left join customers s on s.id = c.merged_into
     where c.tenant_id = $1 and c.customer_id = $2`,
    [setup.merchant.tenant.id, customerId],
  );
  return rows[0];
}

const merge = (survivorId: string, customerIds: string[]) =>
  call('POST', '/merchant/v1/customers/merge', { survivorId, customerIds });

async function link(customerId: string, other: string) {
  return call('POST', `/merchant/v1/customers/${customerId}/links`, { customerId: other });
}

async function linksOf(customerId: string) {
  const response = await call('GET', `/merchant/v1/customers/${customerId}/links`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as any[];
}

describe('customer merges', () => {
  it('makes the others aliases of the survivor and answers the survivor with its aliases', async () => {
    const survivor = await newCustomer();
    const a = await newCustomer();
    const b = await newCustomer();
    const response = await merge(survivor, [b, a]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ customerId: survivor, aliases: [a, b].sort() });
    for (const merged of [a, b]) {
      expect(await row(merged)).toMatchObject({ status: 'merged', survivor });
    }
    expect(await row(survivor)).toMatchObject({ status: 'active', merged_into: null });
    const events = (await eventsFor(setup, survivor)).filter((event) => event.type === 'customer.merged');
    expect(events.map((event) => event.data)).toEqual([{ survivorId: survivor, mergedIds: [b, a] }]);
  });

  it("gives the survivor the merged customers' carts", async () => {
    await seedPricedCatalog(setup, ['MRG-1']);
    const survivor = await newCustomer();
    const merged = await newCustomer();
    const opened = await call('POST', '/merchant/v1/carts', {
      storeId: 'MRG-1',
      channel: 'web',
      customerId: merged,
      lines: [{ productId: 'TEE', quantity: 1 }],
    });
    expect(opened.statusCode, opened.body).toBe(201);
    expect((await merge(survivor, [merged])).statusCode).toBe(200);
    const carts = await call('GET', `/merchant/v1/customers/${survivor}/carts`);
    expect(carts.statusCode, carts.body).toBe(200);
    expect(carts.json().data.map((cart: { cartId: string }) => cart.cartId)).toEqual([opened.json().cartId]);
    const cart = await call('GET', `/merchant/v1/carts/${opened.json().cartId}`);
    expect(cart.json().customerId).toBe(survivor);
  });

  it('repoints customers merged earlier, so every alias is one hop from its survivor', async () => {
    const first = await newCustomer();
    const second = await newCustomer();
    const third = await newCustomer();
    expect((await merge(second, [third])).statusCode).toBe(200);
    const response = await merge(first, [second]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().aliases).toEqual([second, third].sort());
    expect((await row(third)).survivor).toBe(first);
    await addAddress(third);
    expect(await api.listAddresses(first)).toHaveLength(1);
  });

  it('moves addresses to the survivor, which keeps its defaults; a merged number answers them', async () => {
    const survivor = await newCustomer();
    const other = await newCustomer();
    const kept = await addAddress(survivor, { ...home, defaultBilling: false });
    const moved = await addAddress(other, { ...home, line1: '2 Oak Road' });
    expect(moved).toMatchObject({ defaultShipping: true, defaultBilling: true });
    expect((await merge(survivor, [other])).statusCode).toBe(200);

    const list = await api.listAddresses(survivor);
    expect(list.map((a) => [a.addressId, a.defaultShipping, a.defaultBilling])).toEqual([
      [kept.addressId, true, false],
      [moved.addressId, false, true],
    ]);
    expect(await api.listAddresses(other)).toEqual(list);
  });

  it('takes a missing default from the oldest merged customer that has one', async () => {
    const survivor = await newCustomer();
    const older = await newCustomer();
    const newer = await newCustomer();
    const fromNewer = await addAddress(newer);
    const fromOlder = await addAddress(older);
    expect((await merge(survivor, [newer, older])).statusCode).toBe(200);
    const list = await api.listAddresses(survivor);
    const defaults = list.filter((a) => a.defaultShipping || a.defaultBilling).map((a) => a.addressId);
    expect(defaults).toEqual([fromOlder.addressId]);
    expect(list.map((a) => a.addressId).sort()).toEqual([fromNewer.addressId, fromOlder.addressId].sort());
  });

  it('fills the fields the survivor lacks from the merged ones, oldest first, keeping its consent', async () => {
    await newCustomer({ loyaltyId: 'L-TAKEN' });
    const survivor = await newCustomer({ firstName: 'Ada', emailMarketing: false });
    const older = await newCustomer({
      firstName: 'Augusta',
      lastName: 'King',
      email: 'ada@example.com',
      emailNormalized: 'ada@example.com',
      emailMarketing: true,
      loyaltyId: 'L-100',
    });
    const newer = await newCustomer({
      lastName: 'Byron',
      phone: '+44 20 7946 0000',
      phoneNormalized: '+442079460000',
      birthDate: '1815-12-10',
      email: 'other@example.com',
      emailNormalized: 'other@example.com',
    });
    const response = await merge(survivor, [newer, older]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      customerId: survivor,
      status: 'active',
      email: 'ada@example.com',
      birthDate: '1815-12-10',
      marketing: { email: false },
      aliases: [newer, older].sort(),
    });
    const merged = await row(survivor);
    expect(merged).toMatchObject({
      first_name: 'Ada',
      last_name: 'King',
      email: 'ada@example.com',
      email_normalized: 'ada@example.com',
      phone: '+44 20 7946 0000',
      phone_normalized: '+442079460000',
      loyalty_id: 'L-100',
      email_marketing: false,
    });
    expect(merged.birth_date).toBeTruthy();
  });

  it('refuses bad input with nothing written', async () => {
    const survivor = await newCustomer();
    const other = await newCustomer();
    const gone = await newCustomer();
    const winner = await newCustomer();
    await addAddress(other);
    expect((await merge(winner, [gone])).statusCode).toBe(200);

    const cases: [object, number, string][] = [
      [{ survivorId: survivor, customerIds: [other, survivor] }, 400, 'validation_failed'],
      [{ survivorId: survivor, customerIds: [other, other] }, 400, 'validation_failed'],
      [{ survivorId: survivor, customerIds: [] }, 400, 'validation_failed'],
      [
        { survivorId: survivor, customerIds: Array.from({ length: 21 }, (_, i) => `X${i}`) },
        400,
        'validation_failed',
      ],
      [{ survivorId: survivor, customerIds: [other], extra: true }, 400, 'validation_failed'],
      [{ survivorId: survivor, customerIds: [other, 'NOPE-1', 'NOPE-2'] }, 422, 'unknown_reference'],
      [{ survivorId: survivor, customerIds: [other, gone] }, 422, 'rule_violated'],
      [{ survivorId: gone, customerIds: [other] }, 422, 'rule_violated'],
    ];
    for (const [body, status, code] of cases) {
      const response = await call('POST', '/merchant/v1/customers/merge', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json().code).toBe(code);
      if (code === 'unknown_reference') expect(response.json().detail).toContain('NOPE-1, NOPE-2');
      if (code === 'rule_violated')
        expect(response.json().detail).toContain(`${gone} was already merged into ${winner}`);
    }
    expect(await row(other)).toMatchObject({ status: 'active', merged_into: null });
    expect(await api.listAddresses(other)).toHaveLength(1);
    expect(await api.listAddresses(survivor)).toHaveLength(0);
  });

  it('removes links among the merged customers and moves the others to the survivor', async () => {
    const survivor = await newCustomer();
    const a = await newCustomer();
    const outsider = await newCustomer();
    const shared = await newCustomer();
    expect((await link(survivor, a)).statusCode).toBe(200);
    expect((await link(a, outsider)).statusCode).toBe(200);
    expect((await link(a, shared)).statusCode).toBe(200);
    expect((await link(survivor, shared)).statusCode).toBe(200);
    expect((await merge(survivor, [a])).statusCode).toBe(200);
    expect((await linksOf(survivor)).map((l) => l.customerId).sort()).toEqual([outsider, shared].sort());
    expect((await linksOf(outsider)).map((l) => l.customerId)).toEqual([survivor]);
    expect((await linksOf(shared)).map((l) => l.customerId)).toEqual([survivor]);
  });

  it('lets two racing merges over the same customers end consistently', async () => {
    for (let round = 0; round < 5; round += 1) {
      const x = await newCustomer();
      const y = await newCustomer();
      const z = await newCustomer();
      const responses = await Promise.all([merge(x, [y, z]), merge(z, [x, y]), merge(y, [x])]);
      const winners = responses.filter((response) => response.statusCode === 200);
      expect(winners).toHaveLength(1);
      for (const response of responses) expect([200, 422]).toContain(response.statusCode);
      const survivor = winners[0]?.json().customerId;
      const states = await Promise.all([x, y, z].map(row));
      for (const state of states) {
        if (state.customer_id === survivor) expect(state.status).toBe('active');
        else expect(state.status === 'active' || state.survivor === survivor).toBe(true);
        if (state.status === 'merged') expect((await row(state.survivor)).status).toBe('active');
      }
    }
  });
});

describe('customer links', () => {
  it('links two customers by hand, answers an existing link unchanged and lists it from both sides', async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    const first = await link(a, b);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ customerId: b, reason: 'manual' });
    const again = await link(b, a);
    expect(again.json()).toEqual({ ...first.json(), customerId: a });
    expect(await linksOf(a)).toEqual([first.json()]);
    expect((await linksOf(b)).map((l) => l.customerId)).toEqual([a]);
    const linked = (await eventsFor(setup, a)).filter((event) => event.type === 'customer.linked');
    expect(linked.map((event) => event.data)).toEqual([
      { customerId: a, linkedCustomerId: b, reason: 'manual' },
    ]);
  });

  it('refuses a link to itself, to a merged number or to an unknown one', async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    const survivor = await newCustomer();
    expect((await merge(survivor, [b])).statusCode).toBe(200);
    expect((await link(a, a)).statusCode).toBe(422);
    expect((await link(survivor, b)).statusCode).toBe(422);
    const merged = await link(a, b);
    expect(merged.statusCode).toBe(422);
    expect(merged.json().detail).toContain(`merged into ${survivor}`);
    expect((await link(a, 'NOPE-9')).json().code).toBe('unknown_reference');
    expect((await link('NOPE-9', a)).statusCode).toBe(404);
    expect(await linksOf(a)).toEqual([]);
  });

  it('removes a link, and answers 404 for a link that does not exist', async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    await link(a, b);
    const removed = await call('DELETE', `/merchant/v1/customers/${b}/links/${a}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ customerId: a, reason: 'manual' });
    expect(await linksOf(a)).toEqual([]);
    expect((await call('DELETE', `/merchant/v1/customers/${b}/links/${a}`)).statusCode).toBe(404);
  });
});
