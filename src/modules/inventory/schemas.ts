import { z } from 'zod';
import { commaSeparated, merchantKey } from '../../platform/http/fields.ts';

export const MAX_INVENTORY_ITEMS = 500;

const storeId = merchantKey("The merchant's id of the location.");
const productId = merchantKey("The merchant's id of the product.");
const bucket = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a bucket id such as on_hand or damaged')
  .refine((value) => value !== 'reserved', 'reserved stock changes only through reservations')
  .refine((value) => value !== 'in_transit', 'stock in transit changes only through transfers')
  .describe("on_hand (sellable, the default), damaged, or one of the merchant's buckets.");
const epochMs = z.number().int().describe('Epoch milliseconds.');
const count = z.number().int().min(0).max(1_000_000_000);

export const ADJUSTMENT_REASONS = [
  'received',
  'returned',
  'damaged',
  'theft',
  'lost',
  'found',
  'recount',
  'correction',
  'sample',
  'internal_use',
  'other',
] as const;
const reason = z.enum(ADJUSTMENT_REASONS).describe('Why the stock changed; kept on the ledger movement.');

export const stockStatusSchema = z
  .enum(['in_stock', 'low_stock', 'out_of_stock', 'back_ordered', 'pre_order'])
  .describe('What a web store shows, from the thresholds, backorder policy and expected stock.');

export const availabilityQuery = z.strictObject({
  productIds: commaSeparated(productId, 20, 'productIds'),
  storeIds: commaSeparated(storeId, 1000, 'storeIds', 0)
    .optional()
    .describe('Comma-separated, at most 1,000; empty or absent means every location.'),
});

export const stockPositionSchema = z
  .object({
    storeId: z.string(),
    productId: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    safetyStock: z.number().int(),
    available: z.number().int().describe('On hand less reserved and safety stock, never below 0.'),
    buckets: z.record(z.string(), z.number().int()).describe('Other buckets holding stock here.'),
    status: stockStatusSchema,
    expectedAt: epochMs.optional().describe('When the earliest expected shipment is due.'),
    expectedQuantity: z.number().int().optional().describe('Units on their way here.'),
    lowStockThreshold: z.number().int(),
    outOfStockThreshold: z.number().int(),
    allowBackorders: z.boolean(),
    updatedAt: epochMs.optional(),
  })
  .meta({ id: 'StockPosition' });

export const availabilityResponse = z
  .object({
    data: z.array(stockPositionSchema),
    missingProductIds: z.array(z.string()),
    missingStoreIds: z.array(z.string()),
  })
  .meta({
    id: 'Availability',
    example: {
      data: [
        {
          storeId: 'NYC-01',
          productId: 'TEE-BLK-M',
          onHand: 12,
          reserved: 2,
          safetyStock: 1,
          available: 9,
          buckets: { damaged: 1 },
          status: 'in_stock',
          lowStockThreshold: 5,
          outOfStockThreshold: 0,
          allowBackorders: false,
          updatedAt: 1763800000000,
        },
      ],
      missingProductIds: [],
      missingStoreIds: [],
    },
  });

function itemsOf<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .min(1, 'must name at least one item')
    .max(MAX_INVENTORY_ITEMS, `must not have more than ${MAX_INVENTORY_ITEMS} items; split the call`);
}

export const adjustItemSchema = z.strictObject({
  storeId,
  productId,
  quantity: z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .refine((value) => value !== 0, 'must not be 0')
    .describe('The change: +5 adds five units to the bucket, -2 takes two away.'),
  bucket: bucket.default('on_hand'),
  fromBucket: bucket
    .optional()
    .describe('Moves the units from this bucket (quantity must then be positive), e.g. on_hand → damaged.'),
  reason,
  referenceId: z.string().trim().min(1).max(100).optional().describe('The document behind the change.'),
  note: z.string().trim().max(500).optional(),
});

export const adjustBody = z.strictObject({ inventory: itemsOf(adjustItemSchema) }).meta({
  id: 'InventoryAdjustments',
  example: {
    inventory: [
      { storeId: 'NYC-01', productId: 'TEE-BLK-M', quantity: 24, reason: 'received', referenceId: 'PO-1001' },
      {
        storeId: 'NYC-01',
        productId: 'TEE-BLK-L',
        quantity: 2,
        bucket: 'damaged',
        fromBucket: 'on_hand',
        reason: 'damaged',
      },
    ],
  },
});

export const setItemSchema = z.strictObject({
  storeId,
  productId,
  quantity: count
    .optional()
    .describe('The new balance of the bucket; the difference is posted to the ledger.'),
  bucket: bucket.default('on_hand'),
  reason: reason.default('recount'),
  safetyStock: count.optional(),
  lowStockThreshold: count.nullable().optional().describe("null: use the merchant's default."),
  outOfStockThreshold: count.nullable().optional().describe("null: use the merchant's default."),
  allowBackorders: z.boolean().optional().describe('Take orders for it while more is on its way.'),
});

export const setBody = z.strictObject({ inventory: itemsOf(setItemSchema) }).meta({
  id: 'InventoryLevels',
  example: {
    inventory: [
      { storeId: 'NYC-01', productId: 'TEE-BLK-M', quantity: 40, safetyStock: 2, lowStockThreshold: 6 },
      { storeId: 'WEB', productId: 'JKT-NAVY-M', allowBackorders: true },
    ],
  },
});

export const inventoryWriteResponse = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        storeId: z.string(),
        productId: z.string(),
        bucket: z.string(),
        before: z.number().int(),
        after: z.number().int(),
        status: stockStatusSchema,
      }),
    ),
  })
  .meta({
    id: 'InventoryWriteResult',
    example: {
      results: [
        {
          index: 0,
          storeId: 'NYC-01',
          productId: 'TEE-BLK-M',
          bucket: 'on_hand',
          before: 12,
          after: 36,
          status: 'in_stock',
        },
      ],
    },
  });

export type AvailabilityQuery = z.output<typeof availabilityQuery>;
export type StockPosition = z.output<typeof stockPositionSchema>;
export type AdjustItem = z.output<typeof adjustItemSchema>;
export type SetItem = z.output<typeof setItemSchema>;
export type InventoryWriteResult = z.output<typeof inventoryWriteResponse>;
