import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import { pageOf, pageQuery } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import type { FeedFormat } from './parse.ts';
import {
  catalogImportSchema,
  importErrorSchema,
  importListQuery,
  importParams,
  importUploadQuery,
} from './schemas.ts';
import * as feed from './service.ts';

const tags = ['Catalog feed'];

const formatOfMediaType: Record<string, FeedFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
};

export function catalogFeedRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/products/imports',
    scope: 'catalog:write',
    tags,
    summary: 'Upload a catalog feed (CSV or JSON Lines) to import in the background',
    description:
      'Each row is a whole product: it is created, or replaces the product with its productId. Answers 202 with ' +
      'the import; follow its progress at GET /merchant/v1/products/imports/{importId} and read row errors at ' +
      '.../errors. Rows that did not change are not written, so uploading the same file again changes nothing.',
    consumes: Object.keys(formatOfMediaType),
    bodyLimit: platform.config.feedLimitBytes,
    body: z
      .string()
      .describe('The file: CSV with a header row (see docs/catalog-feed.md) or JSON Lines.')
      .meta({
        example:
          'productId,sku,name,gtins,categoryIds,variant.size,listPrice,currency\n' +
          'TEE-BLU-M,TEE-BLU-M,"Classic Tee, Blue, M",0012345678905,TOPS,M,2400,USD\n',
      }),
    query: importUploadQuery,
    status: 202,
    response: catalogImportSchema,
    handler: (ctx, { body, query, contentType }) => {
      const format = query.format ?? formatOfMediaType[contentType ?? ''];
      if (!format) {
        throw new Problem('unsupported_media_type', 'Send the file as text/csv or application/x-ndjson.');
      }
      return feed.startImport(ctx, { format, source: body });
    },
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/products/imports',
    scope: 'catalog:read',
    tags,
    summary: 'List catalog imports, newest first',
    query: importListQuery,
    response: pageOf(catalogImportSchema),
    handler: (ctx, { query }) => feed.listImports(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/products/imports/:importId',
    scope: 'catalog:read',
    tags,
    summary: 'Progress and summary of a catalog import',
    params: importParams,
    response: catalogImportSchema,
    handler: (ctx, { params }) => feed.getImport(ctx, params.importId),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/products/imports/:importId/errors',
    scope: 'catalog:read',
    tags,
    summary: 'The row errors of a catalog import: row number, field and reason',
    params: importParams,
    query: z.strictObject({ ...pageQuery }),
    response: pageOf(importErrorSchema),
    handler: (ctx, { params, query }) => feed.listImportErrors(ctx, params.importId, query),
  });
}
