import { beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi, seedCatalog } from '../../../test/helpers/inventory.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);

/** A sale of one CAP at 1000, no tax, paid in cash, fulfilled as `type`. */
function saleOfOne(orderId: string, type: 'ship' | 'cash_and_carry') {
  return {
    orderId,
    type: 'sale',
    channel: type === 'ship' ? 'web' : 'store',
    storeId: 'RSV',
    lines: [{ productId: 'CAP', quantity: 1, unitPrice: 1000, taxAmount: 0, fulfillment: { type } }],
    tenders: [{ type: 'cash', amount: 1000 }],
    totals: { subtotal: 1000, discountTotal: 0, taxTotal: 0, shippingTotal: 0, total: 1000 },
  };
}

beforeAll(async () => {
  await seedCatalog(s, ['RSV'], ['CAP']);
  expect((await api.setStock([{ storeId: 'RSV', productId: 'CAP', quantity: 2 }])).statusCode).toBe(200);
  const held = await api.reserve({
    storeId: 'RSV',
    reference: { type: 'cart', id: 'cart-1' },
    lines: [{ productId: 'CAP', quantity: 2 }],
  });
  expect(held.statusCode, held.body).toBe(201);
});

describe('sales of units held for carts', () => {
  it('refuses a ship line the reserved units would pay for, and nothing is written', async () => {
    const response = await api.call('POST', '/merchant/v1/sa/orders', saleOfOne('RSV-SHIP', 'ship'));
    expect(response.statusCode, response.body).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'insufficient_stock',
      errors: [{ field: 'body.lines.0.quantity', message: '0 of CAP available at RSV; 1 asked' }],
    });
    expect((await api.call('GET', '/merchant/v1/sa/orders/RSV-SHIP')).statusCode).toBe(404);
    expect(await api.position('RSV', 'CAP')).toMatchObject({ onHand: 2, reserved: 2 });
  });

  it('lets a cash-and-carry sale take a unit already in the customer’s hands', async () => {
    const response = await api.call('POST', '/merchant/v1/sa/orders', saleOfOne('RSV-CC', 'cash_and_carry'));
    expect(response.statusCode, response.body).toBe(201);
    expect(await api.position('RSV', 'CAP')).toMatchObject({ onHand: 1, reserved: 2 });
  });
});
