import { z } from 'zod';

const statusSchema = z.enum([
  'backordered',
  'placed',
  'picking',
  'ready_for_pickup',
  'shipped',
  'completed',
  'cancelled',
]);

const trackingSchema = z.strictObject({
  carrier: z.string().trim().min(1).max(64).optional(),
  number: z.string().trim().min(1).max(128),
  url: z.url().max(2000).optional(),
});

const example = {
  fulfillmentId: 'F-W-1001-1',
  orderId: 'W-1001',
  type: 'bopis' as const,
  storeId: 'NYC-01',
  status: 'placed' as const,
  lines: [{ lineNumber: 1, productId: 'TEE-M', name: 'Tee, medium', quantity: 2 }],
  history: [{ status: 'placed', at: 1767225600000 }],
  createdAt: 1767225600000,
  updatedAt: 1767225600000,
};

export const fulfillmentSchema = z
  .strictObject({
    fulfillmentId: z.string(),
    orderId: z.string(),
    type: z.enum(['ship_from_store', 'bopis', 'bofis', 'ropis']),
    storeId: z.string(),
    status: statusSchema,
    expectedAt: z.number().int().optional().describe('Back-ordered: when the missing stock is expected.'),
    tracking: trackingSchema.optional(),
    lines: z.array(
      z.strictObject({
        lineNumber: z.number().int(),
        productId: z.string(),
        name: z.string().optional(),
        quantity: z.number().int(),
      }),
    ),
    history: z.array(
      z.strictObject({ status: z.string(), at: z.number().int(), reason: z.string().optional() }),
    ),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .meta({ id: 'Fulfillment', example });

export const fulfillmentQueueSchema = z
  .strictObject({ items: z.array(fulfillmentSchema) })
  .meta({ id: 'FulfillmentQueue', example: { items: [example] } });

export const queueQuery = z.strictObject({
  storeId: z.string().min(1).max(64),
  status: statusSchema.optional().describe('Default: every fulfillment not yet completed or cancelled.'),
});

export const fulfillmentParams = z.strictObject({ fulfillmentId: z.string().min(1).max(160) });

export const transitionSchema = z
  .strictObject({
    to: statusSchema.exclude(['backordered', 'placed']),
    tracking: trackingSchema.optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .meta({
    id: 'FulfillmentTransition',
    example: { to: 'shipped', tracking: { carrier: 'UPS', number: '1Z999AA10123456784' } },
  });

export type Fulfillment = z.output<typeof fulfillmentSchema>;
export type Transition = z.output<typeof transitionSchema>;
