import { type AppWithMerchant, eventsFor } from '../../../test/helpers/app.ts';
import { merchantApi, movementsOfDocument, seedCatalog } from '../../../test/helpers/inventory.ts';

// HTTP helpers the receiving test files share.

export const ASN_URL = '/merchant/v1/ims/inventory/asn';
export const EXPECTED_AT = Date.parse('2030-03-01T12:00:00Z');

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export function receivingApi(s: AppWithMerchant) {
  const call = (method: Method, url: string, payload?: object, auth = s.merchant.auth) =>
    s.t.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const inventory = merchantApi(s);

  return {
    call,
    createAsn: (body: object) => call('POST', ASN_URL, body),
    receive: (asnId: string, body: object) => call('POST', `${ASN_URL}/${asnId}/receive`, body),
    newAsn: (asnId: string, lines: { productId: string; quantity: number }[], extra: object = {}) => ({
      asnId,
      storeId: 'DOCK',
      expectedAt: EXPECTED_AT,
      supplier: 'Acme Apparel',
      lines,
      ...extra,
    }),

    /** The product's stock at a store, as the availability API answers it. */
    position: (productId: string, storeId = 'DOCK') => inventory.position(storeId, productId),

    /** The ledger movements an ASN posted, oldest first. */
    movementsOf: (asnId: string) => movementsOfDocument(s, { type: 'asn', id: asnId }),

    /** The types of the events about an ASN, sorted (events of one transaction share a time). */
    typesOf: async (subject: string) => (await eventsFor(s, subject)).map((event) => event.type).sort(),

    /** The store DOCK and the products the tests receive. */
    setup: (productIds: readonly string[]) => seedCatalog(s, ['DOCK'], productIds),
  };
}
