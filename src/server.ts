import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { modules as allModules } from './modules/index.ts';
import { authRoutes } from './platform/auth/routes.ts';
import type { Platform } from './platform/context.ts';
import type { BackroomModule } from './platform/events/registry.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { installOpenApi } from './platform/http/openapi.ts';
import { installHealth } from './platform/observability/health.ts';
import { createLogger } from './platform/observability/logger.ts';
import { installMetrics } from './platform/observability/metrics.ts';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Media types of uploaded feed files; their bodies reach the route as text. */
export const FEED_MEDIA_TYPES = ['text/csv', 'application/x-ndjson', 'application/jsonl'];

export interface ServerOptions {
  /** A pino logger to use, or false for none; by default one at the configured level. */
  logger?: FastifyBaseLogger | false;
  modules?: readonly BackroomModule[];
  isShuttingDown?: () => boolean;
}

function parseForm(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const seen = fields[key];
    fields[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return fields;
}

export async function buildServer(platform: Platform, options: ServerOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger(platform.config.logLevel);
  const logging = logger === false ? { logger: false } : { loggerInstance: logger };
  const app = Fastify({
    ...logging,
    bodyLimit: platform.config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, parseForm(String(body))),
  );
  // Catalog and inventory feeds are uploaded as files; their routes validate the text.
  app.addContentTypeParser(FEED_MEDIA_TYPES, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installErrorHandling(app);
  installMetrics(app);
  installHealth(app, platform.db, options.isShuttingDown ?? (() => false));
  await installOpenApi(app);
  authRoutes(app, platform);
  for (const module of options.modules ?? allModules) module.routes?.(app, platform);
  await app.ready();
  return app;
}
