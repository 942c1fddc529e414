import { z } from 'zod';
import { epochMillis, merchantKey } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';
import { storeIdSchema } from '../stores/schemas.ts';

export const customerIdSchema = merchantKey(
  "The customer's number: the merchant's own key, or one Backroom generated (C + 8 digits).",
);

export const channelSchema = z
  .enum(['web', 'store', 'mobile', 'phone', 'marketplace', 'api', 'import'])
  .describe('Where the customer was first recorded.');

export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US')
  .describe('Country a national phone number belongs to; default the origin store’s country.');

function isPastOrToday(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return (
    !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && date.getTime() <= Date.now()
  );
}

const birthDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isPastOrToday, 'must be a real date, not in the future')
  .describe('YYYY-MM-DD.');

const name = z.string().trim().min(1).max(100);
const marketingSchema = z
  .strictObject({
    email: z.boolean().describe('Agrees to marketing e-mail.'),
    sms: z.boolean().describe('Agrees to marketing text messages.'),
  })
  .describe('Marketing consent.');

const fields = {
  firstName: name,
  lastName: name,
  email: z.string().trim().max(254).pipe(z.email()),
  phone: z.string().trim().min(3).max(40),
  birthDate: birthDateSchema,
  loyaltyId: z.string().trim().min(1).max(64),
  note: z.string().max(2000),
};

const exampleCustomer = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '(212) 555-0123',
  channel: 'store' as const,
  storeId: 'NYC-01',
  marketing: { email: true, sms: false },
};

const identifies = (value: { firstName?: unknown; lastName?: unknown; email?: unknown; phone?: unknown }) =>
  Boolean(value.firstName || value.lastName || value.email || value.phone);

export const newCustomerSchema = z
  .strictObject({
    customerId: customerIdSchema.optional(),
    firstName: fields.firstName.optional(),
    lastName: fields.lastName.optional(),
    email: fields.email.optional(),
    phone: fields.phone.optional(),
    phoneCountry: countrySchema.optional(),
    birthDate: fields.birthDate.optional(),
    loyaltyId: fields.loyaltyId.optional(),
    channel: channelSchema,
    storeId: storeIdSchema.optional(),
    marketing: marketingSchema.optional().describe('Marketing consent; both false when left out.'),
    note: fields.note.optional(),
    allowDuplicate: z
      .boolean()
      .default(false)
      .describe(
        'Create even when a customer with the same e-mail or phone exists (the two are still linked).',
      ),
  })
  .refine(identifies, { message: 'needs an e-mail, a phone or a name', path: ['email'] })
  .meta({ id: 'NewCustomer', example: exampleCustomer });

export const customerUpdateSchema = z
  .strictObject({
    firstName: fields.firstName.nullable().optional(),
    lastName: fields.lastName.nullable().optional(),
    email: fields.email.nullable().optional(),
    phone: fields.phone.nullable().optional(),
    phoneCountry: countrySchema.optional(),
    birthDate: fields.birthDate.nullable().optional(),
    loyaltyId: fields.loyaltyId.nullable().optional(),
    channel: channelSchema.optional(),
    storeId: storeIdSchema.nullable().optional(),
    marketing: marketingSchema.partial().optional(),
    note: fields.note.nullable().optional(),
  })
  .meta({
    id: 'CustomerUpdate',
    description: 'The fields to change; null clears an optional field.',
    example: { lastName: 'King', marketing: { sms: true }, note: null },
  });

