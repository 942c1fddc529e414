import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../context.ts';
import { Problem, problemSchema } from '../http/problems.ts';
import { findTenant, type Tenant } from '../tenancy/tenants.ts';
import { authenticateClient } from './clients.ts';
import { ROLES, type Role } from './scopes.ts';
import { changePassword, signIn, userPrincipal } from './users.ts';

type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

function oauthError(reply: FastifyReply, error: OAuthError, description: string) {
  const status = error === 'invalid_client' ? 401 : 400;
  if (status === 401) reply.header('www-authenticate', 'Basic realm="backroom", charset="UTF-8"');
  return reply
    .code(status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
    .send({ error, error_description: description });
}

const tokenRequest = z
  .looseObject({
    grant_type: z.string().describe('Always `client_credentials`.'),
    scope: z.string().optional().describe('Space-separated scopes; defaults to every scope of the client.'),
    client_id: z.string().optional().describe('Only when the client does not use HTTP Basic authentication.'),
    client_secret: z.string().optional(),
  })
  .meta({ id: 'TokenRequest' });

const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
});

const oauthErrorResponse = z.object({ error: z.string(), error_description: z.string() });

function basicCredentials(
  header: string | undefined,
): { id: string; secret: string } | 'malformed' | undefined {
  if (!header) return undefined;
  const [scheme, encoded] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return 'malformed';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return 'malformed';
  }
}

const signInBody = {
  merchantId: z.string().min(1).max(63),
  environment: z.enum(['production', 'staging']).default('production'),
  email: z.email(),
  password: z.string().min(1).max(1024),
};

const sessionResponse = z
  .object({
    token: z.string(),
    tokenType: z.literal('Bearer'),
    expiresAt: z.number().int().describe('Epoch milliseconds.'),
    user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES) }),
  })
  .meta({ id: 'Session' });

export function authRoutes(app: FastifyInstance, platform: Platform): void {
  const { config, db, tokens } = platform;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/oauth/token',
    {
      attachValidation: true,
      schema: {
        tags: ['Authentication'],
        summary: 'Get an access token (OAuth 2.0 client credentials)',
        description:
          'RFC 6749 §4.4. Authenticate with HTTP Basic (client id and secret) or client_id/client_secret in the body. ' +
          'Errors follow RFC 6749 §5.2, not problem+json.',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: tokenRequest,
        response: { 200: tokenResponse, 400: oauthErrorResponse, 401: oauthErrorResponse },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const fields = ['grant_type', 'scope', 'client_id', 'client_secret'] as const;
      for (const field of fields) {
        if (body[field] !== undefined && typeof body[field] !== 'string') {
          return oauthError(reply, 'invalid_request', `${field} must be given once, as a string.`);
        }
      }
      const basic = basicCredentials(request.headers.authorization);
      if (basic === 'malformed') return oauthError(reply, 'invalid_client', 'Malformed Basic credentials.');
      if (basic && (body.client_id || body.client_secret)) {
        return oauthError(reply, 'invalid_request', 'Use one client authentication method, not both.');
      }
      if (!body.grant_type) return oauthError(reply, 'invalid_request', 'grant_type is required.');
      if (body.grant_type !== 'client_credentials') {
        return oauthError(reply, 'unsupported_grant_type', 'Only client_credentials is supported.');
      }
      const clientId = basic?.id ?? (body.client_id as string | undefined);
      const secret = basic?.secret ?? (body.client_secret as string | undefined);
      if (!clientId || !secret)
        return oauthError(reply, 'invalid_client', 'Client authentication is required.');
      const client = await authenticateClient(db, clientId, secret);
      if (!client) return oauthError(reply, 'invalid_client', 'Unknown client or wrong secret.');
      const requested =
        typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : client.scopes;
      const refused = requested.filter((scope) => !client.scopes.includes(scope));
      if (refused.length > 0) {
        return oauthError(reply, 'invalid_scope', `Not granted to this client: ${refused.join(', ')}.`);
      }
      const principal = { ...client, scopes: requested };
      const accessToken = await tokens.issue(principal, config.accessTokenTtlSeconds);
      return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send({
        access_token: accessToken,
        token_type: 'Bearer' as const,
        expires_in: config.accessTokenTtlSeconds,
        scope: requested.join(' '),
      });
    },
  );

  const sessionErrors = {
    400: problemSchema,
    401: problemSchema,
    403: problemSchema,
    422: problemSchema,
    423: problemSchema,
  };

  async function session(tenant: Tenant, user: { id: string; email: string; name: string; role: Role }) {
    const token = await tokens.issue(userPrincipal(tenant, user), config.sessionTtlSeconds);
    return {
      token,
      tokenType: 'Bearer' as const,
      expiresAt: platform.now().getTime() + config.sessionTtlSeconds * 1000,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
    };
  }

  async function tenantOf(merchantId: string, environment: 'production' | 'staging') {
    const tenant = await findTenant(db, merchantId, environment);
    if (!tenant) throw new Problem('invalid_credentials');
    return tenant;
  }

  typed.post(
    '/auth/login',
    {
      schema: {
        tags: ['Authentication'],
        summary: 'Sign in a console user',
        description:
          'Returns a session token for the console. Six wrong passwords in a row lock the account for 30 minutes; ' +
          'a temporary or expired password must first be changed with POST /auth/password.',
        body: z.strictObject(signInBody),
        response: { 200: sessionResponse, ...sessionErrors },
      },
    },
    async (request) => {
      const { merchantId, environment, email, password } = request.body;
      const tenant = await tenantOf(merchantId, environment);
      const user = await signIn(db, tenant, { email, password }, config.password, platform.now());
      return session(tenant, user);
    },
  );

  typed.post(
    '/auth/password',
    {
      schema: {
        tags: ['Authentication'],
        summary: "Change a console user's password",
        description:
          'Needs the current password. The new one must have at least 12 characters with letters and digits, ' +
          'and differ from the last four. Returns a session, as sign-in does.',
        body: z.strictObject({ ...signInBody, newPassword: z.string().min(1).max(1024) }),
        response: { 200: sessionResponse, ...sessionErrors },
      },
    },
    async (request) => {
      const { merchantId, environment, email, password, newPassword } = request.body;
      const tenant = await tenantOf(merchantId, environment);
      const user = await changePassword(
        db,
        tenant,
        { email, password, newPassword },
        config.password,
        platform.now(),
      );
      return session(tenant, user);
    },
  );
}
