import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpiServer, startSpiServer } from './server.ts';

const API_KEY = 'example-key-3d9f';
let spi: SpiServer;

beforeAll(async () => {
  spi = await startSpiServer({ apiKey: API_KEY });
});
afterAll(() => spi?.close());

const call = (method: 'GET' | 'POST', path: string, body?: unknown, apiKey = API_KEY) => {
  const url = new URL(`${spi.url}/1.0${path}`);
  url.searchParams.set('api_key', apiKey);
  return fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
};

describe('example SPI server', () => {
  it('answers 401 with an empty body to a missing or wrong api_key, on every path', async () => {
    for (const response of [
      await call('GET', '/sa/customers/C-1001', undefined, 'wrong'),
      await call('POST', '/nowhere', { any: 1 }, 'wrong'),
      await fetch(`${spi.url}/1.0/sa/customers/C-1001`),
    ]) {
      expect(response.status).toBe(401);
      expect(await response.text()).toBe('');
    }
  });

  it('calculates tax per line in minor units, by postal code first and then by region', async () => {
    const response = await call('POST', '/taxEngine/calculateTax', {
      currency: 'USD',
      shipTo: { postalCode: '10001', region: 'NY' },
      lines: [
        { lineId: '1', amount: 2500 },
        { lineId: '2', amount: 999 },
      ],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      currency: 'USD',
      lines: [
        { lineId: '1', taxAmount: 222, rate: 0.08875 },
        { lineId: '2', taxAmount: 89, rate: 0.08875 },
      ],
      totalTax: 311,
    });
    const byRegion = await call('POST', '/taxEngine/calculateTax', {
      shipTo: { postalCode: '12207', region: 'NY' },
      lines: [{ lineId: 'a', amount: 1000 }],
    });
    expect(await byRegion.json()).toEqual({
      lines: [{ lineId: 'a', taxAmount: 40, rate: 0.04 }],
      totalTax: 40,
    });
    const unreadable = await call('POST', '/taxEngine/calculateTax', { shipTo: {}, lines: [] });
    expect(unreadable.status).toBe(400);
    expect(await unreadable.json()).toMatchObject({ errorCode: 'BAD_REQUEST' });
  });

  it('validates carts, answering the broken rule as errorCode and errorMessage in a 200', async () => {
    const valid = await call('POST', '/sa/cartValidation', {
      cartId: 'cart-1',
      items: [{ productId: 'P-1', quantity: 2 }],
    });
    expect(await valid.json()).toEqual({ cartId: 'cart-1', valid: true });
    const tooMany = await call('POST', '/sa/cartValidation', {
      items: [
        { productId: 'P-1', quantity: 6 },
        { productId: 'P-1', quantity: 5 },
      ],
    });
    expect(tooMany.status).toBe(200);
    expect(await tooMany.json()).toMatchObject({ errorCode: 'QUANTITY_LIMIT' });
    const blocked = await call('POST', '/sa/cartValidation', {
      items: [{ productId: 'P-RECALLED', quantity: 1 }],
    });
    expect(await blocked.json()).toMatchObject({ errorCode: 'PRODUCT_BLOCKED' });
  });

  it('looks customers up by id and by e-mail, leaving absent fields out', async () => {
    const lee = (await (await call('GET', '/sa/customers/C-1002')).json()) as Record<string, unknown>;
    expect(lee).toEqual({
      customerId: 'C-1002',
      firstName: 'Lee',
      lastName: 'Park',
      email: 'lee.park@example.com',
    });
    expect(Object.values(lee)).not.toContain(null);
    const unknown = await call('GET', '/sa/customers/C-9');
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ errorCode: 'CUSTOMER_NOT_FOUND' });
    const found = (await (await call('GET', '/sa/customers?email=ANA.SILVA%40example.com')).json()) as {
      customers: { customerId: string }[];
    };
    expect(found.customers.map((customer) => customer.customerId)).toEqual(['C-1001']);
  });

  it('verifies employees', async () => {
    const verify = async (body: object) => (await call('POST', '/sa/employee/verification', body)).json();
    expect(await verify({ associateId: 'A-1001', storeId: 'NYC-02' })).toEqual({
      verified: true,
      name: 'Dana Reyes',
    });
    expect(await verify({ associateId: 'A-1001', storeId: 'LA-01' })).toEqual({ verified: false });
    expect(await verify({ associateId: 'A-1002' })).toEqual({ verified: false });
    expect(await verify({ associateId: 'A-9' })).toMatchObject({ errorCode: 'EMPLOYEE_NOT_FOUND' });
  });

  it('answers 404 for another api_version or path, and 405 for another method', async () => {
    expect((await fetch(`${spi.url}/2.0/sa/customers/C-1?api_key=${API_KEY}`)).status).toBe(404);
    expect((await call('GET', '/sa/unknown')).status).toBe(404);
    expect((await call('GET', '/sa/employee/verification')).status).toBe(405);
  });
});
