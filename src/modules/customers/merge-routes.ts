import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import * as merges from './merge.ts';
import {
  customerParams,
  linkBodySchema,
  linkListSchema,
  linkParams,
  linkSchema,
  mergeBodySchema,
  mergeResultSchema,
} from './merge-schemas.ts';

const tags = ['Customers'];

export function mergeRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/customers/merge',
    scope: 'customers:write',
    tags,
    summary: 'Merge customers into one',
    description:
      'Each customer of `customerIds` becomes an alias of the survivor: its number stands for the survivor ' +
      'everywhere, its addresses and links move to the survivor, and fields the survivor lacks are filled from ' +
      'it, oldest first. Unknown or already merged numbers are refused with 422 and nothing changes. Emits ' +
      '`customer.merged`.',
    body: mergeBodySchema,
    response: mergeResultSchema,
    handler: (ctx, { body }) => merges.mergeCustomers(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/customers/:customerId/links',
    scope: 'customers:read',
    tags,
    summary: "List a customer's possible duplicates",
    description:
      'Customers linked on create (same e-mail address or phone number) or by hand, oldest link first.',
    params: customerParams,
    response: linkListSchema,
    handler: (ctx, { params }) => merges.listLinks(ctx, params.customerId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/customers/:customerId/links',
    scope: 'customers:write',
    tags,
    summary: 'Link a possible duplicate by hand',
    description:
      'Answers the link; a pair already linked is answered unchanged. A customer cannot be linked to itself or ' +
      'to a merged number (422). Emits `customer.linked` for a new link.',
    params: customerParams,
    body: linkBodySchema,
    response: linkSchema,
    handler: (ctx, { params, body }) => merges.linkCustomers(ctx, params.customerId, body.customerId),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: '/merchant/v1/customers/:customerId/links/:otherCustomerId',
    scope: 'customers:write',
    tags,
    summary: 'Remove a link between two customers',
    description: 'For customers that are not the same person. Answers the link as it was.',
    params: linkParams,
    response: linkSchema,
    handler: (ctx, { params }) => merges.unlinkCustomers(ctx, params.customerId, params.otherCustomerId),
  });
}
