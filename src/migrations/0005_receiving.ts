import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Advance shipping notices: stock a supplier announced for a store, received in one or more receipts.
    create table asns (
      tenant_id uuid not null references tenants (id),
      asn_id text not null,
      store_id text not null,
      supplier text,
      expected_at timestamptz not null,
      status text not null default 'open'
        check (status in ('open', 'partially_received', 'received', 'closed', 'cancelled')),
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- When the ASN stopped expecting stock: fully received, closed short or cancelled.
      ended_at timestamptz,
      primary key (tenant_id, asn_id),
      foreign key (tenant_id, store_id) references stores (tenant_id, store_id)
    );
    create index asns_store on asns (tenant_id, store_id, status);
    select backroom_private.enable_tenant_isolation('asns');

    -- received_quantity counts every unit that arrived; damaged_quantity is the part of it booked as damaged.
    create table asn_lines (
      tenant_id uuid not null,
      asn_id text not null,
      product_id text not null,
      expected_quantity bigint not null check (expected_quantity > 0),
      received_quantity bigint not null default 0 check (received_quantity >= 0),
      damaged_quantity bigint not null default 0 check (damaged_quantity between 0 and received_quantity),
      primary key (tenant_id, asn_id, product_id),
      foreign key (tenant_id, asn_id) references asns (tenant_id, asn_id),
      foreign key (tenant_id, product_id) references products (tenant_id, product_id)
    );
    select backroom_private.enable_tenant_isolation('asn_lines');

    -- Stock sent from one store to another (through the in-transit bucket), or back to a vendor.
    create table stock_transfers (
      tenant_id uuid not null references tenants (id),
      transfer_id text not null,
      type text not null check (type in ('store_to_store', 'return_to_vendor')),
      from_store_id text not null,
      to_store_id text,
      vendor text,
      status text not null default 'created' check (status in ('created', 'shipped', 'received', 'cancelled')),
      reason text,
      note text,
      expected_at timestamptz,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      shipped_at timestamptz,
      received_at timestamptz,
      cancelled_at timestamptz,
      primary key (tenant_id, transfer_id),
      foreign key (tenant_id, from_store_id) references stores (tenant_id, store_id),
      foreign key (tenant_id, to_store_id) references stores (tenant_id, store_id),
      check (
        (type = 'store_to_store' and to_store_id is not null and to_store_id <> from_store_id and vendor is null)
        or (type = 'return_to_vendor' and to_store_id is null and vendor is not null)
      )
    );
    create index stock_transfers_from on stock_transfers (tenant_id, from_store_id, status);
    create index stock_transfers_to on stock_transfers (tenant_id, to_store_id, status) where to_store_id is not null;
    select backroom_private.enable_tenant_isolation('stock_transfers');

    create table stock_transfer_lines (
      tenant_id uuid not null,
      transfer_id text not null,
      product_id text not null,
      quantity bigint not null check (quantity > 0),
      shipped_quantity bigint not null default 0 check (shipped_quantity >= 0),
      -- Null until the destination receives; it may differ from shipped_quantity (a discrepancy).
      received_quantity bigint check (received_quantity >= 0),
      primary key (tenant_id, transfer_id, product_id),
      foreign key (tenant_id, transfer_id) references stock_transfers (tenant_id, transfer_id),
      foreign key (tenant_id, product_id) references products (tenant_id, product_id)
    );
    select backroom_private.enable_tenant_isolation('stock_transfer_lines');
  `.execute(db);
}
