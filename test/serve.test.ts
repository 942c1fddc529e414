import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/platform/db/embedded.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO_STORES = ['NYC-01', 'SF-01', 'CHI-01', 'WEB', 'DC-EAST'];
const PERSISTED_STORE = { storeId: 'PERSIST-1', name: 'x', type: 'store', timezone: 'UTC', currency: 'USD' };
const STARTUP_DEADLINE_MS = 60_000;
const SHUTDOWN_DEADLINE_MS = 20_000;

/** `npm start`: `node src/main.ts serve`, with embedded PostgreSQL in dataDir. */
function serve(dataDir: string, port: number, user?: { uid: number; gid: number }) {
  const { DATABASE_URL: _external, ...inherited } = process.env;
  const env = { ...inherited, BACKROOM_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['src/main.ts', 'serve'], { cwd: ROOT, env, ...user });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

type Served = ReturnType<typeof serve>;

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Everything printed, once the credentials block is complete; rejects if the process exits first. */
function credentialsPrinted(served: Served): Promise<string> {
  return new Promise((done, fail) => {
    const check = () => {
      if (/API reference: \S+\n/.test(served.output())) done(served.output());
    };
    served.child.stdout.on('data', check);
    served.exited.then((code) => fail(new Error(`exited (${code}) early:\n${served.output()}`)));
    check();
  });
}

function parseCredentials(output: string) {
  const field = (pattern: RegExp) => {
    const value = output.match(pattern)?.[1];
    if (!value) throw new Error(`${pattern} not found in:\n${output}`);
    return value;
  };
  const curl = output.match(/^ {2}curl -s (\S+) -H 'x-api-key: ([^']+)'$/m);
  const tokenLines = output.match(/^ {2}(TOKEN=.*)\n {2}(curl .*)$/m);
  if (!curl?.[1] || !curl[2] || !tokenLines) throw new Error(`curl commands not found in:\n${output}`);
  return {
    baseUrl: field(/Backroom is listening on (\S+)/),
    clientId: field(/OAuth client id\s+(\S+)/),
    clientSecret: field(/OAuth client secret\s+(\S+)/),
    apiKey: field(/API key\s+(\S+)/),
    curlUrl: curl[1],
    curlApiKey: curl[2],
    tokenSnippet: `${tokenLines[1]}\n${tokenLines[2]}`,
  };
}

function stopGracefully(served: Served): Promise<number | null> {
  served.child.kill('SIGTERM');
  return withDeadline(served.exited, SHUTDOWN_DEADLINE_MS, 'exit after SIGTERM');
}

const storeIds = (body: unknown) =>
  (body as { data: { storeId: string }[] }).data.map((store) => store.storeId);

