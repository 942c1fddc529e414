import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { importInventoryFile } from '../src/cli/inventory-feed.ts';
import { createProducts } from '../src/modules/products/service.ts';
import { createStore } from '../src/modules/stores/service.ts';
import type { Platform } from '../src/platform/context.ts';
import { asSystem } from '../src/platform/system-context.ts';
import { ensureTenant } from '../src/platform/tenancy/tenants.ts';
import { type Cleanups, runBenchmark, startBenchStack } from './lib/harness.ts';
import { log, reportRate } from './lib/report.ts';
import { smoke } from './lib/settings.ts';

// A full inventory feed of 1,000,000 rows, as `backroom import inventory FILE` runs it: read the file, store it,
// stream-parse it, check every row, lock and read the current stock of each batch, post the differences to the
// ledger (balances, movements, display statuses and their events), and set absent products to 0. The shape is
// a mid-sized chain: 100 stores that each carry the same 10,000 SKUs, about a tenth of them out of stock.
//
// The first feed into empty stock is the measured one: every row with stock becomes a movement and a balance.
// A second feed, the next night's file with one row in ten changed and one product per store dropped, is
// reported alongside it. The baseline is PostgreSQL's own bulk load of the same file in the same run:
// server-side `COPY … FROM 'file' (FORMAT csv, HEADER)` into a plain three-column table, no checks, no ledger.

const STORES = smoke ? 5 : 100;
const PRODUCTS = smoke ? 1_000 : 10_000;
const ROWS = STORES * PRODUCTS;
const BASELINE_NAME = 'PostgreSQL COPY FROM file into a plain table';

const storeId = (s: number) => `STORE-${String(s).padStart(3, '0')}`;
const productId = (p: number) => `SKU-${String(p).padStart(6, '0')}`;

/** Deterministic quantities: about one pair in ten holds nothing. */
function quantity(s: number, p: number, night: number): number {
  const draw = (s * 7_919 + p * 104_729) % 44;
  const base = draw < 4 ? 0 : draw - 3;
  const sold = night > 0 && (s + p) % 10 === 0 ? ((s + p) % 5) + 1 : 0;
  return Math.max(base - sold, 0);
}

