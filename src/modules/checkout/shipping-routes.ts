import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  deleteShippingMethod,
  listShippingMethods,
  putShippingMethod,
  shippingOptions,
  wasCreated,
} from './shipping.ts';
import {
  shippingMethodInputSchema,
  shippingMethodListSchema,
  shippingMethodParams,
  shippingMethodSchema,
  shippingOptionsQuery,
  shippingOptionsSchema,
} from './shipping-schemas.ts';

const tags = ['Shipping methods'];

export function shippingRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/shipping-methods',
    scope: 'carts:read',
    tags,
    summary: 'List the shipping methods',
    response: shippingMethodListSchema,
    handler: (ctx) => listShippingMethods(ctx),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/shipping-methods/options',
    scope: 'carts:read',
    tags,
    summary: 'The shipping methods a cart may choose, with what it pays',
    description:
      "Active methods offered to the store, in the store's currency, cheapest first; `price` is 0 when the " +
      'subtotal reaches `freeOver`.',
    query: shippingOptionsQuery,
    response: shippingOptionsSchema,
    handler: (ctx, { query }) => shippingOptions(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/shipping-methods/:methodId',
    scope: 'carts:write',
    tags,
    summary: 'Create or replace a shipping method',
    description:
      'Answers 201 when the method is new, 200 when it replaced one. Unknown `storeIds`: 422 ' +
      '`unknown_reference`; `maxDays` below `minDays`: 422 `rule_violated`.',
    params: shippingMethodParams,
    body: shippingMethodInputSchema,
    status: 201,
    statusOf: (body) => (wasCreated(body) ? 201 : 200),
    response: shippingMethodSchema,
    handler: (ctx, { params, body }) => putShippingMethod(ctx, params.methodId, body),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: '/merchant/v1/shipping-methods/:methodId',
    scope: 'carts:write',
    tags,
    summary: 'Delete a shipping method',
    description: 'Answers the method as it was.',
    params: shippingMethodParams,
    response: shippingMethodSchema,
    handler: (ctx, { params }) => deleteShippingMethod(ctx, params.methodId),
  });
}
