import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  newTransferSchema,
  transferParams,
  transferReceiptSchema,
  transferSchema,
  transferShipmentSchema,
} from './schemas.ts';
import * as transfers from './service.ts';

const tags = ['Transfers'];
const base = '/merchant/v1/ims/inventory/transfers';

export function transferRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: base,
    scope: 'inventory:write',
    tags,
    summary: 'Create a store-to-store transfer or a return to vendor',
    description:
      'Records the transfer; no stock moves until it is shipped. Emits `TRANSFER_CREATED_EVENT`. 409 when the ' +
      'transferId exists, 422 `unknown_reference` for an unknown store or product.',
    body: newTransferSchema,
    status: 201,
    response: transferSchema,
    handler: (ctx, { body }) => transfers.createTransfer(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: `${base}/:transferId`,
    scope: 'inventory:read',
    tags,
    summary: 'Get a transfer with its shipped and received quantities',
    params: transferParams,
    response: transferSchema,
    handler: (ctx, { params }) => transfers.getTransfer(ctx, params.transferId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:transferId/ship`,
    scope: 'inventory:write',
    tags,
    summary: 'Ship a transfer',
    description:
      'Takes the lines from the origin’s on hand; refused with 409 `insufficient_stock` when the origin does not ' +
      'have them available (on hand − reserved − safety stock). Store to store: the units enter the ' +
      'destination’s in-transit bucket and are expected there (`TRANSFER_SHIPPED_EVENT`). Return to vendor: ' +
      'the transfer is done (`RTV_SHIPPED_EVENT`).',
    params: transferParams,
    body: transferShipmentSchema,
    response: transferSchema,
    handler: (ctx, { params, body }) => transfers.shipTransfer(ctx, params.transferId, body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:transferId/receive`,
    scope: 'inventory:write',
    tags,
    summary: 'Receive a shipped store-to-store transfer at its destination',
    description:
      'Moves what arrived from in transit to on hand; what differs from what was shipped is recorded per line ' +
      'as a discrepancy and in `TRANSFER_RECEIVED_EVENT`. More than shipped needs `allowOverReceipt` (else 422).',
    params: transferParams,
    body: transferReceiptSchema,
    response: transferSchema,
    handler: (ctx, { params, body }) => transfers.receiveTransfer(ctx, params.transferId, body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:transferId/cancel`,
    scope: 'inventory:write',
    tags,
    summary: 'Cancel a transfer that has not been shipped',
    description: 'Emits `TRANSFER_CANCELLED_EVENT`; a shipped transfer answers 409 `invalid_state`.',
    params: transferParams,
    response: transferSchema,
    handler: (ctx, { params }) => transfers.cancelTransfer(ctx, params.transferId),
  });
}
