import { stringify } from 'csv-stringify/sync';
import { runImport } from '../../src/modules/catalog-feed/run-import.ts';
import { getImport, listImportErrors, startImport } from '../../src/modules/catalog-feed/service.ts';
import { createCategory } from '../../src/modules/categories/service.ts';
import { isGtin, withCheckDigit } from '../../src/modules/products/gtin.ts';
import type { Platform } from '../../src/platform/context.ts';
import { asSystem } from '../../src/platform/system-context.ts';

// A generated apparel catalog in the catalog feed's CSV format, and the import path `backroom import products`
// runs, for the catalog benchmarks.

const LEAVES = [
  { suffix: 'TOPS', name: 'Tops', garment: 'Shirt' },
  { suffix: 'BOTTOMS', name: 'Bottoms', garment: 'Trousers' },
  { suffix: 'OUTERWEAR', name: 'Outerwear', garment: 'Jacket' },
  { suffix: 'KNITWEAR', name: 'Knitwear', garment: 'Sweater' },
] as const;
const DEPARTMENTS = [
  { id: 'MENS', name: 'Men' },
  { id: 'WOMENS', name: 'Women' },
  { id: 'KIDS', name: 'Kids' },
  { id: 'SPORT', name: 'Sport' },
] as const;
/** A department-less collection that every third style is also in. */
const NEW_ARRIVALS = { id: 'NEW-ARRIVALS', name: 'New arrivals' };

const SIZES = ['S', 'M', 'L', 'XL'] as const;
const ADJECTIVES = ['Classic', 'Relaxed', 'Slim', 'Heritage', 'Everyday', 'Essential', 'Premium', 'Vintage'];
export const MATERIALS = ['Cotton', 'Linen', 'Merino', 'Denim', 'Fleece', 'Jersey', 'Flannel', 'Canvas'];
const COLOURS = ['Navy', 'Black', 'White', 'Olive', 'Rust', 'Grey', 'Sand', 'Burgundy', 'Teal'];
const BRANDS = ['Northbound', 'Harbor & Pine', 'Fieldwork', 'Atlas Supply', 'Kestrel'];

/** A department whose subtree holds a quarter of the products. */
export const SAMPLE_DEPARTMENT = DEPARTMENTS[0].id;
/** A material, and so a name word, that an eighth of the products carry. */
export const SAMPLE_WORD = 'linen';

/** The columns the generated feed uses, in the order of `backroom export products` plus one variant column. */
export const FEED_COLUMNS = [
  'productId',
  'sku',
  'name',
  'status',
  'gtins',
  'brand',
  'taxClass',
  'description',
  'variantGroupId',
  'categoryIds',
  'images',
  'weightGrams',
  'listPrice',
  'currency',
  'variant.size',
] as const;

/** One product of the generated feed, with the values Backroom stores for it. */
export interface FeedProduct {
  productId: string;
  sku: string;
  name: string;
  status: 'active' | 'inactive';
  gtin: string;
  brand: string;
  taxClass: string;
  description: string;
  variantGroupId: string;
  categoryIds: string[];
  image: string;
  weightGrams: number;
  /** Cents. */
  listPrice: number;
  currency: string;
  size: string;
}

/** A GTIN-13 in the GS1 range for restricted in-store numbers (200–299): 12 digits plus the check digit. */
export function gtin13(serial: number): string {
  return withCheckDigit(`200${String(serial).padStart(9, '0')}`);
}

/** `count` products (a multiple of four: styles in four sizes), deterministic. */
export function generateProducts(count: number): FeedProduct[] {
  if (count % SIZES.length !== 0)
    throw new Error(`product count ${count} is not a multiple of ${SIZES.length}`);
  const products: FeedProduct[] = [];
  for (let style = 0; style < count / SIZES.length; style++) {
    const department = DEPARTMENTS[style % DEPARTMENTS.length] ?? DEPARTMENTS[0];
    const leaf = LEAVES[Math.floor(style / DEPARTMENTS.length) % LEAVES.length] ?? LEAVES[0];
    const adjective = ADJECTIVES[(style * 3) % ADJECTIVES.length] ?? '';
    const material = MATERIALS[(style * 5 + 3) % MATERIALS.length] ?? '';
    const colour = COLOURS[style % COLOURS.length] ?? '';
    const brand = BRANDS[(style * 7) % BRANDS.length] ?? '';
    const styleId = `STYLE-${String(style).padStart(6, '0')}`;
    const basePrice = 1999 + ((style * 53) % 60) * 100;
    const categoryIds = [`${department.id}-${leaf.suffix}`, ...(style % 3 === 0 ? [NEW_ARRIVALS.id] : [])];
    for (const [sizeIndex, size] of SIZES.entries()) {
      const gtin = gtin13(style * SIZES.length + sizeIndex);
      if (!isGtin(gtin)) throw new Error(`generated an invalid GTIN ${gtin}`);
      products.push({
        productId: `${styleId}-${size}`,
        sku: `BR-${String(style).padStart(6, '0')}-${size}`,
        name: `${adjective} ${material} ${leaf.garment}, ${colour}, size ${size}`,
        status: style % 20 === 19 ? 'inactive' : 'active',
        gtin,
        brand,
        taxClass: 'standard',
        description:
          `<p>${adjective} ${material.toLowerCase()} ${leaf.garment.toLowerCase()} in ${colour.toLowerCase()}, ` +
          `cut for everyday wear.</p><ul><li>100% ${material.toLowerCase()}</li><li>Machine wash cold</li></ul>`,
        variantGroupId: styleId,
        categoryIds,
        image: `https://images.example.com/catalog/${styleId}/${colour.toLowerCase()}.jpg`,
        weightGrams: 200 + ((style * 37) % 600) + sizeIndex * 20,
        listPrice: basePrice + (size === 'XL' ? 200 : 0),
        currency: 'USD',
        size,
      });
    }
  }
  return products;
}

