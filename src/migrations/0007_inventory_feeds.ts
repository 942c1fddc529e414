import { type Kysely, sql } from 'kysely';

// Frozen: this file describes the database as it was at this version. Change the schema in a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A full inventory feed (CSV) and its progress. The file is kept so that a crashed run can resume: rows
    -- up to processed_rows are applied, and the counters commit with each batch.
    create table inventory_imports (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      source text not null,
      status text not null check (status in ('queued', 'running', 'completed', 'failed')),
      total_rows integer,
      processed_rows integer not null default 0,
      -- Rows whose quantities differed and were reconciled with movements.
      changed_count integer not null default 0,
      unchanged_count integer not null default 0,
      failed_count integer not null default 0,
      -- Products of the feed's stores that the file leaves out and whose stock was set to 0.
      zeroed_count integer not null default 0,
      store_count integer,
      failure text,
      requested_by text not null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      primary key (tenant_id, id)
    );
    select backroom_private.enable_tenant_isolation('inventory_imports');

    create table inventory_import_errors (
      tenant_id uuid not null,
      import_id uuid not null,
      row_number integer not null,
      field text not null,
      reason text not null,
      primary key (tenant_id, import_id, row_number, field),
      foreign key (tenant_id, import_id) references inventory_imports (tenant_id, id) on delete cascade
    );
    select backroom_private.enable_tenant_isolation('inventory_import_errors');
  `.execute(db);
}
