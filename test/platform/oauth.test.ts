import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { disableApiClient } from '../../src/platform/auth/clients.ts';
import { ALL_SCOPES } from '../../src/platform/auth/scopes.ts';
import {
  accessToken,
  createMerchant,
  sampleStore,
  startTestApp,
  useAppWithMerchant,
} from '../helpers/app.ts';

const s = useAppWithMerchant({ env: { BACKROOM_ACCESS_TOKEN_TTL_SECONDS: '600' } });

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function tokenRequest(body: string, headers: Record<string, string> = {}) {
  return s.t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: body,
  });
}

const getStores = (headers: Record<string, string>) =>
  s.t.app.inject({ method: 'GET', url: '/merchant/v1/stores', headers });

describe('POST /oauth/token (client credentials)', () => {
  it('issues a bearer token with HTTP Basic client authentication, not cacheable', async () => {
    const response = await tokenRequest(form({ grant_type: 'client_credentials' }), {
      authorization: basic(s.merchant.client.clientId, s.merchant.client.clientSecret),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: ALL_SCOPES.join(' ') });
    expect((await getStores({ authorization: `Bearer ${body.access_token}` })).statusCode).toBe(200);
  });

  it('accepts client_id and client_secret in the body, and JSON bodies', async () => {
    const viaForm = await tokenRequest(
      form({
        grant_type: 'client_credentials',
        client_id: s.merchant.client.clientId,
        client_secret: s.merchant.client.clientSecret,
      }),
    );
    expect(viaForm.statusCode).toBe(200);
    const viaJson = await s.t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: s.merchant.client.clientId,
        client_secret: s.merchant.client.clientSecret,
      },
    });
    expect(viaJson.statusCode).toBe(200);
  });

  it('answers invalid_client with 401 and WWW-Authenticate for a wrong secret or unknown client', async () => {
    for (const [id, secret] of [
      [s.merchant.client.clientId, 'cs_wrong'],
      ['cli_unknown', s.merchant.client.clientSecret],
    ] as const) {
      const response = await tokenRequest(form({ grant_type: 'client_credentials' }), {
        authorization: basic(id, secret),
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toContain('Basic');
      expect(response.json()).toMatchObject({ error: 'invalid_client' });
    }
    const none = await tokenRequest(form({ grant_type: 'client_credentials' }));
    expect(none.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers invalid_request, unsupported_grant_type and invalid_scope per RFC 6749', async () => {
    const auth = { authorization: basic(s.merchant.client.clientId, s.merchant.client.clientSecret) };
    const cases: [string, Record<string, string>, string][] = [
      [form({}), auth, 'invalid_request'],
      ['grant_type=client_credentials&grant_type=client_credentials', auth, 'invalid_request'],
      [
        form({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' }),
        auth,
        'invalid_request',
      ],
      [form({ grant_type: 'password' }), auth, 'unsupported_grant_type'],
      [
        form({ grant_type: 'client_credentials', scope: 'stores:read payments:refund' }),
        auth,
        'invalid_scope',
      ],
    ];
    for (const [body, headers, error] of cases) {
      const response = await tokenRequest(body, headers);
      expect(response.statusCode, body).toBe(400);
      expect(response.json(), body).toMatchObject({ error });
      expect(response.json().error_description).toBeTruthy();
    }
  });

  it('a token narrowed to stores:read reads stores but gets 403 insufficient_scope on writes', async () => {
    const token = await accessToken(s.t.app, s.merchant.client, 'stores:read');
    const headers = { authorization: `Bearer ${token}` };
    expect((await getStores(headers)).statusCode).toBe(200);
    const write = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers,
      payload: sampleStore('NOPE'),
    });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ code: 'insufficient_scope' });
    expect(write.headers['www-authenticate']).toContain('insufficient_scope');
  });
});

describe('authenticating merchant API calls', () => {
  it('answers 401 with WWW-Authenticate when no credentials are sent', async () => {
    const response = await getStores({});
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toContain('Bearer');
    expect(response.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers 401 for an unknown API key and for a malformed Authorization header', async () => {
    expect((await getStores({ 'x-api-key': 'bk_nope' })).json()).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    expect((await getStores({ authorization: 'Token abc' })).json()).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('rejects forged, tampered and expired tokens with 401 invalid_token', async () => {
    const good = await accessToken(s.t.app, s.merchant.client);
    const [header, payload, signature] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const other = await createMerchant(s.t.platform);
    const tampered = Buffer.from(JSON.stringify({ ...claims, tid: other.tenant.id })).toString('base64url');
    const forged = await new SignJWT(claims)
      .setProtectedHeader({
        alg: 'HS256',
        kid: JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).kid,
      })
      .sign(new TextEncoder().encode('not-the-server-key-not-the-server-key'));
    const expiredApp = await startTestApp({
      databaseUrl: s.t.databaseUrl,
      env: { BACKROOM_ACCESS_TOKEN_TTL_SECONDS: '1' },
    });
    const expired = await accessToken(expiredApp.app, s.merchant.client);
    await expiredApp.close();
    const deadline = Date.now() + 5_000;
    while (
      Date.now() < deadline &&
      (await getStores({ authorization: `Bearer ${expired}` })).statusCode === 200
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const token of [`${header}.${tampered}.${signature}`, forged, expired, 'not.a.jwt', `${good}x`]) {
      const response = await getStores({ authorization: `Bearer ${token}` });
      expect(response.statusCode, token.slice(0, 20)).toBe(401);
      expect(response.json().code).toBe('invalid_token');
      expect(response.headers['www-authenticate']).toContain('invalid_token');
    }
  });

  it('a token issued by one server node is accepted by another on the same database', async () => {
    const second = await startTestApp({ databaseUrl: s.t.databaseUrl });
    try {
      const token = await accessToken(s.t.app, s.merchant.client);
      const response = await second.app.inject({
        method: 'GET',
        url: '/merchant/v1/stores',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('disabling a client', () => {
  it('stops its API key at once and refuses it new tokens', async () => {
    const doomed = await createMerchant(s.t.platform);
    expect((await getStores(doomed.auth)).statusCode).toBe(200);
    expect(await disableApiClient(s.t.platform.db, doomed.client.clientId)).toBe(true);
    expect((await getStores(doomed.auth)).statusCode).toBe(401);
    const token = await tokenRequest(form({ grant_type: 'client_credentials' }), {
      authorization: basic(doomed.client.clientId, doomed.client.clientSecret),
    });
    expect(token.json()).toMatchObject({ error: 'invalid_client' });
  });
});
