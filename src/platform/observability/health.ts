import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import type { Db } from '../db/database.ts';

const latestMigration = Object.keys(migrations).at(-1) ?? '';

/** `/healthz`: the process answers. `/readyz`: the database answers and has the schema this build expects. */
export function installHealth(app: FastifyInstance, db: Db, isShuttingDown: () => boolean): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (isShuttingDown()) return reply.code(503).send({ status: 'shutting down' });
    try {
      const { rows } = await sql<{ name: string }>`
        select name from kysely_migration order by name desc limit 1`.execute(db);
      if (rows[0]?.name !== latestMigration) return reply.code(503).send({ status: 'migrations pending' });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });
}
