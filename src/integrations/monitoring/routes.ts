import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import { connectorHealthSchema, healthParams, healthQuery } from './schemas.ts';
import { connectorHealth } from './service.ts';

export function monitoringRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/connectors/:id/health',
    scope: 'integrations:read',
    tags: ['Connectors'],
    summary: "A connector's health: success rate, latency percentiles, last error",
    description:
      'Counts and latency percentiles (p50, p95) cover the calls of the last `windowHours`; the last error, ' +
      'the last success and the failure state are the latest ones whenever they happened.',
    params: healthParams,
    query: healthQuery,
    response: connectorHealthSchema,
    handler: (ctx, { params, query }) => connectorHealth(ctx, params.id, query.windowHours),
  });
}
