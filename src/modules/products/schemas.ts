import { z } from 'zod';
import { bulkBody, bulkResultSchema } from '../../platform/http/bulk.ts';
import { booleanQuery, commaSeparated, currencyCode, merchantKey } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';
import { isGtin } from './gtin.ts';

export const productIdSchema = merchantKey("The merchant's own id for the product.");

const text = (max: number) => z.string().trim().min(1).max(max);

export const imageSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048),
    alt: z.string().trim().max(300).optional(),
    primary: z.boolean().optional().describe('At most one image is primary; without one, the first is.'),
  })
  .meta({ id: 'ProductImage' });

const dimensionsSchema = z
  .strictObject({
    length: z.number().int().min(0),
    width: z.number().int().min(0),
    height: z.number().int().min(0),
  })
  .describe('Millimetres.');

const attributeValue = z.union([z.string().max(1000), z.number(), z.boolean()]);

const fields = {
  sku: text(64).describe('Stock keeping unit, unique among the merchant’s products.'),
  gtins: z
    .array(
      z.string().refine(isGtin, 'must be a GTIN-8, UPC-A (12), EAN-13 or GTIN-14 with a valid check digit'),
    )
    .max(20)
    .describe('GTINs, UPCs or EANs; each belongs to one product only.'),
  name: text(300),
  description: z
    .string()
    .max(100_000)
    .describe('HTML. Scripts, event handlers and unsafe links are removed.'),
  brand: text(120),
  manufacturer: text(120),
  status: z.enum(['active', 'inactive']),
  taxClass: text(64).describe('The tax class the store tax rates apply to, such as `standard` or `food`.'),
  variantGroupId: merchantKey(
    "The merchant's own id for the group of variants (such as one shirt in every size and colour).",
  ),
  variantAttributes: z
    .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), text(120))
    .describe('What tells the variants of a group apart, such as `{ "size": "M", "colour": "Blue" }`.'),
  categoryIds: z.array(merchantKey("The merchant's own category id.")).max(50),
  attributeSetIds: z
    .array(merchantKey("The merchant's own attribute set id."))
    .max(10)
    .describe('The attribute sets whose attributes the product carries; the first is the primary set.'),
  attributes: z
    .record(z.string().max(64), attributeValue)
    .describe('Custom attribute values by attribute code, typed as the attribute sets define.'),
  images: z.array(imageSchema).max(30).describe('In display order.'),
  weightGrams: z.number().int().min(0).max(10_000_000),
  dimensionsMm: dimensionsSchema,
  listPrice: z.number().int().min(0, 'must not be negative').max(1e12).describe('Minor units (cents).'),
  currency: currencyCode.describe('ISO 4217 code of listPrice.'),
};

/** Fields every product may carry besides its ids; shared by create, update and the catalog feed. */
export const newProductSchema = z
  .strictObject({
    productId: productIdSchema,
    sku: fields.sku,
    gtins: fields.gtins.optional(),
    name: fields.name,
    description: fields.description.optional(),
    brand: fields.brand.optional(),
    manufacturer: fields.manufacturer.optional(),
    status: fields.status.default('active'),
    taxClass: fields.taxClass.optional(),
    variantGroupId: fields.variantGroupId.optional(),
    variantAttributes: fields.variantAttributes.optional(),
    categoryIds: fields.categoryIds.optional(),
    attributeSetIds: fields.attributeSetIds.optional(),
    attributes: fields.attributes.optional(),
    images: fields.images.optional(),
    weightGrams: fields.weightGrams.optional(),
    dimensionsMm: fields.dimensionsMm.optional(),
    listPrice: fields.listPrice.optional(),
    currency: fields.currency.optional(),
  })
  .meta({ id: 'NewProduct', example: exampleProduct() });

export const productUpdateSchema = z
  .strictObject({
    productId: productIdSchema,
    sku: fields.sku.optional(),
    gtins: fields.gtins.optional(),
    name: fields.name.optional(),
    description: fields.description.nullable().optional(),
    brand: fields.brand.nullable().optional(),
    manufacturer: fields.manufacturer.nullable().optional(),
    status: fields.status.optional(),
    taxClass: fields.taxClass.nullable().optional(),
    variantGroupId: fields.variantGroupId.nullable().optional(),
    variantAttributes: fields.variantAttributes.optional(),
    categoryIds: fields.categoryIds.optional(),
    attributeSetIds: fields.attributeSetIds.optional(),
    attributes: fields.attributes.optional(),
    images: fields.images.optional(),
    weightGrams: fields.weightGrams.nullable().optional(),
    dimensionsMm: fields.dimensionsMm.nullable().optional(),
    listPrice: fields.listPrice.nullable().optional(),
    currency: fields.currency.nullable().optional(),
  })
  .meta({
    id: 'ProductUpdate',
    description:
      'The product to change, by productId, and the fields to change; null clears an optional field.',
    example: { productId: 'TEE-CLASSIC-BLU-M', listPrice: 2200, status: 'active' },
  });

