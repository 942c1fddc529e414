import type { FastifyInstance } from 'fastify';
import type { Runner } from 'graphile-worker';
import type { Config } from './config.ts';
import { TokenService } from './platform/auth/tokens.ts';
import type { Platform } from './platform/context.ts';
import { type DatabaseHandle, openDatabase } from './platform/db/database.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './platform/db/embedded.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { createLogger } from './platform/observability/logger.ts';
import { type MetricsServer, startMetricsServer } from './platform/observability/metrics.ts';
import { buildServer } from './server.ts';
import { allTasks } from './tasks.ts';
import { startWorker } from './worker.ts';

export interface RunningBackroom {
  platform: Platform;
  database: DatabaseHandle;
  databaseUrl: string;
  embedded: boolean;
  app?: FastifyInstance;
  url?: string;
  worker?: Runner;
  /** Where a worker without the API serves /metrics and /healthz, when BACKROOM_METRICS_PORT is set. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  http: boolean;
  worker: boolean;
}

/** Connects to the configured PostgreSQL, or starts the embedded one when DATABASE_URL is unset. */
export async function connect(config: Config) {
  const embedded: EmbeddedDatabase | undefined = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres(config.dataDir);
  const url = config.databaseUrl ?? embedded?.url ?? '';
  const database = openDatabase(url, config.dbPoolSize);
  return {
    url,
    embedded,
    database,
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}

/**
 * Starts what this process runs: migrations first, then the HTTP API and/or the job worker.
 * `stop()` shuts down gracefully: stop accepting, finish in-flight requests and jobs, release the pool.
 */
export async function startBackroom(config: Config, options: StartOptions): Promise<RunningBackroom> {
  const log = createLogger(config.logLevel);
  const connection = await connect(config);
  const { database } = connection;
  try {
    await migrateToLatest(database.db, database.pool);
    const tokens = new TokenService(database.db);
    await tokens.load();
    const platform: Platform = { db: database.db, config, tokens, now: () => new Date(), log };
    let shuttingDown = false;
    const app = options.http
      ? await buildServer(platform, { logger: log, isShuttingDown: () => shuttingDown })
      : undefined;
    const url = app ? await app.listen({ host: config.host, port: config.port }) : undefined;
    const worker = options.worker ? await startWorker(platform, database.pool, allTasks(), log) : undefined;
    // The API serves /metrics itself; a worker alone needs a port of its own to be scraped.
    const metrics: MetricsServer | undefined =
      worker && !app && config.metricsPort !== undefined
        ? await startMetricsServer(config.host, config.metricsPort).catch(async (error: unknown) => {
            await worker.stop();
            throw error;
          })
        : undefined;
    return {
      platform,
      database,
      databaseUrl: connection.url,
      embedded: Boolean(connection.embedded),
      ...(app ? { app } : {}),
      ...(url ? { url } : {}),
      ...(worker ? { worker } : {}),
      ...(metrics ? { metricsUrl: metrics.url } : {}),
      async stop() {
        shuttingDown = true;
        const timer = setTimeout(() => {
          log.error('graceful shutdown timed out; exiting');
          process.exit(1);
        }, config.shutdownGraceMs);
        timer.unref();
        await app?.close();
        await worker?.stop();
        await metrics?.close();
        await connection.close();
        clearTimeout(timer);
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
