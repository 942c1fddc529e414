import { z } from 'zod';
import { currencyCode, merchantKey } from '../../platform/http/fields.ts';
import { storeIdSchema } from '../stores/schemas.ts';

export const methodIdSchema = merchantKey("The merchant's own id for the shipping method.");

const money = z.number().int().min(0).max(1_000_000_000_000);
const days = z.number().int().min(0).max(365);

const exampleMethod = {
  name: 'Standard',
  carrier: 'UPS',
  currency: 'USD',
  price: 599,
  freeOver: 5000,
  minDays: 3,
  maxDays: 5,
  storeIds: ['NYC-01'],
  active: true,
};

export const shippingMethodInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    carrier: z.string().trim().min(1).max(100).optional(),
    currency: currencyCode.describe('ISO 4217; offered only to carts of stores selling in it.'),
    price: money.describe('Minor units.'),
    freeOver: money.optional().describe('Free when the cart subtotal reaches this amount (minor units).'),
    minDays: days.optional(),
    maxDays: days.optional().describe('At least minDays.'),
    storeIds: z
      .array(storeIdSchema)
      .min(1)
      .max(1000)
      .optional()
      .describe('Only carts of these stores; every store when left out.'),
    active: z.boolean().default(true),
  })
  .meta({ id: 'ShippingMethodDefinition', example: exampleMethod });

export const shippingMethodSchema = z
  .object({
    methodId: z.string(),
    name: z.string(),
    carrier: z.string().optional(),
    currency: z.string(),
    price: z.number().int(),
    freeOver: z.number().int().optional(),
    minDays: z.number().int().optional(),
    maxDays: z.number().int().optional(),
    storeIds: z.array(z.string()).optional(),
    active: z.boolean(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({
    id: 'ShippingMethod',
    example: { methodId: 'STANDARD', ...exampleMethod, createdAt: 1763800000000, updatedAt: 1763800000000 },
  });

export const shippingMethodListSchema = z.object({ data: z.array(shippingMethodSchema) }).meta({
  id: 'ShippingMethodList',
  example: {
    data: [{ methodId: 'STANDARD', ...exampleMethod, createdAt: 1763800000000, updatedAt: 1763800000000 }],
  },
});

export const shippingMethodParams = z.strictObject({ methodId: methodIdSchema });

export const shippingOptionsQuery = z.strictObject({
  storeId: storeIdSchema,
  subtotal: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000_000)
    .describe("The cart's subtotal after discounts, minor units."),
});

export const shippingOptionsSchema = z
  .object({
    storeId: z.string(),
    currency: z.string(),
    subtotal: z.number().int(),
    data: z.array(
      z.object({
        methodId: z.string(),
        name: z.string(),
        carrier: z.string().optional(),
        price: z.number().int().describe('What a cart of this subtotal pays; 0 when it reaches freeOver.'),
        listPrice: z.number().int().describe("The method's price before freeOver."),
        freeOver: z.number().int().optional(),
        minDays: z.number().int().optional(),
        maxDays: z.number().int().optional(),
      }),
    ),
  })
  .meta({
    id: 'ShippingOptions',
    example: {
      storeId: 'NYC-01',
      currency: 'USD',
      subtotal: 6200,
      data: [
        {
          methodId: 'STANDARD',
          name: 'Standard',
          carrier: 'UPS',
          price: 0,
          listPrice: 599,
          freeOver: 5000,
          minDays: 3,
          maxDays: 5,
        },
        { methodId: 'EXPRESS', name: 'Express', price: 1500, listPrice: 1500, minDays: 1, maxDays: 2 },
      ],
    },
  });

export type ShippingMethodInput = z.output<typeof shippingMethodInputSchema>;
export type ShippingMethod = z.output<typeof shippingMethodSchema>;
export type ShippingOptionsQuery = z.output<typeof shippingOptionsQuery>;
export type ShippingOptions = z.output<typeof shippingOptionsSchema>;
