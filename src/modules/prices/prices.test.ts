import { beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, eventsFor, sampleStore, useAppWithMerchant } from '../../../test/helpers/app.ts';

const s = useAppWithMerchant();

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, payload?: object, auth = s.merchant.auth) =>
  s.t.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

const setPrices = (storeProducts: object[], extra: object = {}, auth = s.merchant.auth) =>
  call('PUT', '/merchant/v1/storeproducts', { storeProducts, ...extra }, auth);

const pricesAt = (storeId: string, productIds: string[], at?: number, auth = s.merchant.auth) => {
  const query = new URLSearchParams({
    storeId,
    productIds: productIds.join(','),
    ...(at === undefined ? {} : { at: `${at}` }),
  });
  return call('GET', `/merchant/v1/storeproducts/prices?${query}`, undefined, auth);
};

async function priceOf(storeId: string, productId: string, at?: number) {
  const response = await pricesAt(storeId, [productId], at);
  expect(response.statusCode).toBe(200);
  return response.json().data[0];
}

const product = (productId: string, overrides: Record<string, unknown> = {}) => ({
  productId,
  sku: `SKU-${productId}`,
  name: `Product ${productId}`,
  ...overrides,
});

const saleStart = Date.parse('2030-11-28T05:00:00Z');
const saleEnd = Date.parse('2030-12-02T05:00:00Z');

beforeAll(async () => {
  expect((await call('POST', '/merchant/v1/stores', sampleStore('NYC-01'))).statusCode).toBe(201);
  expect(
    (await call('POST', '/merchant/v1/stores', sampleStore('PAR-01', { currency: 'EUR' }))).statusCode,
  ).toBe(201);
  const created = await call('POST', '/merchant/v1/products', {
    products: [
      product('TEE', {
        listPrice: 2400,
        currency: 'USD',
        images: [{ url: 'https://img.example.com/tee.jpg', alt: 'Tee' }],
      }),
      product('SOCK', { listPrice: 800, currency: 'USD' }),
      product('MUG', { listPrice: 1200, currency: 'EUR' }),
      product('CAP'),
      product('GONE'),
    ],
  });
  expect(created.json().summary.created).toBe(5);
  await call('DELETE', '/merchant/v1/products', { productIds: ['GONE'] });
});

