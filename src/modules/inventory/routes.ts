import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import { adjustInventory, setInventory } from './adjustments.ts';
import { availability } from './availability.ts';
import { reservationRoutes } from './reservation-routes.ts';
import {
  adjustBody,
  availabilityQuery,
  availabilityResponse,
  inventoryWriteResponse,
  setBody,
} from './schemas.ts';
import {
  bucketSchema,
  createBucket,
  getSettings,
  listBuckets,
  settingsSchema,
  settingsUpdateSchema,
  updateSettings,
} from './settings.ts';

const tags = ['Inventory'];

export function inventoryRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/storeproducts/inventory',
    scope: 'inventory:read',
    tags,
    summary: 'Stock and availability of up to 20 products at up to 1,000 locations',
    description:
      'One entry per (store, product): on hand, reserved, safety stock, available (on hand − reserved − ' +
      'safety stock), other buckets, and the display status from the thresholds: in_stock, low_stock, ' +
      'out_of_stock, back_ordered (the product takes backorders and a shipment is expected, with its date) or ' +
      'pre_order (the same, for a product never received here). No or empty storeIds means every active location. ' +
      'Unknown ids are listed in missingProductIds and missingStoreIds.',
    query: availabilityQuery,
    response: availabilityResponse,
    handler: (ctx, { query }) => availability(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/storeproducts/inventory',
    scope: 'inventory:write',
    tags,
    summary: 'Adjust store or e-commerce stock incrementally',
    description:
      'Up to 500 changes, each posted to the stock ledger with its reason: add to or take from a bucket, or ' +
      'move units between buckets (`fromBucket`). All are applied or none: an unknown store, product or bucket ' +
      'answers 422, a change that would take a bucket below zero 409, each naming the items at fault. Emits ' +
      '`INVENTORY_ADJUSTMENT` for on-hand changes and `INVENTORY_BUCKET_ADJUSTMENT` for the other buckets, and ' +
      '`INVENTORY_STATUS_CHANGED` when a product crosses a threshold.',
    body: adjustBody,
    response: inventoryWriteResponse,
    handler: (ctx, { body }) => adjustInventory(ctx, body.inventory),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/storeproducts/inventory',
    scope: 'inventory:write',
    tags,
    summary: 'Set stock levels, safety stock, thresholds and backorder policy',
    description:
      'Up to 500 items. A quantity sets the balance of the bucket (on_hand by default); the difference is ' +
      'posted to the ledger with the reason (recount by default) and emits `INVENTORY_ADJUSTMENT` or ' +
      '`INVENTORY_BUCKET_ADJUSTMENT`. Safety stock, low/out-of-stock thresholds (null: the merchant default) ' +
      'and backorders are stored for the location. All items are applied or none.',
    body: setBody,
    response: inventoryWriteResponse,
    handler: (ctx, { body }) => setInventory(ctx, body.inventory),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/ims/inventory/settings',
    scope: 'inventory:read',
    tags,
    summary: "The merchant's reservation lifetime and default stock thresholds",
    response: settingsSchema,
    handler: (ctx) => getSettings(ctx),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/ims/inventory/settings',
    scope: 'inventory:write',
    tags,
    summary: "Change the merchant's reservation lifetime or default stock thresholds",
    body: settingsUpdateSchema,
    response: settingsSchema,
    handler: (ctx, { body }) => updateSettings(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/ims/inventory/buckets',
    scope: 'inventory:read',
    tags,
    summary: "The merchant's own stock buckets",
    response: z.object({ data: z.array(bucketSchema) }).meta({
      id: 'StockBucketList',
      example: { data: [{ bucketId: 'display', name: 'On display, not for sale' }] },
    }),
    handler: (ctx) => listBuckets(ctx),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/ims/inventory/buckets',
    scope: 'inventory:write',
    tags,
    summary: 'Add a stock bucket beside on_hand, reserved, damaged and in_transit',
    body: bucketSchema,
    status: 201,
    response: bucketSchema,
    handler: (ctx, { body }) => createBucket(ctx, body),
  });
  reservationRoutes(app, platform);
}
