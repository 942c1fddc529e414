import { cpus } from 'node:os';
import pg from 'pg';
import { accessToken, createBenchMerchant, startBackroom } from './lib/backroom.ts';
import {
  createCatalogCategories,
  describeImport,
  expectOutcome,
  feedCsv,
  generateProducts,
  importFeed,
  SAMPLE_DEPARTMENT,
  SAMPLE_WORD,
} from './lib/catalog.ts';
import { httpLoad } from './lib/http-load.ts';
import { pgQueryLoad } from './lib/pg-load.ts';
import { startBenchPostgres } from './lib/postgres.ts';
import { describe, log, reportComparison } from './lib/report.ts';
import { loadSettings, smoke } from './lib/settings.ts';

// Catalog reads: GET /merchant/v1/products filtered by a department (the department and every category under
// it) and by a name word, a page of 50, with a Bearer token, over a catalog seeded through the feed import.
// Compared, in one run on one machine, with the same SQL through pg.

const PRODUCTS = smoke ? 500 : 10_000;
const PAGE = 50;

const COLUMNS = `"product_id", "sku", "gtins", "name", "description_html", "brand", "manufacturer", "status",
  "tax_class", "variant_group_id", "variant_attributes", "category_ids", "attribute_set_ids", "attributes",
  "images", "weight_grams", "dimensions_mm", "list_price", "currency", "created_at", "updated_at", "deleted_at"`;

// What GET /merchant/v1/products?categoryId= runs inside its tenant transaction, with the tenant that row-level
// security adds: listProductRows with the ids of the category and its descendants, and limit + 1 rows. The
// service first looks those ids up (categories' findSubtree, a second statement); here they are looked up once
// beforehand and passed in, so the baseline does one round trip less. (A recursive CTE in the same statement
// would hide the ids from the planner, which then picks a slower plan than Backroom gets.)
// $1 tenant, $2 the category and its descendants, $3 the row limit.
const CATEGORY_SQL = `select ${COLUMNS} from "products"
  where "tenant_id" = $1 and "deleted_at" is null and category_ids && $2::text[]
  order by "product_id" limit $3`;

// The service's descendants lookup (findSubtree), with the tenant; run once, before the load.
const SUBTREE_SQL = `with recursive "subtree"("category_id", "level") as (
    select "category_id", 0 as "level" from "categories" where "tenant_id" = $1 and "category_id" = $2
    union all
    select "categories"."category_id", subtree.level + 1 as "level" from "subtree"
      inner join "categories" on "categories"."parent_id" = "subtree"."category_id"
      where "categories"."tenant_id" = $1 and "subtree"."level" < 64)
  select "category_id", "level" from "subtree" order by "level", "category_id"`;

// What GET /merchant/v1/products?q= runs (listProductRows' text match: name words by prefix, a SKU prefix or a
// whole GTIN), with the tenant. $1 tenant, $2 the tsquery, $3 the SKU pattern, $4 the raw text, $5 the row limit.
const SEARCH_SQL = `select ${COLUMNS} from "products"
  where "tenant_id" = $1 and "deleted_at" is null
    and (to_tsvector('simple', name) @@ to_tsquery('simple', $2) or lower(sku) like $3 or gtins @> array[$4]::text[])
  order by "product_id" limit $5`;

