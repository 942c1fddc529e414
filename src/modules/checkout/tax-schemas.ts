import { z } from 'zod';
import { storeIdSchema } from '../stores/schemas.ts';

const ratePpm = z
  .number()
  .int()
  .min(0)
  .max(1_000_000)
  .describe('Parts per million of the taxable amount: 82500 is 8.25 %.');
const taxClass = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .describe("The products' tax class this rate applies to; without one, products of a class no rate names.");

const exampleRates = [
  { name: 'State tax', ratePpm: 62500, appliesToShipping: true },
  { name: 'City tax', ratePpm: 20000 },
  { name: 'Food tax', taxClass: 'food', ratePpm: 10000 },
];

export const taxRateInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  taxClass: taxClass.optional(),
  ratePpm,
  appliesToShipping: z.boolean().default(false).describe('Shipping bears this rate too.'),
});

export const taxRatesInputSchema = z.strictObject({ rates: z.array(taxRateInputSchema).max(200) }).meta({
  id: 'TaxRateSet',
  description: "The store's whole set of tax rates; rates left out are removed.",
  example: { rates: exampleRates },
});

export const taxRatesSchema = z
  .object({
    storeId: z.string(),
    rates: z.array(
      z.object({
        name: z.string(),
        taxClass: z.string().optional(),
        ratePpm: z.number().int(),
        appliesToShipping: z.boolean(),
      }),
    ),
  })
  .meta({
    id: 'TaxRates',
    example: {
      storeId: 'NYC-01',
      rates: exampleRates.map((rate) => ({ appliesToShipping: false, ...rate })),
    },
  });

export const storeTaxParams = z.strictObject({ storeId: storeIdSchema });

const money = z.number().int().min(0);

export const taxQuoteRequestSchema = z
  .strictObject({
    storeId: storeIdSchema,
    lines: z
      .array(
        z.strictObject({
          productId: z.string().min(1).max(64),
          quantity: z.number().int().min(1).max(1_000_000),
          unitPrice: money.max(1_000_000_000).describe('Minor units.'),
          discountAmount: money.optional().describe('Minor units off the line; at most its amount.'),
        }),
      )
      .min(1)
      .max(500),
    shippingAmount: money
      .max(1_000_000_000)
      .optional()
      .describe('Minor units; taxed by the rates for shipping.'),
  })
  .meta({
    id: 'TaxQuoteRequest',
    example: {
      storeId: 'NYC-01',
      lines: [{ productId: 'TSHIRT-M', quantity: 2, unitPrice: 1500, discountAmount: 300 }],
      shippingAmount: 500,
    },
  });

const appliedTax = z.object({ name: z.string(), ratePpm: z.number().int(), amount: z.number().int() });

export const taxQuoteSchema = z
  .object({
    storeId: z.string(),
    currency: z.string(),
    lines: z.array(
      z.object({
        lineNumber: z.number().int(),
        productId: z.string(),
        amount: z.number().int().describe('Quantity × unit price − discount.'),
        taxes: z.array(appliedTax),
        taxAmount: z.number().int(),
      }),
    ),
    shipping: z
      .object({ amount: z.number().int(), taxes: z.array(appliedTax), taxAmount: z.number().int() })
      .optional(),
    taxTotal: z.number().int(),
  })
  .meta({
    id: 'TaxQuote',
    example: {
      storeId: 'NYC-01',
      currency: 'USD',
      lines: [
        {
          lineNumber: 1,
          productId: 'TSHIRT-M',
          amount: 2700,
          taxes: [
            { name: 'City tax', ratePpm: 20000, amount: 54 },
            { name: 'State tax', ratePpm: 62500, amount: 169 },
          ],
          taxAmount: 223,
        },
      ],
      shipping: { amount: 500, taxes: [{ name: 'State tax', ratePpm: 62500, amount: 31 }], taxAmount: 31 },
      taxTotal: 254,
    },
  });

export type TaxRatesInput = z.output<typeof taxRatesInputSchema>;
export type TaxRates = z.output<typeof taxRatesSchema>;
export type TaxQuoteRequest = z.output<typeof taxQuoteRequestSchema>;
export type TaxQuote = z.output<typeof taxQuoteSchema>;
