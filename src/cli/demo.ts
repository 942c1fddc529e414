import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NewStore } from '../modules/stores/schemas.ts';
import { createStore } from '../modules/stores/service.ts';
import { createApiClient } from '../platform/auth/clients.ts';
import { ALL_SCOPES } from '../platform/auth/scopes.ts';
import { createUser } from '../platform/auth/users.ts';
import type { Platform } from '../platform/context.ts';
import { Problem } from '../platform/http/problems.ts';
import { asSystem } from '../platform/system-context.ts';
import { ensureTenant, findTenant } from '../platform/tenancy/tenants.ts';
import { seedDemoCatalog } from './demo-catalog.ts';

export interface DemoCredentials {
  merchantId: string;
  clientId: string;
  clientSecret: string;
  apiKey: string;
  adminEmail: string;
  adminTemporaryPassword: string;
}

const DEMO_MERCHANT = 'demo';

const demoStores: NewStore[] = [
  {
    storeId: 'NYC-01',
    name: 'Demo Outfitters Broadway',
    type: 'store',
    address: { line1: '560 Broadway', city: 'New York', region: 'NY', postalCode: '10012', country: 'US' },
    timezone: 'America/New_York',
    currency: 'USD',
    phone: '+1 212 555 0101',
    active: true,
  },
  {
    storeId: 'SF-01',
    name: 'Demo Outfitters Union Square',
    type: 'store',
    address: {
      line1: '250 Post St',
      city: 'San Francisco',
      region: 'CA',
      postalCode: '94108',
      country: 'US',
    },
    timezone: 'America/Los_Angeles',
    currency: 'USD',
    active: true,
  },
  {
    storeId: 'CHI-01',
    name: 'Demo Outfitters Michigan Avenue',
    type: 'store',
    address: {
      line1: '600 N Michigan Ave',
      city: 'Chicago',
      region: 'IL',
      postalCode: '60611',
      country: 'US',
    },
    timezone: 'America/Chicago',
    currency: 'USD',
    active: true,
  },
  {
    storeId: 'WEB',
    name: 'Demo Outfitters online',
    type: 'ecommerce',
    timezone: 'America/New_York',
    currency: 'USD',
    email: 'web@demo.example',
    active: true,
  },
  {
    storeId: 'DC-EAST',
    name: 'East distribution centre',
    type: 'warehouse',
    address: { line1: '100 Logistics Way', city: 'Edison', region: 'NJ', postalCode: '08817', country: 'US' },
    timezone: 'America/New_York',
    currency: 'USD',
    active: true,
  },
];

/** A catch handler that lets one expected problem pass (the thing is already there) and rethrows the rest. */
function unless(code: Problem['code']) {
  return (error: unknown): undefined => {
    if (error instanceof Problem && error.code === code) return undefined;
    throw error;
  };
}

function credentialsFile(dataDir: string) {
  return join(dataDir, 'demo-credentials.json');
}

export async function isDemoSeeded(platform: Platform): Promise<boolean> {
  return Boolean(await findTenant(platform.db, DEMO_MERCHANT, 'production'));
}

/** The credentials written when the demo merchant was created on this data folder, if any. */
export async function savedDemoCredentials(dataDir: string): Promise<DemoCredentials | undefined> {
  const file = credentialsFile(dataDir);
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as DemoCredentials) : undefined;
}

/**
 * Creates the demo merchant (production and staging), its stores and catalog, an API client with every scope and a
 * System Admin. Safe to run again: existing stores and the admin are kept, and a new API client is issued.
 */
export async function seedDemo(platform: Platform, dataDir: string): Promise<DemoCredentials> {
  const merchant = { id: DEMO_MERCHANT, name: 'Demo Outfitters', supportEmail: 'support@demo.example' };
  const tenant = await ensureTenant(platform.db, merchant, 'production');
  await ensureTenant(platform.db, merchant, 'staging');
  await asSystem(platform, tenant.id, 'seed', async (ctx) => {
    for (const store of demoStores) {
      await createStore(ctx, store).catch(unless('already_exists'));
    }
    await seedDemoCatalog(ctx);
  });
  const client = await createApiClient(platform.db, tenant, { name: 'Demo integration', scopes: ALL_SCOPES });
  const adminEmail = 'admin@demo.example';
  const admin = await createUser(platform.db, tenant, {
    email: adminEmail,
    name: 'Demo admin',
    role: 'system_admin',
  }).catch(unless('already_exists'));
  const previous = await savedDemoCredentials(dataDir);
  const credentials: DemoCredentials = {
    merchantId: DEMO_MERCHANT,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    apiKey: client.apiKey,
    adminEmail,
    adminTemporaryPassword: admin?.temporaryPassword ?? previous?.adminTemporaryPassword ?? '(set earlier)',
  };
  await writeFile(credentialsFile(dataDir), JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

export function describeCredentials(baseUrl: string, c: DemoCredentials): string {
  return [
    '',
    `Demo merchant "${c.merchantId}" (production):`,
    `  OAuth client id      ${c.clientId}`,
    `  OAuth client secret  ${c.clientSecret}`,
    `  API key              ${c.apiKey}`,
    `  Console admin        ${c.adminEmail} / ${c.adminTemporaryPassword} (must be changed at first sign-in)`,
    '',
    'Try it:',
    `  curl -s ${baseUrl}/merchant/v1/stores -H 'x-api-key: ${c.apiKey}'`,
    `  curl -s '${baseUrl}/merchant/v1/products?categoryId=TOPS&limit=5' -H 'x-api-key: ${c.apiKey}'`,
    '',
    'Or with an OAuth access token:',
    `  TOKEN=$(curl -s -u '${c.clientId}:${c.clientSecret}' -d grant_type=client_credentials ${baseUrl}/oauth/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `  curl -s ${baseUrl}/merchant/v1/stores/NYC-01 -H "Authorization: Bearer $TOKEN"`,
    '',
    `API reference: ${baseUrl}/docs`,
    '',
  ].join('\n');
}
