import { type JSONColumnType, type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export type AttributeValue = string | number | boolean;

export interface ProductImage {
  url: string;
  alt?: string | undefined;
  primary: boolean;
}

export interface Dimensions {
  length: number;
  width: number;
  height: number;
}

export interface ProductsTable {
  tenantId: string;
  productId: string;
  sku: string;
  gtins: string[];
  name: string;
  descriptionHtml: string | null;
  brand: string | null;
  manufacturer: string | null;
  status: 'active' | 'inactive';
  taxClass: string | null;
  variantGroupId: string | null;
  variantAttributes: JSONColumnType<Record<string, string>, string, string>;
  categoryIds: string[];
  attributeSetIds: string[];
  attributes: JSONColumnType<Record<string, AttributeValue>, string, string>;
  images: JSONColumnType<ProductImage[], string, string>;
  weightGrams: number | null;
  dimensionsMm: JSONColumnType<Dimensions | null, string | null, string | null>;
  /** Minor units. */
  listPrice: number | null;
  currency: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: Date | null;
}

export type ProductRow = Omit<Selectable<ProductsTable>, 'tenantId'>;

/** Everything a product is, as written by the service. */
export type ProductValues = Omit<ProductRow, 'createdAt' | 'updatedAt' | 'deletedAt'>;

const columns = [
  'productId',
  'sku',
  'gtins',
  'name',
  'descriptionHtml',
  'brand',
  'manufacturer',
  'status',
  'taxClass',
  'variantGroupId',
  'variantAttributes',
  'categoryIds',
  'attributeSetIds',
  'attributes',
  'images',
  'weightGrams',
  'dimensionsMm',
  'listPrice',
  'currency',
  'createdAt',
  'updatedAt',
  'deletedAt',
] as const;

/**
 * Makes the tenant's product writes take turns. Row locks cannot cover products, SKUs and GTINs that do not
 * exist yet, and the uniqueness rules look across the whole catalog; writes are bulk and short, so one lock
 * per tenant is both correct and cheap.
 */
export async function lockCatalogWrites(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended('products:' || current_setting('backroom.tenant_id'), 0))`.execute(
    tx,
  );
}

/** The products with these ids, deleted ones included; locked when the caller is about to change them. */
export function findProductRows(tx: Tx, productIds: readonly string[], options: { lock?: boolean } = {}) {
  if (productIds.length === 0) return Promise.resolve([]);
  const query = tx.selectFrom('products').select(columns).where('productId', 'in', productIds);
  return (options.lock ? query.forUpdate() : query).execute();
}

/** Which live products already use these SKUs. */
/** Those of `productIds` that name live (not deleted) products. */
export async function liveProductIds(tx: Tx, productIds: readonly string[]): Promise<string[]> {
  if (productIds.length === 0) return [];
  const rows = await tx
    .selectFrom('products')
    .select('productId')
    .where('productId', '=', sql<string>`any(${[...productIds]}::text[])`)
    .where('deletedAt', 'is', null)
    .execute();
  return rows.map((row) => row.productId);
}

export function productsWithSkus(tx: Tx, skus: readonly string[]) {
  if (skus.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('products')
    .select(['sku', 'productId'])
    .where('sku', 'in', skus)
    .where('deletedAt', 'is', null)
    .execute();
}

/**
 * Which live products already carry any of these GTINs. Under row-level security the products_gtins index
 * cannot serve `gtins && …` (the array operators are not leakproof), so the tenant's products are scanned
 * either way; comparing each unnested GTIN with `= any`, which PostgreSQL hashes, costs far less per row
 * than an overlap test against the whole list.
 */
export async function productsWithGtins(tx: Tx, gtins: readonly string[]) {
  if (gtins.length === 0) return [];
  const { rows } = await sql<{ gtin: string; productId: string }>`
    select gtin, product_id from products, unnest(gtins) as gtin
    where gtin = any(${sql.val(gtins)}::text[]) and deleted_at is null`.execute(tx);
  return rows;
}

/** The live members of these variant groups. */
export function variantGroupMembers(tx: Tx, groupIds: readonly string[]) {
  if (groupIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('products')
    .select(['productId', 'variantGroupId', 'variantAttributes'])
    .where('variantGroupId', 'in', groupIds)
    .where('deletedAt', 'is', null)
    .execute();
}

const recordColumns = sql.raw(`product_id text, sku text, gtins text[], name text, description_html text,
  brand text, manufacturer text, status text, tax_class text, variant_group_id text, variant_attributes jsonb,
  category_ids text[], attribute_set_ids text[], attributes jsonb, images jsonb, weight_grams integer,
  dimensions_mm jsonb, list_price bigint, currency text`);

const writable = `sku, gtins, name, description_html, brand, manufacturer, status, tax_class, variant_group_id,
  variant_attributes, category_ids, attribute_set_ids, attributes, images, weight_grams, dimensions_mm,
  list_price, currency`;

/**
 * Writes many products in one statement: new ids are inserted, existing ones replaced, and a deleted product
 * written again comes back as new. Callers pass only products that really changed.
 */
export async function writeProductRows(
  tx: Tx,
  tenantId: string,
  values: readonly ProductValues[],
  now: Date,
) {
  if (values.length === 0) return [];
  const records = values.map((value) => snakeCaseKeys(value));
  const { rows } = await sql<ProductRow>`
    insert into products (tenant_id, product_id, ${sql.raw(writable)}, created_at, updated_at, deleted_at)
    select ${tenantId}, product_id, ${sql.raw(writable)}, ${now}, ${now}, null
    from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r (${recordColumns})
    on conflict (tenant_id, product_id) do update set
      ${sql.raw(
        writable
          .split(',')
          .map((column) => `${column.trim()} = excluded.${column.trim()}`)
          .join(', '),
      )},
      created_at = case when products.deleted_at is null then products.created_at else excluded.created_at end,
      updated_at = excluded.updated_at,
      deleted_at = null
    returning ${sql.raw(columns.map((column) => snakeCase(column)).join(', '))}`.execute(tx);
  return rows;
}

export function markProductsDeleted(tx: Tx, productIds: readonly string[], now: Date) {
  if (productIds.length === 0) return Promise.resolve([]);
  return tx
    .updateTable('products')
    .set({ deletedAt: now, updatedAt: now })
    .where('productId', 'in', productIds)
    .where('deletedAt', 'is', null)
    .returning(['productId', 'sku'])
    .execute();
}

export interface ProductFilter {
  productIds?: string[] | undefined;
  categoryIds?: string[] | undefined;
  brand?: string | undefined;
  status?: ProductRow['status'] | undefined;
  text?: { words: string[]; raw: string } | undefined;
  updatedSince?: Date | undefined;
  includeDeleted: boolean;
  /** The sort key of the last row of the previous page. */
  after?: { updatedAt?: Date; productId: string } | undefined;
  limit: number;
}

export function listProductRows(tx: Tx, filter: ProductFilter) {
  let query = tx.selectFrom('products').select(columns).limit(filter.limit);
  if (!filter.includeDeleted) query = query.where('deletedAt', 'is', null);
  if (filter.productIds) query = query.where('productId', 'in', filter.productIds);
  if (filter.categoryIds)
    query = query.where(sql<boolean>`category_ids && ${sql.val(filter.categoryIds)}::text[]`);
  if (filter.brand) query = query.where('brand', '=', filter.brand);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.text) query = query.where(textMatch(filter.text));
  if (filter.updatedSince) {
    query = query.where('updatedAt', '>=', filter.updatedSince).orderBy('updatedAt').orderBy('productId');
    const after = filter.after;
    if (after?.updatedAt) {
      query = query.where(sql<boolean>`(updated_at, product_id) > (${after.updatedAt}, ${after.productId})`);
    }
  } else {
    query = query.orderBy('productId');
    if (filter.after) query = query.where('productId', '>', filter.after.productId);
  }
  return query.execute();
}

export interface ProductMatch {
  categoryIds?: readonly string[] | undefined;
  brand?: string | undefined;
  attribute?: { code: string; value: AttributeValue } | undefined;
}

/** The ids of live products matching every given criterion (all live products for none), in productId order. */
export async function productIdsMatching(tx: Tx, match: ProductMatch): Promise<string[]> {
  let query = tx
    .selectFrom('products')
    .select('productId')
    .where('deletedAt', 'is', null)
    .orderBy('productId');
  if (match.categoryIds)
    query = query.where(sql<boolean>`category_ids && ${sql.val(match.categoryIds)}::text[]`);
  if (match.brand !== undefined) query = query.where('brand', '=', match.brand);
  if (match.attribute) {
    const pair = JSON.stringify({ [match.attribute.code]: match.attribute.value });
    query = query.where(sql<boolean>`(attributes @> ${pair}::jsonb or variant_attributes @> ${pair}::jsonb)`);
  }
  const rows = await query.execute();
  return rows.map((row) => row.productId);
}

/** Name words (prefix match), a SKU prefix, or an exact GTIN; each branch can use an index. */
function textMatch(text: { words: string[]; raw: string }) {
  const skuPrefix = `${text.raw.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const nameQuery = text.words.map((word) => `${word}:*`).join(' & ');
  const byName = nameQuery
    ? sql`to_tsvector('simple', name) @@ to_tsquery('simple', ${nameQuery}) or `
    : sql``;
  return sql<boolean>`(${byName}lower(sku) like ${skuPrefix} or gtins @> array[${text.raw}]::text[])`;
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function snakeCaseKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [snakeCase(key), field]));
}
