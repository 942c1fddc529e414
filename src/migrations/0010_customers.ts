import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- How a merchant wants duplicates handled, and the counter behind generated customer numbers.
    create table customer_settings (
      tenant_id uuid primary key references tenants (id),
      -- On create, a customer whose normalised e-mail or phone matches an existing one is either answered as
      -- that existing customer ('return_existing') or created and linked to it ('create_and_link').
      duplicate_policy text not null default 'return_existing'
        check (duplicate_policy in ('return_existing', 'create_and_link')),
      next_number bigint not null default 1,
      updated_at timestamptz not null default now()
    );
    select backroom_private.enable_tenant_isolation('customer_settings');

    -- One customer, one number in every channel. A merged customer keeps its row (its number stays an alias
    -- of the survivor), with status 'merged' and merged_into set.
    create table customers (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      customer_id text not null,
      status text not null default 'active' check (status in ('active', 'merged')),
      merged_into uuid,
      first_name text,
      last_name text,
      email text,
      -- Lower-cased, trimmed: what duplicates are found by.
      email_normalized text,
      phone text,
      -- Digits with a leading + in E.164 form when a country is known: what duplicates are found by.
      phone_normalized text,
      birth_date date,
      loyalty_id text,
      channel text not null check (channel in ('web', 'store', 'mobile', 'phone', 'marketplace', 'api', 'import')),
      origin_store_id text,
      email_marketing boolean not null default false,
      sms_marketing boolean not null default false,
      consent_updated_at timestamptz,
      note text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, customer_id),
      foreign key (tenant_id, merged_into) references customers (tenant_id, id)
    );
    create index customers_email on customers (tenant_id, email_normalized) where email_normalized is not null;
    create index customers_phone on customers (tenant_id, phone_normalized) where phone_normalized is not null;
    create unique index customers_loyalty on customers (tenant_id, loyalty_id)
      where loyalty_id is not null and status = 'active';
    create index customers_name on customers (tenant_id, lower(last_name), lower(first_name));
    select backroom_private.enable_tenant_isolation('customers');

    create table customer_addresses (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      customer_uuid uuid not null,
      label text,
      name text,
      line1 text not null,
      line2 text,
      city text not null,
      region text,
      postal_code text,
      country text not null,
      phone text,
      default_shipping boolean not null default false,
      default_billing boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, customer_uuid) references customers (tenant_id, id) on delete cascade
    );
    create index customer_addresses_by_customer on customer_addresses (tenant_id, customer_uuid);
    create unique index customer_addresses_one_default_shipping on customer_addresses (tenant_id, customer_uuid)
      where default_shipping;
    create unique index customer_addresses_one_default_billing on customer_addresses (tenant_id, customer_uuid)
      where default_billing;
    select backroom_private.enable_tenant_isolation('customer_addresses');

    -- Possible duplicates, linked on create (same e-mail or phone) or by hand; a merge resolves them.
    create table customer_links (
      tenant_id uuid not null,
      customer_a uuid not null,
      customer_b uuid not null,
      reason text not null check (reason in ('email', 'phone', 'manual')),
      created_at timestamptz not null default now(),
      primary key (tenant_id, customer_a, customer_b),
      check (customer_a < customer_b),
      foreign key (tenant_id, customer_a) references customers (tenant_id, id) on delete cascade,
      foreign key (tenant_id, customer_b) references customers (tenant_id, id) on delete cascade
    );
    create index customer_links_b on customer_links (tenant_id, customer_b);
    select backroom_private.enable_tenant_isolation('customer_links');
  `.execute(db);
}
