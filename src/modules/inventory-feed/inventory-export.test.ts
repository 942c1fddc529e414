import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, createMerchant, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi, seedCatalog } from '../../../test/helpers/inventory.ts';
import { asSystem } from '../../platform/system-context.ts';
import { runInventoryImport } from './run-import.ts';
import { getInventoryImport, startInventoryImport } from './service.ts';

const s = useAppWithMerchant();
const api = merchantApi(s);
const realNow = () => new Date();

beforeAll(async () => {
  await seedCatalog(s, ['NYC', 'BOS'], ['TEE', 'CAP', 'MUG', 'SOCK']);
  const stocked = await api.setStock([
    { storeId: 'NYC', productId: 'TEE', quantity: 12 },
    { storeId: 'NYC', productId: 'CAP', quantity: 3 },
    { storeId: 'NYC', productId: 'MUG', quantity: 4 },
    { storeId: 'NYC', productId: 'MUG', quantity: 2, bucket: 'damaged' },
    { storeId: 'BOS', productId: 'SOCK', quantity: 9 },
  ]);
  expect(stocked.statusCode, stocked.body).toBe(200);
  const reserved = await api.reserve({
    storeId: 'NYC',
    reference: { type: 'cart', id: 'cart-1' },
    lines: [{ productId: 'TEE', quantity: 2 }],
  });
  expect(reserved.statusCode, reserved.body).toBe(201);
});
afterEach(() => {
  s.t.platform.now = realNow;
});

async function exportLink(storeId: string) {
  const response = await api.call('GET', `/merchant/v1/storeproducts/inventory/${storeId}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { url: string; expiresAt: number };
}

/** Follows a download link with no credentials, as a browser or a script would. */
function download(url: string) {
  const { pathname, search } = new URL(url);
  return s.t.app.inject({ method: 'GET', url: `${pathname}${search}` });
}

const EXPECTED_CSV = [
  'storeId,productId,onHand,reserved,available,damaged,inTransit,status',
  'NYC,CAP,3,0,3,0,0,low_stock',
  'NYC,MUG,4,0,4,2,0,low_stock',
  'NYC,TEE,12,2,10,0,0,in_stock',
  '',
].join('\n');

describe("a store's inventory as a CSV download", () => {
  it('gives a link valid for 15 minutes that downloads the CSV without credentials', async () => {
    const before = Date.now();
    const link = await exportLink('NYC');
    expect(link.url).toMatch(
      /^http:\/\/localhost(:\d+)?\/downloads\/v1\/inventory\/NYC\?token=[\w-]+\.[\w-]+\.[\w-]+$/,
    );
    expect(link.expiresAt).toBeGreaterThanOrEqual(before + 15 * 60_000 - 1_000);
    expect(link.expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    const file = await download(link.url);
    expect(file.statusCode, file.body).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-disposition']).toBe('attachment; filename="inventory-NYC.csv"');
    expect(file.body).toBe(EXPECTED_CSV);
  });

  it('imports its own export without changing anything', async () => {
    const file = await download((await exportLink('NYC')).url);
    const { rows: before } = await s.t.database.pool.query('select count(*)::int as n from stock_movements');
    const { platform } = s.t;
    const tenantId = s.merchant.tenant.id;
    const started = await asSystem(platform, tenantId, 'test', (ctx) =>
      startInventoryImport(ctx, file.body, { queue: false }),
    );
    await runInventoryImport(platform, tenantId, started.importId);
    const result = await asSystem(platform, tenantId, 'test', (ctx) =>
      getInventoryImport(ctx, started.importId),
    );
    expect(result).toMatchObject({
      status: 'completed',
      totalRows: 3,
      summary: { changed: 0, unchanged: 3, failed: 0, zeroed: 0, stores: 1 },
    });
    const { rows: after } = await s.t.database.pool.query('select count(*)::int as n from stock_movements');
    expect(after[0].n).toBe(before[0].n);
  });

  it('refuses a link that was altered, has expired, or names another store, with 401 problem+json', async () => {
    const { url } = await exportLink('NYC');
    const token = new URL(url).searchParams.get('token') ?? '';
    const [header, payload, signature = ''] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const forBos = Buffer.from(JSON.stringify({ ...claims, store: 'BOS' })).toString('base64url');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'x' ? 'y' : 'x'}${signature.slice(11)}`;
    const refused = [
      await download(url.replace(token, `${header}.${payload}.${flipped}`)),
      await download(url.replace(token, `${header}.${forBos}.${signature}`).replace('/NYC?', '/BOS?')),
      await download(url.replace('/inventory/NYC?', '/inventory/BOS?')),
    ];
    s.t.platform.now = () => new Date(Date.now() + 15 * 60_000 + 1_000);
    refused.push(await download(url));
    for (const response of refused) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({
        code: 'invalid_token',
        instance: expect.not.stringContaining('token'),
      });
    }
    s.t.platform.now = realNow;
    expect((await download(url)).statusCode).toBe(200);
    const noToken = await s.t.app.inject({ method: 'GET', url: '/downloads/v1/inventory/NYC' });
    expect(noToken.statusCode).toBe(400);
  });

  it('keeps download links and access tokens apart', async () => {
    const { url } = await exportLink('NYC');
    const linkToken = new URL(url).searchParams.get('token') ?? '';
    const asBearer = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/storeproducts/inventory/NYC',
      headers: { authorization: `Bearer ${linkToken}` },
    });
    expect(asBearer.statusCode).toBe(401);
    const bearer = await accessToken(s.t.app, s.merchant.client);
    expect((await download(url.replace(linkToken, bearer))).statusCode).toBe(401);
  });

  it('answers 404 for an unknown store, and links of one merchant never show another', async () => {
    const unknown = await api.call('GET', '/merchant/v1/storeproducts/inventory/NOWHERE');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('not_found');
    const other = await createMerchant(s.t.platform);
    await seedCatalog(s, ['NYC'], ['TEE'], other);
    const response = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/storeproducts/inventory/NYC',
      headers: other.auth,
    });
    const file = await download(response.json().url);
    expect(file.body).toBe('storeId,productId,onHand,reserved,available,damaged,inTransit,status\n');
  });

  it('needs the inventory:read scope for a link', async () => {
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['stores:read'] } });
    const response = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/storeproducts/inventory/NYC',
      headers: reader.auth,
    });
    expect(response.statusCode).toBe(403);
  });
});