function feedCsv(night: number): string {
  const lines = ['storeId,productId,onHand'];
  for (let s = 0; s < STORES; s++) {
    for (let p = 0; p < PRODUCTS; p++) {
      // The second night, the last product is no longer stocked anywhere: the feed leaves it out.
      if (night > 0 && p === PRODUCTS - 1) continue;
      lines.push(`${storeId(s)},${productId(p)},${quantity(s, p, night)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function createCatalog(platform: Platform, tenantId: string): Promise<void> {
  await asSystem(platform, tenantId, 'bench', async (ctx) => {
    for (let s = 0; s < STORES; s++) {
      await createStore(ctx, {
        storeId: storeId(s),
        name: `Store ${s}`,
        type: 'store',
        address: { line1: `${s} Main St`, city: 'Springfield', country: 'US' },
        timezone: 'America/Chicago',
        currency: 'USD',
      } as Parameters<typeof createStore>[1]);
    }
  });
  for (let start = 0; start < PRODUCTS; start += 500) {
    await asSystem(platform, tenantId, 'bench', async (ctx) => {
      const items = [];
      for (let p = start; p < Math.min(start + 500, PRODUCTS); p++) {
        items.push({
          productId: productId(p),
          sku: productId(p),
          name: `Product ${p}`,
          status: 'active' as const,
        });
      }
      const outcome = await createProducts(ctx, items, true);
      if (outcome.summary.failed > 0) throw new Error('could not create the bench products');
    });
  }
}

/** COPY of the file by the server itself; milliseconds taken. */
async function copyBaseline(client: pg.Client, file: string): Promise<number> {
  await client.query('create table bench_inventory_copy (store_id text, product_id text, on_hand bigint)');
  const begin = performance.now();
  const { rowCount } = await client.query(
    `copy bench_inventory_copy from '${file.replaceAll("'", "''")}' with (format csv, header)`,
  );
  const ms = performance.now() - begin;
  if (rowCount !== ROWS) throw new Error(`COPY loaded ${rowCount} rows, expected ${ROWS}`);
  await client.query('drop table bench_inventory_copy');
  return ms;
}

async function timedImport(platform: Platform, tenantId: string, file: string) {
  const begin = performance.now();
  const source = await readFile(file, 'utf8');
  const { result } = await importInventoryFile(platform, tenantId, source);
  const ms = performance.now() - begin;
  if (result.status !== 'completed' || result.summary.failed > 0) {
    throw new Error(`import did not complete cleanly: ${JSON.stringify(result)}`);
  }
  return { ms, result };
}

async function checkStock(client: pg.Client, tenantId: string, night: number) {
  let expected = 0;
  for (let s = 0; s < STORES; s++) {
    for (let p = 0; p < (night > 0 ? PRODUCTS - 1 : PRODUCTS); p++) expected += quantity(s, p, night);
  }
  const { rows } = await client.query<{ total: string }>(
    'select coalesce(sum(on_hand), 0)::text as total from stock_levels where tenant_id = $1',
    [tenantId],
  );
  if (Number(rows[0]?.total) !== expected)
    throw new Error(`on hand is ${rows[0]?.total}, expected ${expected}`);
}

async function main(cleanups: Cleanups): Promise<void> {
  log(
    `inventory-feed${smoke ? ' (smoke)' : ''}: node ${process.version}, ${cpus().length} CPUs, ${ROWS} rows`,
  );
  // The server reads the baseline's file itself, possibly as another OS user: the folder must let it in.
  const dir = await mkdtemp(join(tmpdir(), 'backroom-bench-inventory-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o755);
  const files = [join(dir, 'night-0.csv'), join(dir, 'night-1.csv')] as const;
  for (const [night, file] of files.entries()) {
    await writeFile(file, feedCsv(night), { mode: 0o644 });
  }
  log(
    `feed: ${STORES} stores × ${PRODUCTS} products, ${((await readFile(files[0])).length / 1e6).toFixed(1)} MB`,
  );

  const { platform, client } = await startBenchStack(cleanups);

  const copyMs = await copyBaseline(client, files[0]);
  const copyRate = ROWS / (copyMs / 1000);
  log(`${BASELINE_NAME}: ${ROWS} rows in ${(copyMs / 1000).toFixed(2)} s = ${copyRate.toFixed(0)} rows/s`);

  const tenant = await ensureTenant(
    platform.db,
    { id: 'bench', name: 'Benchmark bench', licenceTier: 'enterprise' },
    'production',
  );
  await createCatalog(platform, tenant.id);
  await client.query('analyze');

  const first = await timedImport(platform, tenant.id, files[0]);
  const firstRate = ROWS / (first.ms / 1000);
  log(
    `first feed: ${(first.ms / 1000).toFixed(2)} s = ${firstRate.toFixed(0)} rows/s ${JSON.stringify(first.result.summary)}`,
  );
  await checkStock(client, tenant.id, 0);

  await client.query('analyze');
  const nextRows = STORES * (PRODUCTS - 1);
  const next = await timedImport(platform, tenant.id, files[1]);
  const nextRate = nextRows / (next.ms / 1000);
  log(
    `next night: ${(next.ms / 1000).toFixed(2)} s = ${nextRate.toFixed(0)} rows/s ${JSON.stringify(next.result.summary)}`,
  );
  await checkStock(client, tenant.id, 1);

  reportRate('inventory-feed (1st full feed) vs COPY', 'rows/s', firstRate, copyRate, {
    baselineName: BASELINE_NAME,
    rows: ROWS,
    stores: STORES,
    products: PRODUCTS,
    seconds: Number((first.ms / 1000).toFixed(2)),
    baselineSeconds: Number((copyMs / 1000).toFixed(2)),
    movements: first.result.summary.changed,
    nextNightRowsPerSecond: Number(nextRate.toFixed(1)),
    nextNightSeconds: Number((next.ms / 1000).toFixed(2)),
    nextNightRatio: Number((nextRate / copyRate).toFixed(4)),
  });
}

await runBenchmark('inventory-feed', main);