describe('store prices', () => {
  it('creates a store price and prices before, during and after its sale window', async () => {
    const sale = { listPrice: 2000, salePrice: 1500, saleStartsAt: saleStart, saleEndsAt: saleEnd };
    const ids = { storeId: 'NYC-01', productId: 'TEE' };
    const banner = 'Black Friday: 25% off';
    const response = await setPrices([{ ...ids, ...sale, promoBannerText: `  ${banner} `, currency: 'USD' }]);
    expect(response.statusCode).toBe(200);
    const { results, summary } = response.json();
    expect(summary).toMatchObject({ created: 1, failed: 0 });
    expect(results[0]).toMatchObject({ index: 0, id: 'NYC-01/TEE', status: 'created' });
    expect(results[0].item).toEqual({
      ...ids,
      currency: 'USD',
      ...sale,
      promoBannerText: banner,
      updatedAt: expect.any(Number),
    });
    expect(results[0].warnings).toBeUndefined();

    expect(await priceOf('NYC-01', 'TEE', saleStart - 1)).toEqual({
      ...ids,
      currency: 'USD',
      ...sale,
      effectivePrice: 2000,
      onSale: false,
      promoBannerText: banner,
      priceSource: 'store',
      productName: 'Product TEE',
      primaryImage: { url: 'https://img.example.com/tee.jpg', alt: 'Tee' },
    });
    expect(await priceOf('NYC-01', 'TEE', saleStart)).toMatchObject({ effectivePrice: 1500, onSale: true });
    expect(await priceOf('NYC-01', 'TEE', saleEnd - 1)).toMatchObject({ effectivePrice: 1500, onSale: true });
    expect(await priceOf('NYC-01', 'TEE', saleEnd)).toMatchObject({ effectivePrice: 2000, onSale: false });
    expect(await priceOf('NYC-01', 'TEE')).toMatchObject({ effectivePrice: 2000, onSale: false });
  });

  it('treats a missing sale bound as open on that side', async () => {
    await setPrices([{ storeId: 'PAR-01', productId: 'MUG', salePrice: 900, saleEndsAt: saleEnd }]);
    expect(await priceOf('PAR-01', 'MUG', 0)).toMatchObject({ effectivePrice: 900, onSale: true });
    const after = await priceOf('PAR-01', 'MUG', saleEnd);
    expect(after).toMatchObject({
      listPrice: 1200,
      effectivePrice: 1200,
      onSale: false,
      priceSource: 'product',
    });
  });

  it("falls back to the product's list price only in the store's currency, and lists unknown products", async () => {
    const response = await pricesAt('NYC-01', ['SOCK', 'MUG', 'CAP', 'NOPE', 'GONE', 'SOCK']);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.data.map((p: { productId: string }) => p.productId)).toEqual(['SOCK', 'MUG', 'CAP']);
    expect(body.data[0]).toMatchObject({ listPrice: 800, effectivePrice: 800, priceSource: 'product' });
    for (const unpriced of body.data.slice(1)) {
      expect(unpriced).toMatchObject({ priceSource: 'none', onSale: false, currency: 'USD' });
      expect(unpriced).not.toHaveProperty('listPrice');
      expect(unpriced).not.toHaveProperty('effectivePrice');
    }
    expect(body.missingProductIds).toEqual(['NOPE', 'GONE']);
    expect(body.at).toBeGreaterThan(Date.now() - 60_000);
  });

  it("shows the product's current name and primary image", async () => {
    await call('PUT', '/merchant/v1/products', {
      products: [
        { productId: 'SOCK', name: 'Wool Sock', images: [{ url: 'https://img.example.com/sock.jpg' }] },
      ],
    });
    expect(await priceOf('NYC-01', 'SOCK')).toMatchObject({
      productName: 'Wool Sock',
      primaryImage: { url: 'https://img.example.com/sock.jpg' },
    });
  });

  it("refuses a currency other than the store's, naming both", async () => {
    const response = await setPrices([
      { storeId: 'NYC-01', productId: 'SOCK', listPrice: 700, currency: 'EUR' },
    ]);
    const [result] = response.json().results;
    expect(result.status).toBe('failed');
    expect(result.error.code).toBe('rule_violated');
    expect(result.error.errors).toEqual([
      { field: 'currency', message: expect.stringContaining('store NYC-01 sells in USD, not EUR') },
    ]);
    expect(await priceOf('NYC-01', 'SOCK')).toMatchObject({ effectivePrice: 800, priceSource: 'product' });
  });

  it('fails unknown stores and products item by item and writes the good items', async () => {
    const response = await setPrices([
      { storeId: 'NYC-01', productId: 'CAP', listPrice: 1500 },
      { storeId: 'NOWHERE', productId: 'CAP', listPrice: 1500 },
      { storeId: 'NYC-01', productId: 'NOPE', listPrice: 1500 },
      { storeId: 'NYC-01', productId: 'GONE', listPrice: 1500 },
      { storeId: 'NYC-01', productId: 'CAP', listPrice: 1600 },
    ]);
    expect(response.statusCode).toBe(200);
    const { results, summary } = response.json();
    expect(summary).toMatchObject({ created: 1, failed: 4 });
    const statuses = results.map((r: { status: string }) => r.status);
    expect(statuses).toEqual(['created', ...Array(4).fill('failed')]);
    expect(results[1].error).toMatchObject({
      code: 'unknown_reference',
      errors: [{ field: 'storeId', message: expect.stringContaining('"NOWHERE"') }],
    });
    expect(results[2].error.errors[0]).toMatchObject({ field: 'productId' });
    expect(results[3].error).toMatchObject({ code: 'unknown_reference' });
    expect(results[4].error.detail).toContain('twice');
    expect(await priceOf('NYC-01', 'CAP')).toMatchObject({ effectivePrice: 1500, priceSource: 'store' });
  });

  it('with allOrNothing, one bad item answers 422 and writes nothing', async () => {
    const response = await setPrices(
      [
        { storeId: 'PAR-01', productId: 'CAP', listPrice: 1000 },
        { storeId: 'PAR-01', productId: 'TEE', listPrice: 1000, currency: 'USD' },
      ],
      { allOrNothing: true },
    );
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'rule_violated',
      errors: [{ field: 'body.storeProducts.1.currency', message: expect.stringContaining('sells in EUR') }],
    });
    expect(await priceOf('PAR-01', 'CAP')).toMatchObject({ priceSource: 'none' });
    expect(await eventsFor(s, 'PAR-01/CAP')).toEqual([]);
  });

  it('keeps absent fields, clears nulls, and emits price.updated only for real changes', async () => {
    const updated = await setPrices([
      { storeId: 'NYC-01', productId: 'TEE', salePrice: null, listPrice: 2200 },
    ]);
    const [result] = updated.json().results;
    expect(result.status).toBe('updated');
    expect(result.item).toMatchObject({
      listPrice: 2200,
      saleStartsAt: saleStart,
      promoBannerText: expect.any(String),
    });
    expect(result.item).not.toHaveProperty('salePrice');
    expect(result.warnings).toEqual([expect.stringContaining('no salePrice')]);

    const events = await eventsFor(s, 'NYC-01/TEE');
    expect(events.map((event) => event.type)).toEqual(['price.updated', 'price.updated']);
    expect(events[0]?.data).toMatchObject({
      storeId: 'NYC-01',
      productId: 'TEE',
      changed: ['listPrice', 'salePrice', 'saleStartsAt', 'saleEndsAt', 'promoBannerText', 'currency'],
    });
    expect(events[1]?.data).toEqual({
      storeId: 'NYC-01',
      productId: 'TEE',
      price: result.item,
      changed: ['listPrice', 'salePrice'],
    });

    const again = await setPrices([
      { storeId: 'NYC-01', productId: 'TEE', listPrice: 2200, salePrice: null, saleEndsAt: saleEnd },
      { storeId: 'NYC-01', productId: 'CAP' },
    ]);
    expect(again.json().summary).toMatchObject({ unchanged: 2, updated: 0, created: 0 });
    expect(again.json().results[0].item.updatedAt).toBe(result.item.updatedAt);
    expect(await eventsFor(s, 'NYC-01/TEE')).toHaveLength(2);
    expect(await eventsFor(s, 'NYC-01/CAP')).toHaveLength(1);
  });

  it('checks the sale window against the stored bound, warns about a sale above list, limits banners', async () => {
    const response = await setPrices([
      { storeId: 'NYC-01', productId: 'TEE', saleEndsAt: saleStart - 1000 },
      { storeId: 'NYC-01', productId: 'SOCK', saleStartsAt: saleEnd, saleEndsAt: saleStart },
      { storeId: 'NYC-01', productId: 'MUG', promoBannerText: 'x'.repeat(201) },
      { storeId: 'PAR-01', productId: 'MUG', salePrice: 1300 },
      { storeId: 'PAR-01', productId: 'SOCK', salePrice: 900 },
    ]);
    const { results } = response.json();
    expect(results[0].error).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'saleEndsAt', message: expect.stringContaining('must start before it ends') }],
    });
    expect(results[1].error.errors[0].field).toBe('saleEndsAt');
    expect(results[2].error.errors[0]).toEqual({
      field: 'promoBannerText',
      message: 'is 201 characters long; a promo banner can have at most 200',
    });
    expect(results[3].status).toBe('updated');
    expect(results[3].warnings).toEqual([
      "salePrice: 13.00 EUR is above the product's list price 12.00 EUR, so shoppers pay more during the sale",
    ]);
    expect(results[4]).toMatchObject({ status: 'created', item: { currency: 'EUR', salePrice: 900 } });
    expect(results[4].warnings).toBeUndefined();
    expect(await priceOf('NYC-01', 'TEE')).toMatchObject({ saleEndsAt: saleEnd });
  });

  it('merges concurrent first writes of the same price instead of letting one overwrite the other', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `RACE-${i}`);
    await call('POST', '/merchant/v1/products', { products: ids.map((id) => product(id)) });
    const answers = await Promise.all(
      ids.flatMap((productId) => [
        setPrices([{ storeId: 'NYC-01', productId, listPrice: 999 }]),
        setPrices([{ storeId: 'NYC-01', productId, promoBannerText: 'Race day' }]),
      ]),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 200));
    const prices = (await pricesAt('NYC-01', ids)).json().data;
    expect(prices.map((price: any) => [price.listPrice, price.promoBannerText])).toEqual(
      ids.map(() => [999, 'Race day']),
    );
  });

  it('rejects bad input for the whole call with 400', async () => {
    const negative = await setPrices([{ storeId: 'NYC-01', productId: 'TEE', listPrice: -5 }]);
    expect(negative.statusCode).toBe(400);
    expect(negative.json().errors[0]).toMatchObject({
      field: 'body.storeProducts.0.listPrice',
      message: expect.stringContaining('must not be negative'),
    });
    const unknownField = await setPrices([{ storeId: 'NYC-01', productId: 'TEE', quantity: 3 }]);
    expect(unknownField.statusCode).toBe(400);
    const ids = Array.from({ length: 21 }, (_, i) => `P${i}`);
    const tooMany = await pricesAt('NYC-01', ids);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0]).toMatchObject({ field: 'query.productIds' });
    expect((await pricesAt('NYC-01', ids.slice(0, 20))).statusCode).toBe(200);
    const missingStore = await pricesAt('NOWHERE', ['TEE']);
    expect(missingStore.statusCode).toBe(404);
    expect(missingStore.json()).toMatchObject({ code: 'not_found' });
  });

  it('needs prices:write to set prices', async () => {
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['catalog:read'] } });
    const response = await setPrices(
      [{ storeId: 'NYC-01', productId: 'TEE', listPrice: 1 }],
      {},
      reader.auth,
    );
    expect(response.statusCode).toBe(403);
  });

  it("keeps each merchant's prices apart", async () => {
    const other = await createMerchant(s.t.platform);
    expect((await pricesAt('NYC-01', ['TEE'], undefined, other.auth)).statusCode).toBe(404);
    const blind = await setPrices([{ storeId: 'NYC-01', productId: 'TEE', listPrice: 1 }], {}, other.auth);
    expect(blind.json().results[0].error.errors.map((e: { field: string }) => e.field)).toEqual([
      'storeId',
      'productId',
    ]);

    await call('POST', '/merchant/v1/stores', sampleStore('NYC-01'), other.auth);
    await call('POST', '/merchant/v1/products', { products: [product('TEE')] }, other.auth);
    const own = await setPrices([{ storeId: 'NYC-01', productId: 'TEE', listPrice: 1 }], {}, other.auth);
    expect(own.json().results[0].status).toBe('created');
    expect((await pricesAt('NYC-01', ['TEE'], undefined, other.auth)).json().data[0].effectivePrice).toBe(1);
    expect(await priceOf('NYC-01', 'TEE')).toMatchObject({ listPrice: 2200 });
  });
});
