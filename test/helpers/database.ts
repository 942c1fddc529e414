import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

async function createDatabase(prefix: string, template?: string): Promise<string> {
  const serverUrl = inject('postgresServerUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  return `${serverUrl}/${name}`;
}

/** A fresh, migrated database for one test file, cloned from the template the global setup made. */
export function createTestDatabase(): Promise<string> {
  return createDatabase('test', 'backroom_template');
}

/** A database with nothing in it, for tests of migrating from scratch. */
export function createEmptyDatabase(): Promise<string> {
  return createDatabase('empty');
}
