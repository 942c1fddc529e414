import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  attributeSetListQuery,
  attributeSetParams,
  attributeSetSchema,
  attributeSetUpdateSchema,
  newAttributeSetSchema,
} from './schemas.ts';
import * as attributeSets from './service.ts';

const tags = ['Attribute sets'];

export function attributeSetRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/attributesets',
    scope: 'catalog:read',
    tags,
    summary: 'List attribute sets',
    query: attributeSetListQuery,
    response: pageOf(attributeSetSchema),
    handler: (ctx, { query }) => attributeSets.listAttributeSets(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/attributesets/:attributeSetId',
    scope: 'catalog:read',
    tags,
    summary: 'Get one attribute set by attributeSetId',
    params: attributeSetParams,
    response: attributeSetSchema,
    handler: (ctx, { params }) => attributeSets.getAttributeSet(ctx, params.attributeSetId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/attributesets',
    scope: 'catalog:write',
    tags,
    summary: 'Create an attribute set',
    description:
      'Defines typed custom attributes for products. Emits `attribute_set.created`. A second set with the same ' +
      'attributeSetId is refused with 409.',
    body: newAttributeSetSchema,
    status: 201,
    response: attributeSetSchema,
    handler: (ctx, { body }) => attributeSets.createAttributeSet(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: '/merchant/v1/attributesets',
    scope: 'catalog:write',
    tags,
    summary: 'Rename an attribute set or replace its attributes',
    description:
      'Changes the name and/or replaces the attributes of the set named by attributeSetId; emits ' +
      '`attribute_set.updated` with the changed fields.',
    body: attributeSetUpdateSchema,
    response: attributeSetSchema,
    handler: (ctx, { body }) => attributeSets.updateAttributeSet(ctx, body),
  });
}
