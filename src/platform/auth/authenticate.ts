import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../context.ts';
import { Problem } from '../http/problems.ts';
import { consumeRateLimit } from '../http/rate-limit.ts';
import { principalForApiKey } from './clients.ts';
import type { Scope } from './scopes.ts';
import type { Principal } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const REALM = 'realm="backroom"';

async function identify(platform: Platform, request: FastifyRequest): Promise<Principal> {
  const authorization = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  if (authorization) {
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new Problem(
        'unauthenticated',
        'Use "Authorization: Bearer <access token>" or an x-api-key header.',
        {
          headers: { 'www-authenticate': `Bearer ${REALM}` },
        },
      );
    }
    const principal = await platform.tokens.verify(token);
    if (!principal) {
      throw new Problem(
        'invalid_token',
        'The access token is expired, malformed or not issued by this server.',
        {
          headers: { 'www-authenticate': `Bearer ${REALM}, error="invalid_token"` },
        },
      );
    }
    return principal;
  }
  if (typeof apiKey === 'string' && apiKey.length > 0) {
    const principal = await principalForApiKey(platform.db, apiKey);
    if (!principal)
      throw new Problem('invalid_api_key', 'The x-api-key is unknown or its client is disabled.');
    return principal;
  }
  throw new Problem(
    'unauthenticated',
    'Send an access token from POST /oauth/token, or an x-api-key header.',
    {
      headers: { 'www-authenticate': `Bearer ${REALM}` },
    },
  );
}

/** The pre-handler of every merchant API route: who is calling (401), may they (403), how often (429). */
export function authenticate(platform: Platform, scope: Scope) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await identify(platform, request);
    if (!principal.scopes.includes(scope)) {
      throw new Problem('insufficient_scope', `This operation needs the "${scope}" scope.`, {
        headers: { 'www-authenticate': `Bearer ${REALM}, error="insufficient_scope", scope="${scope}"` },
      });
    }
    const { headers } = await consumeRateLimit(platform.db, principal);
    reply.headers(headers);
    request.principal = principal;
  };
}
