import { z } from 'zod';
import { MAX_BULK_ITEMS } from '../../platform/http/bulk.ts';
import { booleanQuery, eachOnce, merchantKey } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';

const cycleCountId = merchantKey("The merchant's own id for the cycle count.");
const storeId = merchantKey('The store whose stock is counted.');
const productId = merchantKey('A productId.');
const name = z.string().trim().min(1).max(200).describe('A label for people, such as "Spring count".');
const attributeSchema = z
  .strictObject({
    code: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .describe('A custom attribute code or a variant attribute such as size.'),
    value: z.union([z.string().max(500), z.number(), z.boolean()]),
  })
  .describe('Products whose attribute `code` has exactly this value.');

export const newFullCountSchema = z.strictObject({ cycleCountId, storeId, name: name.optional() }).meta({
  id: 'NewFullCycleCount',
  example: { cycleCountId: 'CC-2025-11-NYC', storeId: 'NYC-01', name: 'Year end' },
});

export const newPartialCountSchema = z
  .strictObject({
    cycleCountId,
    storeId,
    name: name.optional(),
    categoryId: merchantKey('Products in this category or any of its subcategories.').optional(),
    brand: z.string().trim().min(1).max(200).describe('Products of this brand (exact match).').optional(),
    attribute: attributeSchema.optional(),
  })
  .superRefine((body, issues) => {
    const given = (['categoryId', 'brand', 'attribute'] as const).filter((key) => body[key] !== undefined);
    if (given.length !== 1) {
      issues.addIssue({
        code: 'custom',
        message: 'give exactly one of categoryId, brand or attribute',
        path: given.length > 1 ? [given[1] as string] : [],
      });
    }
  })
  .meta({
    id: 'NewPartialCycleCount',
    description: 'Exactly one of categoryId, brand or attribute chooses the products.',
    example: { cycleCountId: 'CC-DENIM-1', storeId: 'NYC-01', categoryId: 'DENIM' },
  });

export const newManualCountSchema = z
  .strictObject({
    cycleCountId,
    storeId,
    name: name.optional(),
    productIds: z
      .array(productId)
      .min(1)
      .max(MAX_BULK_ITEMS, `must not name more than ${MAX_BULK_ITEMS} products; use a partial count`)
      .superRefine(eachOnce((id: string) => id)),
  })
  .meta({
    id: 'NewManualCycleCount',
    example: { cycleCountId: 'CC-SPOT-7', storeId: 'NYC-01', productIds: ['TEE-M', 'TEE-L'] },
  });

export const cancelCountSchema = z
  .strictObject({ cycleCountId, reason: z.string().trim().min(1).max(500).optional() })
  .meta({
    id: 'CycleCountCancel',
    example: { cycleCountId: 'CC-SPOT-7', reason: 'Store closed for the day' },
  });

export const countsSchema = z
  .strictObject({
    counts: z
      .array(
        z.strictObject({
          productId,
          quantity: z.number().int().min(0).max(1_000_000_000).describe('Units found on the shelf.'),
        }),
      )
      .min(1)
      .max(MAX_BULK_ITEMS, `must not have more than ${MAX_BULK_ITEMS} counts; split the call`)
      .superRefine(eachOnce((count: { productId: string }) => count.productId, 'productId')),
  })
  .meta({
    id: 'CycleCountCounts',
    description: 'Counts of products of the count; a product counted again replaces its earlier count.',
    example: { counts: [{ productId: 'TEE-M', quantity: 11 }] },
  });

export const completeSchema = z
  .strictObject({
    uncountedAsZero: z
      .boolean()
      .default(false)
      .describe('Count every product not counted yet as zero (found none), instead of refusing to complete.'),
  })
  .nullish()
  .meta({
    id: 'CycleCountCompletion',
    description: 'May be left out: no body completes a fully counted count.',
    example: { uncountedAsZero: false },
  });

