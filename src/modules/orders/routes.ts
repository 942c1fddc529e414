import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  customerOrdersParams,
  historyQuery,
  newOrderSchema,
  orderPageSchema,
  orderParams,
  orderSchema,
  orderSearchSchema,
  repostResultSchema,
  repostSchema,
} from './schemas.ts';
import * as orders from './service.ts';

const tags = ['Orders'];

export function orderRoutes(app: FastifyInstance, platform: Platform): void {
  const replays = new WeakSet<object>();
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/sa/orders',
    scope: 'orders:write',
    tags,
    summary: 'Post a sale, return or exchange',
    description:
      'Checks the order whole (stores, products, customer, amounts: `totals_mismatch` names the field), moves ' +
      'stock (sales off hand at the fulfilment store, restocked returns back on hand) and emits ORDER, RETURN, ' +
      'SALE_INVENTORY, RETURN_INVENTORY, ORDER_UPDATE (the original of a return) and ERECEIPT_CUSTOMER. ' +
      'Answers 201; the same orderId with the same content answers 200 with the stored order, with other ' +
      'content 409. Online a sale short of stock is 409 `insufficient_stock`; an `offline` one is kept and its ' +
      'lines answer `stockShortfall`. Store-fulfilled lines (ship_from_store, BOPIS, BOFIS, ROPIS) open ' +
      'fulfillments that hold their units (see /merchant/v1/fulfillments) and emit BOPIS_EXPORT, BOFIS_EXPORT ' +
      'or ROPIS_EXPORT; the order stays `open` until they end.',
    body: newOrderSchema,
    status: 201,
    statusOf: (body) => (replays.has(body) ? 200 : 201),
    response: orderSchema,
    handler: async (ctx, { body }) => {
      const { order, replayed } = await orders.placeOrder(ctx, body);
      if (replayed) replays.add(order);
      return order;
    },
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/sa/orders/:orderId',
    scope: 'orders:read',
    tags,
    summary: 'Get one order',
    description:
      'With what is left after returns (`productList`) and the returns posted against it (`returns`).',
    params: orderParams,
    response: orderSchema,
    handler: (ctx, { params }) => orders.getOrder(ctx, params.orderId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/sa/orders/search',
    scope: 'orders:read',
    tags,
    summary: 'Search orders',
    description: 'Filters combine; `from`/`to` bound occurredAt. Newest first.',
    body: orderSearchSchema,
    response: orderPageSchema,
    handler: (ctx, { body }) => orders.searchOrders(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/sa/orders/repost',
    scope: 'orders:write',
    tags,
    summary: 'Emit orders again',
    description:
      'Emits ORDER (RETURN for a return) again for each order found, for a system that missed them.',
    body: repostSchema,
    response: repostResultSchema,
    handler: (ctx, { body }) => orders.repostOrders(ctx, body.orderIds),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/customers/:customerId/orders',
    scope: 'orders:read',
    tags: [...tags, 'Customers'],
    summary: "A customer's purchase history",
    description: 'Orders of every channel, those of customers merged into this one included; newest first.',
    params: customerOrdersParams,
    query: historyQuery,
    response: orderPageSchema,
    handler: (ctx, { params, query }) => orders.customerOrders(ctx, params.customerId, query),
  });
}
