import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table stores (
      tenant_id uuid not null references tenants (id),
      store_id text not null,
      name text not null,
      type text not null check (type in ('store', 'ecommerce', 'warehouse')),
      address jsonb,
      timezone text not null,
      currency char(3) not null,
      phone text,
      email text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, store_id)
    );
    select backroom_private.enable_tenant_isolation('stores');
  `.execute(db);
}
