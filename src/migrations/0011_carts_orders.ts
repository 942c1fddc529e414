import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await taxesAndShipping(db);
  await carts(db);
  await orders(db);
  await fulfillments(db);
}

async function taxesAndShipping(db: Kysely<any>): Promise<void> {
  await sql`
    -- Built-in taxes, used when no TAX_SERVICE SPI answers: every rate of a store that matches a product's tax
    -- class applies (a state and a county rate stack). A rate without a class applies to products whose class
    -- no rate of the store names.
    create table tax_rates (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      store_id text not null,
      name text not null,
      tax_class text,
      -- Parts per million of the taxable amount: 82500 is 8.25 %.
      rate_ppm integer not null check (rate_ppm between 0 and 1000000),
      applies_to_shipping boolean not null default false,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, store_id) references stores (tenant_id, store_id)
    );
    create unique index tax_rates_name on tax_rates (tenant_id, store_id, name, coalesce(tax_class, ''));
    select backroom_private.enable_tenant_isolation('tax_rates');

    -- Built-in shipping methods, offered when no SHIPPING_METHODS SPI answers.
    create table shipping_methods (
      tenant_id uuid not null references tenants (id),
      method_id text not null,
      name text not null,
      carrier text,
      currency char(3) not null,
      price bigint not null check (price >= 0),
      -- Free when the cart's subtotal after discounts reaches this amount.
      free_over bigint check (free_over >= 0),
      min_days integer check (min_days >= 0),
      max_days integer check (max_days >= min_days),
      -- null: every store; otherwise only carts of these stores.
      store_ids text[],
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, method_id)
    );
    select backroom_private.enable_tenant_isolation('shipping_methods');
  `.execute(db);
}

async function carts(db: Kysely<any>): Promise<void> {
  await sql`
    create table cart_settings (
      tenant_id uuid primary key references tenants (id),
      -- An active cart untouched this long becomes 'abandoned'.
      abandon_after_minutes integer not null default 1440 check (abandon_after_minutes between 5 and 525600),
      -- Tell the customer (by e-mail) when their cart is abandoned.
      notify_on_abandon boolean not null default false,
      -- How long a checkout holds stock while the customer pays.
      checkout_hold_seconds integer not null default 900 check (checkout_hold_seconds between 30 and 86400),
      updated_at timestamptz not null default now()
    );
    select backroom_private.enable_tenant_isolation('cart_settings');

    create table carts (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      cart_id text not null,
      store_id text not null,
      channel text not null check (channel in ('web', 'store', 'mobile', 'phone', 'marketplace', 'api')),
      customer_uuid uuid,
      status text not null default 'active' check (status in
        ('active', 'saved', 'abandoned', 'suspended', 'voided', 'merged', 'checking_out', 'checked_out')),
      name text,
      register_id text,
      associate_id text,
      shipping_address jsonb,
      -- Who suspended or voided the cart and why, for loss-prevention audits.
      status_reason text,
      status_by text,
      merged_into uuid,
      order_id text,
      last_activity_at timestamptz not null default now(),
      abandoned_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, cart_id),
      foreign key (tenant_id, store_id) references stores (tenant_id, store_id),
      foreign key (tenant_id, customer_uuid) references customers (tenant_id, id),
      foreign key (tenant_id, merged_into) references carts (tenant_id, id)
    );
    create index carts_by_customer on carts (tenant_id, customer_uuid, updated_at desc)
      where customer_uuid is not null;
    create index carts_idle on carts (tenant_id, last_activity_at) where status = 'active';
    select backroom_private.enable_tenant_isolation('carts');

    -- One line per product and list: the cart itself, or saved for later.
    create table cart_lines (
      tenant_id uuid not null,
      cart_uuid uuid not null,
      product_id text not null,
      saved_for_later boolean not null default false,
      quantity integer not null check (quantity > 0),
      added_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, cart_uuid, product_id, saved_for_later),
      foreign key (tenant_id, cart_uuid) references carts (tenant_id, id) on delete cascade
    );
    select backroom_private.enable_tenant_isolation('cart_lines');

    -- A cart being paid for: its priced order, the stock held for it, and how it ended. The order exists only
    -- once payment succeeds, in the same transaction that commits the stock.
    create table checkouts (
      tenant_id uuid not null references tenants (id),
      -- The client's order id: a second checkout with it is the same checkout.
      order_id text not null,
      cart_uuid uuid not null,
      status text not null check (status in ('pending_payment', 'completed', 'payment_failed', 'expired')),
      -- What the client asked for, to refuse the same order id with different content.
      request_hash text not null,
      -- The order to post when payment succeeds (the body of POST /sa/orders, without tenders).
      order_draft jsonb not null,
      reservation_id text,
      -- Stock held by the merchant's system (CART_VALIDATION reserved it; INVENTORY_SERVICE reverts it).
      external_reservation boolean not null default false,
      failure_reason text,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, order_id),
      foreign key (tenant_id, cart_uuid) references carts (tenant_id, id)
    );
    create index checkouts_pending on checkouts (tenant_id, expires_at) where status = 'pending_payment';
    select backroom_private.enable_tenant_isolation('checkouts');
  `.execute(db);
}

