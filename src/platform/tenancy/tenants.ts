import type { Db } from '../db/database.ts';

export type Environment = 'production' | 'staging';

export interface Tenant {
  id: string;
  merchantId: string;
  environment: Environment;
  licenceTier: string;
}

export interface NewMerchant {
  id: string;
  name: string;
  supportEmail?: string | undefined;
  licenceTier?: string | undefined;
}

/** `demo` or `demo/staging`: how operators name a merchant environment on the command line. */
export function parseTenantName(name: string): { merchantId: string; environment: Environment } {
  const [merchantId = '', environment = 'production'] = name.split('/');
  if (environment !== 'production' && environment !== 'staging') {
    throw new Error(`Unknown environment "${environment}": use production or staging.`);
  }
  return { merchantId, environment };
}

/** Creates the merchant if new, and the environment's tenant if new; returns the tenant either way. */
export async function ensureTenant(db: Db, merchant: NewMerchant, environment: Environment): Promise<Tenant> {
  await db
    .insertInto('merchants')
    .values({
      id: merchant.id,
      name: merchant.name,
      supportEmail: merchant.supportEmail ?? null,
      ...(merchant.licenceTier ? { licenceTier: merchant.licenceTier } : {}),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .insertInto('tenants')
    .values({ merchantId: merchant.id, environment })
    .onConflict((oc) => oc.columns(['merchantId', 'environment']).doNothing())
    .execute();
  const tenant = await findTenant(db, merchant.id, environment);
  if (!tenant) throw new Error(`tenant ${merchant.id}/${environment} was not created`);
  return tenant;
}

export async function findTenant(
  db: Db,
  merchantId: string,
  environment: Environment,
): Promise<Tenant | undefined> {
  return db
    .selectFrom('tenants')
    .innerJoin('merchants', 'merchants.id', 'tenants.merchantId')
    .select(['tenants.id', 'tenants.merchantId', 'tenants.environment', 'merchants.licenceTier'])
    .where('tenants.merchantId', '=', merchantId)
    .where('tenants.environment', '=', environment)
    .executeTakeFirst();
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  return db
    .selectFrom('tenants')
    .innerJoin('merchants', 'merchants.id', 'tenants.merchantId')
    .select(['tenants.id', 'tenants.merchantId', 'tenants.environment', 'merchants.licenceTier'])
    .orderBy('tenants.merchantId')
    .orderBy('tenants.environment')
    .execute();
}
