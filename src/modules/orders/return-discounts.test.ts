import { beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi, seedCatalog } from '../../../test/helpers/inventory.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
const post = (body: object) => api.call('POST', '/merchant/v1/sa/orders', body);

beforeAll(async () => {
  await seedCatalog(s, ['DSC'], ['MUG']);
  expect((await api.setStock([{ storeId: 'DSC', productId: 'MUG', quantity: 5 }])).statusCode).toBe(200);
  // Three mugs at 1000 with 100 off the line: 2900 paid.
  const sold = await post({
    orderId: 'D-1',
    type: 'sale',
    channel: 'store',
    storeId: 'DSC',
    lines: [{ productId: 'MUG', quantity: 3, unitPrice: 1000, discountAmount: 100, taxAmount: 0 }],
    discounts: [{ name: 'Mug week', amount: 100 }],
    tenders: [{ type: 'cash', amount: 2900 }],
    totals: { subtotal: 3000, discountTotal: 100, taxTotal: 0, shippingTotal: 0, total: 2900 },
  });
  expect(sold.statusCode, sold.body).toBe(201);
});

const returnOne = (orderId: string, refund: number) =>
  post({
    orderId,
    type: 'return',
    channel: 'store',
    storeId: 'DSC',
    originalOrderId: 'D-1',
    returnLines: [{ originalLineNumber: 1, quantity: 1, taxAmount: 0 }],
    tenders: [{ type: 'cash', direction: 'refund', amount: refund }],
    totals: { subtotal: 0, discountTotal: 0, taxTotal: 0, shippingTotal: 0, total: 0, returnTotal: refund },
  });

describe('returns of a discounted line', () => {
  it('give back its discount unit by unit, so all the returns together refund exactly what was paid', async () => {
    // The full price is not what the customer paid: refunding it is refused as a total that does not add up.
    expect((await returnOne('D-R0', 1000)).statusCode).toBe(422);
    const refunds = [];
    for (const [index, refund] of [967, 967, 966].entries()) {
      const response = await returnOne(`D-R${index + 1}`, refund);
      expect(response.statusCode, response.body).toBe(201);
      refunds.push(response.json().returnProductList[0].discountAmount);
    }
    expect(refunds).toEqual([33, 33, 34]);
  });
});
