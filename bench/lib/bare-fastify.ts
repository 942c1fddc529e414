import Fastify from 'fastify';

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

/** Fastify with no plugins, hooks, auth or database: GET `route` answers `document`. */
export async function startBareFastify(route: string, document: unknown): Promise<BareServer> {
  const app = Fastify({ logger: false });
  app.get(route, async () => document);
  try {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { url, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}
