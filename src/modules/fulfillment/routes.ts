import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  fulfillmentParams,
  fulfillmentQueueSchema,
  fulfillmentSchema,
  queueQuery,
  transitionSchema,
} from './schemas.ts';
import * as fulfillments from './service.ts';

const tags = ['Fulfillment'];

export function fulfillmentRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/fulfillments',
    scope: 'orders:read',
    tags,
    summary: "A store's fulfillment queue",
    description:
      'The web orders a store ships or hands over (ship from store, BOPIS, BOFIS, ROPIS), oldest first; ' +
      'without `status`, those not yet completed or cancelled.',
    query: queueQuery,
    response: fulfillmentQueueSchema,
    handler: (ctx, { query }) => fulfillments.storeQueue(ctx, query.storeId, query.status),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/fulfillments/:fulfillmentId',
    scope: 'orders:read',
    tags,
    summary: 'Get one fulfillment',
    description: 'With its pick list (`lines`), its order and its history.',
    params: fulfillmentParams,
    response: fulfillmentSchema,
    handler: (ctx, { params }) => fulfillments.fulfillmentView(ctx, params.fulfillmentId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/fulfillments/:fulfillmentId/transitions',
    scope: 'orders:write',
    tags,
    summary: 'Move a fulfillment on',
    description:
      'placed → picking | cancelled; picking → ready_for_pickup (BOPIS, ROPIS) | shipped (ship from store, ' +
      'BOFIS) | cancelled; ready_for_pickup → completed | cancelled; shipped → completed; backordered → ' +
      'cancelled. Anything else is 409 `invalid_state`. Shipping (or, for pick-ups, completing) commits the ' +
      'held stock and emits SALE_INVENTORY; cancelling releases it. Emits ORDER_UPDATE and ' +
      '`fulfillment.<status>`; once every fulfillment of the order has ended, the order is completed ' +
      '(cancelled if all were cancelled).',
    params: fulfillmentParams,
    body: transitionSchema,
    response: fulfillmentSchema,
    handler: (ctx, { params, body }) => fulfillments.transitionFulfillment(ctx, params.fulfillmentId, body),
  });
}