/** The products as a catalog feed CSV with the header `FEED_COLUMNS`. */
export function feedCsv(products: readonly FeedProduct[]): string {
  return stringify(
    products.map((p) => [
      p.productId,
      p.sku,
      p.name,
      p.status,
      p.gtin,
      p.brand,
      p.taxClass,
      p.description,
      p.variantGroupId,
      p.categoryIds.join('|'),
      p.image,
      p.weightGrams,
      p.listPrice,
      p.currency,
      p.size,
    ]),
    { header: true, columns: [...FEED_COLUMNS] },
  );
}

/** The departments, their categories and the collection the generated products are in, via the service. */
export async function createCatalogCategories(platform: Platform, tenantId: string): Promise<void> {
  await asSystem(platform, tenantId, 'bench', async (ctx) => {
    for (const [position, department] of DEPARTMENTS.entries()) {
      await createCategory(ctx, { categoryId: department.id, name: department.name, position, active: true });
      for (const [leafPosition, leaf] of LEAVES.entries()) {
        await createCategory(ctx, {
          categoryId: `${department.id}-${leaf.suffix}`,
          name: leaf.name,
          parentId: department.id,
          position: leafPosition,
          active: true,
        });
      }
    }
    await createCategory(ctx, {
      categoryId: NEW_ARRIVALS.id,
      name: NEW_ARRIVALS.name,
      position: DEPARTMENTS.length,
      active: true,
    });
  });
}

export interface ImportOutcome {
  /** startImport: storing the file. */
  storeMs: number;
  /** runImport: parsing, validation, writes and events, batch by batch. */
  runMs: number;
  totalMs: number;
  totalRows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** The first few row errors, "row N field: reason". */
  errors: string[];
}

/**
 * Imports a CSV feed the way `backroom import products FILE` does: startImport without queueing, then
 * runImport in this process, then the import's outcome and first errors.
 */
export async function importFeed(
  platform: Platform,
  tenantId: string,
  source: string,
): Promise<ImportOutcome> {
  const system = <T>(work: Parameters<typeof asSystem<T>>[3]) =>
    asSystem(platform, tenantId, 'cli:import', work);
  const begin = performance.now();
  const started = await system((ctx) => startImport(ctx, { format: 'csv', source }, { queue: false }));
  const stored = performance.now();
  await runImport(platform, tenantId, started.importId);
  const end = performance.now();
  const { result, errors } = await system(async (ctx) => ({
    result: await getImport(ctx, started.importId),
    errors: await listImportErrors(ctx, started.importId, { limit: 5 }),
  }));
  if (result.status !== 'completed') {
    throw new Error(`import ${result.importId} ended ${result.status}: ${result.failure ?? ''}`);
  }
  return {
    storeMs: stored - begin,
    runMs: end - stored,
    totalMs: end - begin,
    totalRows: result.totalRows ?? 0,
    ...result.summary,
    errors: errors.data.map((e) => `row ${e.rowNumber} ${e.field}: ${e.reason}`),
  };
}

/** Throws unless the import read `rows` rows and every one of them came out as `expected`. */
export function expectOutcome(
  outcome: ImportOutcome,
  rows: number,
  expected: 'created' | 'unchanged',
  what: string,
): void {
  if (outcome.failed > 0 || outcome.errors.length > 0) {
    throw new Error(`${what}: ${outcome.failed} rows failed, e.g. ${outcome.errors.join('; ')}`);
  }
  if (outcome.totalRows !== rows || outcome[expected] !== rows) {
    throw new Error(
      `${what}: expected ${rows} rows ${expected}, got ${outcome.totalRows} rows: ${outcome.created} created, ` +
        `${outcome.updated} updated, ${outcome.unchanged} unchanged`,
    );
  }
}

export function describeImport(label: string, outcome: ImportOutcome): string {
  const rate = outcome.totalRows / (outcome.totalMs / 1000);
  return (
    `${label}: ${outcome.totalRows} rows in ${(outcome.totalMs / 1000).toFixed(2)} s = ${rate.toFixed(0)} rows/s ` +
    `(store file ${outcome.storeMs.toFixed(0)} ms, run ${(outcome.runMs / 1000).toFixed(2)} s; ` +
    `${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged, ${outcome.failed} failed)`
  );
}
