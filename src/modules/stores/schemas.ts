import { z } from 'zod';
import { booleanQuery, currencyCode, merchantKey } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
}

export const storeIdSchema = merchantKey("The merchant's own id for the location.");

export const storeTypeSchema = z
  .enum(['store', 'ecommerce', 'warehouse'])
  .describe('A physical store, the e-commerce location of a web store, or a warehouse.');

export const addressSchema = z
  .strictObject({
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    region: z.string().trim().max(100).optional(),
    postalCode: z.string().trim().max(20).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US'),
  })
  .meta({ id: 'Address' });

const fields = {
  name: z.string().trim().min(1).max(200),
  type: storeTypeSchema,
  address: addressSchema,
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/New_York'),
  currency: currencyCode.describe('ISO 4217 code of the currency the location sells in.'),
  phone: z.string().trim().min(3).max(40),
  email: z.email(),
  active: z.boolean(),
};

export const newStoreSchema = z
  .strictObject({
    storeId: storeIdSchema,
    name: fields.name,
    type: fields.type,
    address: fields.address.optional(),
    timezone: fields.timezone,
    currency: fields.currency,
    phone: fields.phone.optional(),
    email: fields.email.optional(),
    active: fields.active.default(true),
  })
  .meta({ id: 'NewStore', example: exampleStore() });

export const storeUpdateSchema = z
  .strictObject({
    storeId: storeIdSchema,
    name: fields.name.optional(),
    type: fields.type.optional(),
    address: fields.address.nullable().optional(),
    timezone: fields.timezone.optional(),
    currency: fields.currency.optional(),
    phone: fields.phone.nullable().optional(),
    email: fields.email.nullable().optional(),
    active: fields.active.optional(),
  })
  .meta({
    id: 'StoreUpdate',
    description: 'The store to change, by storeId, and the fields to change; null clears an optional field.',
    example: { storeId: 'NYC-01', name: 'Backroom Fifth Avenue', active: false },
  });

export const storeSchema = z
  .object({
    storeId: storeIdSchema,
    name: z.string(),
    type: storeTypeSchema,
    address: addressSchema.optional(),
    timezone: z.string(),
    currency: z.string(),
    phone: z.string().optional(),
    email: z.string().optional(),
    active: z.boolean(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({ id: 'Store', example: { ...exampleStore(), createdAt: 1763800000000, updatedAt: 1763800000000 } });

export const storeListQuery = z.strictObject({
  ...pageQuery,
  type: storeTypeSchema.optional(),
  active: booleanQuery,
});

export const storeParams = z.strictObject({ storeId: storeIdSchema });

export type NewStore = z.output<typeof newStoreSchema>;
export type StoreUpdate = z.output<typeof storeUpdateSchema>;
export type Store = z.output<typeof storeSchema>;
export type StoreListQuery = z.output<typeof storeListQuery>;

function exampleStore() {
  return {
    storeId: 'NYC-01',
    name: 'Backroom Broadway',
    type: 'store' as const,
    address: { line1: '1 Broadway', city: 'New York', region: 'NY', postalCode: '10004', country: 'US' },
    timezone: 'America/New_York',
    currency: 'USD',
    active: true,
  };
}
