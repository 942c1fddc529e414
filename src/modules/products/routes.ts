import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  createProductsBody,
  deleteProductsBody,
  productBulkResult,
  productListQuery,
  productParams,
  productSchema,
  updateProductsBody,
} from './schemas.ts';
import * as products from './service.ts';

const tags = ['Products'];

const bulkRules =
  'Up to 500 products per call. Each item is reported in `results` (created, updated, unchanged, deleted or ' +
  'failed, with field errors); a failed item does not stop the others unless `allOrNothing` is true, in which ' +
  'case any failure answers 422 and nothing is written.';

export function productRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/products',
    scope: 'catalog:read',
    tags,
    summary: 'List and search products',
    description:
      'Filters combine. `q` matches words of the name (by prefix), a SKU prefix or a whole GTIN. With ' +
      '`updatedSince` the list is ordered by updatedAt for incremental sync.',
    query: productListQuery,
    response: pageOf(productSchema),
    handler: (ctx, { query }) => products.listProducts(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/products/:productId',
    scope: 'catalog:read',
    tags,
    summary: 'Get one product by productId',
    params: productParams,
    response: productSchema,
    handler: (ctx, { params }) => products.getProduct(ctx, params.productId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/products',
    scope: 'catalog:write',
    tags,
    summary: 'Create products',
    description: `${bulkRules} A productId that exists already fails with \`already_exists\`. Emits \`product.created\`.`,
    body: createProductsBody,
    response: productBulkResult,
    handler: (ctx, { body }) => products.createProducts(ctx, body.products, body.allOrNothing),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/products',
    scope: 'catalog:write',
    tags,
    summary: 'Update products',
    description: `${bulkRules} Changes the given fields; null clears one. Emits \`product.updated\` with the changed fields.`,
    body: updateProductsBody,
    response: productBulkResult,
    handler: (ctx, { body }) => products.updateProducts(ctx, body.products, body.allOrNothing),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: '/merchant/v1/products',
    scope: 'catalog:write',
    tags,
    summary: 'Delete products',
    description: `${bulkRules} Deleted products leave every listing; their SKUs and GTINs can be reused. Emits \`product.deleted\`.`,
    body: deleteProductsBody,
    response: productBulkResult,
    handler: (ctx, { body }) => products.deleteProducts(ctx, body.productIds, body.allOrNothing),
  });
}
