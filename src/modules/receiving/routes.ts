import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import { asnParams, asnReceiptSchema, asnSchema, newAsnSchema } from './schemas.ts';
import * as receiving from './service.ts';

const tags = ['Receiving'];
const base = '/merchant/v1/ims/inventory/asn';

export function receivingRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: base,
    scope: 'inventory:write',
    tags,
    summary: 'Create an advance shipping notice',
    description:
      'Records the stock a supplier will deliver to a store and when; until it arrives, products that allow ' +
      'backorders show as back-ordered with this date. Emits `ASN_CREATED_EVENT`. 409 when the asnId exists, ' +
      '422 `unknown_reference` for an unknown store or product.',
    body: newAsnSchema,
    status: 201,
    response: asnSchema,
    handler: (ctx, { body }) => receiving.createAsn(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: `${base}/:asnId`,
    scope: 'inventory:read',
    tags,
    summary: 'Get an advance shipping notice with what has been received so far',
    params: asnParams,
    response: asnSchema,
    handler: (ctx, { params }) => receiving.getAsn(ctx, params.asnId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:asnId/receive`,
    scope: 'inventory:write',
    tags,
    summary: 'Receive all or part of an advance shipping notice',
    description:
      'Adds the sound units to on hand and the damaged ones to the damaged bucket (reason `asn_receipt`). ' +
      'Emits `ASN_RECEIVED_EVENT`, then `ASN_PARTIALLY_RECEIVED_EVENT` or `ASN_RECEIVE_COMPLETED_EVENT`. ' +
      'More units than still expected need `allowOverReceipt` (else 422 `rule_violated`); a received, closed ' +
      'or cancelled ASN answers 409 `invalid_state`.',
    params: asnParams,
    body: asnReceiptSchema,
    response: asnSchema,
    handler: (ctx, { params, body }) => receiving.receiveAsn(ctx, params.asnId, body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:asnId/close`,
    scope: 'inventory:write',
    tags,
    summary: 'Close an advance shipping notice short',
    description:
      'Stops expecting what has not arrived and completes receiving (`ASN_RECEIVE_COMPLETED_EVENT` with ' +
      '`closedShort: true`).',
    params: asnParams,
    response: asnSchema,
    handler: (ctx, { params }) => receiving.closeAsn(ctx, params.asnId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:asnId/cancel`,
    scope: 'inventory:write',
    tags,
    summary: 'Cancel an advance shipping notice nothing was received for',
    description:
      'Emits `ASN_CANCELLED_EVENT`. Once something is received, close the ASN instead (409 otherwise).',
    params: asnParams,
    response: asnSchema,
    handler: (ctx, { params }) => receiving.cancelAsn(ctx, params.asnId),
  });
}
