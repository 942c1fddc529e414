import type { AppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';

/** A balanced web sale of `quantity` units at 1000 each with 80 tax per unit, paid by card. */
export function webSale(
  orderId: string,
  lines: { productId: string; quantity: number; fulfillment?: object; allowBackorder?: boolean }[],
) {
  const subtotal = lines.reduce((total, line) => total + line.quantity * 1000, 0);
  const tax = lines.reduce((total, line) => total + line.quantity * 80, 0);
  return {
    orderId,
    type: 'sale',
    channel: 'web',
    storeId: 'NYC',
    lines: lines.map((line) => ({ ...line, unitPrice: 1000, taxAmount: line.quantity * 80 })),
    tenders: [{ type: 'card', amount: subtotal + tax, cardBrand: 'visa', cardLast4: '4242' }],
    totals: { subtotal, discountTotal: 0, taxTotal: tax, shippingTotal: 0, total: subtotal + tax },
  };
}

export function fulfillmentApi(s: AppWithMerchant) {
  const api = merchantApi(s);
  return {
    ...api,
    postOrder: (body: object) => api.call('POST', '/merchant/v1/sa/orders', body),
    getOrder: (orderId: string) => api.call('GET', `/merchant/v1/sa/orders/${orderId}`),
    get: (fulfillmentId: string) => api.call('GET', `/merchant/v1/fulfillments/${fulfillmentId}`),
    queue: (query: string) => api.call('GET', `/merchant/v1/fulfillments?${query}`),
    move: (fulfillmentId: string, body: object) =>
      api.call('POST', `/merchant/v1/fulfillments/${fulfillmentId}/transitions`, body),
  };
}

/** The e-mailed pick lists of a merchant: data and addresses, oldest first. */
export async function pickListMails(s: AppWithMerchant) {
  const { rows } = await s.t.database.pool.query(
    `select n.data, r.email from notifications n
       join notification_recipients r on r.tenant_id = n.tenant_id and r.notification_id = n.id
     where n.tenant_id = $1 and n.type = 'STORE_PICK_LIST' order by n.created_at`,
    [s.merchant.tenant.id],
  );
  return rows as { data: Record<string, unknown>; email: string }[];
}
