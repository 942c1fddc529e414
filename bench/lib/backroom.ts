import { loadConfig } from '../../src/config.ts';
import { type ApiClientCredentials, createApiClient } from '../../src/platform/auth/clients.ts';
import { ALL_SCOPES } from '../../src/platform/auth/scopes.ts';
import { TokenService } from '../../src/platform/auth/tokens.ts';
import type { Platform } from '../../src/platform/context.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { ensureTenant, type Tenant } from '../../src/platform/tenancy/tenants.ts';
import { buildServer } from '../../src/server.ts';

export interface BenchApp {
  /** Where the API listens, e.g. http://127.0.0.1:41234 */
  url: string;
  platform: Platform;
  close(): Promise<void>;
}

/** Backroom's own BACKROOM_* settings from the environment (e.g. BACKROOM_DB_POOL_SIZE), nothing else. */
function backroomEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('BACKROOM_') && entry[1] !== undefined,
    ),
  );
}

/** The Backroom API as `backroom serve` runs it (without logging), listening on a free loopback port. */
export async function startBackroom(databaseUrl: string): Promise<BenchApp> {
  const config = loadConfig({ ...backroomEnv(), LOG_LEVEL: 'silent' });
  const database = openDatabase(databaseUrl, config.dbPoolSize);
  try {
    const tokens = new TokenService(database.db);
    await tokens.load();
    const platform: Platform = {
      db: database.db,
      config,
      tokens,
      now: () => new Date(),
      log: createLogger('silent'),
    };
    const app = await buildServer(platform, { logger: false });
    const close = async () => {
      await app.close();
      await database.close();
    };
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      return { url, platform, close };
    } catch (error) {
      await app.close();
      throw error;
    }
  } catch (error) {
    await database.close();
    throw error;
  }
}

export interface BenchMerchant {
  tenant: Tenant;
  client: ApiClientCredentials;
}

/** A merchant tenant with an API client whose rate limits the benchmark never reaches. */
export async function createBenchMerchant(platform: Platform, id = 'bench'): Promise<BenchMerchant> {
  const tenant = await ensureTenant(
    platform.db,
    { id, name: `Benchmark ${id}`, licenceTier: 'enterprise' },
    'production',
  );
  const client = await createApiClient(platform.db, tenant, {
    name: 'benchmark client',
    scopes: ALL_SCOPES,
    rateLimitPerSecond: 1_000_000,
    rateLimitPerDay: 2_000_000_000,
  });
  return { tenant, client };
}

/** An access token for the client from POST /oauth/token, over HTTP. */
export async function accessToken(url: string, client: ApiClientCredentials): Promise<string> {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`POST /oauth/token: ${response.status} ${body}`);
  return (JSON.parse(body) as { access_token: string }).access_token;
}
