import { z } from 'zod';
import { epochMillis } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';
import { WEBHOOK_ENDPOINTS } from '../catalogue.ts';

export const MAX_REPOST_IDS = 1000;

const deliveryStatus = z
  .enum(['pending', 'succeeded', 'failed'])
  .describe(
    'pending: being delivered or waiting for a retry; succeeded; failed: every retry of its run failed.',
  );

const webhookId = z.uuid().describe('The delivery id, sent as the `webhook-id` header; a repost keeps it.');

const endpointName = z
  .enum(Object.keys(WEBHOOK_ENDPOINTS) as [string, ...string[]])
  .describe('A webhook endpoint name, such as INVENTORY_EXPORT_INA.');

const eventType = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be an event type such as INVENTORY_ADJUSTMENT')
  .describe('An event type, such as INVENTORY_ADJUSTMENT.');

const fromDescription = 'Only deliveries created at or after this moment (epoch milliseconds).';
const toDescription = 'Only deliveries created at or before this moment (epoch milliseconds).';

/** `from` must not be after `to`; reported at `to`. */
function fromNotAfterTo(range: { from?: number | undefined; to?: number | undefined }): boolean {
  return range.from === undefined || range.to === undefined || range.from <= range.to;
}
const rangeIssue = { path: ['to'], message: 'must not be before from' };

export const webhookEventListQuery = z
  .strictObject({
    ...pageQuery,
    connectorId: z.uuid().optional().describe('Only deliveries to this connector.'),
    endpointName: endpointName.optional(),
    eventType: eventType.optional(),
    status: deliveryStatus.optional().describe('Only deliveries in this status; all by default.'),
    from: z.coerce.number().pipe(epochMillis(fromDescription)).optional(),
    to: z.coerce.number().pipe(epochMillis(toDescription)).optional(),
  })
  .refine(fromNotAfterTo, rangeIssue);

export const webhookEventParams = z.strictObject({ id: webhookId });

const fields = {
  id: webhookId,
  connectorId: z.uuid(),
  connectorName: z.string(),
  endpointName: z.string(),
  eventType: z.string(),
  eventId: z.uuid().describe('The event delivered; one event goes to every connector subscribed to it.'),
  status: deliveryStatus,
  attempts: z
    .number()
    .int()
    .describe('Attempts in the current run of the retry schedule; a repost starts a new run.'),
  totalAttempts: z.number().int().describe('Attempts ever made, reposts included.'),
  lastStatusCode: z.number().int().optional().describe("The receiver's HTTP status at the last attempt."),
  lastError: z.string().optional().describe('Why the last attempt failed.'),
  createdAt: z.number().int().describe('Epoch milliseconds.'),
  lastAttemptAt: z.number().int().optional().describe('Epoch milliseconds.'),
  nextAttemptAt: z.number().int().optional().describe('When the next attempt is due (epoch milliseconds).'),
  succeededAt: z.number().int().optional().describe('Epoch milliseconds.'),
  failedAt: z.number().int().optional().describe('When the last run of retries ended in failure (epoch ms).'),
  repostedAt: z
    .number()
    .int()
    .optional()
    .describe('When the delivery was last reposted (epoch milliseconds).'),
};

const exampleEvent = {
  id: '0b7d3c1e-5f2a-4c8e-9a41-2d6f0e7b9c13',
  connectorId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
  connectorName: 'ERP inventory adjustments',
  endpointName: 'INVENTORY_EXPORT_INA',
  eventType: 'INVENTORY_ADJUSTMENT',
  eventId: 'c2e4a6b8-1d3f-4a5b-9c7d-8e0f1a2b3c4d',
  status: 'failed' as const,
  attempts: 8,
  totalAttempts: 8,
  lastStatusCode: 503,
  lastError: 'HTTP 503',
  createdAt: 1763800000000,
  lastAttemptAt: 1763929600000,
  failedAt: 1763929600000,
};

export const webhookEventSchema = z.object(fields).meta({
  id: 'WebhookEvent',
  description: 'One event delivered to one webhook connector.',
  example: exampleEvent,
});

