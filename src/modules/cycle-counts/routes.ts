import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  cancelCountSchema,
  completeSchema,
  countParams,
  countsResultSchema,
  countsSchema,
  cycleCountSchema,
  linesQuery,
  newFullCountSchema,
  newManualCountSchema,
  newPartialCountSchema,
} from './schemas.ts';
import * as counts from './service.ts';

const tags = ['Cycle counts'];
const base = '/merchant/v1/ims/inventory/cyclecount';
const created =
  'Answers with the count in status `created` and the first page of its lines; emits `CYC_COUNT_CREATED_EVENT`.';

export function cycleCountRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/full`,
    scope: 'inventory:write',
    tags,
    summary: 'Create a full cycle count of a store',
    description: `Counts every live product of the catalog and every product the store holds stock of. A store has at most one open full count (409). ${created}`,
    body: newFullCountSchema,
    status: 201,
    response: cycleCountSchema,
    handler: (ctx, { body }) => counts.createFullCount(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/partial`,
    scope: 'inventory:write',
    tags,
    summary: 'Create a partial cycle count by category, brand or attribute',
    description: `Counts the live products of a category (with its subcategories), a brand, or an attribute value. ${created}`,
    body: newPartialCountSchema,
    status: 201,
    response: cycleCountSchema,
    handler: (ctx, { body }) => counts.createPartialCount(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/manual`,
    scope: 'inventory:write',
    tags,
    summary: 'Create a manual cycle count of listed products',
    description: `Unknown products are refused with 422 naming them. ${created}`,
    body: newManualCountSchema,
    status: 201,
    response: cycleCountSchema,
    handler: (ctx, { body }) => counts.createManualCount(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: `${base}/cancel`,
    scope: 'inventory:write',
    tags,
    summary: 'Cancel a cycle count',
    description:
      'Cancels a created, started or counted count; stock is not touched. Emits `CYC_COUNT_CANCELED_EVENT`.',
    body: cancelCountSchema,
    response: cycleCountSchema,
    handler: (ctx, { body }) => counts.cancelCycleCount(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: `${base}/:cycleCountId`,
    scope: 'inventory:read',
    tags,
    summary: 'Get a cycle count with a page of its lines',
    params: countParams,
    query: linesQuery,
    response: cycleCountSchema,
    handler: (ctx, { params, query }) => counts.getCycleCount(ctx, params.cycleCountId, query),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:cycleCountId/start`,
    scope: 'inventory:write',
    tags,
    summary: 'Start a cycle count',
    description:
      'Moves a created count to `started`, after which counts are taken. Emits `CYC_COUNT_STARTED_EVENT`.',
    params: countParams,
    response: cycleCountSchema,
    handler: (ctx, { params }) => counts.startCycleCount(ctx, params.cycleCountId),
  });
  addMerchantRoute(app, platform, {
    method: 'PUT',
    url: `${base}/:cycleCountId/counts`,
    scope: 'inventory:write',
    tags,
    summary: 'Record counted quantities',
    description:
      'Records what was found on the shelf, compared with what is on hand at this moment. A product counted again replaces its count. When every line is counted the count becomes `counted` and `CYC_COUNT_COUNTED_EVENT` is emitted.',
    params: countParams,
    body: countsSchema,
    response: countsResultSchema,
    handler: (ctx, { params, body }) => counts.recordCounts(ctx, params.cycleCountId, body.counts),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: `${base}/:cycleCountId/complete`,
    scope: 'inventory:write',
    tags,
    summary: 'Complete a cycle count and post its variances',
    description:
      "Posts each line's variance to on hand as a `cycle_count` movement, all or nothing, and emits `CYC_COUNT_COMPLETED_EVENT` with the variances. Requires status `counted` unless `uncountedAsZero` is true.",
    params: countParams,
    body: completeSchema,
    response: cycleCountSchema,
    handler: (ctx, { params, body }) =>
      counts.completeCycleCount(ctx, params.cycleCountId, body ?? { uncountedAsZero: false }),
  });
}
