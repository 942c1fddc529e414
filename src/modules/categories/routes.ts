import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  categoryListQuery,
  categoryParams,
  categorySchema,
  categoryUpdateSchema,
  newCategorySchema,
} from './schemas.ts';
import * as categories from './service.ts';

const tags = ['Categories'];

export function categoryRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/categories',
    scope: 'catalog:read',
    tags,
    summary: 'List departments and categories',
    description:
      'Every category by categoryId; or, with `departmentsOnly=true` or `parentId`, one level of the tree in ' +
      'its position order.',
    query: categoryListQuery,
    response: pageOf(categorySchema),
    handler: (ctx, { query }) => categories.listCategories(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/categories/:categoryId',
    scope: 'catalog:read',
    tags,
    summary: 'Get one category by categoryId, with its path from the department',
    params: categoryParams,
    response: categorySchema,
    handler: (ctx, { params }) => categories.getCategory(ctx, params.categoryId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/categories',
    scope: 'catalog:write',
    tags,
    summary: 'Create a department or a category',
    description:
      'Without parentId the category is a department. Emits `category.created`. A second category with the ' +
      'same categoryId is refused with 409; an unknown parent, or a parent already 5 levels deep, with 422.',
    body: newCategorySchema,
    status: 201,
    response: categorySchema,
    handler: (ctx, { body }) => categories.createCategory(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/categories',
    scope: 'catalog:write',
    tags,
    summary: 'Rename, move, reorder, activate or deactivate a category',
    description:
      'Changes the given fields of the category named by categoryId; emits `category.updated` with the changed ' +
      'fields, and `category.moved` when parentId changed. A category cannot move under itself or anything ' +
      'inside it, nor be activated inside an inactive parent (422).',
    body: categoryUpdateSchema,
    response: categorySchema,
    handler: (ctx, { body }) => categories.updateCategory(ctx, body),
  });
}
