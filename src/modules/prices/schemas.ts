import { z } from 'zod';
import { bulkBody, bulkResultSchema } from '../../platform/http/bulk.ts';
import { currencyCode } from '../../platform/http/fields.ts';
import { productIdSchema, productIdsQuery } from '../products/schemas.ts';
import { storeIdSchema } from '../stores/schemas.ts';

/** The latest instant PostgreSQL and JavaScript dates agree on comfortably: 9999-12-31T23:59:59.999Z. */
const LATEST = 253_402_300_799_999;

export const MAX_BANNER_LENGTH = 200;

const money = (what: string) =>
  z
    .number()
    .int('must be a whole number of minor units, such as 1999 for 19.99')
    .min(0, 'must not be negative; give the price in minor units, such as 1999 for 19.99')
    .max(1e12)
    .describe(`${what}, in minor units of the store's currency (cents).`);

const instant = (what: string) =>
  z.number().int().min(0).max(LATEST).describe(`${what}, epoch milliseconds.`);

export const storeProductPriceInput = z
  .strictObject({
    storeId: storeIdSchema,
    productId: productIdSchema,
    listPrice: money('The regular price at this store').nullable().optional(),
    salePrice: money('The sale price').nullable().optional(),
    saleStartsAt: instant('When the sale starts (inclusive); without it the sale has no start')
      .nullable()
      .optional(),
    saleEndsAt: instant('When the sale ends (exclusive); without it the sale has no end')
      .nullable()
      .optional(),
    promoBannerText: z
      .string()
      .trim()
      .nullable()
      .optional()
      .describe(
        `Shown with the product at this store, at most ${MAX_BANNER_LENGTH} characters; "" clears it.`,
      ),
    currency: currencyCode
      .optional()
      .describe("Optional check: when given it must be the store's currency, which prices are always in."),
  })
  .meta({
    id: 'StorePriceChange',
    description:
      'The price of one product at one store. Fields left out keep their stored value; null clears one.',
  });

export const storePriceSchema = z
  .object({
    storeId: z.string(),
    productId: z.string(),
    currency: z.string().describe("The store's currency."),
    listPrice: z.number().int().optional(),
    salePrice: z.number().int().optional(),
    saleStartsAt: z.number().int().optional().describe('Epoch milliseconds.'),
    saleEndsAt: z.number().int().optional().describe('Epoch milliseconds.'),
    promoBannerText: z.string().optional(),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({ id: 'StorePrice', description: 'The price of a product as stored for one store.' });

export const setStorePricesBody = bulkBody('storeProducts', storeProductPriceInput, {
  storeProducts: [
    { storeId: 'NYC-01', productId: 'TEE-CLASSIC-BLU-M', listPrice: 2400, currency: 'USD' },
    {
      storeId: 'NYC-01',
      productId: 'TEE-CLASSIC-BLU-L',
      salePrice: 1800,
      saleStartsAt: 1764547200000,
      saleEndsAt: 1765152000000,
      promoBannerText: 'Holiday sale: 25% off',
    },
  ],
  allOrNothing: false,
});

export const storePriceBulkResult = bulkResultSchema(storePriceSchema, 'storeId/productId').meta({
  id: 'StorePriceBulkResult',
  example: {
    results: [
      {
        index: 0,
        id: 'NYC-01/TEE-CLASSIC-BLU-M',
        status: 'updated',
        item: {
          storeId: 'NYC-01',
          productId: 'TEE-CLASSIC-BLU-M',
          currency: 'USD',
          listPrice: 2400,
          updatedAt: 1763800000000,
        },
      },
      {
        index: 1,
        id: 'NYC-01/NO-SUCH-PRODUCT',
        status: 'failed',
        error: {
          code: 'unknown_reference',
          detail: 'productId: no product has productId "NO-SUCH-PRODUCT"',
          errors: [{ field: 'productId', message: 'no product has productId "NO-SUCH-PRODUCT"' }],
        },
      },
    ],
    summary: { created: 0, updated: 1, unchanged: 0, deleted: 0, failed: 1 },
  },
});

export const storeProductPricesQuery = z.strictObject({
  storeId: storeIdSchema,
  productIds: productIdsQuery,
  at: z.coerce
    .number()
    .int()
    .min(0)
    .max(LATEST)
    .optional()
    .describe(
      'Epoch milliseconds: the moment to price at, such as the start of a planned sale. Default now.',
    ),
});

const imageSchema = z.object({ url: z.string(), alt: z.string().optional() });

export const storeProductPriceSchema = z
  .object({
    storeId: z.string(),
    productId: z.string(),
    currency: z.string().describe("The store's currency."),
    listPrice: z
      .number()
      .int()
      .optional()
      .describe(
        "The store's list price, or else the product's list price when it is in the store's currency.",
      ),
    effectivePrice: z
      .number()
      .int()
      .optional()
      .describe('What the product sells for at `at`: the sale price during its window, else listPrice.'),
    onSale: z.boolean().describe('Whether the sale price applies at `at`.'),
    salePrice: z.number().int().optional(),
    saleStartsAt: z.number().int().optional(),
    saleEndsAt: z.number().int().optional(),
    promoBannerText: z.string().optional(),
    priceSource: z
      .enum(['store', 'product', 'none'])
      .describe('Where effectivePrice comes from: the store price, the product list price, or nowhere.'),
    productName: z.string(),
    primaryImage: imageSchema.optional(),
  })
  .meta({
    id: 'StoreProductPrice',
    example: {
      storeId: 'NYC-01',
      productId: 'TEE-CLASSIC-BLU-L',
      currency: 'USD',
      listPrice: 2400,
      effectivePrice: 1800,
      onSale: true,
      salePrice: 1800,
      saleStartsAt: 1764547200000,
      saleEndsAt: 1765152000000,
      promoBannerText: 'Holiday sale: 25% off',
      priceSource: 'store',
      productName: 'Classic Tee, Blue, L',
      primaryImage: { url: 'https://images.example.com/tee-blue.jpg', alt: 'Classic Tee in blue' },
    },
  });

export const storeProductPricesResponse = z
  .object({
    at: z.number().int().describe('The moment priced, epoch milliseconds.'),
    data: z.array(storeProductPriceSchema).describe('In the order of productIds.'),
    missingProductIds: z
      .array(z.string())
      .describe('The requested productIds that name no product (or a deleted one).'),
  })
  .meta({ example: { at: 1764600000000, data: [], missingProductIds: ['NO-SUCH-PRODUCT'] } });

export type StoreProductPriceInput = z.output<typeof storeProductPriceInput>;
export type StorePrice = z.output<typeof storePriceSchema>;
export type StoreProductPricesQuery = z.output<typeof storeProductPricesQuery>;
export type StoreProductPrice = z.output<typeof storeProductPriceSchema>;
export type StoreProductPrices = z.output<typeof storeProductPricesResponse>;
