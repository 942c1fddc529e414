import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/platform/db/embedded.ts';
import { createMerchant, sampleStore, startTestApp, type TestApp } from './helpers/app.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const PG15_BIN = '/usr/lib/postgresql/15/bin';
const hasPostgres15 = ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(join(PG15_BIN, tool)));
const asRoot = process.getuid?.() === 0;
const DEADLINE_MS = 30_000;
const INITDB_OPTIONS = ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'];

/** Runs a PostgreSQL 15 program; as the `postgres` user when we are root, since initdb and postgres refuse root. */
function pgTool(tool: string, args: string[]) {
  const program = join(PG15_BIN, tool);
  return asRoot
    ? run('runuser', ['-u', 'postgres', '--', program, ...args], { timeout: 60_000 })
    : run(program, args, { timeout: 60_000 });
}

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took over ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function postgresUserIds() {
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

describe.skipIf(!hasPostgres15)('Backroom on PostgreSQL 15 via DATABASE_URL', { timeout: 120_000 }, () => {
  let dir: string;
  let clusterDir: string;
  let clusterStarted = false;
  let databaseUrl: string;
  let testApp: TestApp | undefined;

  /** `node src/main.ts …` against the cluster; resolves with the exit code and everything printed. */
  async function backroom(...args: string[]) {
    const env = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['src/main.ts', ...args], { cwd: ROOT, env });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
    }
  }

  async function query<T extends pg.QueryResultRow>(sql: string, database = 'backroom') {
    const client = new pg.Client({ connectionString: databaseUrl.replace(/\/backroom$/, `/${database}`) });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backroom-pg15-'));
    if (asRoot) {
      const { uid, gid } = await postgresUserIds().catch(() => {
        throw new Error('running as root needs a `postgres` OS user to run PostgreSQL 15 as');
      });
      await chown(dir, uid, gid);
    }
    clusterDir = join(dir, 'data');
    const port = await freePort();
    await pgTool('initdb', ['-D', clusterDir, ...INITDB_OPTIONS]);
    const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${dir}'`;
    const log = join(dir, 'server.log');
    await pgTool('pg_ctl', ['-D', clusterDir, '-l', log, '-o', serverOptions, '-w', 'start']);
    clusterStarted = true;
    databaseUrl = `postgres://postgres@127.0.0.1:${port}/backroom`;
    await query('create database backroom', 'postgres');
  });

  afterAll(async () => {
    await testApp?.close();
    if (clusterStarted) await pgTool('pg_ctl', ['-D', clusterDir, '-m', 'fast', '-w', 'stop']);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('connects to PostgreSQL 15', async () => {
    const [row] = await query<{ version: string }>('select version()');
    expect(row?.version).toMatch(/^PostgreSQL 15\./);
  });

  it('`backroom migrate` applies the migrations, then finds nothing left to do', async () => {
    const first = await backroom('migrate');
    expect(first, first.output).toMatchObject({ code: 0 });
    expect(first.output).toMatch(/^Applied: 0001_platform, /m);
    const second = await backroom('migrate');
    expect(second, second.output).toMatchObject({ code: 0 });
    expect(second.output).toContain('Already up to date');
  });

  it('creates and reads a store through the API (after the migrate step)', async () => {
    testApp = await startTestApp({ databaseUrl });
    const { app, platform } = testApp;
    const merchant = await createMerchant(platform);
    const created = await app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: merchant.auth,
      payload: sampleStore('PG15-01'),
    });
    expect(created.statusCode, created.body).toBe(201);
    const read = await app.inject({ url: '/merchant/v1/stores/PG15-01', headers: merchant.auth });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ storeId: 'PG15-01', name: 'Store PG15-01', currency: 'USD' });
  });

  it('`backroom serve` answers, then exits with code 0 on SIGTERM', async () => {
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, ['src/main.ts', 'serve'], { cwd: ROOT, env });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const listening = new Promise<string>((done, fail) => {
      child.stdout.on('data', () => {
        const url = output.match(/listening on (\S+)/)?.[1];
        if (url) done(url);
      });
      child.once('exit', (code) => fail(new Error(`exited (${code}) before listening:\n${output}`)));
    });
    try {
      const url = await withDeadline(listening, 'startup');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await withDeadline(exited, 'shutdown after SIGTERM')).toBe(0);
      expect(output).not.toMatch(/"level":(50|60)/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
  });
});
