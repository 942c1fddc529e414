import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema backroom_private;

    do $$ begin
      if not exists (select from pg_roles where rolname = 'backroom_app') then
        create role backroom_app nologin;
      end if;
      if not (select rolsuper from pg_roles where rolname = current_user) then
        execute format('grant backroom_app to %I', current_user);
      end if;
    end $$;

    grant usage on schema public to backroom_app;
    grant usage on schema backroom_private to backroom_app;

    create function backroom_private.current_tenant() returns uuid
      language sql stable
      as $$ select nullif(current_setting('backroom.tenant_id', true), '')::uuid $$;

    -- Every tenant table calls this once: rows are visible and writable only inside their tenant's transaction.
    create function backroom_private.enable_tenant_isolation(target regclass) returns void
      language plpgsql
      as $$ begin
        execute format('alter table %s enable row level security', target);
        execute format(
          'create policy tenant_isolation on %s using (tenant_id = backroom_private.current_tenant()) '
          'with check (tenant_id = backroom_private.current_tenant())', target);
        execute format('grant select, insert, update, delete on %s to backroom_app', target);
      end $$;

    -- The application role may enqueue jobs and nothing else: the job queue's tables stay private to the owner.
    create function backroom_private.enqueue_job(task text, payload json, max_attempts integer) returns void
      language plpgsql security definer set search_path = pg_catalog
      as $$ begin
        perform graphile_worker.add_job(task, payload, max_attempts => max_attempts);
      end $$;
    revoke all on function backroom_private.enqueue_job(text, json, integer) from public;
    grant execute on function backroom_private.enqueue_job(text, json, integer) to backroom_app;

    create table merchants (
      id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text not null,
      support_email text,
      licence_tier text not null default 'standard',
      created_at timestamptz not null default now()
    );

    create table tenants (
      id uuid primary key default gen_random_uuid(),
      merchant_id text not null references merchants (id),
      environment text not null check (environment in ('production', 'staging')),
      created_at timestamptz not null default now(),
      unique (merchant_id, environment)
    );
    grant select on merchants, tenants to backroom_app;

    create table signing_keys (
      id uuid primary key default gen_random_uuid(),
      secret text not null,
      created_at timestamptz not null default now()
    );

    create table api_clients (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      client_id text not null unique,
      name text not null,
      secret_hash text not null,
      api_key_hash text not null unique,
      scopes text[] not null,
      rate_limit_per_second integer check (rate_limit_per_second > 0),
      rate_limit_per_day integer check (rate_limit_per_day > 0),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    select backroom_private.enable_tenant_isolation('api_clients');

    create table users (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      email text not null,
      name text not null,
      role text not null check (role in ('system_admin', 'store_manager', 'associate')),
      password_hash text not null,
      password_changed_at timestamptz not null default now(),
      must_change_password boolean not null default true,
      failed_login_attempts integer not null default 0,
      locked_until timestamptz,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    create unique index users_email on users (tenant_id, lower(email));
    select backroom_private.enable_tenant_isolation('users');

    create table password_history (
      tenant_id uuid not null,
      user_id uuid not null,
      password_hash text not null,
      created_at timestamptz not null default now(),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index password_history_user on password_history (tenant_id, user_id, created_at desc);
    select backroom_private.enable_tenant_isolation('password_history');

    -- Unlogged: counting a call must not wait for a WAL flush while holding the client's counter row.
    -- The price is that a crash of PostgreSQL resets the current counts, which is acceptable for rate limits.
    create unlogged table rate_limit_counters (
      tenant_id uuid not null,
      principal text not null,
      second_window bigint not null,
      second_hits integer not null,
      day_window bigint not null,
      day_hits integer not null,
      primary key (tenant_id, principal)
    );
    select backroom_private.enable_tenant_isolation('rate_limit_counters');

    create table idempotency_keys (
      tenant_id uuid not null,
      principal text not null,
      key text not null,
      request_hash text not null,
      response_status integer not null,
      response_body jsonb,
      created_at timestamptz not null default now(),
      primary key (tenant_id, principal, key)
    );
    create index idempotency_keys_created on idempotency_keys (created_at);
    select backroom_private.enable_tenant_isolation('idempotency_keys');

    create table events (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      type text not null,
      subject text not null,
      data jsonb not null,
      request_id text,
      occurred_at timestamptz not null default now(),
      dispatched_at timestamptz,
      primary key (tenant_id, id)
    );
    create index events_occurred on events (tenant_id, occurred_at);
    select backroom_private.enable_tenant_isolation('events');
  `.execute(db);
}