async function orders(db: Kysely<any>): Promise<void> {
  await sql`
    create table orders (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      -- The client's id (register or web store): posting it again is the same order.
      order_id text not null,
      type text not null check (type in ('sale', 'return', 'exchange')),
      status text not null check (status in ('open', 'completed', 'cancelled')),
      channel text not null check (channel in ('web', 'store', 'mobile', 'phone', 'marketplace', 'api')),
      store_id text not null,
      register_id text,
      associate_id text,
      customer_uuid uuid,
      -- Returns and exchanges: the sale they return from.
      original_order_uuid uuid,
      currency char(3) not null,
      -- Sold part: subtotal - discount_total + tax_total + shipping_total = total. Returned part: return_total.
      subtotal bigint not null check (subtotal >= 0),
      discount_total bigint not null check (discount_total >= 0),
      tax_total bigint not null check (tax_total >= 0),
      shipping_total bigint not null check (shipping_total >= 0),
      total bigint not null check (total >= 0),
      return_total bigint not null default 0 check (return_total >= 0),
      discounts jsonb not null default '[]',
      shipping jsonb,
      -- When the sale happened at the register (offline registers post later) and when Backroom got it.
      occurred_at timestamptz not null,
      posted_at timestamptz not null default now(),
      offline boolean not null default false,
      -- A digest of what was posted, to refuse the same order id with different content.
      content_hash text not null,
      note text,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, order_id),
      foreign key (tenant_id, store_id) references stores (tenant_id, store_id),
      foreign key (tenant_id, customer_uuid) references customers (tenant_id, id),
      foreign key (tenant_id, original_order_uuid) references orders (tenant_id, id)
    );
    create index orders_by_customer on orders (tenant_id, customer_uuid, occurred_at desc)
      where customer_uuid is not null;
    create index orders_by_store on orders (tenant_id, store_id, occurred_at desc);
    create index orders_by_time on orders (tenant_id, occurred_at desc);
    create index orders_by_original on orders (tenant_id, original_order_uuid)
      where original_order_uuid is not null;
    select backroom_private.enable_tenant_isolation('orders');

    -- Sold and returned lines. Amounts are never negative: a return line is a 'return', not a minus.
    create table order_lines (
      tenant_id uuid not null,
      order_uuid uuid not null,
      line_number integer not null check (line_number > 0),
      kind text not null check (kind in ('sale', 'return')),
      product_id text not null,
      quantity integer not null check (quantity > 0),
      unit_price bigint not null check (unit_price >= 0),
      discount_amount bigint not null default 0 check (discount_amount >= 0),
      tax_amount bigint not null default 0 check (tax_amount >= 0),
      taxes jsonb not null default '[]',
      -- quantity * unit_price - discount_amount (tax excluded).
      amount bigint not null check (amount >= 0),
      fulfillment_type text check (fulfillment_type in
        ('cash_and_carry', 'ship', 'ship_from_store', 'bopis', 'bofis', 'ropis')),
      fulfillment_store_id text,
      fulfillment_uuid uuid,
      -- Sale lines: how many of them later returns took back.
      returned_quantity integer not null default 0 check (returned_quantity between 0 and quantity),
      -- Return lines: the sale line returned, and whether the unit goes back on the shelf.
      original_order_uuid uuid,
      original_line_number integer,
      restock boolean,
      return_reason text,
      -- Units an offline sale sold that Backroom's stock did not have.
      stock_shortfall integer not null default 0 check (stock_shortfall >= 0),
      primary key (tenant_id, order_uuid, line_number),
      foreign key (tenant_id, order_uuid) references orders (tenant_id, id) on delete cascade
    );
    create index order_lines_by_product on order_lines (tenant_id, product_id);
    select backroom_private.enable_tenant_isolation('order_lines');

    create table order_tenders (
      tenant_id uuid not null,
      order_uuid uuid not null,
      tender_number integer not null check (tender_number > 0),
      type text not null check (type in ('cash', 'card', 'gift_card', 'web_orders', 'store_credit', 'other')),
      direction text not null check (direction in ('charge', 'refund')),
      amount bigint not null check (amount > 0),
      card_brand text,
      card_last4 char(4) check (card_last4 ~ '^[0-9]{4}$'),
      reference text,
      primary key (tenant_id, order_uuid, tender_number),
      foreign key (tenant_id, order_uuid) references orders (tenant_id, id) on delete cascade
    );
    create index order_tenders_by_card on order_tenders (tenant_id, card_last4) where card_last4 is not null;
    select backroom_private.enable_tenant_isolation('order_tenders');
  `.execute(db);
}

async function fulfillments(db: Kysely<any>): Promise<void> {
  await sql`
    -- The lines of one order that one store fulfils one way (ship from store, BOPIS, BOFIS, ROPIS).
    create table fulfillments (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      fulfillment_id text not null,
      order_uuid uuid not null,
      store_id text not null,
      type text not null check (type in ('ship_from_store', 'bopis', 'bofis', 'ropis')),
      status text not null check (status in
        ('backordered', 'placed', 'picking', 'ready_for_pickup', 'shipped', 'completed', 'cancelled')),
      -- The stock held for it; null while back-ordered and once it has ended.
      reservation_id text,
      -- Back-ordered: when the missing stock is expected (the earliest inbound shipment), if known.
      expected_at timestamptz,
      tracking jsonb,
      history jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, fulfillment_id),
      foreign key (tenant_id, order_uuid) references orders (tenant_id, id) on delete cascade,
      foreign key (tenant_id, store_id) references stores (tenant_id, store_id)
    );
    create index fulfillments_by_order on fulfillments (tenant_id, order_uuid);
    create index fulfillments_open on fulfillments (tenant_id, store_id, status)
      where status not in ('completed', 'cancelled');
    select backroom_private.enable_tenant_isolation('fulfillments');
  `.execute(db);
}