async function fetchJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body}`);
  return JSON.parse(body);
}

/** Throws unless the API's page and the query's first PAGE rows list the same products in the same order. */
async function expectSamePage(
  what: string,
  url: string,
  headers: Record<string, string>,
  client: pg.Client,
  text: string,
  values: unknown[],
): Promise<void> {
  const page = (await fetchJson(url, headers)) as { data: { productId: string }[] };
  const { rows } = await client.query<{ product_id: string }>(text, values);
  const api = page.data.map((product) => product.productId).join(',');
  const sql = rows
    .slice(0, PAGE)
    .map((row) => row.product_id)
    .join(',');
  if (page.data.length !== PAGE || rows.length !== PAGE + 1 || api !== sql) {
    throw new Error(`${what}: the API and the SQL disagree (${page.data.length} vs ${rows.length} rows)`);
  }
}

const cleanups: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  const settings = loadSettings();
  const { concurrency, measure } = settings;
  log(
    `catalog-read${smoke ? ' (smoke)' : ''}: node ${process.version}, ${cpus().length} CPUs, ${PRODUCTS} products, ` +
      `concurrency ${concurrency}, ${measure.requests} requests or ${measure.durationMs / 1000} s per target`,
  );
  const postgres = await startBenchPostgres();
  cleanups.push(postgres.stop);
  const backroom = await startBackroom(postgres.databaseUrl);
  cleanups.push(backroom.close);
  const merchant = await createBenchMerchant(backroom.platform);
  const tenantId = merchant.tenant.id;
  await createCatalogCategories(backroom.platform, tenantId);
  const seeded = await importFeed(backroom.platform, tenantId, feedCsv(generateProducts(PRODUCTS)));
  log(describeImport('seeded through the feed import', seeded));
  expectOutcome(seeded, PRODUCTS, 'created', 'seed import');
  const client = new pg.Client({ connectionString: postgres.databaseUrl });
  await client.connect();
  cleanups.push(() => client.end());
  // Statistics as autovacuum would soon have them, so that both sides get the same plans from the start.
  await client.query('analyze products, categories');

  const token = await accessToken(backroom.url, merchant.client);
  const auth = { authorization: `Bearer ${token}` };
  const categoryUrl = `${backroom.url}/merchant/v1/products?categoryId=${SAMPLE_DEPARTMENT}&limit=${PAGE}`;
  const subtree = await client.query<{ category_id: string }>(SUBTREE_SQL, [tenantId, SAMPLE_DEPARTMENT]);
  const categoryIds = subtree.rows.map((row) => row.category_id);
  log(`${SAMPLE_DEPARTMENT} and its descendants: ${categoryIds.join(', ')}`);
  const categoryValues = [tenantId, categoryIds, PAGE + 1];
  const searchUrl = `${backroom.url}/merchant/v1/products?q=${SAMPLE_WORD}&limit=${PAGE}`;
  const searchValues = [tenantId, `${SAMPLE_WORD}:*`, `${SAMPLE_WORD}%`, SAMPLE_WORD, PAGE + 1];
  await expectSamePage('category', categoryUrl, auth, client, CATEGORY_SQL, categoryValues);
  await expectSamePage('search', searchUrl, auth, client, SEARCH_SQL, searchValues);
  log(`Backroom at ${backroom.url} (pool ${backroom.platform.config.dbPoolSize})`);

  const categoryApi = await httpLoad({ url: categoryUrl, headers: auth, settings });
  log(describe(`Backroom GET products?categoryId=${SAMPLE_DEPARTMENT}`, categoryApi));
  const categoryQuery = await pgQueryLoad(
    postgres.databaseUrl,
    CATEGORY_SQL,
    categoryValues,
    settings,
    PAGE + 1,
  );
  log(describe('pg select (products in the categories)', categoryQuery));
  const searchApi = await httpLoad({ url: searchUrl, headers: auth, settings });
  log(describe(`Backroom GET products?q=${SAMPLE_WORD}`, searchApi));
  const searchQuery = await pgQueryLoad(postgres.databaseUrl, SEARCH_SQL, searchValues, settings, PAGE + 1);
  log(describe('pg select (name, SKU or GTIN search)', searchQuery));

  reportComparison('catalog-read category vs pg select', categoryApi, categoryQuery);
  reportComparison('catalog-read search vs pg select', searchApi, searchQuery);
}

try {
  await main();
} catch (error) {
  log(`catalog-read failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => log(`shutdown: ${String(error)}`));
  }
}