export const customerSchema = z
  .object({
    customerId: customerIdSchema,
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    phoneNormalized: z.string().optional().describe('E.164 when the number parses, else its digits.'),
    birthDate: z.string().optional(),
    loyaltyId: z.string().optional(),
    channel: channelSchema,
    storeId: z.string().optional().describe('The origin store.'),
    marketing: z.object({
      email: z.boolean(),
      sms: z.boolean(),
      updatedAt: z.number().int().optional().describe('When consent last changed; epoch milliseconds.'),
    }),
    note: z.string().optional(),
    status: z.enum(['active', 'merged']),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({
    id: 'Customer',
    example: {
      customerId: 'C00000042',
      ...exampleCustomer,
      phoneNormalized: '+12125550123',
      marketing: { email: true, sms: false, updatedAt: 1763800000000 },
      status: 'active',
      createdAt: 1763800000000,
      updatedAt: 1763800000000,
    },
  });

export const customerSourceSchema = z
  .enum(['spi', 'backroom'])
  .describe(
    "With a customer-master SPI configured: `spi` when the merchant's system answered (and Backroom mirrored " +
      "it), `backroom` when it failed and Backroom's own records answered. Absent without such an SPI.",
  );

export const updatedCustomerSchema = customerSchema.extend({ source: customerSourceSchema.optional() }).meta({
  id: 'UpdatedCustomer',
  example: {
    customerId: 'C-2001',
    firstName: 'Ada',
    lastName: 'King',
    email: 'ada@example.com',
    channel: 'web',
    marketing: { email: true, sms: true, updatedAt: 1763800000000 },
    status: 'active',
    createdAt: 1763700000000,
    updatedAt: 1763800000000,
    source: 'spi',
  },
});

export const createdCustomerSchema = customerSchema
  .extend({
    source: customerSourceSchema.optional(),
    matched: z
      .object({ by: z.enum(['email', 'phone']), customerId: z.string() })
      .optional()
      .describe('Present when an existing customer was answered instead of creating one (status 200).'),
    linkedCustomerIds: z
      .array(z.string())
      .optional()
      .describe('Existing customers with the same e-mail or phone that the new one was linked to.'),
  })
  .meta({
    id: 'CreatedCustomer',
    example: {
      customerId: 'C00000042',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      channel: 'store',
      marketing: { email: true, sms: false, updatedAt: 1763800000000 },
      status: 'active',
      createdAt: 1763800000000,
      updatedAt: 1763800000000,
      linkedCustomerIds: ['C00000007'],
    },
  });

export const customerDetailSchema = customerSchema
  .extend({
    source: customerSourceSchema.optional(),
    aliases: z.array(z.string()).optional().describe('Numbers of customers merged into this one.'),
    requestedCustomerId: z
      .string()
      .optional()
      .describe('The number asked for, when it was merged into this customer.'),
  })
  .meta({
    id: 'CustomerDetail',
    example: {
      customerId: 'C00000042',
      firstName: 'Ada',
      lastName: 'Lovelace',
      channel: 'web',
      marketing: { email: false, sms: false },
      status: 'active',
      createdAt: 1763800000000,
      updatedAt: 1763800000000,
      aliases: ['C00000007'],
      requestedCustomerId: 'C00000007',
    },
  });

export const customerListQuery = z.strictObject({
  ...pageQuery,
  email: z.string().max(254).optional(),
  phone: z.string().max(40).optional(),
  phoneCountry: countrySchema.optional(),
  name: z.string().trim().min(1).max(100).optional().describe('Prefix of the first or last name, any case.'),
  loyaltyId: z.string().max(64).optional(),
  channel: channelSchema.optional(),
  storeId: storeIdSchema.optional(),
  updatedSince: z.coerce
    .number()
    .pipe(epochMillis('Only customers changed at or after this; ordered by updatedAt.'))
    .optional(),
});

export const customerParams = z.strictObject({ customerId: customerIdSchema });

export const customerSettingsSchema = z
  .strictObject({
    duplicatePolicy: z
      .enum(['return_existing', 'create_and_link'])
      .describe(
        'On create, a customer with the same e-mail or phone is answered instead (return_existing) or the new ' +
          'one is created and linked to it (create_and_link).',
      ),
  })
  .meta({ id: 'CustomerSettings', example: { duplicatePolicy: 'return_existing' } });

export type NewCustomer = z.output<typeof newCustomerSchema>;
export type CustomerUpdate = z.output<typeof customerUpdateSchema>;
export type Customer = z.output<typeof customerSchema>;
export type CreatedCustomer = z.output<typeof createdCustomerSchema>;
export type CustomerDetail = z.output<typeof customerDetailSchema>;
export type CustomerListQuery = z.output<typeof customerListQuery>;
export type CustomerSource = z.output<typeof customerSourceSchema>;
export type CustomerSettings = z.output<typeof customerSettingsSchema>;
