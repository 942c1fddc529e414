import { expect } from 'vitest';
import type { AppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';
import { asSystem } from '../../platform/system-context.ts';

// Helpers the customer test files share.

const CUSTOMERS = '/merchant/v1/customers';

/** Requests to the customer endpoints as the set-up merchant. */
export function customersApi(s: AppWithMerchant) {
  const { call } = merchantApi(s);
  const addresses = (customerId: string) => `${CUSTOMERS}/${customerId}/addresses`;
  return {
    call,
    create: (body: object) => call('POST', CUSTOMERS, body),
    get: (customerId: string) => call('GET', `${CUSTOMERS}/${customerId}`),
    update: (customerId: string, body: object) => call('PUT', `${CUSTOMERS}/${customerId}`, body),
    search: (query: string) => call('GET', `${CUSTOMERS}?${query}`),
    setPolicy: (duplicatePolicy: string) =>
      call('PUT', '/merchant/v1/customer-settings', { duplicatePolicy }),
    addresses,
    /** Adds an address (a bare one by default), expecting a 201. */
    async addAddress(customerId: string, body: object = home) {
      const response = await call('POST', addresses(customerId), body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    },
    async listAddresses(customerId: string) {
      const response = await call('GET', addresses(customerId));
      expect(response.statusCode, response.body).toBe(200);
      return response.json().data as Record<string, unknown>[];
    },
  };
}

export const home = { line1: '12 Elm Street', city: 'Springfield', country: 'US' };

/**
 * Inserts customer rows directly, numbered `<prefix>1`, `<prefix>2`…, each created a second after the one
 * before (oldest first), so tests of addresses and merges need no create endpoint.
 */
export function customerInserter(s: AppWithMerchant, prefix: string) {
  let counter = 0;
  return async (fields: Record<string, unknown> = {}): Promise<string> => {
    counter += 1;
    const customerId = `${prefix}${counter}`;
    const createdAt = new Date(Date.UTC(2024, 0, 1) + counter * 1000);
    await asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) =>
      ctx.tx
        .insertInto('customers')
        .values({ tenantId: ctx.tenantId, customerId, channel: 'api', createdAt, ...fields })
        .execute(),
    );
    return customerId;
  };
}
