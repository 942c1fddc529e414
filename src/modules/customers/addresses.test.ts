import { describe, expect, it } from 'vitest';
import { eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { createApiClient } from '../../platform/auth/clients.ts';
import { customerInserter, customersApi, home } from './customers.fixtures.ts';

const setup = useAppWithMerchant();

const api = customersApi(setup);
const { call, addresses, addAddress, listAddresses } = api;
const newCustomer = customerInserter(setup, 'A');

describe('customer addresses', () => {
  it('creates an address with every field, answers epoch ms and leaves absent fields out', async () => {
    const customerId = await newCustomer();
    const full = {
      label: 'Home',
      name: 'Ada Lovelace',
      line1: '12 Elm Street',
      line2: 'Apt 4B',
      city: 'Springfield',
      region: 'IL',
      postalCode: '62701',
      country: 'US',
      phone: '+12175550123',
    };
    const created = await addAddress(customerId, full);
    expect(created).toMatchObject({ ...full, defaultShipping: true, defaultBilling: true });
    expect(typeof created.createdAt).toBe('number');
    expect(created.updatedAt).toBe(created.createdAt);

    const bare = await addAddress(customerId);
    expect(Object.keys(bare).sort()).toEqual(
      [
        'addressId',
        'city',
        'country',
        'createdAt',
        'defaultBilling',
        'defaultShipping',
        'line1',
        'updatedAt',
      ].sort(),
    );
    expect(bare).toMatchObject({ defaultShipping: false, defaultBilling: false });
    expect((await listAddresses(customerId)).map((a) => a.addressId)).toEqual([
      created.addressId,
      bare.addressId,
    ]);
  });

  it('refuses bad input and unknown fields, and writes nothing', async () => {
    const customerId = await newCustomer();
    for (const body of [
      { ...home, country: 'USA' },
      { ...home, line1: '' },
      { city: 'Springfield', country: 'US' },
      { ...home, colour: 'red' },
    ]) {
      const response = await call('POST', addresses(customerId), body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
    expect(await listAddresses(customerId)).toEqual([]);
  });

  it('answers 404 for an unknown customer', async () => {
    for (const response of [
      await call('GET', addresses('NOPE-1')),
      await call('POST', addresses('NOPE-1'), home),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('not_found');
    }
  });

  it('makes the first address both defaults unless told otherwise', async () => {
    const customerId = await newCustomer();
    const first = await addAddress(customerId, { ...home, defaultBilling: false });
    expect(first).toMatchObject({ defaultShipping: true, defaultBilling: false });
    const second = await addAddress(customerId, { ...home, line1: '2 Oak Road' });
    expect(second).toMatchObject({ defaultShipping: false, defaultBilling: false });
  });

  it('moves a default to the address that takes it, on create and on update', async () => {
    const customerId = await newCustomer();
    const first = await addAddress(customerId);
    const second = await addAddress(customerId, { ...home, line1: '2 Oak Road', defaultShipping: true });
    expect(second.defaultShipping).toBe(true);
    let list = await listAddresses(customerId);
    expect(list.map((a) => [a.defaultShipping, a.defaultBilling])).toEqual([
      [false, true],
      [true, false],
    ]);

    const updated = await call('PUT', `${addresses(customerId)}/${first.addressId}`, {
      defaultShipping: true,
    });
    expect(updated.statusCode, updated.body).toBe(200);
    list = await listAddresses(customerId);
    expect(list.map((a) => [a.defaultShipping, a.defaultBilling])).toEqual([
      [true, true],
      [false, false],
    ]);

    const unset = await call('PUT', `${addresses(customerId)}/${first.addressId}`, { defaultBilling: false });
    expect(unset.json()).toMatchObject({ defaultShipping: true, defaultBilling: false });
    expect((await listAddresses(customerId)).some((a) => a.defaultBilling)).toBe(false);
  });

  it('changes given fields, clears optional ones with null and refuses clearing required ones', async () => {
    const customerId = await newCustomer();
    const created = await addAddress(customerId, { ...home, line2: 'Apt 4B', label: 'Home' });
    const url = `${addresses(customerId)}/${created.addressId}`;
    const response = await call('PUT', url, { line2: null, city: 'Shelbyville', postalCode: '12345' });
    expect(response.statusCode, response.body).toBe(200);
    const updated = response.json();
    expect(updated).toMatchObject({
      label: 'Home',
      city: 'Shelbyville',
      postalCode: '12345',
      line1: home.line1,
    });
    expect(updated).not.toHaveProperty('line2');
    expect(updated.updatedAt).toBeGreaterThanOrEqual(created.updatedAt);

    expect((await call('PUT', url, { line1: null })).statusCode).toBe(400);
    expect((await call('PUT', url, { country: 'us' })).statusCode).toBe(400);
    expect((await listAddresses(customerId))[0]).toEqual(updated);
  });

  it('deletes an address; deleting a default leaves none of that kind', async () => {
    const customerId = await newCustomer();
    const first = await addAddress(customerId);
    await addAddress(customerId, { ...home, line1: '2 Oak Road' });
    const response = await call('DELETE', `${addresses(customerId)}/${first.addressId}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual(first);
    const list = await listAddresses(customerId);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ defaultShipping: false, defaultBilling: false });
    expect((await call('DELETE', `${addresses(customerId)}/${first.addressId}`)).statusCode).toBe(404);
  });

  it("answers 404 for another customer's address and leaves it alone", async () => {
    const owner = await newCustomer();
    const stranger = await newCustomer();
    const address = await addAddress(owner);
    const url = `${addresses(stranger)}/${address.addressId}`;
    for (const response of [await call('PUT', url, { city: 'Elsewhere' }), await call('DELETE', url)]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('not_found');
    }
    expect(await listAddresses(owner)).toEqual([address]);
  });

  it('refuses a 51st address with 422', async () => {
    const customerId = await newCustomer();
    for (let n = 0; n < 50; n += 1) await addAddress(customerId, { ...home, line1: `${n} Elm Street` });
    const response = await call('POST', addresses(customerId), home);
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('rule_violated');
    expect(await listAddresses(customerId)).toHaveLength(50);
  });

  it('emits customer.address_changed for each change', async () => {
    const customerId = await newCustomer();
    const created = await addAddress(customerId);
    await call('PUT', `${addresses(customerId)}/${created.addressId}`, { city: 'Ogdenville' });
    await call('PUT', `${addresses(customerId)}/${created.addressId}`, { city: 'Ogdenville' });
    await call('DELETE', `${addresses(customerId)}/${created.addressId}`);
    const events = await eventsFor(setup, customerId);
    expect(events.map((event) => event.data.change)).toEqual(['created', 'updated', 'deleted']);
    expect(events.every((event) => event.type === 'customer.address_changed')).toBe(true);
    expect(events[0]?.data).toEqual({ addressId: created.addressId, change: 'created' });
  });

  it('needs customers:read to list and customers:write to change', async () => {
    const customerId = await newCustomer();
    const client = await createApiClient(setup.t.platform.db, setup.merchant.tenant, {
      name: 'reader',
      scopes: ['customers:read'],
    });
    const reader = { auth: { 'x-api-key': client.apiKey } };
    const get = await setup.t.app.inject({ method: 'GET', url: addresses(customerId), headers: reader.auth });
    expect(get.statusCode).toBe(200);
    const post = await setup.t.app.inject({
      method: 'POST',
      url: addresses(customerId),
      headers: reader.auth,
      payload: home,
    });
    expect(post.statusCode).toBe(403);
  });
});
