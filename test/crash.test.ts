import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../src/platform/auth/clients.ts';
import { ALL_SCOPES } from '../src/platform/auth/scopes.ts';
import { freePort } from '../src/platform/db/embedded.ts';
import { ensureTenant } from '../src/platform/tenancy/tenants.ts';
import { sampleStore, startTestApp, type TestApp } from './helpers/app.ts';

const ROOT = resolve(import.meta.dirname, '..');
const STORES = 150;

/** `backroom serve --no-worker` on the test database, as its own process so it can be killed. */
async function startServer(databaseUrl: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/main.ts', 'serve', '--no-worker'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'error' },
  });
  const exited = new Promise((done) => child.once('exit', done));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url, exited };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready');
}

let t: TestApp;
let apiKey: string;
let tenantId: string;

beforeAll(async () => {
  t = await startTestApp();
  const tenant = await ensureTenant(t.platform.db, { id: 'crash', name: 'Crash test' }, 'production');
  tenantId = tenant.id;
  const client = await createApiClient(t.platform.db, tenant, {
    name: 'register',
    scopes: ALL_SCOPES,
    rateLimitPerSecond: 100_000,
    rateLimitPerDay: 10_000_000,
  });
  apiKey = client.apiKey;
});
afterAll(() => t.close());

function postStore(url: string, i: number) {
  return fetch(`${url}/merchant/v1/stores`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'idempotency-key': `crash-${i}` },
    body: JSON.stringify(sampleStore(`CRASH-${i}`)),
  }).then(
    (response) => response.status,
    () => 'connection lost' as const,
  );
}

describe('a server killed with SIGKILL mid-burst', { timeout: 120_000 }, () => {
  it('loses no acknowledged write and duplicates nothing when clients retry with their keys', async () => {
    const first = await startServer(t.databaseUrl);
    const acknowledged = new Set<number>();
    let sent = 0;
    const burst = Array.from({ length: 8 }, async () => {
      while (sent < STORES) {
        const i = sent++;
        if ((await postStore(first.url, i)) === 201) acknowledged.add(i);
        if (acknowledged.size === 40) first.child.kill('SIGKILL');
      }
    });
    await Promise.all(burst);
    await first.exited;
    expect(acknowledged.size).toBeGreaterThanOrEqual(40);
    expect(acknowledged.size).toBeLessThan(STORES);

    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const count = async (sql: string) => (await db.query(sql, [tenantId])).rows[0].n as number;
      const storesAfterCrash = await count(`select count(*)::int as n from stores where tenant_id = $1`);
      expect(storesAfterCrash).toBeGreaterThanOrEqual(acknowledged.size);

      const second = await startServer(t.databaseUrl);
      try {
        const retries = await Promise.all(Array.from({ length: STORES }, (_, i) => postStore(second.url, i)));
        expect(retries.every((status) => status === 201)).toBe(true);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
      expect(await count(`select count(*)::int as n from stores where tenant_id = $1`)).toBe(STORES);
      expect(
        await count(`select count(*)::int as n from events where tenant_id = $1 and type = 'store.created'`),
      ).toBe(STORES);
      expect(await count(`select count(*)::int as n from idempotency_keys where tenant_id = $1`)).toBe(
        STORES,
      );
    } finally {
      await db.end();
    }
  });
});
