import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import {
  findSettings,
  type InventorySettings,
  insertBucket,
  listBucketRows,
  saveSettings,
} from './settings-repo.ts';

export const settingsSchema = z
  .strictObject({
    reservationTtlSeconds: z
      .number()
      .int()
      .min(30)
      .max(604_800)
      .describe('How long a reservation holds stock unless it says otherwise.'),
    lowStockThreshold: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .describe('Available at or below this shows low stock.'),
    outOfStockThreshold: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .describe('Available at or below this shows out of stock.'),
  })
  .meta({
    id: 'InventorySettings',
    description: "The merchant's defaults; a location's own thresholds (PUT /storeproducts/inventory) win.",
    example: { reservationTtlSeconds: 900, lowStockThreshold: 5, outOfStockThreshold: 0 },
  });

export const settingsUpdateSchema = settingsSchema.partial().meta({
  id: 'InventorySettingsUpdate',
  example: { reservationTtlSeconds: 1200, lowStockThreshold: 3 },
});

export const bucketSchema = z
  .strictObject({
    bucketId: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and underscores')
      .refine((id) => !['on_hand', 'reserved', 'damaged', 'in_transit'].includes(id), 'is a built-in bucket'),
    name: z.string().trim().min(1).max(100),
  })
  .meta({ id: 'StockBucket', example: { bucketId: 'display', name: 'On display, not for sale' } });

export function getSettings(ctx: Ctx): Promise<InventorySettings> {
  return findSettings(ctx.tx);
}

export function updateSettings(ctx: Ctx, update: Partial<InventorySettings>): Promise<InventorySettings> {
  return saveSettings(ctx.tx, ctx.tenantId, update, ctx.now());
}

export async function listBuckets(ctx: Ctx) {
  return { data: await listBucketRows(ctx.tx) };
}

export async function createBucket(ctx: Ctx, bucket: z.output<typeof bucketSchema>) {
  const row = await insertBucket(ctx.tx, ctx.tenantId, bucket, ctx.now());
  if (!row) throw new Problem('already_exists', `A bucket "${bucket.bucketId}" already exists.`);
  return row;
}
