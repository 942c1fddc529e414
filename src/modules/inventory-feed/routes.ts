import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import { pageOf, pageQuery } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import { DOWNLOAD_PATH, inventoryCsv, inventoryExportLink, tenantOfExportLink } from './export.ts';
import {
  downloadQuery,
  exportLinkSchema,
  importErrorSchema,
  importListQuery,
  importParams,
  inventoryImportSchema,
  storeParams,
} from './schemas.ts';
import * as feed from './service.ts';

const tags = ['Inventory feed'];
const IMPORTS = '/merchant/v1/storeproducts/inventory/imports';

export function inventoryFeedRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: IMPORTS,
    scope: 'inventory:write',
    tags,
    summary: 'Upload a full store inventory (CSV) to reconcile in the background',
    description:
      'Each row sets what a store holds of a product (`storeId,productId,onHand`, optionally `damaged`); the ' +
      'difference from the current stock is posted as a `feed_reconciliation` movement. The feed is full: ' +
      "products with stock at one of the file's stores that the file does not list are set to 0. Reserved " +
      'stock is never changed. Answers 202; follow the import at GET …/imports/{importId} and read row errors ' +
      'at …/errors. Uploading the same file again changes nothing.',
    consumes: ['text/csv'],
    bodyLimit: platform.config.feedLimitBytes,
    body: z
      .string()
      .describe('The file: CSV with the header storeId,productId,onHand (see docs/inventory-feed.md).')
      .meta({ example: 'storeId,productId,onHand,damaged\nNYC-01,TEE-BLK-M,12,1\nNYC-01,TEE-BLK-L,0,0\n' }),
    status: 202,
    response: inventoryImportSchema,
    handler: (ctx, { body }) => feed.startInventoryImport(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: IMPORTS,
    scope: 'inventory:read',
    tags,
    summary: 'List inventory imports, newest first',
    query: importListQuery,
    response: pageOf(inventoryImportSchema),
    handler: (ctx, { query }) => feed.listInventoryImports(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: `${IMPORTS}/:importId`,
    scope: 'inventory:read',
    tags,
    summary: 'Progress and summary of an inventory import',
    params: importParams,
    response: inventoryImportSchema,
    handler: (ctx, { params }) => feed.getInventoryImport(ctx, params.importId),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: `${IMPORTS}/:importId/errors`,
    scope: 'inventory:read',
    tags,
    summary: 'The row errors of an inventory import: row number, field and reason',
    params: importParams,
    query: z.strictObject({ ...pageQuery }),
    response: pageOf(importErrorSchema),
    handler: (ctx, { params, query }) => feed.listInventoryImportErrors(ctx, params.importId, query),
  });
  // A static segment wins over a parameter in Fastify's router, so `…/inventory/imports` never reaches this
  // route as a storeId.
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/storeproducts/inventory/:storeId',
    scope: 'inventory:read',
    tags,
    summary: "A short-lived link to a CSV file of the store's inventory",
    description:
      'The link needs no credentials and expires after 15 minutes. The CSV (storeId, productId, onHand, ' +
      'reserved, available, damaged, inTransit, status) is in the format the inventory import reads.',
    params: storeParams,
    response: exportLinkSchema,
    handler: (ctx, { params, baseUrl }) => inventoryExportLink(ctx, platform, params.storeId, baseUrl),
  });
  app.route({
    method: 'GET',
    url: `${DOWNLOAD_PATH}/:storeId`,
    schema: {
      tags,
      summary:
        "Download a store's inventory as CSV, with a link from GET /merchant/v1/storeproducts/inventory/{storeId}",
      description: 'Answers 401 `invalid_token` when the link was altered or has expired.',
      params: storeParams,
      querystring: downloadQuery,
    },
    handler: async (request, reply) => {
      const { storeId } = request.params as z.output<typeof storeParams>;
      const { token } = request.query as z.output<typeof downloadQuery>;
      const tenantId = await tenantOfExportLink(platform, storeId, token);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="inventory-${storeId}.csv"`)
        .header('cache-control', 'private, no-store')
        .send(Readable.from(inventoryCsv(platform, tenantId, storeId)));
    },
  });
}
