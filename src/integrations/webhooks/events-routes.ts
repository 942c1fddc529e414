import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import {
  repostRequestSchema,
  repostResultSchema,
  webhookEventDetailSchema,
  webhookEventListQuery,
  webhookEventParams,
  webhookEventSchema,
} from './events-schemas.ts';
import * as events from './events-service.ts';

const tags = ['Webhook events'];

/** The report of webhook deliveries, failed ones above all, and their repost. */
export function webhookEventRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/webhooks/events',
    scope: 'integrations:read',
    tags,
    summary: 'Search webhook deliveries',
    description:
      'Deliveries of events to webhook connectors, newest first, by connector, endpoint name, event type, ' +
      'status and creation time. `status=failed` lists the events whose every retry failed.',
    query: webhookEventListQuery,
    response: pageOf(webhookEventSchema),
    handler: (ctx, { query }) => events.listWebhookEvents(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/webhooks/events/:id',
    scope: 'integrations:read',
    tags,
    summary: 'Get one webhook delivery with its payload and every attempt',
    params: webhookEventParams,
    response: webhookEventDetailSchema,
    handler: (ctx, { params }) => events.getWebhookEvent(ctx, params.id),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/webhooks/events/repost',
    scope: 'integrations:write',
    tags,
    summary: 'Repost webhook deliveries',
    description:
      'Sends deliveries again, named by id (up to 1000) or matching a search (failed ones by default; at ' +
      'most 5,000 per request, the oldest first, `remaining` telling how many more match), from the first ' +
      'step of the retry schedule. The `webhook-id` stays the same, so receivers can ' +
      'deduplicate. Pending deliveries are skipped and counted; an unknown id (422) or a delivery to a ' +
      'disabled connector (409) reposts nothing.',
    body: repostRequestSchema,
    response: repostResultSchema,
    handler: (ctx, { body }) => events.repostWebhookEvents(ctx, body),
  });
}
