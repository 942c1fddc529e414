import { describe, expect, it } from 'vitest';
import { accessToken, createMerchant, sampleStore, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
const putMethod = (methodId: string, body: object) =>
  api.call('PUT', `/merchant/v1/shipping-methods/${methodId}`, body);
const options = (storeId: string, subtotal: number) =>
  api.call('GET', `/merchant/v1/shipping-methods/options?storeId=${storeId}&subtotal=${subtotal}`);

async function createStore(storeId: string, overrides: Record<string, unknown> = {}) {
  expect((await api.call('POST', '/merchant/v1/stores', sampleStore(storeId, overrides))).statusCode).toBe(
    201,
  );
}

describe('shipping methods', () => {
  it('creates with 201, replaces with 200, lists and deletes a method', async () => {
    await createStore('SHIP-1');
    const created = await putMethod('GROUND', {
      name: 'Ground',
      carrier: 'UPS',
      currency: 'USD',
      price: 599,
      freeOver: 5_000,
      minDays: 3,
      maxDays: 5,
      storeIds: ['SHIP-1'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      methodId: 'GROUND',
      name: 'Ground',
      carrier: 'UPS',
      price: 599,
      freeOver: 5_000,
      storeIds: ['SHIP-1'],
      active: true,
    });
    const replaced = await putMethod('GROUND', { name: 'Ground saver', currency: 'USD', price: 499 });
    expect(replaced.statusCode).toBe(200);
    const method = replaced.json();
    expect(method).toMatchObject({ methodId: 'GROUND', name: 'Ground saver', price: 499, active: true });
    for (const absent of ['carrier', 'freeOver', 'minDays', 'maxDays', 'storeIds']) {
      expect(method[absent]).toBeUndefined();
    }
    expect(method.createdAt).toBe(created.json().createdAt);

    const list = await api.call('GET', '/merchant/v1/shipping-methods');
    expect(list.json().data).toContainEqual(method);
    const deleted = await api.call('DELETE', '/merchant/v1/shipping-methods/GROUND');
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual(method);
    expect((await api.call('DELETE', '/merchant/v1/shipping-methods/GROUND')).statusCode).toBe(404);
    const after = await api.call('GET', '/merchant/v1/shipping-methods');
    expect(after.json().data.map((m: { methodId: string }) => m.methodId)).not.toContain('GROUND');
  });

  it('refuses unknown stores and maxDays below minDays, writing nothing', async () => {
    await createStore('SHIP-2');
    const unknown = await putMethod('BAD-STORES', {
      name: 'Bad',
      currency: 'USD',
      price: 100,
      storeIds: ['SHIP-2', 'NOWHERE'],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      code: 'unknown_reference',
      errors: [{ field: 'body.storeIds.1' }],
    });
    const days = await putMethod('BAD-DAYS', {
      name: 'Bad',
      currency: 'USD',
      price: 100,
      minDays: 4,
      maxDays: 2,
    });
    expect(days.statusCode).toBe(422);
    expect(days.json()).toMatchObject({ code: 'rule_violated', errors: [{ field: 'body.maxDays' }] });
    const ids = (await api.call('GET', '/merchant/v1/shipping-methods'))
      .json()
      .data.map((m: { methodId: string }) => m.methodId);
    expect(ids).not.toContain('BAD-STORES');
    expect(ids).not.toContain('BAD-DAYS');
  });

  it("offers a store's active methods in its currency, free over the threshold, cheapest first", async () => {
    await createStore('OPT-1');
    await createStore('OPT-2');
    await createStore('OPT-EU', { currency: 'EUR' });
    const methods: [string, object][] = [
      [
        'OPT-STANDARD',
        { name: 'Standard', currency: 'USD', price: 600, freeOver: 5_000, minDays: 3, maxDays: 5 },
      ],
      ['OPT-EXPRESS', { name: 'Express', currency: 'USD', price: 1_500, minDays: 1, maxDays: 2 }],
      ['OPT-LOCAL', { name: 'Local courier', currency: 'USD', price: 400, storeIds: ['OPT-1'] }],
      ['OPT-OTHER', { name: 'Other store only', currency: 'USD', price: 100, storeIds: ['OPT-2'] }],
      ['OPT-OFF', { name: 'Retired', currency: 'USD', price: 50, active: false }],
      ['OPT-EURO', { name: 'Euro post', currency: 'EUR', price: 300 }],
    ];
    for (const [methodId, body] of methods) expect((await putMethod(methodId, body)).statusCode).toBe(201);

    const below = await options('OPT-1', 4_999);
    expect(below.statusCode).toBe(200);
    const names = (response: typeof below) =>
      response
        .json()
        .data.filter((o: { methodId: string }) => o.methodId.startsWith('OPT-'))
        .map((o: { methodId: string; price: number }) => [o.methodId, o.price]);
    expect(below.json()).toMatchObject({ storeId: 'OPT-1', currency: 'USD', subtotal: 4_999 });
    expect(names(below)).toEqual([
      ['OPT-LOCAL', 400],
      ['OPT-STANDARD', 600],
      ['OPT-EXPRESS', 1_500],
    ]);
    const free = await options('OPT-1', 5_000);
    expect(names(free)).toEqual([
      ['OPT-STANDARD', 0],
      ['OPT-LOCAL', 400],
      ['OPT-EXPRESS', 1_500],
    ]);
    expect(free.json().data[0]).toMatchObject({ listPrice: 600, freeOver: 5_000, minDays: 3, maxDays: 5 });
    expect(names(await options('OPT-EU', 0))).toEqual([['OPT-EURO', 300]]);
    expect((await options('NO-STORE', 0)).statusCode).toBe(404);
  });

  it('needs carts:write to change a method, and shows each merchant only its own', async () => {
    const reader = await accessToken(s.t.app, s.merchant.client, 'carts:read');
    const headers = { authorization: `Bearer ${reader}` };
    const body = { name: 'Reader', currency: 'USD', price: 1 };
    const refused = await s.t.app.inject({
      method: 'PUT',
      url: '/merchant/v1/shipping-methods/READER',
      headers,
      payload: body,
    });
    expect(refused.statusCode).toBe(403);
    const read = await s.t.app.inject({ method: 'GET', url: '/merchant/v1/shipping-methods', headers });
    expect(read.statusCode).toBe(200);

    expect((await putMethod('MINE', body)).statusCode).toBe(201);
    const other = await createMerchant(s.t.platform);
    const theirs = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/shipping-methods',
      headers: other.auth,
    });
    expect(theirs.json().data).toEqual([]);
    const deleteMine = await s.t.app.inject({
      method: 'DELETE',
      url: '/merchant/v1/shipping-methods/MINE',
      headers: other.auth,
    });
    expect(deleteMine.statusCode).toBe(404);
  });
});
