import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import { newStoreSchema, storeListQuery, storeParams, storeSchema, storeUpdateSchema } from './schemas.ts';
import * as stores from './service.ts';

const tags = ['Stores'];

export function storeRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/stores',
    scope: 'stores:read',
    tags,
    summary: 'List stores, e-commerce locations and warehouses',
    query: storeListQuery,
    response: pageOf(storeSchema),
    handler: (ctx, { query }) => stores.listStores(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/stores/:storeId',
    scope: 'stores:read',
    tags,
    summary: 'Get one store by storeId',
    params: storeParams,
    response: storeSchema,
    handler: (ctx, { params }) => stores.getStore(ctx, params.storeId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/stores',
    scope: 'stores:write',
    tags,
    summary: 'Create a store',
    description: 'Emits `store.created`. A second store with the same storeId is refused with 409.',
    body: newStoreSchema,
    status: 201,
    response: storeSchema,
    handler: (ctx, { body }) => stores.createStore(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/stores',
    scope: 'stores:write',
    tags,
    summary: 'Update a store',
    description:
      'Changes the given fields of the store named by storeId; emits `store.updated` with the changed fields.',
    body: storeUpdateSchema,
    response: storeSchema,
    handler: (ctx, { body }) => stores.updateStore(ctx, body),
  });
}
