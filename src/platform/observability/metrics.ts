import Fastify, { type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Metrics of work that belongs to the process rather than to one app (outbound connector calls, which workers
 * make too). Every app's /metrics serves them after its own, and so does a worker's metrics server.
 */
export const processMetrics = new Registry();

/** Prometheus metrics of one server process, in a registry of its own so several apps can share a process. */
export function installMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'backroom_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const texts = await Promise.all([registry.metrics(), processMetrics.metrics()]);
    return reply.type(registry.contentType).send(texts.join(''));
  });
  return registry;
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A process without the API (`backroom worker`) serves its metrics here: `GET /metrics` (the Node process
 * metrics and the process registry) and `GET /healthz`, nothing else.
 */
export async function startMetricsServer(host: string, port: number): Promise<MetricsServer> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => {
    const texts = await Promise.all([registry.metrics(), processMetrics.metrics()]);
    return reply.type(registry.contentType).send(texts.join(''));
  });
  const url = await app.listen({ host, port });
  return { url, close: () => app.close() };
}
