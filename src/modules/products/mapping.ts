import { canonicalJson } from '../../platform/changes.ts';
import type { ProductRow, ProductValues } from './repo.ts';
import type { NewProduct, Product, ProductUpdate } from './schemas.ts';

export function toProduct(row: ProductRow): Product {
  const primaryImage = row.images.find((image) => image.primary);
  return {
    productId: row.productId,
    sku: row.sku,
    gtins: row.gtins,
    name: row.name,
    ...present('description', row.descriptionHtml),
    ...present('brand', row.brand),
    ...present('manufacturer', row.manufacturer),
    status: row.status,
    ...present('taxClass', row.taxClass),
    ...present('variantGroupId', row.variantGroupId),
    variantAttributes: row.variantAttributes,
    categoryIds: row.categoryIds,
    attributeSetIds: row.attributeSetIds,
    ...present('primaryAttributeSetId', row.attributeSetIds[0] ?? null),
    attributes: row.attributes,
    images: row.images,
    ...(primaryImage ? { primaryImage } : {}),
    ...present('weightGrams', row.weightGrams),
    ...present('dimensionsMm', row.dimensionsMm),
    ...present('listPrice', row.listPrice),
    ...present('currency', row.currency),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
    ...(row.deletedAt ? { deletedAt: row.deletedAt.getTime() } : {}),
  };
}

function present<K extends string, V>(key: K, value: V | null): { [key in K]?: V } {
  return value === null ? {} : ({ [key]: value } as { [key in K]: V });
}

/** The stored values of a new product (or of a feed row, which always describes the whole product). */
export function valuesOfNew(input: NewProduct): ProductValues {
  return {
    productId: input.productId,
    sku: input.sku,
    gtins: input.gtins ?? [],
    name: input.name,
    descriptionHtml: input.description ?? null,
    brand: input.brand ?? null,
    manufacturer: input.manufacturer ?? null,
    status: input.status,
    taxClass: input.taxClass ?? null,
    variantGroupId: input.variantGroupId ?? null,
    variantAttributes: input.variantAttributes ?? {},
    categoryIds: input.categoryIds ?? [],
    attributeSetIds: input.attributeSetIds ?? [],
    attributes: input.attributes ?? {},
    images: withOnePrimaryImage(input.images ?? []),
    weightGrams: input.weightGrams ?? null,
    dimensionsMm: input.dimensionsMm ?? null,
    listPrice: input.listPrice ?? null,
    currency: input.currency ?? null,
  };
}

interface ImageInput {
  url: string;
  alt?: string | undefined;
  primary?: boolean | undefined;
}

/** API field name → stored field name, where they differ. */
const storedName = { description: 'descriptionHtml' } as const;

/** The current values with the fields present in the update applied; null clears a field. */
export function valuesOfUpdate(current: ProductValues, update: ProductUpdate): ProductValues {
  const next: ProductValues = { ...current };
  for (const [field, value] of Object.entries(update)) {
    if (value === undefined || field === 'productId') continue;
    const name = (storedName as Record<string, string>)[field] ?? field;
    Object.assign(next, { [name]: value === null ? emptyValue(name) : value });
  }
  return { ...next, images: withOnePrimaryImage(next.images) };
}

function emptyValue(field: string): unknown {
  return field === 'variantAttributes' || field === 'attributes' ? {} : null;
}

/** Exactly one primary image: the one marked, or else the first. */
function withOnePrimaryImage(images: readonly ImageInput[]): ProductValues['images'] {
  const primaryIndex = Math.max(
    0,
    images.findIndex((image) => image.primary),
  );
  return images.map((image, index) => {
    const { alt, url } = image;
    return { url, ...(alt ? { alt } : {}), primary: index === primaryIndex };
  });
}

/** The API names of the fields whose stored values differ. */
export function changedFields(before: ProductValues, after: ProductValues): string[] {
  const apiName = Object.fromEntries(Object.entries(storedName).map(([api, stored]) => [stored, api]));
  return (Object.keys(after) as (keyof ProductValues)[])
    .filter((field) => canonicalJson(before[field]) !== canonicalJson(after[field]))
    .map((field) => apiName[field] ?? field);
}
