import { describe, expect, it } from 'vitest';
import { sampleStore, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi, seedCatalog } from '../../../test/helpers/inventory.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
const putRates = (storeId: string, rates: object[]) =>
  api.call('PUT', `/merchant/v1/stores/${storeId}/tax-rates`, { rates });
const getRates = (storeId: string) => api.call('GET', `/merchant/v1/stores/${storeId}/tax-rates`);
const quote = (body: object) => api.call('POST', '/merchant/v1/tax-quotes', body);

async function createStore(storeId: string) {
  expect((await api.call('POST', '/merchant/v1/stores', sampleStore(storeId))).statusCode).toBe(201);
}

async function createProducts(products: object[]) {
  const response = await api.call('POST', '/merchant/v1/products', { products, allOrNothing: true });
  expect(response.statusCode).toBe(200);
}

describe('store tax rates', () => {
  it('replaces the whole set of a store and answers it on GET', async () => {
    await createStore('TAX-1');
    const first = await putRates('TAX-1', [
      { name: 'State tax', ratePpm: 62_500, appliesToShipping: true },
      { name: 'Food tax', taxClass: 'food', ratePpm: 10_000 },
    ]);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      storeId: 'TAX-1',
      rates: [
        { name: 'Food tax', taxClass: 'food', ratePpm: 10_000, appliesToShipping: false },
        { name: 'State tax', ratePpm: 62_500, appliesToShipping: true },
      ],
    });
    const replaced = await putRates('TAX-1', [{ name: 'City tax', ratePpm: 20_000 }]);
    expect(replaced.json().rates).toEqual([{ name: 'City tax', ratePpm: 20_000, appliesToShipping: false }]);
    expect((await getRates('TAX-1')).json()).toEqual(replaced.json());
    expect((await putRates('TAX-1', [])).json()).toEqual({ storeId: 'TAX-1', rates: [] });
  });

  it('refuses two rates with the same name and class, keeping the rates it had', async () => {
    await createStore('TAX-2');
    await putRates('TAX-2', [{ name: 'State tax', ratePpm: 62_500 }]);
    const response = await putRates('TAX-2', [
      { name: 'Sales tax', ratePpm: 1 },
      { name: 'Sales tax', taxClass: 'food', ratePpm: 2 },
      { name: 'Sales tax', ratePpm: 3 },
    ]);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'rule_violated',
      errors: [{ field: 'body.rates.2.name' }],
    });
    expect((await getRates('TAX-2')).json().rates.map((rate: { name: string }) => rate.name)).toEqual([
      'State tax',
    ]);
  });

  it('answers 404 for an unknown store and 400 for a rate above 100 %', async () => {
    expect((await getRates('NO-SUCH')).statusCode).toBe(404);
    expect((await putRates('NO-SUCH', [])).statusCode).toBe(404);
    await createStore('TAX-3');
    const tooHigh = await putRates('TAX-3', [{ name: 'Too much', ratePpm: 1_000_001 }]);
    expect(tooHigh.statusCode).toBe(400);
    expect(tooHigh.json().errors[0].field).toBe('body.rates.0.ratePpm');
  });
});

describe('tax quotes', () => {
  it("taxes each line by its product's class and the shipping by the shipping rates", async () => {
    await createStore('QUOTE-1');
    await createProducts([
      { productId: 'Q-SHIRT', sku: 'Q-SHIRT', name: 'Shirt', taxClass: 'standard' },
      { productId: 'Q-BREAD', sku: 'Q-BREAD', name: 'Bread', taxClass: 'food' },
      { productId: 'Q-PLAIN', sku: 'Q-PLAIN', name: 'Plain' },
    ]);
    await putRates('QUOTE-1', [
      { name: 'State tax', ratePpm: 82_500, appliesToShipping: true },
      { name: 'Food tax', taxClass: 'food', ratePpm: 10_000 },
    ]);
    const response = await quote({
      storeId: 'QUOTE-1',
      lines: [
        { productId: 'Q-SHIRT', quantity: 2, unitPrice: 500 },
        { productId: 'Q-BREAD', quantity: 1, unitPrice: 350, discountAmount: 100 },
        { productId: 'Q-PLAIN', quantity: 3, unitPrice: 1_000, discountAmount: 3_000 },
      ],
      shippingAmount: 1_000,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      storeId: 'QUOTE-1',
      currency: 'USD',
      lines: [
        {
          lineNumber: 1,
          productId: 'Q-SHIRT',
          amount: 1_000,
          taxes: [{ name: 'State tax', ratePpm: 82_500, amount: 83 }],
          taxAmount: 83,
        },
        {
          lineNumber: 2,
          productId: 'Q-BREAD',
          amount: 250,
          taxes: [{ name: 'Food tax', ratePpm: 10_000, amount: 3 }],
          taxAmount: 3,
        },
        {
          lineNumber: 3,
          productId: 'Q-PLAIN',
          amount: 0,
          taxes: [{ name: 'State tax', ratePpm: 82_500, amount: 0 }],
          taxAmount: 0,
        },
      ],
      shipping: { amount: 1_000, taxes: [{ name: 'State tax', ratePpm: 82_500, amount: 83 }], taxAmount: 83 },
      taxTotal: 169,
    });
  });

  it('names unknown products, an unknown store and a discount above the line amount', async () => {
    await seedCatalog(s, ['QUOTE-2'], ['Q-KNOWN']);
    const unknown = await quote({
      storeId: 'QUOTE-2',
      lines: [
        { productId: 'Q-KNOWN', quantity: 1, unitPrice: 100 },
        { productId: 'Q-MISSING', quantity: 1, unitPrice: 100 },
      ],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      code: 'unknown_reference',
      errors: [{ field: 'body.lines.1.productId' }],
    });
    const noStore = await quote({
      storeId: 'NO-STORE',
      lines: [{ productId: 'Q-KNOWN', quantity: 1, unitPrice: 1 }],
    });
    expect(noStore.json()).toMatchObject({ code: 'unknown_reference', errors: [{ field: 'body.storeId' }] });
    const discount = await quote({
      storeId: 'QUOTE-2',
      lines: [{ productId: 'Q-KNOWN', quantity: 2, unitPrice: 100, discountAmount: 201 }],
    });
    expect(discount.statusCode).toBe(422);
    expect(discount.json()).toMatchObject({
      code: 'rule_violated',
      errors: [{ field: 'body.lines.0.discountAmount' }],
    });
  });
});
