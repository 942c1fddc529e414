import { describe, expect, it } from 'vitest';
import { createMerchant, eventsFor, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { api, COUNTS } from './cycle-counts.fixtures.ts';

// What a count covers (full, partial, manual) and how bad requests are refused without writing anything.

const s = useAppWithMerchant();
const a = api(s);

const fieldsOf = (body: { errors?: { field: string }[] }) => body.errors?.map((error) => error.field);

describe('cycle count scopes', () => {
  it('counts a category with its subcategories, a brand, or an attribute value', async () => {
    await a.store('PT');
    await a.ok('POST', '/merchant/v1/categories', { categoryId: 'MENS', name: 'Mens' });
    await a.ok('POST', '/merchant/v1/categories', { categoryId: 'SHIRTS', name: 'Shirts', parentId: 'MENS' });
    await a.ok('POST', '/merchant/v1/categories', { categoryId: 'EMPTY', name: 'Empty' });
    await a.ok('POST', '/merchant/v1/attributesets', {
      attributeSetId: 'fabric',
      name: 'Fabric',
      attributes: [{ code: 'material', label: 'Material', type: 'text' }],
    });
    await a.products(
      { productId: 'PT-1', categoryIds: ['MENS'], brand: 'Northbound' },
      {
        productId: 'PT-2',
        categoryIds: ['SHIRTS'],
        attributeSetIds: ['fabric'],
        attributes: { material: 'Linen' },
      },
      { productId: 'PT-3', brand: 'Northbound', variantGroupId: 'PT', variantAttributes: { size: 'M' } },
      { productId: 'PT-4', attributeSetIds: ['fabric'], attributes: { material: 'Wool' } },
    );
    const linesOf = async (cycleCountId: string, filter: object) => {
      const created = await a.create('partial', { cycleCountId, storeId: 'PT', ...filter });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().scope).toEqual(filter);
      return a.productIdsOf(created.json());
    };
    expect(await linesOf('CC-CAT', { categoryId: 'MENS' })).toEqual(['PT-1', 'PT-2']);
    expect(await linesOf('CC-BRAND', { brand: 'Northbound' })).toEqual(['PT-1', 'PT-3']);
    expect(await linesOf('CC-ATTR', { attribute: { code: 'material', value: 'Linen' } })).toEqual(['PT-2']);
    expect(await linesOf('CC-SIZE', { attribute: { code: 'size', value: 'M' } })).toEqual(['PT-3']);

    const none = await a.create('partial', { cycleCountId: 'CC-P0', storeId: 'PT' });
    const two = await a.create('partial', {
      cycleCountId: 'CC-P2',
      storeId: 'PT',
      brand: 'X',
      categoryId: 'MENS',
    });
    expect([none.statusCode, two.statusCode]).toEqual([400, 400]);
    expect(fieldsOf(two.json())).toEqual(['body.brand']);
    expect(fieldsOf(none.json())).toEqual(['body']);
    const unknown = await a.create('partial', { cycleCountId: 'CC-P3', storeId: 'PT', categoryId: 'NOPE' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      code: 'unknown_reference',
      errors: [{ field: 'body.categoryId' }],
    });
    for (const filter of [{ categoryId: 'EMPTY' }, { brand: 'Nobody' }]) {
      const empty = await a.create('partial', { cycleCountId: 'CC-P4', storeId: 'PT', ...filter });
      expect(empty.statusCode).toBe(422);
      expect(empty.json().code).toBe('rule_violated');
    }
    for (const id of ['CC-P0', 'CC-P2', 'CC-P3', 'CC-P4']) expect((await a.get(id)).statusCode).toBe(404);
  });

  it('counts every live product and any product with stock in a full count, one open full count per store', async () => {
    await a.store('FL');
    await a.products({ productId: 'FL-GONE' }, { productId: 'FL-GONE-EMPTY' }, { productId: 'FL-LIVE' });
    await a.adjust('FL', 'FL-GONE', 2);
    await a.ok('DELETE', '/merchant/v1/products', { productIds: ['FL-GONE', 'FL-GONE-EMPTY'] });

    const created = await a.create('full', { cycleCountId: 'CC-FULL', storeId: 'FL', name: 'Year end' });
    expect(created.statusCode, created.body).toBe(201);
    const lines = (await a.get('CC-FULL', '?limit=200')).json();
    const ids = a.productIdsOf(lines);
    expect(ids).toEqual(expect.arrayContaining(['FL-GONE', 'FL-LIVE', 'PT-1']));
    expect(ids).not.toContain('FL-GONE-EMPTY');
    expect(lines.totals.lines).toBe(ids.length);

    const second = await a.create('full', { cycleCountId: 'CC-FULL-2', storeId: 'FL' });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('already_exists');
    expect(second.json().detail).toContain('CC-FULL');
    const spot = await a.create('manual', {
      cycleCountId: 'CC-FL-SPOT',
      storeId: 'FL',
      productIds: ['FL-LIVE'],
    });
    expect(spot.statusCode).toBe(201);

    // Everything found empty: the deleted product's two units leave the books too.
    await a.start('CC-FULL');
    await a.count('CC-FULL', { 'FL-LIVE': 4 });
    const completed = await a.complete('CC-FULL', { uncountedAsZero: true });
    expect(completed.statusCode, completed.body).toBe(200);
    expect(await a.onHand('FL', 'FL-LIVE')).toBe(4);
    const { rows } = await s.t.database.pool.query(
      `select on_hand::int from stock_levels where tenant_id = $1 and store_id = 'FL' and product_id = 'FL-GONE'`,
      [s.merchant.tenant.id],
    );
    expect(rows).toEqual([{ on_hand: 0 }]);
    expect((await a.create('full', { cycleCountId: 'CC-FULL-2', storeId: 'FL' })).statusCode).toBe(201);
  });

  it('lets only one of many concurrent full counts of a store be created', async () => {
    await a.store('RC');
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        a.create('full', { cycleCountId: `CC-RACE-${index}`, storeId: 'RC' }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const response of responses.filter((r) => r.statusCode === 409)) {
      expect(response.json().code).toBe('already_exists');
    }
  });

  it('refuses a manual count of unknown products with 422 naming them, and creates nothing', async () => {
    await a.store('MN');
    await a.products({ productId: 'MN-1' });
    const response = await a.create('manual', {
      cycleCountId: 'CC-MN',
      storeId: 'MN',
      productIds: ['MN-1', 'MN-X', 'FL-GONE'],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('unknown_reference');
    expect(response.json().detail).toContain('"MN-X", "FL-GONE"');
    expect(fieldsOf(response.json())).toEqual(['body.productIds.1', 'body.productIds.2']);
    expect((await a.get('CC-MN')).statusCode).toBe(404);
    expect(await eventsFor(s, 'CC-MN')).toEqual([]);
  });

  it('answers bad requests with a precise 4xx and records nothing', async () => {
    await a.store('BD');
    await a.products({ productId: 'BD-1' }, { productId: 'BD-2' }, { productId: 'BD-OUT' });
    await a.adjust('BD', 'BD-1', 5);
    const base = { cycleCountId: 'CC-BD', storeId: 'BD', productIds: ['BD-1', 'BD-2'] };

    const noStore = await a.create('manual', { ...base, storeId: 'NOWHERE' });
    expect(noStore.statusCode).toBe(422);
    expect(fieldsOf(noStore.json())).toEqual(['body.storeId']);
    for (const [body, field] of [
      [{ ...base, productIds: [] }, 'body.productIds'],
      [{ ...base, productIds: ['BD-1', 'BD-1'] }, 'body.productIds.1'],
      [{ ...base, extra: true }, 'body.extra'],
      [{ ...base, cycleCountId: 'bad id' }, 'body.cycleCountId'],
    ] as const) {
      const response = await a.create('manual', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(response.json())).toContain(field);
    }
    expect((await a.create('manual', base)).statusCode).toBe(201);
    expect((await a.create('manual', base)).json().code).toBe('already_exists');
    await a.start('CC-BD');

    for (const [counts, field] of [
      [[{ productId: 'BD-1', quantity: -1 }], 'body.counts.0.quantity'],
      [[{ productId: 'BD-1', quantity: 1.5 }], 'body.counts.0.quantity'],
      [
        [
          { productId: 'BD-1', quantity: 1 },
          { productId: 'BD-1', quantity: 2 },
        ],
        'body.counts.1.productId',
      ],
      [[], 'body.counts'],
    ] as const) {
      const response = await a.call('PUT', `${COUNTS}/CC-BD/counts`, { counts });
      expect(response.statusCode, JSON.stringify(counts)).toBe(400);
      expect(fieldsOf(response.json())).toContain(field);
    }
    const outside = await a.count('CC-BD', { 'BD-1': 4, 'BD-OUT': 1 });
    expect(outside.statusCode).toBe(422);
    expect(outside.json()).toMatchObject({
      code: 'rule_violated',
      errors: [{ field: 'body.counts.1.productId' }],
    });
    expect((await a.get('CC-BD')).json().totals.counted).toBe(0);

    for (const response of [
      await a.get('CC-NONE'),
      await a.call('POST', `${COUNTS}/CC-NONE/start`),
      await a.count('CC-NONE', { 'BD-1': 1 }),
      await a.complete('CC-NONE'),
      await a.cancel({ cycleCountId: 'CC-NONE' }),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('not_found');
    }
    expect((await a.complete('CC-BD', { uncountedAsZero: 'yes' })).statusCode).toBe(400);
    expect(await a.onHand('BD', 'BD-1')).toBe(5);
    expect((await eventsFor(s, 'CC-BD')).map((event) => event.type)).toEqual([
      'CYC_COUNT_CREATED_EVENT',
      'CYC_COUNT_STARTED_EVENT',
    ]);
  });

  it('reads with inventory:read and changes only with inventory:write', async () => {
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['inventory:read'] } });
    const headers = reader.auth;
    const read = await s.t.app.inject({ method: 'GET', url: `${COUNTS}/CC-X`, headers });
    expect(read.statusCode).toBe(404);
    const write = await s.t.app.inject({
      method: 'POST',
      url: `${COUNTS}/manual`,
      headers,
      payload: { cycleCountId: 'CC-X', storeId: 'S', productIds: ['P'] },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('insufficient_scope');
  });
});
