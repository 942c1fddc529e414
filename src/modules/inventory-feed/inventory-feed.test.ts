import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import {
  expectReconciled,
  merchantApi,
  movementsOf,
  queueBehindLock,
  seedCatalog,
} from '../../../test/helpers/inventory.ts';
import { until } from '../../../test/helpers/until.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { asSystem } from '../../platform/system-context.ts';
import { allTasks } from '../../tasks.ts';
import { startWorker } from '../../worker.ts';
import { verifyInventory } from '../inventory/service.ts';
import { IMPORT_BATCH_ROWS, runInventoryImport } from './run-import.ts';
import { getInventoryImport, startInventoryImport } from './service.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
let worker: Runner;

beforeAll(async () => {
  worker = await startWorker(s.t.platform, s.t.database.pool, allTasks(), createLogger('silent'));
  await seedCatalog(s, ['NYC', 'BOS'], ['TEE', 'CAP', 'MUG', 'SOCK', 'HAT', 'BAG', 'PEN', 'LAMP']);
  const stocked = await api.setStock([
    { storeId: 'NYC', productId: 'TEE', quantity: 5 },
    { storeId: 'NYC', productId: 'CAP', quantity: 3 },
    { storeId: 'NYC', productId: 'MUG', quantity: 2 },
    { storeId: 'NYC', productId: 'HAT', quantity: 4 },
    { storeId: 'NYC', productId: 'BAG', quantity: 6 },
    { storeId: 'BOS', productId: 'TEE', quantity: 4 },
    { storeId: 'NYC', productId: 'MUG', quantity: 1, bucket: 'damaged' },
  ]);
  expect(stocked.statusCode, stocked.body).toBe(200);
  const reserved = await api.reserve({
    storeId: 'NYC',
    reference: { type: 'cart', id: 'cart-1' },
    lines: [{ productId: 'TEE', quantity: 1 }],
  });
  expect(reserved.statusCode, reserved.body).toBe(201);
});
afterAll(() => worker?.stop());

const IMPORTS = '/merchant/v1/storeproducts/inventory/imports';

function upload(body: string, contentType = 'text/csv') {
  return s.t.app.inject({
    method: 'POST',
    url: IMPORTS,
    headers: { ...s.merchant.auth, 'content-type': contentType },
    payload: body,
  });
}

/** Uploads a feed and waits for the worker to finish it; answers the import and its row errors. */
async function imported(body: string) {
  const response = await upload(body);
  expect(response.statusCode, response.body).toBe(202);
  expect(response.json()).toMatchObject({ status: 'queued', processedRows: 0 });
  const importId: string = response.json().importId;
  const result = await until(async () => {
    const current = (await api.call('GET', `${IMPORTS}/${importId}`)).json();
    return current.status === 'completed' || current.status === 'failed' ? current : undefined;
  });
  const errors = (await api.call('GET', `${IMPORTS}/${importId}/errors?limit=200`)).json();
  return { importId, result, errors: errors.data as { rowNumber: number; field: string; reason: string }[] };
}

async function feedMovements(importId: string) {
  const { rows } = await s.t.database.pool.query(
    `select store_id as "storeId", product_id as "productId", bucket, quantity::int, reason
     from stock_movements where tenant_id = $1 and reference_type = 'inventory_import' and reference_id = $2
     order by store_id, product_id, bucket`,
    [s.merchant.tenant.id, importId],
  );
  return rows;
}

async function allMovementCount() {
  const { rows } = await s.t.database.pool.query(
    'select count(*)::int as n from stock_movements where tenant_id = $1',
    [s.merchant.tenant.id],
  );
  return rows[0].n as number;
}

