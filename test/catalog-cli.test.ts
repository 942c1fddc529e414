import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from './helpers/app.ts';
import { backroomCli, writeLines } from './helpers/cli.ts';

const s = useAppWithMerchant();
const backroom = backroomCli(s);
let dir: string;

const tenant = () => s.merchant.tenant.merchantId;

const feedFile = (name: string, lines: string[]) => writeLines(dir, name, lines);

function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return s.t.app.inject({ method, url, headers: s.merchant.auth, ...(payload ? { payload } : {}) });
}

async function productCount() {
  const { rows } = await s.t.database.pool.query(
    'select count(*)::int as n from products where tenant_id = $1 and deleted_at is null',
    [s.merchant.tenant.id],
  );
  return rows[0].n as number;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backroom-catalog-cli-'));
  await call('POST', '/merchant/v1/categories', { categoryId: 'TOPS', name: 'Tops' });
  await call('POST', '/merchant/v1/attributesets', {
    attributeSetId: 'apparel',
    name: 'Apparel',
    attributes: [
      { code: 'material', label: 'Material', type: 'text' },
      { code: 'organic', label: 'Organic', type: 'boolean' },
      { code: 'threads', label: 'Thread count', type: 'number' },
    ],
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const CATALOG = [
  'productId,sku,name,categoryIds,attributeSetIds,variantGroupId,variant.size,attr.material,attr.organic,listPrice,currency',
  'CLI-TEE-S,CLI-TEE-S,Tee S,TOPS,apparel,CLI-TEE,S,Cotton,true,2400,USD',
  'CLI-TEE-M,CLI-TEE-M,"Tee, M",TOPS,apparel,CLI-TEE,M,Cotton,false,2400,USD',
  'CLI-MUG,CLI-MUG,Mug,,,,,,,900,EUR',
];

describe('backroom import products / export products', { timeout: 60_000 }, () => {
  it('imports a CSV and prints the summary', async () => {
    const file = await feedFile('catalog.csv', CATALOG);
    const run = await backroom('import', 'products', file, '--tenant', tenant());
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout.trim()).toBe('Imported 3 rows: 3 created, 0 updated, 0 unchanged, 0 failed.');
    const tee = (await call('GET', '/merchant/v1/products/CLI-TEE-S')).json();
    expect(tee).toMatchObject({
      variantAttributes: { size: 'S' },
      attributes: { material: 'Cotton', organic: true },
      categoryIds: ['TOPS'],
      listPrice: 2400,
    });
  });

  it('imports the same file again without changing anything', async () => {
    const file = await feedFile('catalog.csv', CATALOG);
    const run = await backroom('import', 'products', file, '--tenant', tenant());
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout.trim()).toBe('Imported 3 rows: 0 created, 0 updated, 3 unchanged, 0 failed.');
  });

  it('exits 1 and prints the row error when a row fails, importing the other rows', async () => {
    const file = await feedFile('bad-row.csv', [
      'productId,sku,name,gtins',
      'CLI-GOOD,CLI-GOOD,Good,0012345678905',
      'CLI-BAD,CLI-BAD,Bad,0012345678906',
    ]);
    const run = await backroom('import', 'products', file, '--tenant', tenant());
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Imported 2 rows: 1 created, 0 updated, 0 unchanged, 1 failed.');
    expect(lines[1]).toMatch(/^ {2}row 3 gtins\.0: must be a GTIN-8, .*check digit$/);
    expect(lines).toHaveLength(2);
    expect(run.stderr).toContain('1 row was not imported');
    expect((await call('GET', '/merchant/v1/products/CLI-GOOD')).statusCode).toBe(200);
    expect((await call('GET', '/merchant/v1/products/CLI-BAD')).statusCode).toBe(404);
  });

  it('exits 1 with a message when a file cannot be read or written or the tenant does not exist', async () => {
    const unknownColumn = await feedFile('unknown-column.csv', ['productId,sku,name,colour', 'X,X,X,red']);
    const unread = await backroom('import', 'products', unknownColumn, '--tenant', tenant());
    expect(unread.code).toBe(1);
    expect(unread.stderr).toContain('The file was not imported');
    expect(unread.stderr).toContain('colour');
    const repeated = await feedFile('repeated-column.csv', ['productId,sku,name,name', 'X,X,X,Y']);
    const twice = await backroom('import', 'products', repeated, '--tenant', tenant());
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('columns appear twice: name');
    expect((await call('GET', '/merchant/v1/products/X')).statusCode).toBe(404);

    const nowhere = join(dir, 'missing-dir', 'export.csv');
    const unwritable = await backroom('export', 'products', '--tenant', tenant(), '--out', nowhere);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr.trim()).toBe(`backroom: ENOENT: no such file or directory, open '${nowhere}'`);

    const file = await feedFile('catalog.csv', CATALOG);
    const nobody = await backroom('import', 'products', file, '--tenant', 'no-such-merchant');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('No tenant no-such-merchant/production');
  });

  it('exports CSV that imports again with every product unchanged', async () => {
    const created = await call('POST', '/merchant/v1/products', {
      products: [
        {
          productId: 'CLI-FULL',
          sku: 'CLI-FULL',
          name: 'Full "quoted" product, with commas',
          gtins: ['4006381333931', '0012345678912'],
          description: '<p>Soft &amp; warm,\nmade to last</p>',
          brand: 'Northbound',
          manufacturer: 'Mill Co',
          status: 'inactive',
          taxClass: 'standard',
          variantGroupId: 'CLI-TEE',
          variantAttributes: { size: 'L' },
          categoryIds: ['TOPS'],
          attributeSetIds: ['apparel'],
          attributes: { material: 'Wool', organic: false, threads: 180.5 },
          images: [
            { url: 'https://img.example.com/full-front.jpg', alt: 'Front' },
            { url: 'https://img.example.com/full-back.jpg' },
          ],
          weightGrams: 0,
          dimensionsMm: { length: 300, width: 200, height: 20 },
          listPrice: 0,
          currency: 'USD',
        },
      ],
    });
    expect(created.json().summary.created).toBe(1);
    const total = await productCount();
    expect(total).toBe(5);

    const out = join(dir, 'export.csv');
    const exported = await backroom(
      'export',
      'products',
      '--tenant',
      tenant(),
      '--format',
      'csv',
      '--out',
      out,
    );
    expect(exported, exported.stderr).toMatchObject({ code: 0 });
    expect(exported.stderr.trim()).toBe(`Wrote ${total} products to ${out}.`);
    const text = await readFile(out, 'utf8');
    const header = text.split('\n')[0]?.split(',');
    expect(header?.slice(0, 3)).toEqual(['productId', 'sku', 'name']);
    expect(header?.slice(-4)).toEqual(['variant.size', 'attr.material', 'attr.organic', 'attr.threads']);

    const run = await backroom('import', 'products', out, '--tenant', tenant());
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout.trim()).toBe(
      `Imported ${total} rows: 0 created, 0 updated, ${total} unchanged, 0 failed.`,
    );

    const stdout = await backroom('export', 'products', '--tenant', tenant());
    expect(stdout, stdout.stderr).toMatchObject({ code: 0 });
    expect(stdout.stdout).toBe(text);
  });

  it('exports JSON Lines that imports again unchanged, and restores a product changed since', async () => {
    const total = await productCount();
    const out = join(dir, 'export.jsonl');
    const exported = await backroom(
      'export',
      'products',
      '--tenant',
      tenant(),
      '--format',
      'jsonl',
      '--out',
      out,
    );
    expect(exported, exported.stderr).toMatchObject({ code: 0 });
    const records = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(total);
    const full = records.find((record) => record.productId === 'CLI-FULL');
    expect(full).toMatchObject({ attributes: { threads: 180.5, organic: false }, status: 'inactive' });
    expect(full).not.toHaveProperty('createdAt');
    expect(full).not.toHaveProperty('primaryImage');

    const again = await backroom('import', 'products', out, '--tenant', tenant());
    expect(again, again.stderr).toMatchObject({ code: 0 });
    expect(again.stdout.trim()).toBe(
      `Imported ${total} rows: 0 created, 0 updated, ${total} unchanged, 0 failed.`,
    );

    const changed = await call('PUT', '/merchant/v1/products', {
      products: [{ productId: 'CLI-TEE-M', listPrice: 2600 }],
    });
    expect(changed.json().summary.updated).toBe(1);
    const restore = await backroom('import', 'products', out, '--tenant', tenant());
    expect(restore, restore.stderr).toMatchObject({ code: 0 });
    expect(restore.stdout.trim()).toBe(
      `Imported ${total} rows: 0 created, 1 updated, ${total - 1} unchanged, 0 failed.`,
    );
    expect((await call('GET', '/merchant/v1/products/CLI-TEE-M')).json().listPrice).toBe(2400);
  });
});
