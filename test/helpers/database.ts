import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A fresh, migrated database for one test file, cloned from the template the global setup made. */
export async function createTestDatabase(): Promise<string> {
  const serverUrl = inject('postgresServerUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template backroom_template`);
  } finally {
    await admin.end();
  }
  return `${serverUrl}/${name}`;
}

/** A database with nothing in it, for tests of migrating from scratch. */
export async function createEmptyDatabase(): Promise<string> {
  const serverUrl = inject('postgresServerUrl');
  const name = `empty_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return `${serverUrl}/${name}`;
}