/** Line numbers on the right: the header is line 1; line 7 is blank. */
const FEED = [
  'storeId,productId,onHand,damaged', // 1
  'NYC,TEE,8,', // 2: 5 → 8; the reserved unit stays reserved
  'NYC,CAP,3,', // 3: unchanged
  'NYC,MUG,2,0', // 4: on hand unchanged, damaged 1 → 0
  'NYC,SOCK,6,', // 5: new stock
  'NYC,HAT,-2,', // 6: negative: an error, and HAT is not treated as absent
  '', // 7
  'NYC,PEN,1.5,', // 8: not a whole number
  'NOWHERE,TEE,1,', // 9: unknown store
  'NYC,GHOST,1,', // 10: unknown product
  'NYC,TEE,9,', // 11: repeated
  'NYC,LAMP,3', // 12: a cell short
].join('\n');

describe('full inventory feed over HTTP, applied by the worker', () => {
  let firstImportId = '';

  it('reconciles each row with a movement, sets absent products to 0 and reports each bad row', async () => {
    const { importId, result, errors } = await imported(FEED);
    firstImportId = importId;
    expect(result).toMatchObject({
      status: 'completed',
      totalRows: 10,
      processedRows: 10,
      summary: { changed: 3, unchanged: 1, failed: 6, zeroed: 1, stores: 1 },
    });
    expect(errors).toEqual([
      { rowNumber: 6, field: 'onHand', reason: 'must be a whole number from 0 to 1000000000, not "-2"' },
      { rowNumber: 8, field: 'onHand', reason: 'must be a whole number from 0 to 1000000000, not "1.5"' },
      { rowNumber: 9, field: 'storeId', reason: 'no store has storeId "NOWHERE"' },
      { rowNumber: 10, field: 'productId', reason: 'no product has productId "GHOST"' },
      { rowNumber: 11, field: 'productId', reason: 'TEE at NYC is also on row 2' },
      { rowNumber: 12, field: '', reason: 'has 3 cells; the header has 4' },
    ]);
    // BAG has stock at NYC and is not in the file: a full feed sets it to 0. BOS is not in the file at all.
    expect(await feedMovements(importId)).toEqual([
      { storeId: 'NYC', productId: 'BAG', bucket: 'on_hand', quantity: -6, reason: 'feed_reconciliation' },
      { storeId: 'NYC', productId: 'MUG', bucket: 'damaged', quantity: -1, reason: 'feed_reconciliation' },
      { storeId: 'NYC', productId: 'SOCK', bucket: 'on_hand', quantity: 6, reason: 'feed_reconciliation' },
      { storeId: 'NYC', productId: 'TEE', bucket: 'on_hand', quantity: 3, reason: 'feed_reconciliation' },
    ]);
    expect(await api.position('NYC', 'TEE')).toMatchObject({ onHand: 8, reserved: 1, available: 7 });
    expect(await api.position('NYC', 'MUG')).toMatchObject({ onHand: 2, buckets: {} });
    expect(await api.position('NYC', 'HAT')).toMatchObject({ onHand: 4 });
    expect(await api.position('NYC', 'BAG')).toMatchObject({ onHand: 0, status: 'out_of_stock' });
    expect(await api.position('BOS', 'TEE')).toMatchObject({ onHand: 4 });
    expect(await movementsOf(s, 'NYC', 'CAP')).toHaveLength(1);
    const verified = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) =>
      verifyInventory(ctx),
    );
    expect(verified).toMatchObject({ ledgerMismatches: [], reservationMismatches: [] });
  });

  it('changes nothing and writes no movement when the same file is imported again', async () => {
    const before = await allMovementCount();
    const { result } = await imported(FEED);
    expect(result.summary).toEqual({ changed: 0, unchanged: 4, failed: 6, zeroed: 0, stores: 1 });
    expect(await allMovementCount()).toBe(before);
  });

  it('sets a product deleted since it was stocked to 0 when the file leaves it out, and refuses a row for it', async () => {
    await seedCatalog(s, [], ['GONE']);
    expect((await api.setStock([{ storeId: 'BOS', productId: 'GONE', quantity: 3 }])).statusCode).toBe(200);
    const deleted = await s.t.app.inject({
      method: 'DELETE',
      url: '/merchant/v1/products',
      headers: s.merchant.auth,
      payload: { productIds: ['GONE'] },
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    const { importId, result, errors } = await imported('storeId,productId,onHand\nBOS,TEE,4\n');
    expect(result.summary).toEqual({ changed: 0, unchanged: 1, failed: 0, zeroed: 1, stores: 1 });
    expect(errors).toEqual([]);
    expect(await feedMovements(importId)).toEqual([
      { storeId: 'BOS', productId: 'GONE', bucket: 'on_hand', quantity: -3, reason: 'feed_reconciliation' },
    ]);
    const again = await imported('storeId,productId,onHand\nBOS,TEE,4\nBOS,GONE,1\n');
    expect(again.errors).toEqual([
      { rowNumber: 3, field: 'productId', reason: 'no product has productId "GONE"' },
    ]);
  });

  it('lists imports newest first and answers 404 for an unknown import', async () => {
    const list = await api.call('GET', IMPORTS);
    expect(list.statusCode).toBe(200);
    expect(list.json().data.at(-1).importId).toBe(firstImportId);
    const unknown = await api.call('GET', `${IMPORTS}/00000000-0000-4000-8000-000000000000`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('not_found');
    const notAnId = await api.call('GET', `${IMPORTS}/nope/errors`);
    expect(notAnId.statusCode).toBe(400);
  });

  it('pages through row errors and imports with a cursor, losing and repeating none', async () => {
    const pages = async (url: string) => {
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const separator = url.includes('?') ? '&' : '?';
        const page = await api.call('GET', `${url}${separator}limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.statusCode, page.body).toBe(200);
        expect(page.json().data.length).toBeLessThanOrEqual(2);
        seen.push(...page.json().data);
        cursor = page.json().nextCursor;
      } while (cursor);
      return seen;
    };
    const all = (await api.call('GET', `${IMPORTS}/${firstImportId}/errors?limit=200`)).json().data;
    expect(all).toHaveLength(6);
    expect(await pages(`${IMPORTS}/${firstImportId}/errors`)).toEqual(all);
    const imports = (await api.call('GET', `${IMPORTS}?limit=200`)).json().data;
    expect(imports.length).toBeGreaterThanOrEqual(3);
    expect(await pages(IMPORTS)).toEqual(imports);
  });

  it('fails an import whose file cannot be read, naming why, and changes nothing', async () => {
    const before = await allMovementCount();
    const unknownColumn = await imported('storeId,productId,onhand\nNYC,TEE,1\n');
    expect(unknownColumn.result).toMatchObject({ status: 'failed', processedRows: 0 });
    expect(unknownColumn.result.failure).toContain('Unknown CSV columns: onhand');
    const noQuantity = await imported('storeId,productId\nNYC,TEE\n');
    expect(noQuantity.result.failure).toBe('The CSV has no onHand column.');
    expect(await allMovementCount()).toBe(before);
  });

  it('rejects an empty file and a body that is not CSV with problem+json', async () => {
    const empty = await upload(' \n');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'validation_failed', detail: 'The file is empty.' });
    const json = await upload('{"a":1}', 'application/json');
    expect(json.statusCode).toBe(400);
    const ndjson = await upload('{"a":1}\n', 'application/x-ndjson');
    expect(ndjson.statusCode).toBe(415);
  });
});

describe('runInventoryImport', () => {
  it('resumes after the last committed batch when a run stops, and sets absent products to 0 once', async () => {
    const products = Array.from({ length: 2_600 }, (_, i) => `BULK-${String(i).padStart(4, '0')}`);
    for (let start = 0; start < products.length; start += 500) {
      await seedCatalog(s, start === 0 ? ['R1', 'R2'] : [], products.slice(start, start + 500));
    }
    await seedCatalog(s, [], ['LEFT-OUT']);
    expect((await api.setStock([{ storeId: 'R2', productId: 'LEFT-OUT', quantity: 5 }])).statusCode).toBe(
      200,
    );
    const lines = ['storeId,productId,onHand'];
    for (const storeId of ['R1', 'R2']) {
      for (const [i, productId] of products.entries()) lines.push(`${storeId},${productId},${(i % 7) + 1}`);
    }
    const rowCount = 2 * products.length;
    const { platform } = s.t;
    const tenantId = s.merchant.tenant.id;
    const started = await asSystem(platform, tenantId, 'test', (ctx) =>
      startInventoryImport(ctx, lines.join('\n'), { queue: false }),
    );
    const read = () =>
      asSystem(platform, tenantId, 'test', (ctx) => getInventoryImport(ctx, started.importId));

    const progress: number[] = [];
    await expect(
      runInventoryImport(platform, tenantId, started.importId, (processed) => {
        progress.push(processed);
        throw new Error('the process died');
      }),
    ).rejects.toThrow('the process died');
    expect(progress).toEqual([IMPORT_BATCH_ROWS]);
    expect(await read()).toMatchObject({
      status: 'running',
      totalRows: rowCount,
      processedRows: IMPORT_BATCH_ROWS,
      summary: { changed: IMPORT_BATCH_ROWS, unchanged: 0, failed: 0, zeroed: 0 },
    });
    expect(await feedMovements(started.importId)).toHaveLength(IMPORT_BATCH_ROWS);

    const resumed: number[] = [];
    await runInventoryImport(platform, tenantId, started.importId, (processed, total) => {
      resumed.push(processed);
      expect(total).toBe(rowCount);
    });
    expect(resumed).toEqual([rowCount]);
    expect(await read()).toMatchObject({
      status: 'completed',
      totalRows: rowCount,
      processedRows: rowCount,
      summary: { changed: rowCount, unchanged: 0, failed: 0, zeroed: 1, stores: 2 },
    });
    const movements = await feedMovements(started.importId);
    expect(movements).toHaveLength(rowCount + 1);
    expect(new Set(movements.map((m) => `${m.storeId}/${m.productId}`)).size).toBe(rowCount + 1);
    expect(await api.position('R2', 'BULK-2599')).toMatchObject({ onHand: (2599 % 7) + 1 });
    expect(await api.position('R2', 'LEFT-OUT')).toMatchObject({ onHand: 0 });

    // A finished import is not applied again.
    await runInventoryImport(platform, tenantId, started.importId, () => {
      throw new Error('a finished import must not run again');
    });
    expect(await feedMovements(started.importId)).toHaveLength(rowCount + 1);
  });
});

describe('a pair another writer creates while the feed runs', () => {
  it("still ends at the file's quantity, the ledger explaining both writes", async () => {
    const bos = await api.position('BOS', 'TEE');
    const tenantId = s.merchant.tenant.id;
    // Stock of LAMP at BOS arrives in a transaction still open when the feed reads the pair (so the feed sees
    // none) and commits once the feed waits to create it.
    const arrival = {
      sql: `with level as (
              insert into stock_levels (tenant_id, store_id, product_id, on_hand, first_received_at, status)
              values ($1, 'BOS', 'LAMP', 3, now(), 'low_stock') returning 1
            ), moved as (
              insert into stock_movements (tenant_id, store_id, product_id, bucket, quantity, reason, actor,
                occurred_at)
              values ($1, 'BOS', 'LAMP', 'on_hand', 3, 'received', 'test', now())
            )
            select 1 from level`,
      params: [tenantId],
    };
    const [{ result }] = await queueBehindLock(s, arrival, [
      () => imported(['storeId,productId,onHand', `BOS,TEE,${bos.onHand}`, 'BOS,LAMP,10'].join('\n')),
    ]);
    expect(result.status).toBe('completed');
    expect(await api.position('BOS', 'LAMP')).toMatchObject({ onHand: 10 });
    expect((await movementsOf(s, 'BOS', 'LAMP')).map((m) => [m.reason, m.quantity])).toEqual([
      ['received', 3],
      ['feed_reconciliation', 10],
      ['feed_reconciliation', -3],
    ]);
    await expectReconciled(s);
  });
});
