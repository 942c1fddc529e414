import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The merchant's app on one device, as the app registers it; email is the address the app user signed in
    -- with (lower-case), so notifications addressed by e-mail reach the user's devices.
    create table device_installations (
      tenant_id uuid not null references tenants (id),
      installation_id text not null,
      customer_id text,
      email text,
      platform text not null check (platform in ('ios', 'android', 'web')),
      push_token text,
      app_version text,
      locale text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, installation_id)
    );
    create index device_installations_by_email on device_installations (tenant_id, email, installation_id)
      where email is not null;
    create index device_installations_by_customer on device_installations (tenant_id, customer_id, installation_id)
      where customer_id is not null;
    select backroom_private.enable_tenant_isolation('device_installations');

    create table notifications (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      type text not null,
      title text not null,
      message text not null,
      data jsonb not null default '{}',
      -- The PUSH_NOTIFICATION event handed to the merchant's push provider; null when nothing went by push.
      event_id uuid,
      requested_by text not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    create index notifications_newest_first on notifications (tenant_id, created_at desc, id desc);
    select backroom_private.enable_tenant_isolation('notifications');

    -- One row per device or address a notification went to. Installations may be deleted later; the record
    -- of what was sent stays, so installation_id is not a foreign key.
    create table notification_recipients (
      tenant_id uuid not null,
      notification_id uuid not null,
      position integer not null,
      channel text not null check (channel in ('push', 'email')),
      installation_id text,
      platform text,
      email text,
      email_id uuid,
      event_id uuid,
      -- Why a push recipient could not be handed to any push provider.
      undeliverable_reason text,
      primary key (tenant_id, notification_id, position),
      foreign key (tenant_id, notification_id) references notifications (tenant_id, id) on delete cascade,
      check (channel = 'email' and email_id is not null or channel = 'push' and installation_id is not null)
    );
    select backroom_private.enable_tenant_isolation('notification_recipients');

    -- A notification's push status is read from the webhook deliveries of its event.
    create index webhook_deliveries_by_event on webhook_deliveries (tenant_id, event_id);
  `.execute(db);
}
