import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A merchant's inventory defaults: reservation lifetime and the display thresholds of every location.
    create table inventory_settings (
      tenant_id uuid primary key references tenants (id),
      reservation_ttl_seconds integer not null default 900 check (reservation_ttl_seconds between 30 and 604800),
      low_stock_threshold integer not null default 5 check (low_stock_threshold >= 0),
      out_of_stock_threshold integer not null default 0 check (out_of_stock_threshold >= 0),
      updated_at timestamptz not null default now()
    );
    select backroom_private.enable_tenant_isolation('inventory_settings');

    -- Buckets a merchant adds beside the built-in ones (on_hand, reserved, damaged, in_transit).
    create table stock_buckets (
      tenant_id uuid not null references tenants (id),
      bucket_id text not null check (bucket_id ~ '^[a-z][a-z0-9_]{0,39}$'
        and bucket_id not in ('on_hand', 'reserved', 'damaged', 'in_transit')),
      name text not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, bucket_id)
    );
    select backroom_private.enable_tenant_isolation('stock_buckets');

    -- The sellable balance of a product at a location, and its thresholds. on_hand and reserved share a row so
    -- one conditional update decides a reservation: "available" can never be taken twice. (The tenant is
    -- checked through the store's key; a second foreign key would only slow bulk postings.)
    create table stock_levels (
      tenant_id uuid not null,
      store_id text not null,
      product_id text not null,
      on_hand bigint not null default 0 check (on_hand >= 0),
      reserved bigint not null default 0 check (reserved >= 0),
      safety_stock integer not null default 0 check (safety_stock >= 0),
      low_stock_threshold integer check (low_stock_threshold >= 0),
      out_of_stock_threshold integer check (out_of_stock_threshold >= 0),
      allow_backorders boolean not null default false,
      -- When stock first arrived here; null means the product was never received (pre-order).
      first_received_at timestamptz,
      -- The display status last computed, so that crossing a threshold is noticed once.
      status text not null default 'out_of_stock'
        check (status in ('in_stock', 'low_stock', 'out_of_stock', 'back_ordered', 'pre_order')),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, store_id, product_id),
      foreign key (tenant_id, store_id) references stores (tenant_id, store_id),
      foreign key (tenant_id, product_id) references products (tenant_id, product_id)
    );
    create index stock_levels_product on stock_levels (tenant_id, product_id);
    select backroom_private.enable_tenant_isolation('stock_levels');

    -- Balances of the other buckets: damaged, in_transit and the merchant's own.
    create table stock_bucket_levels (
      tenant_id uuid not null,
      store_id text not null,
      product_id text not null,
      bucket text not null,
      quantity bigint not null default 0 check (quantity >= 0),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, store_id, product_id, bucket),
      foreign key (tenant_id, store_id, product_id) references stock_levels (tenant_id, store_id, product_id)
    );
    select backroom_private.enable_tenant_isolation('stock_bucket_levels');

    -- The ledger: every change of every bucket, never updated or deleted. Balances are its running sums.
    -- No foreign key to tenants: the tenant policy's check already pins every insert to the transaction's
    -- tenant, and the per-row check cost a bulk posting of 5,000 movements about a quarter of its time.
    create table stock_movements (
      tenant_id uuid not null,
      id bigint generated always as identity,
      store_id text not null,
      product_id text not null,
      bucket text not null,
      quantity bigint not null check (quantity <> 0),
      reason text not null,
      reference_type text,
      reference_id text,
      actor text not null,
      note text,
      occurred_at timestamptz not null,
      recorded_at timestamptz not null default now(),
      -- No foreign key to stock_levels: every movement is posted with its balance, and checking each ledger
      -- row against a level row just written doubled the cost of a bulk posting. verify proves the pairing.
      primary key (tenant_id, id)
    );
    create index stock_movements_item on stock_movements (tenant_id, store_id, product_id, id);
    -- Movements of one document (an ASN, a transfer, a count). A full feed's import posts up to millions of
    -- movements under one reference and nothing looks them up by it, so they are left out of the index.
    create index stock_movements_reference on stock_movements (tenant_id, reference_type, reference_id)
      where reference_id is not null and reference_type <> 'inventory_import';
    select backroom_private.enable_tenant_isolation('stock_movements');
    revoke update, delete, truncate on stock_movements from backroom_app;

    -- Stock held for a cart or an order until it is committed (sold), released, or expires. A reservation is
    -- recorded before its stock is taken, so the level row stays locked only until commit; it refers to its
    -- store and products without foreign keys because it commits only if every line took stock from a level
    -- row, and those rows have them.
    create table stock_reservations (
      tenant_id uuid not null references tenants (id),
      reservation_id text not null,
      store_id text not null,
      reference_type text not null check (reference_type in ('cart', 'order', 'other')),
      reference_id text not null,
      status text not null check (status in ('active', 'released', 'committed', 'expired')),
      expires_at timestamptz not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      ended_at timestamptz,
      primary key (tenant_id, reservation_id)
    );
    create index stock_reservations_due on stock_reservations (expires_at) where status = 'active';
    create index stock_reservations_reference on stock_reservations (tenant_id, reference_type, reference_id);
    select backroom_private.enable_tenant_isolation('stock_reservations');

    create table stock_reservation_lines (
      tenant_id uuid not null,
      reservation_id text not null,
      store_id text not null,
      product_id text not null,
      quantity bigint not null check (quantity > 0),
      primary key (tenant_id, reservation_id, product_id),
      foreign key (tenant_id, reservation_id) references stock_reservations (tenant_id, reservation_id)
    );
    create index stock_reservation_lines_item on stock_reservation_lines (tenant_id, store_id, product_id);
    select backroom_private.enable_tenant_isolation('stock_reservation_lines');

    -- Stock on its way to a location (an advance shipping notice, a transfer), for back-order dates.
    create table stock_inbound (
      tenant_id uuid not null references tenants (id),
      store_id text not null,
      product_id text not null,
      source_type text not null,
      source_id text not null,
      quantity bigint not null check (quantity > 0),
      expected_at timestamptz,
      primary key (tenant_id, store_id, product_id, source_type, source_id),
      foreign key (tenant_id, store_id, product_id) references stock_levels (tenant_id, store_id, product_id)
    );
    create index stock_inbound_source on stock_inbound (tenant_id, source_type, source_id);
    select backroom_private.enable_tenant_isolation('stock_inbound');
  `.execute(db);
}
