import { stringify } from 'csv-stringify/sync';
import type { Ctx } from '../../platform/context.ts';
import { listProducts, type Product } from '../products/service.ts';
import { columnsFor, rowOfProduct } from './csv-columns.ts';
import type { FeedFormat } from './parse.ts';

const PAGE = 200;

async function eachProduct(ctx: Ctx, visit: (product: Product) => Promise<void> | void) {
  let cursor: string | undefined;
  do {
    const page = await listProducts(ctx, { limit: PAGE, cursor });
    for (const product of page.data) await visit(product);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * Writes every live product in the feed format `import` reads, so an export imported again changes nothing.
 * CSV needs its header first: a first pass collects the variant and attribute columns.
 */
export async function exportProducts(
  ctx: Ctx,
  format: FeedFormat,
  write: (chunk: string) => Promise<void> | void,
): Promise<number> {
  let count = 0;
  if (format === 'jsonl') {
    await eachProduct(ctx, (product) => {
      count += 1;
      return write(`${JSON.stringify(feedRecord(product))}\n`);
    });
    return count;
  }
  const variantNames = new Set<string>();
  const attributeCodes = new Set<string>();
  await eachProduct(ctx, (product) => {
    for (const name of Object.keys(product.variantAttributes)) variantNames.add(name);
    for (const code of Object.keys(product.attributes)) attributeCodes.add(code);
  });
  const columns = columnsFor(variantNames, attributeCodes);
  await write(stringify([columns]));
  await eachProduct(ctx, (product) => {
    // Each page reads the catalog as it is now: a product changed since the first pass may have a value the
    // header has no column for, and would silently lose it.
    const missing = [
      ...Object.keys(product.variantAttributes).filter((name) => !variantNames.has(name)),
      ...Object.keys(product.attributes).filter((code) => !attributeCodes.has(code)),
    ];
    if (missing.length > 0) {
      throw new Error(
        `Product ${product.productId} changed during the export (${missing.join(', ')}); export again.`,
      );
    }
    count += 1;
    return write(stringify([rowOfProduct(product, columns)]));
  });
  return count;
}

/** A product as a JSON Lines record: the fields a new product takes, without the read-only ones. */
function feedRecord(product: Product) {
  const { createdAt, updatedAt, deletedAt, primaryImage, primaryAttributeSetId, ...record } = product;
  return record;
}
