import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { inTenantTransaction } from '../../src/platform/db/tenant-transaction.ts';
import { createMerchant, sampleStore, type TestMerchant, useAppWithMerchant } from '../helpers/app.ts';

const s = useAppWithMerchant();
let alpha: TestMerchant;
let beta: TestMerchant;

beforeAll(async () => {
  alpha = s.merchant;
  beta = await createMerchant(s.t.platform);
  for (const [merchant, id] of [
    [alpha, 'A-1'],
    [alpha, 'SHARED'],
    [beta, 'B-1'],
    [beta, 'SHARED'],
  ] as const) {
    const response = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: merchant.auth,
      payload: sampleStore(id, { name: `${id} of ${merchant.tenant.merchantId}` }),
    });
    expect(response.statusCode).toBe(201);
  }
});

describe('tenant isolation', () => {
  it('a query with no tenant filter sees only the rows of the transaction tenant', async () => {
    const rows = await inTenantTransaction(s.t.platform.db, alpha.tenant.id, async (tx) => {
      // No where clause at all: only the policy stands between this query and every tenant's stores.
      const { rows } = await sql<{
        storeId: string;
        tenantId: string;
      }>`select store_id, tenant_id from stores`.execute(tx);
      return rows;
    });
    expect(rows.map((r) => r.storeId).sort()).toEqual(['A-1', 'SHARED']);
    expect(new Set(rows.map((r) => r.tenantId))).toEqual(new Set([alpha.tenant.id]));
  });

  it('cannot write a row into another tenant, nor change or delete its rows', async () => {
    const write = inTenantTransaction(s.t.platform.db, alpha.tenant.id, (tx) =>
      sql`insert into stores (tenant_id, store_id, name, type, timezone, currency)
          values (${beta.tenant.id}, 'SNEAK', 'x', 'store', 'UTC', 'USD')`.execute(tx),
    );
    await expect(write).rejects.toThrow(/row-level security/);
    const changed = await inTenantTransaction(s.t.platform.db, alpha.tenant.id, async (tx) => {
      const update =
        await sql`update stores set name = 'hijacked' where tenant_id = ${beta.tenant.id}`.execute(tx);
      const remove = await sql`delete from stores where tenant_id = ${beta.tenant.id}`.execute(tx);
      return Number(update.numAffectedRows) + Number(remove.numAffectedRows);
    });
    expect(changed).toBe(0);
    const response = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/stores/B-1',
      headers: beta.auth,
    });
    expect(response.json().name).toBe(`B-1 of ${beta.tenant.merchantId}`);
  });

  it('a transaction that has not set a tenant sees nothing', async () => {
    const count = await s.t.platform.db.transaction().execute(async (tx) => {
      await sql`select set_config('role', 'backroom_app', true)`.execute(tx);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from stores`.execute(tx);
      return rows[0]?.n;
    });
    expect(count).toBe(0);
  });

  it('every table with a tenant_id has row-level security with the tenant policy', async () => {
    const { rows } = await sql<{ table: string; rls: boolean; policies: number }>`
      select c.relname as table, c.relrowsecurity as rls,
        (select count(*)::int from pg_policy p where p.polrelid = c.oid and p.polname = 'tenant_isolation') as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'
        and exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
      order by 1`.execute(s.t.platform.db);
    expect(rows.map((r) => r.table)).toEqual(
      expect.arrayContaining(['api_clients', 'events', 'idempotency_keys', 'stores', 'users']),
    );
    for (const row of rows) expect(row, row.table).toMatchObject({ rls: true, policies: 1 });
  });

  it('the application role does not own the tables, so it cannot bypass the policies', async () => {
    const { rows } = await sql<{ owners: string[]; bypass: boolean; superuser: boolean }>`
      select array_agg(distinct tableowner::text) as owners,
        (select rolbypassrls from pg_roles where rolname = 'backroom_app') as bypass,
        (select rolsuper from pg_roles where rolname = 'backroom_app') as superuser
      from pg_tables where schemaname = 'public'`.execute(s.t.platform.db);
    expect(rows[0]?.owners).not.toContain('backroom_app');
    expect(rows[0]).toMatchObject({ bypass: false, superuser: false });
  });

  it("through the API, one merchant's credentials never reach another merchant's stores", async () => {
    const foreign = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/stores/B-1',
      headers: alpha.auth,
    });
    expect(foreign.statusCode).toBe(404);
    const shared = await s.t.app.inject({
      method: 'GET',
      url: '/merchant/v1/stores/SHARED',
      headers: alpha.auth,
    });
    expect(shared.json().name).toBe(`SHARED of ${alpha.tenant.merchantId}`);
    const list = await s.t.app.inject({ method: 'GET', url: '/merchant/v1/stores', headers: beta.auth });
    expect(list.json().data.map((s: { storeId: string }) => s.storeId)).toEqual(['B-1', 'SHARED']);
    const update = await s.t.app.inject({
      method: 'PUT',
      url: '/merchant/v1/stores',
      headers: alpha.auth,
      payload: { storeId: 'B-1', name: 'taken over' },
    });
    expect(update.statusCode).toBe(404);
  });
});
