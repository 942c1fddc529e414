import type { Product } from '../products/service.ts';

/**
 * The catalog CSV: one product per row. Lists are `|`-separated; variant attributes and custom attributes
 * are one column each, `variant.<name>` and `attr.<code>`; the first image is the primary one.
 */
export const FIXED_COLUMNS = [
  'productId',
  'sku',
  'name',
  'status',
  'gtins',
  'brand',
  'manufacturer',
  'taxClass',
  'description',
  'variantGroupId',
  'categoryIds',
  'attributeSetIds',
  'images',
  'imageAlts',
  'weightGrams',
  'lengthMm',
  'widthMm',
  'heightMm',
  'listPrice',
  'currency',
] as const;

const VARIANT = 'variant.';
const ATTRIBUTE = 'attr.';

export function isKnownColumn(column: string): boolean {
  return (
    (FIXED_COLUMNS as readonly string[]).includes(column) ||
    (column.startsWith(VARIANT) && column.length > VARIANT.length) ||
    (column.startsWith(ATTRIBUTE) && column.length > ATTRIBUTE.length)
  );
}

const list = (value: string | undefined) => (value ? value.split('|').map((part) => part.trim()) : undefined);

const integer = (value: string | undefined) => (value ? Number(value) : undefined);

/**
 * A CSV row as the product it describes, before validation. Empty (or blank) cells are absent fields.
 * Custom attribute values stay text here; `typedAttributes` gives them the types their attribute sets define.
 */
export function productOfRow(row: Record<string, string>): Record<string, unknown> {
  // A cell of spaces looks empty too; `Number(' ')` would otherwise read it as 0.
  const cell = (column: string) => (row[column]?.trim() ? row[column] : undefined);
  const urls = list(cell('images'));
  const alts = list(cell('imageAlts')) ?? [];
  const dimensions = ['lengthMm', 'widthMm', 'heightMm'].map((column) => integer(cell(column)));
  const prefixed = (prefix: string) => {
    const entries = Object.keys(row)
      .filter((column) => column.startsWith(prefix) && cell(column) !== undefined)
      .map((column) => [column.slice(prefix.length), cell(column)]);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  };
  const product: Record<string, unknown> = {
    productId: cell('productId'),
    sku: cell('sku'),
    name: cell('name'),
    status: cell('status'),
    gtins: list(cell('gtins')),
    brand: cell('brand'),
    manufacturer: cell('manufacturer'),
    taxClass: cell('taxClass'),
    description: cell('description'),
    variantGroupId: cell('variantGroupId'),
    variantAttributes: prefixed(VARIANT),
    categoryIds: list(cell('categoryIds')),
    attributeSetIds: list(cell('attributeSetIds')),
    attributes: prefixed(ATTRIBUTE),
    images: urls?.map((url, index) => ({ url, ...(alts[index] ? { alt: alts[index] } : {}) })),
    weightGrams: integer(cell('weightGrams')),
    dimensionsMm: dimensions.every((value) => value === undefined)
      ? undefined
      : { length: dimensions[0], width: dimensions[1], height: dimensions[2] },
    listPrice: integer(cell('listPrice')),
    currency: cell('currency'),
  };
  return Object.fromEntries(Object.entries(product).filter(([, value]) => value !== undefined));
}

/** The header of an export: the fixed columns, then every variant and custom attribute the products use. */
export function columnsFor(variantNames: Iterable<string>, attributeCodes: Iterable<string>): string[] {
  return [
    ...FIXED_COLUMNS,
    ...[...variantNames].sort().map((name) => `${VARIANT}${name}`),
    ...[...attributeCodes].sort().map((code) => `${ATTRIBUTE}${code}`),
  ];
}

/** A product as a CSV row with the given columns; the inverse of `productOfRow`. */
export function rowOfProduct(product: Product, columns: readonly string[]): string[] {
  const primaryFirst = [...product.images].sort((a, b) => Number(b.primary) - Number(a.primary));
  const fixed: Record<string, string | number | undefined> = {
    productId: product.productId,
    sku: product.sku,
    name: product.name,
    status: product.status,
    gtins: product.gtins.join('|'),
    brand: product.brand,
    manufacturer: product.manufacturer,
    taxClass: product.taxClass,
    description: product.description,
    variantGroupId: product.variantGroupId,
    categoryIds: product.categoryIds.join('|'),
    attributeSetIds: product.attributeSetIds.join('|'),
    images: primaryFirst.map((image) => image.url).join('|'),
    imageAlts: primaryFirst.some((image) => image.alt)
      ? primaryFirst.map((image) => image.alt ?? '').join('|')
      : undefined,
    weightGrams: product.weightGrams,
    lengthMm: product.dimensionsMm?.length,
    widthMm: product.dimensionsMm?.width,
    heightMm: product.dimensionsMm?.height,
    listPrice: product.listPrice,
    currency: product.currency,
  };
  return columns.map((column) => {
    if (column.startsWith(VARIANT)) return product.variantAttributes[column.slice(VARIANT.length)] ?? '';
    if (column.startsWith(ATTRIBUTE)) return String(product.attributes[column.slice(ATTRIBUTE.length)] ?? '');
    return String(fixed[column] ?? '');
  });
}
