import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Departments are categories without a parent; a category belongs to a department or another category.
    create table categories (
      tenant_id uuid not null references tenants (id),
      category_id text not null,
      name text not null,
      parent_id text,
      position integer not null default 0,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, category_id),
      foreign key (tenant_id, parent_id) references categories (tenant_id, category_id),
      check (parent_id <> category_id)
    );
    create index categories_parent on categories (tenant_id, parent_id, position, category_id);
    select backroom_private.enable_tenant_isolation('categories');

    -- An attribute set names typed custom attributes: [{ code, label, type, required, options }].
    create table attribute_sets (
      tenant_id uuid not null references tenants (id),
      attribute_set_id text not null,
      name text not null,
      attributes jsonb not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, attribute_set_id)
    );
    select backroom_private.enable_tenant_isolation('attribute_sets');

    -- A deleted product keeps its row (orders and stock refer to it) and leaves every listing.
    create table products (
      tenant_id uuid not null references tenants (id),
      product_id text not null,
      sku text not null,
      gtins text[] not null default '{}',
      name text not null,
      description_html text,
      brand text,
      manufacturer text,
      status text not null check (status in ('active', 'inactive')),
      tax_class text,
      variant_group_id text,
      variant_attributes jsonb not null default '{}',
      category_ids text[] not null default '{}',
      attribute_set_ids text[] not null default '{}',
      attributes jsonb not null default '{}',
      images jsonb not null default '[]',
      weight_grams integer check (weight_grams >= 0),
      dimensions_mm jsonb,
      list_price bigint check (list_price >= 0),
      currency char(3),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      primary key (tenant_id, product_id),
      check ((list_price is null) = (currency is null))
    );
    create unique index products_sku on products (tenant_id, sku) where deleted_at is null;
    create index products_updated on products (tenant_id, updated_at, product_id);
    create index products_categories on products using gin (category_ids);
    create index products_gtins on products using gin (gtins);
    create index products_name_search on products using gin (to_tsvector('simple', name));
    create index products_sku_prefix on products (tenant_id, lower(sku) text_pattern_ops);
    create index products_brand on products (tenant_id, brand);
    create index products_variant_group on products (tenant_id, variant_group_id)
      where variant_group_id is not null;
    select backroom_private.enable_tenant_isolation('products');

    -- What a product costs at one store: its own list price, a sale price with an optional window, a banner.
    create table store_prices (
      tenant_id uuid not null references tenants (id),
      store_id text not null,
      product_id text not null,
      currency char(3) not null,
      list_price bigint check (list_price >= 0),
      sale_price bigint check (sale_price >= 0),
      sale_starts_at timestamptz,
      sale_ends_at timestamptz,
      promo_banner_text text,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, store_id, product_id),
      foreign key (tenant_id, store_id) references stores (tenant_id, store_id),
      foreign key (tenant_id, product_id) references products (tenant_id, product_id),
      check (sale_starts_at is null or sale_ends_at is null or sale_starts_at < sale_ends_at)
    );
    create index store_prices_product on store_prices (tenant_id, product_id);
    select backroom_private.enable_tenant_isolation('store_prices');

    create table associates (
      tenant_id uuid not null references tenants (id),
      associate_id text not null,
      employee_number text not null,
      first_name text not null,
      last_name text not null,
      email text,
      store_ids text[] not null default '{}',
      role text not null,
      pin_hash text,
      pin_failures integer not null default 0,
      pin_locked_until timestamptz,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, associate_id)
    );
    create unique index associates_employee_number on associates (tenant_id, employee_number);
    create index associates_stores on associates using gin (store_ids);
    select backroom_private.enable_tenant_isolation('associates');

    -- A catalog feed: the uploaded file, its progress and its outcome.
    create table catalog_imports (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      format text not null check (format in ('csv', 'jsonl')),
      source text not null,
      status text not null check (status in ('queued', 'running', 'completed', 'failed')),
      total_rows integer,
      processed_rows integer not null default 0,
      created_count integer not null default 0,
      updated_count integer not null default 0,
      unchanged_count integer not null default 0,
      failed_count integer not null default 0,
      failure text,
      requested_by text not null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      primary key (tenant_id, id)
    );
    select backroom_private.enable_tenant_isolation('catalog_imports');

    create table catalog_import_errors (
      tenant_id uuid not null,
      import_id uuid not null,
      row_number integer not null,
      field text not null,
      reason text not null,
      primary key (tenant_id, import_id, row_number, field),
      foreign key (tenant_id, import_id) references catalog_imports (tenant_id, id) on delete cascade
    );
    select backroom_private.enable_tenant_isolation('catalog_import_errors');
  `.execute(db);
}