describe('npm start (node src/main.ts serve) with embedded PostgreSQL', { timeout: 120_000 }, () => {
  let dataDir: string;
  const started: Served[] = [];
  let first: ReturnType<typeof parseCredentials>;

  async function start() {
    const served = serve(dataDir, await freePort());
    started.push(served);
    return parseCredentials(await withDeadline(credentialsPrinted(served), STARTUP_DEADLINE_MS, 'startup'));
  }

  const current = () => started.at(-1) as Served;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'backroom-serve-'));
  });

  afterAll(async () => {
    for (const served of started) {
      if (served.child.exitCode === null && served.child.signalCode === null) {
        served.child.kill('SIGKILL');
        await served.exited;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the demo credentials once PostgreSQL and the API are up', async () => {
    first = await start();
    expect(first.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.curlUrl).toBe(`${first.baseUrl}/merchant/v1/stores`);
    expect(first.curlApiKey).toBe(first.apiKey);
  });

  it('answers the printed x-api-key curl request with the five demo stores', async () => {
    const response = await fetch(first.curlUrl, { headers: { 'x-api-key': first.curlApiKey } });
    expect(response.status).toBe(200);
    expect(storeIds(await response.json()).sort()).toEqual([...DEMO_STORES].sort());
  });

  it('has the demo catalog: departments, about 200 products with variants, and a sale online', async () => {
    const get = async (path: string) => {
      const response = await fetch(`${first.baseUrl}${path}`, { headers: { 'x-api-key': first.apiKey } });
      expect(response.status).toBe(200);
      return (await response.json()) as any;
    };
    const departments = await get('/merchant/v1/categories?departmentsOnly=true');
    expect(departments.data.map((c: { categoryId: string }) => c.categoryId)).toEqual([
      'APPAREL',
      'FOOTWEAR',
      'ACCESSORIES',
    ]);
    let products = 0;
    let cursor: string | null = null;
    do {
      const page: any = await get(`/merchant/v1/products?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      products += page.data.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(products).toBe(194);
    const tee = await get('/merchant/v1/products/TEE-NAVY-M');
    expect(tee).toMatchObject({ variantGroupId: 'TEE', variantAttributes: { size: 'M', colour: 'Navy' } });
    expect(tee.primaryImage.url).toMatch(/^https:/);
    const prices = await get('/merchant/v1/storeproducts/prices?storeId=WEB&productIds=RAIN-BLACK-M');
    expect(prices.data[0]).toMatchObject({ onSale: true, listPrice: 14800, effectivePrice: 11099 });
    const stock = await get('/merchant/v1/storeproducts/inventory?productIds=TEE-NAVY-M,RAIN-BLACK-M');
    expect(stock.data).toHaveLength(2 * DEMO_STORES.length);
    const warehouse = stock.data.find((p: { storeId: string }) => p.storeId === 'DC-EAST');
    expect(warehouse.available).toBeGreaterThanOrEqual(40);
    expect(warehouse.status).toBe('in_stock');
  });

  it('issues an OAuth token for the printed client id and secret', async () => {
    const basic = Buffer.from(`${first.clientId}:${first.clientSecret}`).toString('base64');
    const tokenResponse = await fetch(`${first.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const store = await fetch(`${first.baseUrl}/merchant/v1/stores/NYC-01`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(store.status).toBe(200);
    expect(await store.json()).toMatchObject({ storeId: 'NYC-01' });
  });

  it('runs the printed TOKEN=… and curl lines when pasted into bash', async () => {
    const { stdout } = await promisify(execFile)('bash', ['-c', first.tokenSnippet], { timeout: 15_000 });
    expect(JSON.parse(stdout)).toMatchObject({ storeId: 'NYC-01' });
  });

  it('creates a store, then exits with code 0 on SIGTERM after a clean shutdown', async () => {
    const created = await fetch(`${first.baseUrl}/merchant/v1/stores`, {
      method: 'POST',
      headers: { 'x-api-key': first.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(PERSISTED_STORE),
    });
    expect(created.status).toBe(201);
    expect(await stopGracefully(current())).toBe(0);
    expect(current().output()).toContain('SIGTERM: finishing in-flight work');
    expect(current().output()).not.toMatch(/"level":(50|60)/);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });

  it('restarted on the same data dir, prints the same credentials and keeps the data', async () => {
    const second = await start();
    expect(second).toMatchObject({
      clientId: first.clientId,
      clientSecret: first.clientSecret,
      apiKey: first.apiKey,
    });
    const response = await fetch(second.curlUrl, { headers: { 'x-api-key': second.apiKey } });
    expect(response.status).toBe(200);
    expect(storeIds(await response.json()).sort()).toEqual([...DEMO_STORES, 'PERSIST-1'].sort());
    const persisted = await fetch(`${second.baseUrl}/merchant/v1/stores/PERSIST-1`, {
      headers: { 'x-api-key': second.apiKey },
    });
    expect(persisted.status).toBe(200);
    expect(await persisted.json()).toMatchObject({ storeId: 'PERSIST-1', name: 'x', currency: 'USD' });
  });

  it('exits with code 0 on SIGTERM again', async () => {
    expect(await stopGracefully(current())).toBe(0);
    expect(current().output()).not.toMatch(/"level":(50|60)/);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });
});

// As root, embedded PostgreSQL runs as a created `postgres` user; as anyone else, as that user. Check the latter.
const NOBODY = { uid: 65534, gid: 65534 };
describe.skipIf(process.getuid?.() !== 0)('npm start as an unprivileged user', { timeout: 120_000 }, () => {
  it('starts embedded PostgreSQL as that user, answers the printed curl, and stops cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'backroom-serve-user-'));
    await chown(dataDir, NOBODY.uid, NOBODY.gid);
    const served = serve(join(dataDir, 'data'), await freePort(), NOBODY);
    try {
      const printed = parseCredentials(
        await withDeadline(credentialsPrinted(served), STARTUP_DEADLINE_MS, 'startup'),
      );
      const response = await fetch(printed.curlUrl, { headers: { 'x-api-key': printed.curlApiKey } });
      expect(response.status).toBe(200);
      expect(storeIds(await response.json()).sort()).toEqual([...DEMO_STORES].sort());
      expect((await stat(join(dataDir, 'data', 'pg', 'PG_VERSION'))).uid).toBe(NOBODY.uid);
      expect(await stopGracefully(served)).toBe(0);
    } finally {
      if (served.child.exitCode === null) served.child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