export const countParams = z.strictObject({ cycleCountId });

export const linesQuery = z.strictObject({
  ...pageQuery,
  counted: booleanQuery.describe('true: only counted lines; false: only lines still to count.'),
});

const epochMs = z.number().int().describe('Epoch milliseconds.');

export const lineSchema = z
  .object({
    productId: z.string(),
    expectedQuantity: z
      .number()
      .int()
      .optional()
      .describe('On hand at the moment the count was recorded; absent until counted.'),
    countedQuantity: z.number().int().optional(),
    variance: z.number().int().optional().describe('countedQuantity − expectedQuantity.'),
    countedAt: epochMs.optional(),
    adjustment: z.number().int().optional().describe('The on-hand movement posted when the count completed.'),
  })
  .meta({ id: 'CycleCountLine' });

const summaryFields = {
  cycleCountId: z.string(),
  storeId: z.string(),
  kind: z.enum(['full', 'partial', 'manual']),
  scope: z
    .object({
      categoryId: z.string().optional(),
      brand: z.string().optional(),
      attribute: z
        .object({ code: z.string(), value: z.union([z.string(), z.number(), z.boolean()]) })
        .optional(),
      productIds: z.array(z.string()).optional(),
    })
    .describe('What the count covers: empty for a full count.'),
  name: z.string().optional(),
  status: z.enum(['created', 'started', 'counted', 'completed', 'cancelled']),
  cancelReason: z.string().optional(),
  createdBy: z.string(),
  createdAt: epochMs,
  startedAt: epochMs.optional(),
  countedAt: epochMs.optional(),
  completedAt: epochMs.optional(),
  cancelledAt: epochMs.optional(),
  totals: z.object({
    lines: z.number().int(),
    counted: z.number().int(),
    withVariance: z.number().int(),
    unitsOver: z.number().int().describe('Units found beyond what was on hand, over all lines.'),
    unitsShort: z.number().int().describe('Units missing from what was on hand, over all lines.'),
  }),
};

const exampleSummary = {
  cycleCountId: 'CC-SPOT-7',
  storeId: 'NYC-01',
  kind: 'manual' as const,
  scope: { productIds: ['TEE-M', 'TEE-L'] },
  status: 'started' as const,
  createdBy: 'api_client:3f1c',
  createdAt: 1763800000000,
  startedAt: 1763800060000,
  totals: { lines: 2, counted: 1, withVariance: 1, unitsOver: 0, unitsShort: 1 },
};
const exampleLine = {
  productId: 'TEE-M',
  expectedQuantity: 12,
  countedQuantity: 11,
  variance: -1,
  countedAt: 1763800120000,
};

export const cycleCountSchema = z
  .object({
    ...summaryFields,
    lines: z.array(lineSchema).describe('A page of lines in productId order; more with `nextCursor`.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to GET the next page of lines.'),
  })
  .meta({
    id: 'CycleCount',
    example: { ...exampleSummary, lines: [exampleLine, { productId: 'TEE-L' }], nextCursor: null },
  });

export const countsResultSchema = z
  .object({ ...summaryFields, recorded: z.array(lineSchema).describe('The lines this call counted.') })
  .meta({ id: 'CycleCountCountsResult', example: { ...exampleSummary, recorded: [exampleLine] } });

export type NewFullCount = z.output<typeof newFullCountSchema>;
export type NewPartialCount = z.output<typeof newPartialCountSchema>;
export type NewManualCount = z.output<typeof newManualCountSchema>;
export type CancelCount = z.output<typeof cancelCountSchema>;
export type Counts = z.output<typeof countsSchema>;
export type Completion = NonNullable<z.output<typeof completeSchema>>;
export type LinesQuery = z.output<typeof linesQuery>;
export type CycleCountLine = z.output<typeof lineSchema>;
export type CycleCount = z.output<typeof cycleCountSchema>;
export type CountsResult = z.output<typeof countsResultSchema>;
