import { describe, expect, it } from 'vitest';
import { createMerchant, eventsFor, sampleStore, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { customersApi } from './customers.fixtures.ts';

const s = useAppWithMerchant();
const api = customersApi(s);
const { create, get, update, search } = api;

describe('customers', () => {
  it('creates a customer with a generated number, answers it on GET and emits customer.created', async () => {
    const before = Date.now();
    const created = await create({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'Ada@Example.com',
      birthDate: '1990-05-01',
      channel: 'web',
      marketing: { email: true, sms: false },
    });
    expect(created.statusCode).toBe(201);
    const customer = created.json();
    expect(customer.customerId).toMatch(/^C\d{8}$/);
    expect(customer).toMatchObject({
      firstName: 'Ada',
      email: 'Ada@Example.com',
      birthDate: '1990-05-01',
      channel: 'web',
      status: 'active',
      marketing: { email: true, sms: false },
    });
    expect(customer.marketing.updatedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(customer.phone).toBeUndefined();
    expect(customer.note).toBeUndefined();
    expect(customer.matched).toBeUndefined();

    const fetched = await get(customer.customerId);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(customer);
    const events = await eventsFor(s, customer.customerId);
    expect(events.map((e) => e.type)).toEqual(['customer.created']);
    expect(events[0]?.data).toEqual({ customer });

    const second = await create({ lastName: 'Hopper', channel: 'store' });
    const number = (id: string) => Number(id.slice(1));
    expect(number(second.json().customerId)).toBe(number(customer.customerId) + 1);
    expect(second.json().marketing).toEqual({ email: false, sms: false });
  });

  it('keeps a merchant number, and skips generated numbers the merchant already took', async () => {
    const own = await create({ customerId: 'LOYAL-1', firstName: 'Own', channel: 'api' });
    expect(own.statusCode).toBe(201);
    expect(own.json().customerId).toBe('LOYAL-1');
    const next =
      Number((await create({ firstName: 'Probe', channel: 'api' })).json().customerId.slice(1)) + 1;
    const taken = `C${String(next).padStart(8, '0')}`;
    expect((await create({ customerId: taken, firstName: 'Squatter', channel: 'api' })).statusCode).toBe(201);
    const generated = await create({ firstName: 'After', channel: 'api' });
    expect(generated.json().customerId).toBe(`C${String(next + 1).padStart(8, '0')}`);
  });

  it('normalises a national phone number with phoneCountry or the origin store country', async () => {
    expect((await api.call('POST', '/merchant/v1/stores', sampleStore('NYC-1'))).statusCode).toBe(201);
    const byCountry = await create({
      lastName: 'Phone',
      phone: '(212) 555-0123',
      phoneCountry: 'US',
      channel: 'phone',
    });
    expect(byCountry.statusCode).toBe(201);
    expect(byCountry.json()).toMatchObject({ phone: '(212) 555-0123', phoneNormalized: '+12125550123' });
    const byStore = await create({
      lastName: 'Store',
      phone: '(646) 555-0199',
      storeId: 'NYC-1',
      channel: 'store',
    });
    expect(byStore.json()).toMatchObject({ phoneNormalized: '+16465550199', storeId: 'NYC-1' });

    const found = (await search(`phone=${encodeURIComponent('+1 212-555-0123')}`)).json();
    expect(found.data.map((c: { customerId: string }) => c.customerId)).toEqual([
      byCountry.json().customerId,
    ]);
    const national = (await search(`phone=${encodeURIComponent('(212) 555-0123')}&phoneCountry=US`)).json();
    expect(national.data).toHaveLength(1);
  });

  it('updates given fields, clears with null, re-normalises, and moves updatedAt only on change', async () => {
    const created = (
      await create({
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.com',
        note: 'VIP',
        channel: 'web',
      })
    ).json();
    const id = created.customerId;
    const updated = await update(id, {
      email: 'GRACE@Navy.mil',
      note: null,
      phone: '212 555 0100',
      phoneCountry: 'US',
      marketing: { sms: true },
    });
    expect(updated.statusCode).toBe(200);
    const body = updated.json();
    expect(body).toMatchObject({ email: 'GRACE@Navy.mil', phoneNormalized: '+12125550100' });
    expect(body.marketing).toMatchObject({ email: false, sms: true });
    expect(body.marketing.updatedAt).toBeDefined();
    expect(body.note).toBeUndefined();
    expect(
      (await search('email=grace@navy.mil')).json().data.map((c: { customerId: string }) => c.customerId),
    ).toEqual([id]);

    const events = await eventsFor(s, id);
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated']);
    expect(events[1]?.data.changed).toEqual(['email', 'phone', 'phoneNormalized', 'marketing', 'note']);

    const same = await update(id, { firstName: 'Grace', marketing: { sms: true } });
    expect(same.statusCode).toBe(200);
    expect(same.json().updatedAt).toBe(body.updatedAt);
    expect((await eventsFor(s, id)).length).toBe(2);

    const emptied = await update(id, { firstName: null, lastName: null, email: null, phone: null });
    expect(emptied.statusCode).toBe(400);
    expect((await get(id)).json().firstName).toBe('Grace');
  });

  it('searches by name prefix, channel, store, loyaltyId and updatedSince across pages', async () => {
    const since = Date.now();
    for (const [first, last] of [
      ['Mary', 'Searchable'],
      ['Searcher', 'Jones'],
      ['Bob', 'Other'],
    ]) {
      await create({ firstName: first, lastName: last, channel: 'marketplace', loyaltyId: `L-${first}` });
    }
    const byName = (await search('name=SEARCH')).json();
    expect(byName.data.map((c: { firstName: string }) => c.firstName).sort()).toEqual(['Mary', 'Searcher']);
    expect((await search('name=50%25')).json().data).toEqual([]);
    expect((await search('loyaltyId=L-Bob')).json().data).toHaveLength(1);
    expect((await search('storeId=NYC-1')).json().data).toHaveLength(1);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search(
        `channel=marketplace&updatedSince=${since}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().data.map((c: { lastName: string }) => c.lastName));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['Jones', 'Other', 'Searchable']);

    const all: string[] = [];
    cursor = null;
    do {
      const page = await search(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.json().data.map((c: { customerId: string }) => c.customerId));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
  });

  it('rejects bad input with 400 and writes nothing', async () => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const cases = [
      [{ firstName: 'X', channel: 'web', shoeSize: 42 }, 'body.shoeSize'],
      [{ email: 'not-an-email', channel: 'web' }, 'body.email'],
      [{ firstName: 'X', birthDate: future, channel: 'web' }, 'body.birthDate'],
      [{ firstName: 'X', birthDate: '2001-02-30', channel: 'web' }, 'body.birthDate'],
      [{ channel: 'web', note: 'nothing identifying' }, 'body.email'],
      [{ firstName: 'X', channel: 'fax' }, 'body.channel'],
    ] as const;
    for (const [body, field] of cases) {
      const response = await create(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('validation_failed');
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await search('name=X')).json().data).toEqual([]);
    expect((await update('LOYAL-1', { unknown: true })).statusCode).toBe(400);
  });

  it('answers 409 for a taken number or loyalty id, 422 for an unknown store, 404 for an unknown customer', async () => {
    const taken = await create({ customerId: 'LOYAL-1', firstName: 'Again', channel: 'api' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('already_exists');

    const loyalty = await create({ firstName: 'Copy', loyaltyId: 'L-Bob', channel: 'api' });
    expect(loyalty.statusCode).toBe(409);
    expect(loyalty.json().code).toBe('duplicate_value');
    const onUpdate = await update('LOYAL-1', { loyaltyId: 'L-Bob' });
    expect(onUpdate.statusCode).toBe(409);
    expect(onUpdate.json().code).toBe('duplicate_value');

    const store = await create({ firstName: 'Nowhere', storeId: 'NOPE', channel: 'store' });
    expect(store.statusCode).toBe(422);
    expect(store.json()).toMatchObject({ code: 'unknown_reference', errors: [{ field: 'body.storeId' }] });
    expect((await update('LOYAL-1', { storeId: 'NOPE' })).statusCode).toBe(422);

    expect((await get('C99999999')).statusCode).toBe(404);
    expect((await update('C99999999', { firstName: 'x' })).statusCode).toBe(404);
  });

  it('answers and updates the survivor for a merged number', async () => {
    const survivor = (await create({ firstName: 'Survivor', channel: 'web' })).json();
    const merged = (await create({ firstName: 'Merged', channel: 'web' })).json();
    await s.t.database.pool.query(
      `update customers set status = 'merged', merged_into = (select id from customers
         where tenant_id = $1 and customer_id = $2) where tenant_id = $1 and customer_id = $3`,
      [s.merchant.tenant.id, survivor.customerId, merged.customerId],
    );
    const viaAlias = await get(merged.customerId);
    expect(viaAlias.statusCode).toBe(200);
    expect(viaAlias.json()).toMatchObject({
      customerId: survivor.customerId,
      aliases: [merged.customerId],
      requestedCustomerId: merged.customerId,
    });
    const direct = (await get(survivor.customerId)).json();
    expect(direct.aliases).toEqual([merged.customerId]);
    expect(direct.requestedCustomerId).toBeUndefined();

    const updated = await update(merged.customerId, { note: 'via alias' });
    expect(updated.json()).toMatchObject({ customerId: survivor.customerId, note: 'via alias' });
    const names = (await search('name=merged')).json().data;
    expect(names).toEqual([]);
  });

  it('keeps merchants apart and checks scopes', async () => {
    const other = await createMerchant(s.t.platform);
    const theirs = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/customers',
      headers: other.auth,
      payload: { customerId: 'THEIRS', firstName: 'Other', channel: 'web' },
    });
    expect(theirs.statusCode).toBe(201);
    expect((await get('THEIRS')).statusCode).toBe(404);
    expect((await update('THEIRS', { firstName: 'Mine' })).statusCode).toBe(404);

    const readOnly = await createMerchant(s.t.platform, { client: { scopes: ['customers:read'] } });
    const refused = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/customers',
      headers: readOnly.auth,
      payload: { firstName: 'No', channel: 'web' },
    });
    expect(refused.statusCode).toBe(403);
    const noScope = await createMerchant(s.t.platform, { client: { scopes: ['stores:read'] } });
    const hidden = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/customers',
      headers: noScope.auth,
    });
    expect(hidden.statusCode).toBe(403);
  });
});
