import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/migrations/index.ts';
import { type DatabaseHandle, openDatabase } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { startTestApp } from '../helpers/app.ts';
import { createEmptyDatabase } from '../helpers/database.ts';

const handles: DatabaseHandle[] = [];
afterAll(async () => {
  for (const handle of handles) await handle.close();
});

function open(url: string) {
  const handle = openDatabase(url, 3);
  handles.push(handle);
  return handle;
}

describe('migrations', () => {
  it('servers that start together on an empty database take turns; each migration applies once', async () => {
    const url = await createEmptyDatabase();
    const servers = [open(url), open(url), open(url)];
    const outcomes = await Promise.all(servers.map((s) => migrateToLatest(s.db, s.pool)));
    const applied = outcomes.flatMap((o) => o.applied);
    expect(applied.sort()).toEqual(Object.keys(migrations).sort());
    const { rows } = await servers[0]!.pool.query('select name from kysely_migration order by name');
    expect(rows.map((r) => r.name)).toEqual(Object.keys(migrations));
    const jobQueue = await servers[0]!.pool.query(
      `select count(*)::int as n from information_schema.schemata where schema_name = 'graphile_worker'`,
    );
    expect(jobQueue.rows[0].n).toBe(1);
  });

  it('running migrate again changes nothing', async () => {
    const url = await createEmptyDatabase();
    const server = open(url);
    expect((await migrateToLatest(server.db, server.pool)).applied.length).toBe(
      Object.keys(migrations).length,
    );
    expect((await migrateToLatest(server.db, server.pool)).applied).toEqual([]);
  });

  it('/readyz is ready only when the schema is current; /healthz answers regardless', async () => {
    const url = await createEmptyDatabase();
    const server = open(url);
    await migrateToLatest(server.db, server.pool);
    const app = await startTestApp({ databaseUrl: url });
    try {
      expect((await app.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
      expect((await app.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      await server.pool.query(`delete from kysely_migration where name = $1`, [
        Object.keys(migrations).at(-1),
      ]);
      const pending = await app.app.inject({ method: 'GET', url: '/readyz' });
      expect(pending.statusCode).toBe(503);
      expect(pending.json()).toEqual({ status: 'migrations pending' });
    } finally {
      await app.close();
    }
  });

  it('/metrics exposes request durations in Prometheus text format', async () => {
    const app = await startTestApp();
    try {
      await app.app.inject({ method: 'GET', url: '/healthz' });
      const metrics = await app.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.headers['content-type']).toContain('text/plain');
      expect(metrics.body).toMatch(
        /backroom_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/,
      );
      expect(metrics.body).toContain('process_cpu_seconds_total');
    } finally {
      await app.close();
    }
  });
});
