import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { backroomCli, writeLines } from '../../../test/helpers/cli.ts';
import { merchantApi, seedCatalog } from '../../../test/helpers/inventory.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
const backroom = backroomCli(s);
let dir: string;

const tenant = () => s.merchant.tenant.merchantId;

const feedFile = (name: string, lines: string[]) => writeLines(dir, name, lines);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backroom-inventory-cli-'));
  await seedCatalog(s, ['NYC', 'BOS'], ['TEE', 'CAP', 'MUG']);
  const stocked = await api.setStock([
    { storeId: 'NYC', productId: 'MUG', quantity: 7 },
    { storeId: 'BOS', productId: 'MUG', quantity: 2 },
  ]);
  expect(stocked.statusCode).toBe(200);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const FEED = ['storeId,productId,onHand', 'NYC,TEE,10', 'NYC,CAP,4', 'BOS,TEE,1'];

describe('backroom import inventory', { timeout: 60_000 }, () => {
  it('reconciles the stores in the file and prints the summary', async () => {
    const file = await feedFile('inventory.csv', FEED);
    const run = await backroom('import', 'inventory', file, '--tenant', tenant());
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout.trim()).toBe(
      'Imported 3 rows for 2 stores: 3 changed, 0 unchanged, 0 failed; 2 products not in the file set to 0.',
    );
    expect(await api.position('NYC', 'TEE')).toMatchObject({ onHand: 10 });
    expect(await api.position('NYC', 'MUG')).toMatchObject({ onHand: 0 });
    expect(await api.position('BOS', 'MUG')).toMatchObject({ onHand: 0 });
  });

  it('imports the same file again without changing anything', async () => {
    const file = await feedFile('inventory.csv', FEED);
    const run = await backroom('import', 'inventory', file, '--tenant', tenant());
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout.trim()).toBe(
      'Imported 3 rows for 2 stores: 0 changed, 3 unchanged, 0 failed; 0 products not in the file set to 0.',
    );
  });

  it('exits 1 and prints the row errors, applying the other rows', async () => {
    const file = await feedFile('bad-rows.csv', [...FEED.slice(0, 3), 'BOS,TEE,-1', 'BOS,GHOST,1']);
    const run = await backroom('import', 'inventory', file, '--tenant', tenant());
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      'Imported 4 rows for 2 stores: 0 changed, 2 unchanged, 2 failed; 0 products not in the file set to 0.',
      '  row 4 onHand: must be a whole number from 0 to 1000000000, not "-1"',
      '  row 5 productId: no product has productId "GHOST"',
    ]);
    expect(run.stderr).toContain('2 rows were not imported');
    expect(await api.position('BOS', 'TEE')).toMatchObject({ onHand: 1 });
  });

  it('exits 1 with a message when the file cannot be read or the tenant does not exist', async () => {
    const file = await feedFile('unknown-column.csv', ['storeId,productId,quantity', 'NYC,TEE,1']);
    const unread = await backroom('import', 'inventory', file, '--tenant', tenant());
    expect(unread.code).toBe(1);
    expect(unread.stderr).toContain('The file was not imported: Unknown CSV columns: quantity');
    const nobody = await backroom('import', 'inventory', file, '--tenant', 'no-such-merchant');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('No tenant no-such-merchant/production');
  });
});
