import { cpus } from 'node:os';
import type pg from 'pg';
import { ensureTenant } from '../src/platform/tenancy/tenants.ts';
import {
  createCatalogCategories,
  describeImport,
  expectOutcome,
  type FeedProduct,
  feedCsv,
  generateProducts,
  importFeed,
} from './lib/catalog.ts';
import { type Cleanups, runBenchmark, startBenchStack } from './lib/harness.ts';
import { log, reportRate } from './lib/report.ts';
import { smoke } from './lib/settings.ts';

// The catalog feed import, as `backroom import products FILE` runs it (store the file, then parse, validate,
// write and record events batch by batch), on a generated CSV; and the same import again, every row unchanged.
// Compared, in one run on one machine, with loading the same rows into the same table with plain SQL.
//
// The baseline would ideally be COPY FROM STDIN, but pg needs the pg-copy-streams package for that and it is
// not a dependency; so it is the fastest bulk load pg alone offers: multi-row INSERT … SELECT FROM unnest()
// of column arrays, BASELINE_BATCH rows a statement, all in one transaction, as the table owner with tenant_id
// given explicitly (row-level security does not apply to the owner). It parses nothing, validates nothing and
// records no events.

const ROWS = smoke ? 2_000 : 100_000;
const BASELINE_BATCH = 5_000;
const BASELINE_NAME = 'PostgreSQL bulk insert (unnest, no validation)';

const BASELINE_SQL = `insert into products (tenant_id, product_id, sku, gtins, name, description_html, brand, status,
    tax_class, variant_group_id, variant_attributes, category_ids, images, weight_grams, list_price, currency)
  select $1, r.product_id, r.sku, string_to_array(r.gtins, '|'), r.name, r.description_html, r.brand, r.status,
    r.tax_class, r.variant_group_id, r.variant_attributes::jsonb, string_to_array(r.category_ids, '|'),
    r.images::jsonb, r.weight_grams, r.list_price, r.currency
  from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
    $10::text[], $11::text[], $12::text[], $13::text[], $14::integer[], $15::bigint[], $16::text[])
    as r (product_id, sku, gtins, name, description_html, brand, status, tax_class, variant_group_id,
      variant_attributes, category_ids, images, weight_grams, list_price, currency)`;

/** The query parameters after the tenant: one array per column, with the values Backroom stores. */
function columnArrays(products: readonly FeedProduct[]): unknown[] {
  const column = <T>(value: (p: FeedProduct) => T) => products.map(value);
  return [
    column((p) => p.productId),
    column((p) => p.sku),
    column((p) => p.gtin),
    column((p) => p.name),
    column((p) => p.description),
    column((p) => p.brand),
    column((p) => p.status),
    column((p) => p.taxClass),
    column((p) => p.variantGroupId),
    column((p) => JSON.stringify({ size: p.size })),
    column((p) => p.categoryIds.join('|')),
    column((p) => JSON.stringify([{ url: p.image, primary: true }])),
    column((p) => p.weightGrams),
    column((p) => p.listPrice),
    column((p) => p.currency),
  ];
}

/** Loads the products for the tenant in one transaction; milliseconds taken. */
async function baselineLoad(client: pg.Client, tenantId: string, products: readonly FeedProduct[]) {
  const begin = performance.now();
  await client.query('begin');
  try {
    for (let start = 0; start < products.length; start += BASELINE_BATCH) {
      const batch = products.slice(start, start + BASELINE_BATCH);
      const { rowCount } = await client.query(BASELINE_SQL, [tenantId, ...columnArrays(batch)]);
      if (rowCount !== batch.length)
        throw new Error(`baseline batch inserted ${rowCount} of ${batch.length}`);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
  return performance.now() - begin;
}

async function liveProducts(client: pg.Client, tenantId: string): Promise<number> {
  const { rows } = await client.query<{ count: string }>(
    'select count(*) from products where tenant_id = $1 and deleted_at is null',
    [tenantId],
  );
  return Number(rows[0]?.count);
}

async function main(cleanups: Cleanups): Promise<void> {
  log(
    `catalog-import${smoke ? ' (smoke)' : ''}: node ${process.version}, ${cpus().length} CPUs, ${ROWS} rows`,
  );
  const products = generateProducts(ROWS);
  const csv = feedCsv(products);
  log(`feed: ${ROWS} products, ${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB of CSV`);

  const { platform, client } = await startBenchStack(cleanups);

  // The baseline runs first, on the empty table; its rows are then removed and the table rewritten, so that
  // Backroom's import too starts from an empty table and indexes.
  const baselineTenant = await ensureTenant(
    platform.db,
    { id: 'bench-baseline', name: 'Benchmark baseline', licenceTier: 'enterprise' },
    'production',
  );
  const baselineMs = await baselineLoad(client, baselineTenant.id, products);
  const baselineCount = await liveProducts(client, baselineTenant.id);
  if (baselineCount !== ROWS) throw new Error(`baseline: ${baselineCount} products, expected ${ROWS}`);
  const baselineRate = ROWS / (baselineMs / 1000);
  log(
    `${BASELINE_NAME}: ${ROWS} rows in ${(baselineMs / 1000).toFixed(2)} s = ${baselineRate.toFixed(0)} rows/s`,
  );
  await client.query('delete from products where tenant_id = $1', [baselineTenant.id]);
  await client.query('vacuum full analyze products');

  const tenant = await ensureTenant(
    platform.db,
    { id: 'bench', name: 'Benchmark bench', licenceTier: 'enterprise' },
    'production',
  );
  await createCatalogCategories(platform, tenant.id);
  const first = await importFeed(platform, tenant.id, csv);
  log(describeImport('Backroom import (new products)', first));
  expectOutcome(first, ROWS, 'created', 'first import');
  const count = await liveProducts(client, tenant.id);
  if (count !== ROWS) throw new Error(`first import: ${count} products for the tenant, expected ${ROWS}`);

  // The same feed again, as a merchant's next daily run would send it: by then autovacuum has long analyzed the
  // products, so the statistics are brought up to date first rather than left to autovacuum's timing.
  await client.query('analyze products');
  const again = await importFeed(platform, tenant.id, csv);
  log(describeImport('Backroom import (same file again)', again));
  expectOutcome(again, ROWS, 'unchanged', 'second import');

  const importRate = ROWS / (first.totalMs / 1000);
  const reimportRate = ROWS / (again.totalMs / 1000);
  reportRate('catalog-import vs pg bulk insert', 'rows/s', importRate, baselineRate, {
    baselineName: BASELINE_NAME,
    rows: ROWS,
    seconds: Number((first.totalMs / 1000).toFixed(2)),
    baselineSeconds: Number((baselineMs / 1000).toFixed(2)),
  });
  reportRate('catalog-reimport (unchanged) vs pg bulk insert', 'rows/s', reimportRate, baselineRate, {
    baselineName: BASELINE_NAME,
    rows: ROWS,
    seconds: Number((again.totalMs / 1000).toFixed(2)),
    baselineSeconds: Number((baselineMs / 1000).toFixed(2)),
  });
}

await runBenchmark('catalog-import', main);
