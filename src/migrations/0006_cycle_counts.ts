import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A cycle count: which products of one store are counted (kind and scope) and how far the count has got.
    create table cycle_counts (
      tenant_id uuid not null references tenants (id),
      cycle_count_id text not null,
      store_id text not null,
      kind text not null check (kind in ('full', 'partial', 'manual')),
      -- partial: {"categoryId"} | {"brand"} | {"attribute": {"code", "value"}}; manual: {"productIds"}; full: {}
      scope jsonb not null default '{}',
      name text,
      status text not null check (status in ('created', 'started', 'counted', 'completed', 'cancelled')),
      cancel_reason text,
      created_by text not null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      counted_at timestamptz,
      completed_at timestamptz,
      cancelled_at timestamptz,
      primary key (tenant_id, cycle_count_id),
      foreign key (tenant_id, store_id) references stores (tenant_id, store_id)
    );
    -- A store has at most one open full count.
    create unique index cycle_counts_open_full on cycle_counts (tenant_id, store_id)
      where kind = 'full' and status in ('created', 'started', 'counted');
    create index cycle_counts_store on cycle_counts (tenant_id, store_id, created_at);
    select backroom_private.enable_tenant_isolation('cycle_counts');

    -- One product to count. expected_quantity is the on-hand quantity at the moment the count was recorded,
    -- so sales between counting and completing are not mistaken for a variance.
    create table cycle_count_lines (
      tenant_id uuid not null references tenants (id),
      cycle_count_id text not null,
      product_id text not null,
      expected_quantity bigint,
      counted_quantity bigint check (counted_quantity >= 0),
      counted_at timestamptz,
      variance bigint generated always as (counted_quantity - expected_quantity) stored,
      -- The on-hand movement posted at completion (the variance, unless on hand had fallen below it).
      adjustment bigint,
      primary key (tenant_id, cycle_count_id, product_id),
      foreign key (tenant_id, cycle_count_id) references cycle_counts (tenant_id, cycle_count_id),
      foreign key (tenant_id, product_id) references products (tenant_id, product_id),
      check ((counted_quantity is null) = (counted_at is null)),
      check ((counted_quantity is null) = (expected_quantity is null))
    );
    create index cycle_count_lines_uncounted on cycle_count_lines (tenant_id, cycle_count_id, product_id)
      where counted_quantity is null;
    select backroom_private.enable_tenant_isolation('cycle_count_lines');
  `.execute(db);
}
