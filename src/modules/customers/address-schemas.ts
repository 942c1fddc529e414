import { z } from 'zod';
import { customerIdSchema, customerSourceSchema } from './schemas.ts';

export const customerNumber = customerIdSchema.describe(
  "The customer's number; a number merged into another customer stands for that survivor.",
);

export const customerParams = z.strictObject({ customerId: customerNumber });

export const addressParams = z.strictObject({
  customerId: customerNumber,
  addressId: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe("The address's id: Backroom's, or the merchant system's when that is the address master."),
});

const fields = {
  label: z.string().trim().min(1).max(50).describe('How the customer calls it: Home, Office, …'),
  name: z.string().trim().min(1).max(200).describe('Who receives parcels there.'),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().min(1).max(200),
  city: z.string().trim().min(1).max(100),
  region: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US'),
  phone: z.string().trim().min(3).max(40),
  defaultShipping: z.boolean().describe('Where orders ship unless told otherwise; one address at most.'),
  defaultBilling: z.boolean().describe('Where invoices go unless told otherwise; one address at most.'),
};

const exampleAddress = {
  label: 'Home',
  name: 'Ada Lovelace',
  line1: '12 Elm Street',
  line2: 'Apt 4B',
  city: 'Springfield',
  region: 'IL',
  postalCode: '62701',
  country: 'US',
  phone: '+12175550123',
};

export const newAddressSchema = z
  .strictObject({
    label: fields.label.optional(),
    name: fields.name.optional(),
    line1: fields.line1,
    line2: fields.line2.optional(),
    city: fields.city,
    region: fields.region.optional(),
    postalCode: fields.postalCode.optional(),
    country: fields.country,
    phone: fields.phone.optional(),
    defaultShipping: fields.defaultShipping.optional(),
    defaultBilling: fields.defaultBilling.optional(),
  })
  .meta({
    id: 'NewCustomerAddress',
    description:
      "The customer's first address becomes both defaults unless the body says otherwise; a default set here " +
      'replaces the previous one of its kind.',
    example: { ...exampleAddress, defaultShipping: true },
  });

export const addressUpdateSchema = z
  .strictObject({
    label: fields.label.nullable().optional(),
    name: fields.name.nullable().optional(),
    line1: fields.line1.optional(),
    line2: fields.line2.nullable().optional(),
    city: fields.city.optional(),
    region: fields.region.nullable().optional(),
    postalCode: fields.postalCode.nullable().optional(),
    country: fields.country.optional(),
    phone: fields.phone.nullable().optional(),
    defaultShipping: fields.defaultShipping.optional(),
    defaultBilling: fields.defaultBilling.optional(),
  })
  .meta({
    id: 'CustomerAddressUpdate',
    description: 'The fields to change; null clears an optional field.',
    example: { line2: null, defaultBilling: true },
  });

export const addressSchema = z
  .object({
    addressId: z.string(),
    label: z.string().optional(),
    name: z.string().optional(),
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    region: z.string().optional(),
    postalCode: z.string().optional(),
    country: z.string(),
    phone: z.string().optional(),
    defaultShipping: z.boolean(),
    defaultBilling: z.boolean(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
    source: customerSourceSchema.optional(),
  })
  .meta({ id: 'CustomerAddress', example: exampleAnswer() });

export const deletedAddressSchema = addressSchema.partial().extend({ addressId: z.string() }).meta({
  id: 'DeletedCustomerAddress',
  description: "The address as it was; only its id when the merchant's system deleted it (`source: spi`).",
  example: exampleAnswer(),
});

export const addressListSchema = z
  .object({ data: z.array(addressSchema), source: customerSourceSchema.optional() })
  .meta({ id: 'CustomerAddressList', example: { data: [exampleAnswer()] } });

export type NewAddress = z.output<typeof newAddressSchema>;
export type AddressUpdate = z.output<typeof addressUpdateSchema>;
export type Address = z.output<typeof addressSchema>;

function exampleAnswer() {
  return {
    addressId: '0b6f3c52-8c1e-4f57-9d0e-2a1f7a3c9e11',
    ...exampleAddress,
    defaultShipping: true,
    defaultBilling: true,
    createdAt: 1763800000000,
    updatedAt: 1763800000000,
  };
}
