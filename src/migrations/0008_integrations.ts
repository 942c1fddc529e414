import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Adds a job that runs at a given time; a job_key keeps at most one waiting job per key (a newer one
    -- replaces it), so a delivery can be scheduled from several places without running twice.
    create function backroom_private.enqueue_job_at(
      task text, payload json, run_at timestamptz, job_key text, max_attempts integer
    ) returns void
      language plpgsql security definer set search_path = pg_catalog
      as $$ begin
        perform graphile_worker.add_job(task, payload, run_at => run_at, job_key => job_key,
          job_key_mode => 'replace', max_attempts => max_attempts);
      end $$;
    revoke all on function backroom_private.enqueue_job_at(text, json, timestamptz, text, integer) from public;
    grant execute on function backroom_private.enqueue_job_at(text, json, timestamptz, text, integer)
      to backroom_app;

    -- Custom connectors: webhooks (events pushed to the merchant) and SPIs (Backroom asks the merchant).
    create table connectors (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      name text not null,
      type text not null check (type in ('WEBHOOK', 'SPI')),
      endpoint_name text not null,
      url text not null,
      integration_type text not null
        check (integration_type in ('HTTP_POST', 'HTTP_GET', 'HTTP_PUT', 'HTTP_DELETE')),
      headers jsonb not null default '{}',
      events text[] not null default '{}',
      api_key text,
      api_version text,
      timeout_ms integer not null check (timeout_ms between 100 and 30000),
      latency_threshold_ms integer not null check (latency_threshold_ms between 1 and 60000),
      enabled boolean not null default true,
      signing_secret text not null,
      -- After a rotation the previous secret keeps signing too, until it expires.
      previous_signing_secret text,
      previous_secret_expires_at timestamptz,
      -- The first failure of the current unbroken run of failures; cleared by a success.
      failing_since timestamptz,
      last_failure_at timestamptz,
      last_alert_at timestamptz,
      disabled_at timestamptz,
      disabled_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    -- An SPI is one answer to one question: at most one enabled connector per SPI endpoint.
    create unique index connectors_one_enabled_spi on connectors (tenant_id, endpoint_name)
      where type = 'SPI' and enabled;
    create index connectors_webhooks on connectors (tenant_id, endpoint_name) where type = 'WEBHOOK' and enabled;
    select backroom_private.enable_tenant_isolation('connectors');

    create table integration_settings (
      tenant_id uuid primary key references tenants (id),
      -- Where connector alerts go; the merchant's support address when null.
      alert_email text,
      alert_window_minutes integer not null default 60 check (alert_window_minutes between 1 and 10080),
      disable_after_minutes integer not null default 7200 check (disable_after_minutes between 1 and 525600),
      -- Private address ranges outbound calls may reach: 'loopback', 'private', 'linkLocal', … or CIDRs.
      allowed_networks text[] not null default '{}',
      updated_at timestamptz not null default now()
    );
    select backroom_private.enable_tenant_isolation('integration_settings');

    -- One row per (event, webhook connector). Its id is the webhook-id every attempt and repost carries.
    create table webhook_deliveries (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      connector_id uuid not null,
      event_id uuid not null,
      event_type text not null,
      endpoint_name text not null,
      payload jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
      -- Attempts made in the current run of the retry schedule; a repost starts a new run.
      attempts integer not null default 0,
      total_attempts integer not null default 0,
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      succeeded_at timestamptz,
      failed_at timestamptz,
      reposted_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, connector_id, event_id),
      foreign key (tenant_id, connector_id) references connectors (tenant_id, id) on delete cascade
    );
    create index webhook_deliveries_by_status on webhook_deliveries (tenant_id, status, created_at);
    create index webhook_deliveries_by_connector on webhook_deliveries (tenant_id, connector_id, created_at);
    -- The sweeper and a connector's resume look only at deliveries still pending.
    create index webhook_deliveries_pending on webhook_deliveries (tenant_id, connector_id, next_attempt_at)
      where status = 'pending';
    select backroom_private.enable_tenant_isolation('webhook_deliveries');

    -- Every outbound call a connector made: webhook attempts and SPI calls. Feeds health and the attempt list.
    create table connector_calls (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      connector_id uuid not null,
      delivery_id uuid,
      kind text not null check (kind in ('webhook', 'spi')),
      started_at timestamptz not null,
      latency_ms integer not null,
      status_code integer,
      outcome text not null check (outcome in ('succeeded', 'failed')),
      failure text check (failure in ('http_status', 'timeout', 'network', 'error_body', 'invalid_response',
        'too_large', 'url_refused', 'circuit_open')),
      error text,
      response_excerpt text,
      reposted boolean not null default false,
      primary key (tenant_id, id),
      foreign key (tenant_id, connector_id) references connectors (tenant_id, id) on delete cascade
    );
    create index connector_calls_by_connector on connector_calls (tenant_id, connector_id, started_at);
    create index connector_calls_by_delivery on connector_calls (tenant_id, delivery_id) where delivery_id is not null;
    select backroom_private.enable_tenant_isolation('connector_calls');

    -- E-mails Backroom sends (connector alerts, notifications, pick lists), sent by a job after commit.
    create table email_outbox (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      purpose text not null,
      recipients text[] not null,
      subject text not null,
      text_body text not null,
      status text not null default 'queued' check (status in ('queued', 'sent', 'failed', 'skipped')),
      attempts integer not null default 0,
      last_error text,
      message_id text,
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      primary key (tenant_id, id)
    );
    -- Retention deletes finished e-mails oldest first.
    create index email_outbox_finished on email_outbox (created_at) where status <> 'queued';
    select backroom_private.enable_tenant_isolation('email_outbox');

    -- Worker processes and their job-runner ids, so a live worker can free the jobs of one that died.
    create table worker_processes (
      id text primary key,
      worker_ids text[] not null,
      started_at timestamptz not null default now(),
      heartbeat_at timestamptz not null default now()
    );
  `.execute(db);
}