export const productSchema = z
  .object({
    productId: productIdSchema,
    sku: z.string(),
    gtins: z.array(z.string()),
    name: z.string(),
    description: z.string().optional(),
    brand: z.string().optional(),
    manufacturer: z.string().optional(),
    status: fields.status,
    taxClass: z.string().optional(),
    variantGroupId: z.string().optional(),
    variantAttributes: z.record(z.string(), z.string()),
    categoryIds: z.array(z.string()),
    attributeSetIds: z.array(z.string()),
    primaryAttributeSetId: z.string().optional(),
    attributes: z.record(z.string(), attributeValue),
    images: z.array(imageSchema.required({ primary: true })),
    primaryImage: imageSchema.required({ primary: true }).optional(),
    weightGrams: z.number().int().optional(),
    dimensionsMm: dimensionsSchema.optional(),
    listPrice: z.number().int().optional(),
    currency: z.string().optional(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
    deletedAt: z.number().int().optional().describe('Epoch milliseconds; only with includeDeleted=true.'),
  })
  .meta({
    id: 'Product',
    example: {
      ...exampleProduct(),
      status: 'active',
      primaryAttributeSetId: 'apparel',
      images: [{ url: 'https://images.example.com/tee-blue.jpg', alt: 'Classic Tee in blue', primary: true }],
      primaryImage: {
        url: 'https://images.example.com/tee-blue.jpg',
        alt: 'Classic Tee in blue',
        primary: true,
      },
      createdAt: 1763800000000,
      updatedAt: 1763800000000,
    },
  });

export const createProductsBody = bulkBody('products', newProductSchema, {
  products: [exampleProduct()],
  allOrNothing: false,
});
export const updateProductsBody = bulkBody('products', productUpdateSchema, {
  products: [{ productId: 'TEE-CLASSIC-BLU-M', listPrice: 2200 }],
});
export const deleteProductsBody = bulkBody('productIds', productIdSchema, {
  productIds: ['TEE-CLASSIC-BLU-M'],
});
export const productBulkResult = bulkResultSchema(productSchema, 'productId').meta({
  id: 'ProductBulkResult',
  example: {
    results: [
      { index: 0, id: 'TEE-CLASSIC-BLU-M', status: 'created' },
      {
        index: 1,
        id: 'TEE-CLASSIC-BLU-L',
        status: 'failed',
        error: {
          code: 'validation_failed',
          detail: 'sku: SKU "TEE-CLASSIC-BLU-M" already belongs to product "TEE-CLASSIC-BLU-M"',
          errors: [
            {
              field: 'sku',
              message: 'SKU "TEE-CLASSIC-BLU-M" already belongs to product "TEE-CLASSIC-BLU-M"',
            },
          ],
        },
      },
    ],
    summary: { created: 1, updated: 0, unchanged: 0, deleted: 0, failed: 1 },
  },
});

/** The `productIds` of queries that look up several products: at most 20, as the reference sets. */
export const productIdsQuery = commaSeparated(productIdSchema, 20, 'products');

export const productListQuery = z.strictObject({
  ...pageQuery,
  productIds: productIdsQuery.optional(),
  categoryId: merchantKey("The merchant's own category id.")
    .optional()
    .describe('Products in the category or below it.'),
  brand: z.string().max(120).optional(),
  status: fields.status.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Words of the name, a SKU prefix, or a GTIN.'),
  updatedSince: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'Epoch milliseconds; the list is then ordered by updatedAt, oldest first, for incremental sync.',
    ),
  includeDeleted: booleanQuery.describe(
    'Also list deleted products (with deletedAt), so a sync can remove them.',
  ),
});

export const productParams = z.strictObject({ productId: productIdSchema });

export type NewProduct = z.output<typeof newProductSchema>;
export type ProductUpdate = z.output<typeof productUpdateSchema>;
export type Product = z.output<typeof productSchema>;
export type ProductListQuery = z.output<typeof productListQuery>;

function exampleProduct() {
  return {
    productId: 'TEE-CLASSIC-BLU-M',
    sku: 'TEE-CLASSIC-BLU-M',
    gtins: ['0012345678905'],
    name: 'Classic Tee, Blue, M',
    description: '<p>Heavyweight <strong>organic cotton</strong> tee.</p>',
    brand: 'Northbound',
    status: 'active' as const,
    taxClass: 'standard',
    variantGroupId: 'TEE-CLASSIC',
    variantAttributes: { colour: 'Blue', size: 'M' },
    categoryIds: ['APPAREL-TOPS'],
    attributeSetIds: ['apparel'],
    attributes: { material: 'Cotton', organic: true },
    images: [{ url: 'https://images.example.com/tee-blue.jpg', alt: 'Classic Tee in blue', primary: true }],
    weightGrams: 180,
    listPrice: 2400,
    currency: 'USD',
  };
}
