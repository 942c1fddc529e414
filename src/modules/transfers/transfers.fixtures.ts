import { expect } from 'vitest';
import { type AppWithMerchant, eventsFor } from '../../../test/helpers/app.ts';
import { merchantApi, movementsOfDocument, seedCatalog } from '../../../test/helpers/inventory.ts';

// HTTP helpers the transfer test files share.

export const TRANSFERS_URL = '/merchant/v1/ims/inventory/transfers';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Line = { productId: string; quantity: number };

export function transfersApi(s: AppWithMerchant) {
  const call = (method: Method, url: string, payload?: object) =>
    s.t.app.inject({ method, url, headers: s.merchant.auth, ...(payload ? { payload } : {}) });
  const inventory = merchantApi(s);

  async function addStock(storeId: string, productId: string, quantity: number) {
    const response = await inventory.adjustStock([{ storeId, productId, quantity, reason: 'received' }]);
    expect(response.statusCode).toBe(200);
  }

  return {
    call,
    addStock,
    create: (body: object) => call('POST', TRANSFERS_URL, body),
    ship: (transferId: string, body?: object) => call('POST', `${TRANSFERS_URL}/${transferId}/ship`, body),
    receive: (transferId: string, body: object) =>
      call('POST', `${TRANSFERS_URL}/${transferId}/receive`, body),
    /** A store-to-store transfer from NYC to BOS. */
    sts: (transferId: string, lines: Line[], extra: object = {}) => ({
      transferId,
      type: 'store_to_store',
      fromStoreId: 'NYC',
      toStoreId: 'BOS',
      lines,
      ...extra,
    }),
    /** A return from NYC to a vendor. */
    rtv: (transferId: string, lines: Line[], extra: object = {}) => ({
      transferId,
      type: 'return_to_vendor',
      fromStoreId: 'NYC',
      vendor: 'Acme Apparel',
      lines,
      ...extra,
    }),

    /** The product's stock at a store, as the availability API answers it. */
    stockOf: (productId: string, storeId: string) => inventory.position(storeId, productId),

    /** The ledger movements a transfer posted, oldest first. */
    movementsOf: (transferId: string) => movementsOfDocument(s, { type: 'transfer', id: transferId }),

    /** The types of the events about a transfer, sorted (events of one transaction share a time). */
    typesOf: async (subject: string) => (await eventsFor(s, subject)).map((event) => event.type).sort(),
    eventOf: async (subject: string, type: string) =>
      (await eventsFor(s, subject)).find((event) => event.type === type)?.data,

    /** Stores NYC and BOS, the products, and 10 on hand at NYC of each product in `stocked`. */
    async setup(productIds: readonly string[], stocked: readonly string[]) {
      await seedCatalog(s, ['NYC', 'BOS'], productIds);
      for (const productId of stocked) await addStock('NYC', productId, 10);
    },
  };
}
