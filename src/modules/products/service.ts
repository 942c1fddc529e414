import type { Ctx } from '../../platform/context.ts';
import { emitMany } from '../../platform/events/emit.ts';
import { type BulkResult, failedItem, type ItemResult, summarise } from '../../platform/http/bulk.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import { categoryAndDescendantIds } from '../categories/service.ts';
import { toProduct } from './mapping.ts';
import * as repo from './repo.ts';
import type { NewProduct, Product, ProductListQuery, ProductUpdate } from './schemas.ts';
import { writeProducts } from './write.ts';

export type { Product } from './schemas.ts';

export function createProducts(ctx: Ctx, items: NewProduct[], allOrNothing: boolean) {
  return writeProducts(ctx, { mode: 'create', items }, allOrNothing);
}

export function updateProducts(ctx: Ctx, items: ProductUpdate[], allOrNothing: boolean) {
  return writeProducts(ctx, { mode: 'update', items }, allOrNothing);
}

/** Creates or replaces whole products, as a catalog feed describes them. */
export function saveProducts(ctx: Ctx, items: NewProduct[]) {
  return writeProducts(ctx, { mode: 'upsert', items }, false);
}

/**
 * Deletes products: they leave every listing and their SKUs and GTINs are free again, but orders and stock
 * keep referring to them. Creating the productId again brings it back as a new product.
 */
export async function deleteProducts(
  ctx: Ctx,
  productIds: string[],
  allOrNothing: boolean,
): Promise<BulkResult<Product>> {
  await repo.lockCatalogWrites(ctx.tx);
  const deleted = new Map(
    (await repo.markProductsDeleted(ctx.tx, [...new Set(productIds)], ctx.now())).map((row) => [
      row.productId,
      row,
    ]),
  );
  const results: ItemResult<Product>[] = productIds.map((productId, index) =>
    deleted.delete(productId)
      ? { index, id: productId, status: 'deleted' }
      : failedItem(index, productId, new Problem('not_found', `no product has productId "${productId}"`)),
  );
  const events = results
    .filter((result) => result.status === 'deleted')
    .map((result) => ({ type: 'product.deleted', subject: result.id, data: { productId: result.id } }));
  await emitMany(ctx, events);
  return summarise(results, allOrNothing, 'productIds');
}

export async function getProduct(ctx: Ctx, productId: string): Promise<Product> {
  const [row] = await repo.findProductRows(ctx.tx, [productId]);
  if (!row || row.deletedAt) throw new Problem('not_found', `No product has productId "${productId}".`);
  return toProduct(row);
}

/** The live products among these ids, by productId; for other modules (prices, stock, carts). */
export async function findProducts(ctx: Ctx, productIds: readonly string[]): Promise<Map<string, Product>> {
  const rows = await repo.findProductRows(ctx.tx, [...new Set(productIds)]);
  return new Map(rows.filter((row) => !row.deletedAt).map((row) => [row.productId, toProduct(row)]));
}

/** The productIds, of those given, that name no live product; for modules that only need to know (stock). */
export async function missingProductIds(ctx: Ctx, productIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(productIds)];
  const live = new Set(await repo.liveProductIds(ctx.tx, unique));
  return unique.filter((productId) => !live.has(productId));
}

/**
 * The live products in a category (with its subcategories), of a brand, and/or with an attribute value
 * (a custom or a variant attribute); every live product when nothing is given. For cycle counts.
 */
export async function productIdsMatching(
  ctx: Ctx,
  filter: { categoryId?: string; brand?: string; attribute?: { code: string; value: repo.AttributeValue } },
): Promise<string[]> {
  const categoryIds = filter.categoryId ? await categoryAndDescendantIds(ctx, filter.categoryId) : undefined;
  if (categoryIds?.length === 0) return [];
  return repo.productIdsMatching(ctx.tx, { categoryIds, brand: filter.brand, attribute: filter.attribute });
}

export async function listProducts(ctx: Ctx, query: ProductListQuery): Promise<Page<Product>> {
  const since = query.updatedSince === undefined ? undefined : new Date(query.updatedSince);
  const categoryIds = query.categoryId ? await categoryAndDescendantIds(ctx, query.categoryId) : undefined;
  if (categoryIds?.length === 0) return { data: [], nextCursor: null };
  const rows = await repo.listProductRows(ctx.tx, {
    productIds: query.productIds,
    categoryIds,
    brand: query.brand,
    status: query.status,
    text: query.q ? searchTerms(query.q) : undefined,
    updatedSince: since,
    includeDeleted: query.includeDeleted ?? false,
    after: query.cursor ? cursorPosition(query.cursor, since !== undefined) : undefined,
    limit: query.limit + 1,
  });
  const keyOf = (row: repo.ProductRow) =>
    since ? [row.updatedAt.getTime(), row.productId] : [row.productId];
  return toPage(rows, query.limit, keyOf, toProduct);
}

function cursorPosition(cursor: string, byUpdatedAt: boolean) {
  const key = decodeCursor(cursor);
  const [first, second] = key;
  if (byUpdatedAt && typeof first === 'number' && typeof second === 'string') {
    return { updatedAt: new Date(first), productId: second };
  }
  if (!byUpdatedAt && typeof first === 'string' && key.length === 1) return { productId: first };
  throw new Problem(
    'invalid_cursor',
    'The cursor belongs to a list with other filters; start again without it.',
    {
      errors: [{ field: 'query.cursor', message: 'does not match the filters' }],
    },
  );
}

/** The words (runs of letters and digits) for a prefix search of names, as the name index splits them; the raw text for SKUs and GTINs. */
function searchTerms(q: string) {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return { words, raw: q };
}
