import { describe, expect, it } from 'vitest';
import {
  createMerchant,
  eventsFor,
  type TestMerchant,
  useAppWithMerchant,
} from '../../../test/helpers/app.ts';

const s = useAppWithMerchant();

const request = (method: 'POST' | 'PUT', body: unknown, merchant?: TestMerchant) =>
  s.t.app.inject({
    method,
    url: '/merchant/v1/attributesets',
    headers: (merchant ?? s.merchant).auth,
    payload: body as object,
  });
const post = (body: unknown, merchant?: TestMerchant) => request('POST', body, merchant);
const put = (body: unknown, merchant?: TestMerchant) => request('PUT', body, merchant);
const get = (url: string, merchant?: TestMerchant) =>
  s.t.app.inject({ method: 'GET', url, headers: (merchant ?? s.merchant).auth });

const apparel = (attributeSetId: string, overrides: Record<string, unknown> = {}) => ({
  attributeSetId,
  name: `Set ${attributeSetId}`,
  attributes: [
    { code: 'size', label: 'Size', type: 'list', required: true, options: ['S', 'M', 'L'] },
    { code: 'fabric', label: 'Fabric', type: 'text' },
    { code: 'weight_g', label: 'Weight (g)', type: 'number' },
    { code: 'organic', label: 'Organic', type: 'boolean' },
  ],
  ...overrides,
});

const fieldsOf = (body: { errors: { field: string }[] }) => body.errors.map((e) => e.field);

