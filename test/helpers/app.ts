import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import {
  type ApiClientCredentials,
  createApiClient,
  type NewApiClient,
} from '../../src/platform/auth/clients.ts';
import { ALL_SCOPES } from '../../src/platform/auth/scopes.ts';
import { TokenService } from '../../src/platform/auth/tokens.ts';
import type { Platform } from '../../src/platform/context.ts';
import { type DatabaseHandle, openDatabase } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { ensureTenant, type Tenant } from '../../src/platform/tenancy/tenants.ts';
import { buildServer, type ServerOptions } from '../../src/server.ts';
import { createTestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  platform: Platform;
  database: DatabaseHandle;
  databaseUrl: string;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', ...overrides });
}

/** A Backroom API on its own fresh database (or on `databaseUrl`, to share one between apps). */
export async function startTestApp(
  options: { databaseUrl?: string; env?: Record<string, string>; server?: ServerOptions } = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = testConfig(options.env);
  const database = openDatabase(databaseUrl, 10);
  const tokens = new TokenService(database.db);
  await tokens.load();
  const platform: Platform = {
    db: database.db,
    config,
    tokens,
    now: () => new Date(),
    log: createLogger(config.logLevel),
  };
  const app = await buildServer(platform, { logger: false, ...options.server });
  return {
    app,
    platform,
    database,
    databaseUrl,
    config,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

let merchantCounter = 0;

export interface TestMerchant {
  tenant: Tenant;
  client: ApiClientCredentials;
  /** Authorization headers for the client's API key. */
  auth: Record<string, string>;
}

/** A merchant tenant with an API client (every scope, generous limits unless told otherwise). */
export async function createMerchant(
  platform: Platform,
  options: {
    tier?: string;
    client?: Partial<NewApiClient>;
    environment?: 'production' | 'staging';
    id?: string;
  } = {},
): Promise<TestMerchant> {
  merchantCounter += 1;
  const id = options.id ?? `m${process.pid}-${merchantCounter}`;
  const tenant = await ensureTenant(
    platform.db,
    { id, name: `Merchant ${id}`, licenceTier: options.tier ?? 'enterprise' },
    options.environment ?? 'production',
  );
  const client = await createApiClient(platform.db, tenant, {
    name: 'test client',
    scopes: ALL_SCOPES,
    rateLimitPerSecond: 100_000,
    rateLimitPerDay: 10_000_000,
    ...options.client,
  });
  return { tenant, client, auth: { 'x-api-key': client.apiKey } };
}

export async function accessToken(app: FastifyInstance, client: ApiClientCredentials, scope?: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      ...(scope ? { scope } : {}),
    }).toString(),
  });
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.body}`);
  return response.json().access_token as string;
}

export const sampleStore = (storeId: string, overrides: Record<string, unknown> = {}) => ({
  storeId,
  name: `Store ${storeId}`,
  type: 'store',
  address: { line1: '1 Main St', city: 'Springfield', country: 'US' },
  timezone: 'America/Chicago',
  currency: 'USD',
  ...overrides,
});

export interface AppWithMerchant {
  t: TestApp;
  merchant: TestMerchant;
}

/**
 * The usual test file setup: a Backroom API on a fresh database with one merchant, started before the file's
 * tests and closed after them. The returned object is filled in by the time the tests run.
 */
export function useAppWithMerchant(options: Parameters<typeof startTestApp>[0] = {}): AppWithMerchant {
  const setup = {} as AppWithMerchant;
  beforeAll(async () => {
    setup.t = await startTestApp(options);
    setup.merchant = await createMerchant(setup.t.platform);
  });
  afterAll(() => setup.t?.close());
  return setup;
}

export interface RecordedEvent {
  type: string;
  data: Record<string, any>;
}

/** The events recorded about one subject (a storeId, productId, …) of a merchant, oldest first. */
export async function eventsFor(
  setup: AppWithMerchant,
  subject: string,
  merchant: TestMerchant = setup.merchant,
): Promise<RecordedEvent[]> {
  const { rows } = await setup.t.database.pool.query(
    'select type, data from events where tenant_id = $1 and subject = $2 order by occurred_at, type',
    [merchant.tenant.id, subject],
  );
  return rows;
}
