import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMerchant,
  startTestApp,
  type TestMerchant,
  useAppWithMerchant,
} from '../../../test/helpers/app.ts';
import { until } from '../../../test/helpers/until.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { asSystem } from '../../platform/system-context.ts';
import { allTasks } from '../../tasks.ts';
import { startWorker } from '../../worker.ts';
import { exportProducts } from './export.ts';
import { IMPORT_BATCH_ROWS, runImport } from './run-import.ts';
import { getImport, startImport } from './service.ts';

const s = useAppWithMerchant();
let worker: Runner;

beforeAll(async () => {
  worker = await startWorker(s.t.platform, s.t.database.pool, allTasks(), createLogger('silent'));
  await call('POST', '/merchant/v1/categories', { categoryId: 'TOPS', name: 'Tops' });
  await call('POST', '/merchant/v1/attributesets', {
    attributeSetId: 'apparel',
    name: 'Apparel',
    attributes: [
      { code: 'material', label: 'Material', type: 'text' },
      { code: 'organic', label: 'Organic', type: 'boolean' },
    ],
  });
});
afterAll(() => worker?.stop());

function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, merchant?: TestMerchant) {
  const headers = (merchant ?? s.merchant).auth;
  return s.t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

function upload(body: string, contentType = 'text/csv', merchant?: TestMerchant) {
  return s.t.app.inject({
    method: 'POST',
    url: '/merchant/v1/products/imports',
    headers: { ...(merchant ?? s.merchant).auth, 'content-type': contentType },
    payload: body,
  });
}

/** Uploads a feed and waits for the worker to finish it; answers the import and its row errors. */
async function imported(body: string, contentType = 'text/csv') {
  const response = await upload(body, contentType);
  expect(response.statusCode, response.body).toBe(202);
  const queued = response.json();
  expect(queued).toMatchObject({ status: 'queued', processedRows: 0 });
  const importId: string = queued.importId;
  const result = await until(async () => {
    const current = (await call('GET', `/merchant/v1/products/imports/${importId}`)).json();
    return current.status === 'completed' || current.status === 'failed' ? current : undefined;
  });
  const errors = (await call('GET', `/merchant/v1/products/imports/${importId}/errors?limit=200`)).json();
  return { importId, result, errors: errors.data as { rowNumber: number; field: string; reason: string }[] };
}

async function productEvents(tenantId = s.merchant.tenant.id) {
  const { rows } = await s.t.database.pool.query(
    `select type, subject, data from events where tenant_id = $1 and type like 'product.%' order by occurred_at, id`,
    [tenantId],
  );
  return rows as { type: string; subject: string; data: Record<string, any> }[];
}

const HEADER =
  'productId,sku,name,gtins,categoryIds,attributeSetIds,variantGroupId,variant.size,attr.material,attr.organic,listPrice,currency,description';

/** Line numbers on the right: the header is line 1; MUG's description spans two lines; line 12 is blank. */
function catalogCsv(teeMPrice = 2400) {
  return [
    HEADER, // 1
    'TEE-S,TEE-S,Tee S,0012345678905,TOPS,apparel,TEE,S,Cotton,true,2400,USD,', // 2
    `TEE-M,TEE-M,"Tee, M",,TOPS,apparel,TEE,M,Cotton,no,${teeMPrice},USD,`, // 3
    'BAD-GTIN,BAD-GTIN,Bad GTIN,0012345678906,,,,,,,,,', // 4
    'BAD-CAT,BAD-CAT,Bad category,,NOPE,,,,,,,,', // 5
    'BAD-PRICE,BAD-PRICE,Bad price,,,,,,,,-100,USD,', // 6
    'TEE-S,TEE-S2,Tee S again,,,,,,,,,,', // 7
    'DUP-SKU,TEE-M,Takes the SKU of TEE-M,,,,,,,,,,', // 8
    'BAD-ORGANIC,BAD-ORGANIC,Maybe organic,,,apparel,,,Wool,maybe,,,', // 9
    'MUG,MUG,Mug,,,,,,,,900,EUR,"<p>Line one', // 10
    'line two</p>"', // 11
    '', // 12
    'BAD-CURRENCY,BAD-CURRENCY,Bad currency,,,,,,,,100,ZZZ,', // 13
    '',
  ].join('\n');
}

const GOOD_ROWS = 3;
const BAD_ROWS = 7;

describe('catalog feed over HTTP, applied by the worker', () => {
  it('imports the good rows of a CSV and reports each bad row with its line, field and reason', async () => {
    const { result, errors } = await imported(catalogCsv());
    expect(result).toMatchObject({
      format: 'csv',
      status: 'completed',
      totalRows: GOOD_ROWS + BAD_ROWS,
      processedRows: GOOD_ROWS + BAD_ROWS,
      summary: { created: GOOD_ROWS, updated: 0, unchanged: 0, failed: BAD_ROWS },
    });
    expect(result.startedAt).toBeGreaterThanOrEqual(result.createdAt);
    expect(result.finishedAt).toBeGreaterThanOrEqual(result.startedAt);
    expect(result).not.toHaveProperty('failure');

    expect(errors.map(({ rowNumber, field }) => ({ rowNumber, field }))).toEqual([
      { rowNumber: 4, field: 'gtins.0' },
      { rowNumber: 5, field: 'categoryIds.0' },
      { rowNumber: 6, field: 'listPrice' },
      { rowNumber: 7, field: 'productId' },
      { rowNumber: 8, field: 'sku' },
      { rowNumber: 9, field: 'attributes.organic' },
      { rowNumber: 13, field: 'currency' },
    ]);
    const reason = (rowNumber: number) => errors.find((error) => error.rowNumber === rowNumber)?.reason;
    expect(reason(4)).toContain('valid check digit');
    expect(reason(5)).toContain('no category "NOPE"');
    expect(reason(6)).toBe('must not be negative');
    expect(reason(7)).toBe('also on row 2');
    expect(reason(8)).toBe('SKU "TEE-M" already belongs to product "TEE-M"');
    expect(reason(9)).toBe('must be true or false');
    expect(reason(13)).toContain('ISO 4217');

    const teeS = (await call('GET', '/merchant/v1/products/TEE-S')).json();
    expect(teeS).toMatchObject({
      productId: 'TEE-S',
      sku: 'TEE-S',
      name: 'Tee S',
      status: 'active',
      gtins: ['0012345678905'],
      categoryIds: ['TOPS'],
      attributeSetIds: ['apparel'],
      variantGroupId: 'TEE',
      variantAttributes: { size: 'S' },
      attributes: { material: 'Cotton', organic: true },
      listPrice: 2400,
      currency: 'USD',
    });
    expect(teeS).not.toHaveProperty('description');
    const teeM = (await call('GET', '/merchant/v1/products/TEE-M')).json();
    expect(teeM).toMatchObject({ name: 'Tee, M', variantAttributes: { size: 'M' } });
    expect(teeM.attributes).toEqual({ material: 'Cotton', organic: false });
    const mug = (await call('GET', '/merchant/v1/products/MUG')).json();
    expect(mug).toMatchObject({ description: '<p>Line one\nline two</p>', listPrice: 900, currency: 'EUR' });
    expect(mug.attributes).toEqual({});
    expect(mug.variantAttributes).toEqual({});
    for (const id of ['BAD-GTIN', 'BAD-CAT', 'BAD-PRICE', 'DUP-SKU', 'BAD-ORGANIC', 'BAD-CURRENCY']) {
      expect((await call('GET', `/merchant/v1/products/${id}`)).statusCode).toBe(404);
    }
    const teeS2 = await call('GET', '/merchant/v1/products?q=TEE-S2');
    expect(teeS2.json().data).toEqual([]);

    const events = await productEvents();
    expect(events.map(({ type, subject }) => `${type} ${subject}`).sort()).toEqual([
      'product.created MUG',
      'product.created TEE-M',
      'product.created TEE-S',
    ]);
    expect(events.find((event) => event.subject === 'TEE-S')?.data.product).toEqual(teeS);
  });

  it('changes nothing and emits nothing when the same file is uploaded again', async () => {
    const before = await productEvents();
    const teeS = (await call('GET', '/merchant/v1/products/TEE-S')).json();
    const { result, errors } = await imported(catalogCsv());
    expect(result).toMatchObject({
      status: 'completed',
      totalRows: GOOD_ROWS + BAD_ROWS,
      processedRows: GOOD_ROWS + BAD_ROWS,
      summary: { created: 0, updated: 0, unchanged: GOOD_ROWS, failed: BAD_ROWS },
    });
    expect(errors).toHaveLength(BAD_ROWS);
    expect(await productEvents()).toEqual(before);
    expect((await call('GET', '/merchant/v1/products/TEE-S')).json().updatedAt).toBe(teeS.updatedAt);
  });

  it('writes only the changed row and names the changed field in product.updated', async () => {
    const before = await productEvents();
    const { result } = await imported(catalogCsv(2600));
    expect(result.summary).toEqual({ created: 0, updated: 1, unchanged: GOOD_ROWS - 1, failed: BAD_ROWS });
    const added = (await productEvents()).slice(before.length);
    expect(added.map(({ type, subject }) => ({ type, subject }))).toEqual([
      { type: 'product.updated', subject: 'TEE-M' },
    ]);
    expect(added[0]?.data.changed).toEqual(['listPrice']);
    expect(added[0]?.data.product).toMatchObject({ productId: 'TEE-M', listPrice: 2600 });
    expect((await call('GET', '/merchant/v1/products/TEE-M')).json().listPrice).toBe(2600);
  });

  it('imports JSON Lines and reports unreadable lines by their line number', async () => {
    const lines = [
      JSON.stringify({
        productId: 'JL-1',
        sku: 'JL-1',
        name: 'Lines one',
        attributeSetIds: ['apparel'],
        attributes: { organic: true, material: 'Linen' },
        images: [{ url: 'https://img.example.com/jl-1.jpg', alt: 'Front' }],
      }), // 1
      '{"productId": "JL-BROKEN", ', // 2
      '', // 3
      '[1, 2]', // 4
      JSON.stringify({ productId: 'JL-2', sku: 'JL-2', name: 'Lines two', listPrice: 100 }), // 5
      JSON.stringify({ productId: 'JL-3', sku: 'JL-3', name: 'Lines three', colour: 'red' }), // 6
      JSON.stringify({ productId: 'JL-4', sku: 'JL-4', name: 'Lines four', listPrice: 100, currency: 'USD' }), // 7
    ];
    const { result, errors } = await imported(`${lines.join('\n')}\n`, 'application/x-ndjson');
    expect(result).toMatchObject({
      format: 'jsonl',
      status: 'completed',
      totalRows: 6,
      processedRows: 6,
      summary: { created: 2, updated: 0, unchanged: 0, failed: 4 },
    });
    expect(errors).toEqual([
      { rowNumber: 2, field: '', reason: 'not valid JSON' },
      { rowNumber: 4, field: '', reason: 'each line must be one JSON object' },
      { rowNumber: 5, field: 'currency', reason: 'listPrice and currency go together' },
      { rowNumber: 6, field: 'colour', reason: expect.any(String) },
    ]);
    const jl1 = (await call('GET', '/merchant/v1/products/JL-1')).json();
    expect(jl1).toMatchObject({
      attributes: { organic: true, material: 'Linen' },
      primaryImage: { url: 'https://img.example.com/jl-1.jpg', alt: 'Front', primary: true },
    });
    expect((await call('GET', '/merchant/v1/products/JL-4')).json().listPrice).toBe(100);
  });

  it('reads a Windows CSV: byte order mark, CRLF lines (also inside quotes), charset, cells of spaces', async () => {
    const csv = [
      '\uFEFFproductId,sku,name,brand,weightGrams,listPrice,currency,description', // 1
      'BLANK-1,BLANK-1,Blank cells,  , , ,,', // 2
      'CRLF-1,CRLF-1,Two lines,,,,,"<p>one', // 3
      'two</p>"', // 4
      'CRLF-BAD,CRLF-BAD,Bad weight,,-1,,,', // 5
      '',
    ].join('\r\n');
    const { result, errors } = await imported(csv, 'text/csv; charset=utf-8');
    expect(errors.map(({ rowNumber, field }) => ({ rowNumber, field }))).toEqual([
      { rowNumber: 5, field: 'weightGrams' },
    ]);
    expect(result.summary).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 1 });
    const blank = (await call('GET', '/merchant/v1/products/BLANK-1')).json();
    expect(blank).toMatchObject({ productId: 'BLANK-1', name: 'Blank cells' });
    expect(blank).not.toHaveProperty('brand');
    expect(blank).not.toHaveProperty('weightGrams');
    expect(blank).not.toHaveProperty('listPrice');
    expect((await call('GET', '/merchant/v1/products/CRLF-1')).json().description).toBe('<p>one\r\ntwo</p>');

    const jsonl = `\uFEFF${JSON.stringify({ productId: 'BOM-1', sku: 'BOM-1', name: 'After a BOM' })}\r\n`;
    const lines = await imported(jsonl, 'application/jsonl');
    expect(lines.errors).toEqual([]);
    expect(lines.result.summary.created).toBe(1);
  });

  it('types each row’s attributes by the row’s own attribute sets', async () => {
    const labels = await call('POST', '/merchant/v1/attributesets', {
      attributeSetId: 'labels',
      name: 'Labels',
      attributes: [{ code: 'organic', label: 'Organic label', type: 'text' }],
    });
    expect(labels.statusCode).toBe(201);
    const { result, errors } = await imported(
      [
        'productId,sku,name,attributeSetIds,attr.organic',
        'TYPED-1,TYPED-1,Organic as true or false,apparel,yes',
        'TYPED-2,TYPED-2,Organic as text,labels,yes',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(result.summary).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 0 });
    expect((await call('GET', '/merchant/v1/products/TYPED-1')).json().attributes).toEqual({ organic: true });
    expect((await call('GET', '/merchant/v1/products/TYPED-2')).json().attributes).toEqual({
      organic: 'yes',
    });
  });

  it('fails an import whose CSV header has an unknown column, naming the column', async () => {
    const before = await productEvents();
    const { result, errors } = await imported('productId,sku,name,colour\nX-1,X-1,Unread,red\n');
    expect(result.status).toBe('failed');
    expect(result.failure).toContain('colour');
    expect(result.processedRows).toBe(0);
    expect(result.summary).toEqual({ created: 0, updated: 0, unchanged: 0, failed: 0 });
    expect(errors).toEqual([]);
    expect((await call('GET', '/merchant/v1/products/X-1')).statusCode).toBe(404);
    expect(await productEvents()).toEqual(before);
  });

  it('rejects an empty file, a wrong content type and bad import ids with problem+json', async () => {
    const empty = await upload('');
    expect(empty.statusCode).toBe(400);
    expect(empty.headers['content-type']).toContain('application/problem+json');
    expect(empty.json()).toMatchObject({
      code: 'validation_failed',
      detail: expect.stringContaining('empty'),
    });

    const blank = await upload('\n  \n');
    expect(blank.statusCode).toBe(400);

    const plain = await upload('productId,sku,name\nP-1,P-1,Plain\n', 'text/plain');
    expect(plain.statusCode).toBe(415);
    expect(plain.headers['content-type']).toContain('application/problem+json');
    expect(plain.json().code).toBe('unsupported_media_type');

    const json = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/products/imports',
      headers: s.merchant.auth,
      payload: { productId: 'P-1' },
    });
    expect(json.statusCode).toBeGreaterThanOrEqual(400);
    expect(json.statusCode).toBeLessThan(500);
    expect(json.headers['content-type']).toContain('application/problem+json');

    for (const url of [
      '/merchant/v1/products/imports/not-a-uuid',
      '/merchant/v1/products/imports/1/errors',
    ]) {
      const response = await call('GET', url);
      expect([400, 404]).toContain(response.statusCode);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const missing = await call('GET', '/merchant/v1/products/imports/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
    const { rows } = await s.t.database.pool.query(
      "select count(*)::int as n from catalog_imports where tenant_id = $1 and source like 'productId,sku,name%P-1%'",
      [s.merchant.tenant.id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('lists imports newest first, and shows them to their merchant only', async () => {
    const mine = await call('GET', '/merchant/v1/products/imports?limit=2');
    expect(mine.statusCode).toBe(200);
    const page = mine.json();
    expect(page.data).toHaveLength(2);
    expect(page.data[0].createdAt).toBeGreaterThanOrEqual(page.data[1].createdAt);
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = (
      await call('GET', `/merchant/v1/products/imports?limit=200&cursor=${page.nextCursor}`)
    ).json();
    const ids = [...page.data, ...next.data].map((item: { importId: string }) => item.importId);
    expect(new Set(ids).size).toBe(ids.length);
    const { rows } = await s.t.database.pool.query(
      'select id from catalog_imports where tenant_id = $1 order by created_at desc, id desc',
      [s.merchant.tenant.id],
    );
    expect(ids).toEqual(rows.map((row: { id: string }) => row.id));
    expect(ids.length).toBeGreaterThanOrEqual(8);

    const other = await createMerchant(s.t.platform);
    const importId = page.data[0].importId;
    const seen = await call('GET', `/merchant/v1/products/imports/${importId}`, undefined, other);
    expect(seen.statusCode).toBe(404);
    expect(seen.json().code).toBe('not_found');
    const errors = await call('GET', `/merchant/v1/products/imports/${importId}/errors`, undefined, other);
    expect(errors.statusCode).toBe(404);
    const listed = await call('GET', '/merchant/v1/products/imports', undefined, other);
    expect(listed.json().data).toEqual([]);
  });
});

describe('runImport', () => {
  it('resumes after the last committed batch when a run stops between batches', async () => {
    const rowCount = 1_200;
    const lines = ['productId,sku,name,listPrice,currency'];
    for (let i = 0; i < rowCount; i += 1) {
      const id = `BULK-${String(i).padStart(4, '0')}`;
      lines.push(`${id},${id},Bulk product ${i},${100 + i},USD`);
    }
    const { platform } = s.t;
    const tenantId = s.merchant.tenant.id;
    const started = await asSystem(platform, tenantId, 'test', (ctx) =>
      startImport(ctx, { format: 'csv', source: lines.join('\n') }, { queue: false }),
    );
    const read = () => asSystem(platform, tenantId, 'test', (ctx) => getImport(ctx, started.importId));
    const bulkCount = async () => {
      const { rows } = await s.t.database.pool.query(
        "select count(*)::int as n from products where tenant_id = $1 and product_id like 'BULK-%'",
        [tenantId],
      );
      return rows[0].n as number;
    };

    const progress: number[] = [];
    await expect(
      runImport(platform, tenantId, started.importId, (processed) => {
        progress.push(processed);
        throw new Error('the process died');
      }),
    ).rejects.toThrow('the process died');
    expect(progress).toEqual([IMPORT_BATCH_ROWS]);
    expect(await read()).toMatchObject({
      status: 'running',
      totalRows: rowCount,
      processedRows: IMPORT_BATCH_ROWS,
      summary: { created: IMPORT_BATCH_ROWS, updated: 0, unchanged: 0, failed: 0 },
    });
    expect(await bulkCount()).toBe(IMPORT_BATCH_ROWS);

    const resumed: number[] = [];
    await runImport(platform, tenantId, started.importId, (processed, total) => {
      resumed.push(processed);
      expect(total).toBe(rowCount);
    });
    expect(resumed).toEqual([2 * IMPORT_BATCH_ROWS, rowCount]);
    expect(await read()).toMatchObject({
      status: 'completed',
      totalRows: rowCount,
      processedRows: rowCount,
      summary: { created: rowCount, updated: 0, unchanged: 0, failed: 0 },
    });
    expect(await bulkCount()).toBe(rowCount);
    const { rows } = await s.t.database.pool.query(
      `select count(*)::int as n, count(distinct subject)::int as subjects from events
       where tenant_id = $1 and type = 'product.created' and subject like 'BULK-%'`,
      [tenantId],
    );
    expect(rows[0]).toEqual({ n: rowCount, subjects: rowCount });
    const last = (await call('GET', '/merchant/v1/products/BULK-1199')).json();
    expect(last).toMatchObject({ name: 'Bulk product 1199', listPrice: 1299 });

    // A finished import is not applied again.
    await runImport(platform, tenantId, started.importId, () => {
      throw new Error('a finished import must not run again');
    });
    expect((await read()).processedRows).toBe(rowCount);
  });
});

describe('exportProducts', () => {
  it('stops rather than write a CSV row whose value has no column, when a product changes mid-export', async () => {
    const { platform } = s.t;
    const tenantId = s.merchant.tenant.id;
    const chunks: string[] = [];
    const exporting = asSystem(platform, tenantId, 'test', (ctx) =>
      exportProducts(ctx, 'csv', async (chunk) => {
        chunks.push(chunk);
        if (chunks.length > 1) return;
        // After the header: another writer gives MUG a variant attribute no product had before.
        const changed = await call('PUT', '/merchant/v1/products', {
          products: [{ productId: 'MUG', variantAttributes: { colour: 'White' } }],
        });
        expect(changed.json().summary.updated).toBe(1);
      }),
    );
    await expect(exporting).rejects.toThrow('Product MUG changed during the export (colour); export again.');
    expect(chunks[0]).not.toContain('variant.colour');

    const again: string[] = [];
    const count = await asSystem(platform, tenantId, 'test', (ctx) =>
      exportProducts(ctx, 'csv', (chunk) => {
        again.push(chunk);
      }),
    );
    expect(again[0]).toContain('variant.colour');
    expect(again).toHaveLength(count + 1);
    expect(again.find((row) => row.startsWith('MUG,'))).toContain('White');
  });

  it('takes files up to BACKROOM_FEED_LIMIT_BYTES, far above the JSON body limit, and answers 413 beyond', async () => {
    const t = await startTestApp({
      databaseUrl: s.t.databaseUrl,
      env: { BACKROOM_BODY_LIMIT_BYTES: '1000', BACKROOM_FEED_LIMIT_BYTES: '5000' },
    });
    try {
      const send = (rows: number) =>
        t.app.inject({
          method: 'POST',
          url: '/merchant/v1/products/imports',
          headers: { ...s.merchant.auth, 'content-type': 'text/csv' },
          payload: `productId,sku,name\n${Array.from({ length: rows }, (_, i) => `LIM-${i},LIM-${i},Limit ${i}`).join('\n')}`,
        });
      const fits = await send(100);
      expect(fits.statusCode).toBe(202);
      const tooLarge = await send(300);
      expect(tooLarge.statusCode).toBe(413);
      expect(tooLarge.json().code).toBe('payload_too_large');
    } finally {
      await t.close();
    }
  });
});
