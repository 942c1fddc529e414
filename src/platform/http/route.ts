import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate } from '../auth/authenticate.ts';
import type { Scope } from '../auth/scopes.ts';
import { principalKey } from '../auth/tokens.ts';
import type { Ctx, OutsideCtx, Platform } from '../context.ts';
import { inTenantTransaction } from '../db/tenant-transaction.ts';
import { requestFingerprint, runIdempotently, type StoredResponse, storedResponse } from './idempotency.ts';
import { Problem, problemSchema } from './problems.ts';

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<B extends Schema, Q extends Schema, P extends Schema, X = undefined> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  /** The media type of the body, without parameters; for routes that accept more than JSON. */
  contentType: string | undefined;
  /** Where this server is reached, for links back to it: BACKROOM_PUBLIC_URL, else the request's scheme://host. */
  baseUrl: string;
  /** What the route's `prepare` answered; undefined for a route without one. */
  prepared: X;
}

export interface MerchantRoute<
  B extends Schema,
  Q extends Schema,
  P extends Schema,
  R extends z.ZodType,
  X = undefined,
> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  scope: Scope;
  tags: string[];
  summary: string;
  description?: string;
  body?: B;
  /** Media types the body may have besides JSON (each needs a content-type parser in server.ts). */
  consumes?: string[];
  /** A larger body limit than the server's, for file uploads. */
  bodyLimit?: number;
  query?: Q;
  params?: P;
  status?: 200 | 201 | 202;
  /** For a route that answers one of several statuses with the same body schema (201 created, 200 found). */
  statusOf?(body: z.input<R>): 200 | 201 | 202;
  response: R;
  /**
   * Work done before the tenant transaction opens, holding no database connection: calls to the merchant's
   * systems (SPIs) go here, never in `handler`. Its answer reaches the handler as `input.prepared`. A replay of
   * an Idempotency-Key is answered before `prepare` runs; two first requests with one key racing each other can
   * both run it before one of them is refused.
   */
  prepare?(ctx: OutsideCtx, input: RouteInput<B, Q, P>): Promise<X>;
  handler(ctx: Ctx, input: RouteInput<B, Q, P, X>): Promise<z.input<R>>;
}

const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Makes the POST safe to retry: the same key and body return the first response for 24 hours.'),
});

/**
 * Registers a merchant API route the one way Backroom does it: schema-validated input, authentication with a
 * scope, rate limit, the route's `prepare` outside any transaction, a tenant transaction around the handler,
 * and Idempotency-Key handling for POST.
 */
export function addMerchantRoute<
  B extends Schema,
  Q extends Schema,
  P extends Schema,
  R extends z.ZodType,
  X = undefined,
>(app: FastifyInstance, platform: Platform, route: MerchantRoute<B, Q, P, R, X>): void {
  const status = route.status ?? 200;
  const isPost = route.method === 'POST';
  app.route({
    method: route.method,
    url: route.url,
    ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
    schema: {
      ...(route.consumes ? { consumes: route.consumes } : {}),
      tags: route.tags,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: [{ bearerAuth: [] }, { apiKey: [] }],
      ...(route.body ? { body: route.body } : {}),
      ...(route.query ? { querystring: route.query } : {}),
      ...(route.params ? { params: route.params } : {}),
      ...(isPost ? { headers: idempotencyHeaders } : {}),
      response: {
        ...(route.statusOf ? { 200: route.response } : {}),
        [status]: route.response,
        '4XX': problemSchema,
        '5XX': problemSchema,
      },
    },
    preValidation: async (request) => {
      const type = mediaType(request.headers['content-type']);
      if (request.body === undefined || !type || type === 'application/json') return;
      if (!route.consumes?.includes(type)) {
        const accepted = ['application/json', ...(route.consumes ?? [])].join(' or ');
        throw new Problem('unsupported_media_type', `This endpoint takes ${accepted}, not ${type}.`);
      }
    },
    preHandler: authenticate(platform, route.scope),
    handler: async (request, reply) => {
      const principal = request.principal;
      if (!principal) throw new Error('authenticate did not run');
      const contentType = mediaType(request.headers['content-type']);
      const input = {
        body: request.body,
        query: request.query,
        params: request.params,
        contentType,
        baseUrl: platform.config.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`,
        prepared: undefined,
      } as RouteInput<B, Q, P>;
      const outside: OutsideCtx = {
        tenantId: principal.tenantId,
        principal,
        requestId: request.id,
        now: platform.now,
        platform,
      };
      const idempotencyKey = isPost ? request.headers['idempotency-key'] : undefined;
      const scope =
        typeof idempotencyKey === 'string'
          ? {
              tenantId: principal.tenantId,
              principal: principalKey(principal),
              key: idempotencyKey,
              fingerprint: requestFingerprint(route.method, request.url, request.body),
              ttlHours: platform.config.idempotencyTtlHours,
            }
          : undefined;
      const answer = (response: StoredResponse) => {
        if (response.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(response.status).send(response.body);
      };
      if (route.prepare && scope) {
        // A replay must not ask the merchant's system again (a CREATE_CUSTOMER SPI would create twice).
        const stored = await inTenantTransaction(platform.db, principal.tenantId, (tx) =>
          storedResponse(tx, scope),
        );
        if (stored) return answer(stored);
      }
      // Before the transaction, so a slow merchant system never keeps a pool connection idle in a transaction.
      const prepared = route.prepare ? await route.prepare(outside, input) : (undefined as X);
      const result = await inTenantTransaction(
        platform.db,
        principal.tenantId,
        async (tx) => {
          const ctx: Ctx = { ...outside, tx };
          const execute = async () => {
            const body = await route.handler(ctx, { ...input, prepared });
            return { status: route.statusOf?.(body) ?? status, body };
          };
          if (!scope) return { ...(await execute()), replayed: false };
          return runIdempotently(tx, scope, execute);
        },
        { statementTimeoutMs: platform.config.statementTimeoutMs },
      );
      return answer(result);
    },
  });
}

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}