describe('attribute sets', () => {
  it('creates an attribute set with defaults filled in and emits attribute_set.created', async () => {
    const before = Date.now();
    const created = await post(apparel('apparel'));
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.attributes).toEqual([
      { code: 'size', label: 'Size', type: 'list', required: true, options: ['S', 'M', 'L'] },
      { code: 'fabric', label: 'Fabric', type: 'text', required: false },
      { code: 'weight_g', label: 'Weight (g)', type: 'number', required: false },
      { code: 'organic', label: 'Organic', type: 'boolean', required: false },
    ]);
    expect(body.createdAt).toBeGreaterThanOrEqual(before - 1000);

    const fetched = await get('/merchant/v1/attributesets/apparel');
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(body);

    const events = await eventsFor(s, 'apparel');
    expect(events.map((e) => e.type)).toEqual(['attribute_set.created']);
    expect(events[0]?.data).toEqual({ attributeSet: body });
  });

  it('refuses a duplicate attributeSetId with 409 and changes nothing', async () => {
    await post(apparel('dup'));
    const again = await post(apparel('dup', { name: 'Other' }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'already_exists' });
    expect((await get('/merchant/v1/attributesets/dup')).json().name).toBe('Set dup');
    expect((await eventsFor(s, 'dup')).length).toBe(1);
  });

  it('rejects bad definitions with 400 naming each field, and writes nothing', async () => {
    const bad = await post(
      apparel('bad', {
        attributes: [
          { code: 'Size', label: 'Size', type: 'list', options: ['S'] },
          { code: 'colour', label: 'Colour', type: 'list' },
          { code: 'fit', label: 'Fit', type: 'list', options: [] },
          { code: 'tags', label: 'Tags', type: 'list', options: ['a', 'b', 'a'] },
          { code: 'fabric', label: 'Fabric', type: 'text', options: ['cotton'] },
          { code: 'fabric', label: 'Fabric again', type: 'text' },
          { code: 'heel', label: '', type: 'date', extra: true },
        ],
      }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(fieldsOf(bad.json())).toEqual(
      expect.arrayContaining([
        'body.attributes.0.code',
        'body.attributes.6.label',
        'body.attributes.6.type',
        'body.attributes.6.extra',
      ]),
    );
    expect((await get('/merchant/v1/attributesets/bad')).statusCode).toBe(404);

    const refinements = await post(
      apparel('bad', {
        attributes: [
          { code: 'colour', label: 'Colour', type: 'list' },
          { code: 'fit', label: 'Fit', type: 'list', options: [] },
          { code: 'tags', label: 'Tags', type: 'list', options: ['a', 'b', 'a'] },
          { code: 'fabric', label: 'Fabric', type: 'text', options: ['cotton'] },
        ],
      }),
    );
    expect(refinements.statusCode).toBe(400);
    expect(refinements.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'body.attributes.0.options', message: 'a list attribute needs at least one option' },
        { field: 'body.attributes.1.options', message: 'a list attribute needs at least one option' },
        { field: 'body.attributes.2.options.2', message: '"a" is listed twice' },
        { field: 'body.attributes.3.options', message: 'only a list attribute has options' },
      ]),
    );

    const twice = await post(
      apparel('bad', {
        attributes: [
          { code: 'fabric', label: 'Fabric', type: 'text' },
          { code: 'fabric', label: 'Fabric again', type: 'text' },
        ],
      }),
    );
    expect(twice.statusCode).toBe(400);
    expect(fieldsOf(twice.json())).toEqual(['body.attributes.1.code']);
    expect((await put({ name: 'no id' })).statusCode).toBe(400);
    expect((await get('/merchant/v1/attributesets?limit=0')).statusCode).toBe(400);
    expect((await get('/merchant/v1/attributesets/not%20an%20id')).statusCode).toBe(400);
  });

  it('renames and replaces attributes, naming what changed in attribute_set.updated', async () => {
    await post(apparel('shoes'));
    const renamed = await put({ attributeSetId: 'shoes', name: 'Footwear' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('Footwear');
    expect(renamed.json().attributes).toHaveLength(4);

    const replaced = await put({
      attributeSetId: 'shoes',
      attributes: [{ code: 'eu_size', label: 'EU size', type: 'number', required: true }],
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().attributes).toEqual([
      { code: 'eu_size', label: 'EU size', type: 'number', required: true },
    ]);

    const unchanged = await put({
      attributeSetId: 'shoes',
      name: 'Footwear',
      attributes: [{ code: 'eu_size', label: 'EU size', type: 'number', required: true }],
    });
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json().updatedAt).toBe(replaced.json().updatedAt);

    const events = await eventsFor(s, 'shoes');
    expect(events.map((e) => e.type)).toEqual([
      'attribute_set.created',
      'attribute_set.updated',
      'attribute_set.updated',
    ]);
    expect(events[1]?.data.changed).toEqual(['name']);
    expect(events[2]?.data).toEqual({ attributeSet: replaced.json(), changed: ['attributes'] });
  });

  it('answers 404 for an unknown attribute set on GET and PUT', async () => {
    const missing = await get('/merchant/v1/attributesets/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found' });
    expect((await put({ attributeSetId: 'nope', name: 'x' })).statusCode).toBe(404);
  });

  it('lists every attribute set exactly once across pages', async () => {
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) await post(apparel(id, { attributes: [] }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`/merchant/v1/attributesets?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      expect(page.json().data.length).toBeLessThanOrEqual(2);
      seen.push(...page.json().data.map((set: { attributeSetId: string }) => set.attributeSetId));
      cursor = page.json().nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['apparel', 'p1', 'p5', 'shoes']));
  });

  it('keeps each merchant to its own attribute sets', async () => {
    await post(apparel('private'));
    const other = await createMerchant(s.t.platform);
    expect((await get('/merchant/v1/attributesets/private', other)).statusCode).toBe(404);
    expect((await get('/merchant/v1/attributesets', other)).json().data).toEqual([]);
    expect((await put({ attributeSetId: 'private', name: 'Taken' }, other)).statusCode).toBe(404);
    expect((await post(apparel('private', { name: 'Theirs' }), other)).statusCode).toBe(201);
    expect((await get('/merchant/v1/attributesets/private')).json().name).toBe('Set private');
  });
});
