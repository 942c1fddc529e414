import { beforeAll, describe, expect, it } from 'vitest';
import { accessToken, sampleStore, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
const verify = (body: object) => api.call('POST', '/merchant/v1/associates/verify', body);

const associate = (associateId: string, overrides: Record<string, unknown> = {}) => ({
  associateId,
  employeeNumber: `E-${associateId}`,
  firstName: 'Dana',
  lastName: 'Reyes',
  storeIds: ['V-S1'],
  ...overrides,
});

beforeAll(async () => {
  for (const storeId of ['V-S1', 'V-S2']) {
    expect((await api.call('POST', '/merchant/v1/stores', sampleStore(storeId))).statusCode).toBe(201);
  }
  for (const body of [associate('V-1'), associate('V-2', { active: false, firstName: 'Sam' })]) {
    expect((await api.call('POST', '/merchant/v1/associates', body)).statusCode).toBe(201);
  }
});

describe('employee verification without a VERIFY_EMPLOYEE SPI', () => {
  it("verifies an active associate from Backroom's own associates, in any store or one of theirs", async () => {
    for (const body of [{ associateId: 'V-1' }, { associateId: 'V-1', storeId: 'V-S1' }]) {
      const response = await verify(body);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        verified: true,
        associateId: 'V-1',
        name: 'Dana Reyes',
        source: 'backroom',
      });
    }
  });

  it('does not verify an associate of another store, an inactive one or an unknown one, and names none', async () => {
    for (const body of [
      { associateId: 'V-1', storeId: 'V-S2' },
      { associateId: 'V-2' },
      { associateId: 'V-404' },
      { associateId: 'V-1', storeId: 'NO-SUCH-STORE' },
    ]) {
      const response = await verify(body);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ verified: false, associateId: body.associateId, source: 'backroom' });
    }
  });

  it('refuses a body without an associateId or with unknown fields', async () => {
    for (const body of [{}, { associateId: 'V-1', pin: '4827' }, { associateId: 'bad id!' }]) {
      const response = await verify(body);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
  });

  it('needs the associates:read scope', async () => {
    const token = await accessToken(s.t.app, s.merchant.client, 'stores:read');
    const response = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/associates/verify',
      headers: { authorization: `Bearer ${token}` },
      payload: { associateId: 'V-1' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('insufficient_scope');
  });
});