export const webhookAttemptSchema = z
  .object({
    at: z.number().int().describe('When the attempt started (epoch milliseconds).'),
    statusCode: z.number().int().optional(),
    latencyMs: z.number().int(),
    outcome: z.enum(['succeeded', 'failed']),
    failure: z
      .enum([
        'http_status',
        'timeout',
        'network',
        'error_body',
        'invalid_response',
        'too_large',
        'url_refused',
        'circuit_open',
      ])
      .optional(),
    error: z.string().optional().describe('What went wrong, secrets masked.'),
    responseExcerpt: z.string().optional().describe("The start of the receiver's answer, secrets masked."),
    reposted: z.boolean().describe('The attempt belongs to a run started by a repost.'),
  })
  .meta({ id: 'WebhookAttempt' });

export const webhookEventDetailSchema = z
  .object({
    ...fields,
    payload: z.record(z.string(), z.unknown()).describe('The body sent to the receiver.'),
    attemptLog: z.array(webhookAttemptSchema).describe('Every attempt, oldest first.'),
  })
  .meta({
    id: 'WebhookEventDetail',
    example: {
      ...exampleEvent,
      attempts: 2,
      totalAttempts: 2,
      payload: {
        type: 'INVENTORY_ADJUSTMENT',
        timestamp: 1763799999870,
        eventId: 'c2e4a6b8-1d3f-4a5b-9c7d-8e0f1a2b3c4d',
        subject: 'TEE-RED-M',
        data: {
          storeId: 'NYC-01',
          productId: 'TEE-RED-M',
          bucket: 'on_hand',
          quantity: -2,
          before: 14,
          after: 12,
          reason: 'damaged',
        },
      },
      attemptLog: [
        {
          at: 1763800000100,
          statusCode: 503,
          latencyMs: 41,
          outcome: 'failed',
          failure: 'http_status',
          error: 'HTTP 503',
          responseExcerpt: '{"message":"maintenance"}',
          reposted: false,
        },
        { at: 1763929700000, statusCode: 200, latencyMs: 37, outcome: 'succeeded', reposted: true },
      ],
    },
  });

export const webhookEventSearch = z
  .strictObject({
    connectorId: z.uuid().optional(),
    endpointName: endpointName.optional(),
    eventType: eventType.optional(),
    from: epochMillis(fromDescription).optional(),
    to: epochMillis(toDescription).optional(),
    status: z
      .enum(['failed', 'succeeded'])
      .default('failed')
      .describe('Repost the deliveries in this status; failed by default.'),
  })
  .refine(fromNotAfterTo, rangeIssue);

export const repostRequestSchema = z
  .strictObject({
    ids: z
      .array(webhookId)
      .min(1)
      .max(MAX_REPOST_IDS, `must not name more than ${MAX_REPOST_IDS} deliveries`)
      .optional()
      .describe('The deliveries to repost.'),
    search: webhookEventSearch.optional().describe('Repost every delivery matching this search.'),
  })
  .refine((body) => (body.ids === undefined) !== (body.search === undefined), {
    message: 'give either ids or search, not both and not neither',
  })
  .meta({
    id: 'WebhookRepostRequest',
    description:
      'Either the deliveries to repost by id, or a search whose matches are reposted (at most 5,000 per ' +
      'request, the oldest first), such as ' +
      '`{ "search": { "endpointName": "INVENTORY_EXPORT_INA", "from": 1763800000000 } }`.',
    example: { ids: ['0b7d3c1e-5f2a-4c8e-9a41-2d6f0e7b9c13'] },
  });

export const repostResultSchema = z
  .object({
    reposted: z
      .number()
      .int()
      .describe('Deliveries scheduled again, from the first step of the retry schedule.'),
    skipped: z.number().int().describe('Deliveries named by id left alone because they are still pending.'),
    remaining: z
      .number()
      .int()
      .describe(
        'Deliveries matching the search that were not reposted because one request reposts at most 5,000 ' +
          '(the oldest first); repeat the request for them. Always 0 for ids.',
      ),
    ids: z.array(webhookId).describe('The reposted deliveries.'),
  })
  .meta({
    id: 'WebhookRepostResult',
    example: { reposted: 1, skipped: 0, remaining: 0, ids: ['0b7d3c1e-5f2a-4c8e-9a41-2d6f0e7b9c13'] },
  });

export type WebhookEventListQuery = z.output<typeof webhookEventListQuery>;
export type WebhookEvent = z.output<typeof webhookEventSchema>;
export type WebhookEventDetail = z.output<typeof webhookEventDetailSchema>;
export type WebhookAttempt = z.output<typeof webhookAttemptSchema>;
export type WebhookEventSearch = z.output<typeof webhookEventSearch>;
export type RepostRequest = z.output<typeof repostRequestSchema>;
export type RepostResult = z.output<typeof repostResultSchema>;
