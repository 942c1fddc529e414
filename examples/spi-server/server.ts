/**
 * A merchant-side SPI server for Backroom, with sample answers (see samples.ts): copy it and replace the
 * samples with your systems. Plain Node (24 or later runs the TypeScript directly), no dependencies:
 *
 *   SPI_API_KEY=… PORT=4010 node examples/spi-server/server.ts
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BadRequest,
  calculateTax,
  createAddress,
  createCustomer,
  deleteAddress,
  getCustomer,
  listAddresses,
  revertInventory,
  searchCustomers,
  updateAddress,
  updateCustomer,
  validateCart,
  verifyEmployee,
} from './samples.ts';

export const API_VERSION = '1.0';
const MAX_BODY_BYTES = 1_048_576;

export interface SpiServerOptions {
  /** The key Backroom sends as the api_key query parameter (the connector's apiKey). */
  apiKey: string;
  /** 0 or absent: any free port. */
  port?: number;
  host?: string;
  /** Wait this long before every answer, to see Backroom's timeout and fallback at work. */
  delayMs?: number;
}

export interface SpiServer {
  /** `http://host:port`: the connector's URL, with apiVersion `1.0`. */
  url: string;
  port: number;
  /** Can be changed while the server runs. */
  delayMs: number;
  close(): Promise<void>;
}

type Route = (request: { body: unknown; query: URLSearchParams; params: string[] }) => unknown;

const ROUTES: { method: string; path: RegExp; answer: Route }[] = [
  { method: 'POST', path: /^\/taxEngine\/calculateTax$/, answer: ({ body }) => calculateTax(body) },
  { method: 'POST', path: /^\/sa\/cartValidation$/, answer: ({ body }) => validateCart(body) },
  { method: 'POST', path: /^\/sa\/inventoryService\/revert$/, answer: ({ body }) => revertInventory(body) },
  { method: 'GET', path: /^\/sa\/customers\/([^/]+)$/, answer: ({ params }) => getCustomer(params[0] ?? '') },
  { method: 'GET', path: /^\/sa\/customers$/, answer: ({ query }) => searchCustomers(query) },
  { method: 'POST', path: /^\/sa\/customers$/, answer: ({ body }) => createCustomer(body) },
  { method: 'PUT', path: /^\/sa\/customers$/, answer: ({ body }) => updateCustomer(body) },
  { method: 'GET', path: /^\/sa\/customer\/address$/, answer: ({ query }) => listAddresses(query) },
  { method: 'POST', path: /^\/sa\/customer\/address$/, answer: ({ body }) => createAddress(body) },
  { method: 'PUT', path: /^\/sa\/customer\/address$/, answer: ({ body }) => updateAddress(body) },
  { method: 'DELETE', path: /^\/sa\/customer\/address$/, answer: ({ query }) => deleteAddress(query) },
  { method: 'POST', path: /^\/sa\/employee\/verification$/, answer: ({ body }) => verifyEmployee(body) },
];

export async function startSpiServer(options: SpiServerOptions): Promise<SpiServer> {
  const expectedKey = Buffer.from(options.apiKey);
  const keyMatches = (given: string | null) => {
    const key = Buffer.from(given ?? '');
    return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://spi.invalid');
    let status = 200;
    let answer: unknown;
    try {
      if (keyMatches(url.searchParams.get('api_key'))) {
        [status, answer] = route(req.method ?? 'GET', url, await readJson(req));
      } else {
        status = 401;
      }
    } catch (error) {
      if (error instanceof BadRequest) {
        [status, answer] = [400, { errorCode: 'BAD_REQUEST', errorMessage: error.message }];
      } else {
        console.error(error);
        [status, answer] = [500, { errorCode: 'INTERNAL_ERROR', errorMessage: 'The SPI server failed.' }];
      }
    }
    if (spi.delayMs > 0) await new Promise((done) => setTimeout(done, spi.delayMs));
    send(res, status, answer);
  });

  await new Promise<void>((listening) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', listening),
  );
  const { address, port } = server.address() as AddressInfo;
  const spi: SpiServer = {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    port,
    delayMs: options.delayMs ?? 0,
    close: () =>
      new Promise((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
  return spi;
}

function route(method: string, url: URL, body: unknown): [number, unknown] {
  const prefix = `/${API_VERSION}/`;
  if (!url.pathname.startsWith(prefix)) {
    return [
      404,
      { errorCode: 'UNKNOWN_VERSION', errorMessage: `This SPI serves api_version ${API_VERSION}.` },
    ];
  }
  const path = url.pathname.slice(prefix.length - 1);
  const matches = ROUTES.map((candidate) => ({ candidate, match: candidate.path.exec(path) })).filter(
    ({ match }) => match,
  );
  const found = matches.find(({ candidate }) => candidate.method === method);
  if (!found?.match) {
    return matches.length > 0
      ? [405, { errorCode: 'METHOD_NOT_ALLOWED', errorMessage: `${method} is not served on ${path}.` }]
      : [404, { errorCode: 'NOT_FOUND', errorMessage: `Nothing is served on ${path}.` }];
  }
  const params = found.match.slice(1).map((segment) => decodeURIComponent(segment));
  return [200, found.candidate.answer({ body, query: url.searchParams, params })];
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('The body is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('The body is not JSON.');
  }
}

/** A 401 has an empty body, as the SPI contract requires; every other answer is JSON. */
function send(res: ServerResponse, status: number, answer: unknown): void {
  if (res.destroyed) return;
  if (status === 401 || answer === undefined) {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  const body = JSON.stringify(answer);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

if (import.meta.main) {
  const apiKey = process.env.SPI_API_KEY;
  if (!apiKey) {
    console.error('Set SPI_API_KEY to the API key configured on the Backroom connector.');
    process.exit(1);
  }
  const spi = await startSpiServer({
    apiKey,
    port: Number(process.env.PORT ?? 4010),
    host: process.env.HOST ?? '127.0.0.1',
    delayMs: Number(process.env.DELAY_MS ?? 0),
  });
  console.log(`SPI server for Backroom listening on ${spi.url}/${API_VERSION}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void spi.close().then(() => process.exit(0)));
  }
}
