import type { Db } from '../db/database.ts';
import { inTenantTransaction } from '../db/tenant-transaction.ts';
import type { Tenant } from '../tenancy/tenants.ts';
import { limitsFor } from './licence.ts';
import type { Scope } from './scopes.ts';
import { newSecret, sameDigest, sha256 } from './secrets.ts';
import type { Principal } from './tokens.ts';

export interface NewApiClient {
  name: string;
  scopes: readonly Scope[];
  rateLimitPerSecond?: number | undefined;
  rateLimitPerDay?: number | undefined;
}

/** Shown once at creation; only digests are stored. */
export interface ApiClientCredentials {
  clientId: string;
  clientSecret: string;
  apiKey: string;
  scopes: readonly Scope[];
}

export async function createApiClient(
  db: Db,
  tenant: Tenant,
  input: NewApiClient,
): Promise<ApiClientCredentials> {
  const credentials = {
    clientId: newSecret('cli_', 12),
    clientSecret: newSecret('cs_'),
    apiKey: newSecret('bk_'),
    scopes: input.scopes,
  };
  await inTenantTransaction(db, tenant.id, (tx) =>
    tx
      .insertInto('apiClients')
      .values({
        tenantId: tenant.id,
        clientId: credentials.clientId,
        name: input.name,
        secretHash: sha256(credentials.clientSecret),
        apiKeyHash: sha256(credentials.apiKey),
        scopes: [...input.scopes],
        rateLimitPerSecond: input.rateLimitPerSecond ?? null,
        rateLimitPerDay: input.rateLimitPerDay ?? null,
      })
      .execute(),
  );
  return credentials;
}

// The two look-ups below run before any tenant is known, so they read across tenants by the credential's
// unique digest. They are the only cross-tenant reads of tenant data in Backroom.
function activeClients(db: Db) {
  return db
    .selectFrom('apiClients')
    .innerJoin('tenants', 'tenants.id', 'apiClients.tenantId')
    .innerJoin('merchants', 'merchants.id', 'tenants.merchantId')
    .select([
      'apiClients.id',
      'apiClients.tenantId',
      'apiClients.secretHash',
      'apiClients.scopes',
      'apiClients.rateLimitPerSecond',
      'apiClients.rateLimitPerDay',
      'merchants.licenceTier',
    ])
    .where('apiClients.active', '=', true);
}

type ClientRow = NonNullable<Awaited<ReturnType<ReturnType<typeof activeClients>['executeTakeFirst']>>>;

function toPrincipal(row: ClientRow): Principal {
  return {
    kind: 'client',
    id: row.id,
    tenantId: row.tenantId,
    scopes: row.scopes,
    limits: limitsFor(row.licenceTier, { perSecond: row.rateLimitPerSecond, perDay: row.rateLimitPerDay }),
  };
}

/** The client whose id and secret these are, or null. */
export async function authenticateClient(
  db: Db,
  clientId: string,
  clientSecret: string,
): Promise<Principal | null> {
  const row = await activeClients(db).where('apiClients.clientId', '=', clientId).executeTakeFirst();
  if (!row || !sameDigest(clientSecret, row.secretHash)) return null;
  return toPrincipal(row);
}

export async function principalForApiKey(db: Db, apiKey: string): Promise<Principal | null> {
  const row = await activeClients(db).where('apiClients.apiKeyHash', '=', sha256(apiKey)).executeTakeFirst();
  return row ? toPrincipal(row) : null;
}

/** Disables a client at once: its API key stops working, and it can get no new tokens. */
export async function disableApiClient(db: Db, clientId: string): Promise<boolean> {
  const result = await db
    .updateTable('apiClients')
    .set({ active: false })
    .where('clientId', '=', clientId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
