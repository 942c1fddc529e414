import { type RawBuilder, sql } from 'kysely';
import type { Platform } from '../platform/context.ts';
import type { Db } from '../platform/db/database.ts';
import type { TaskDefinition } from '../platform/events/registry.ts';

export const PURGE_INTEGRATION_RECORDS_TASK = 'integrations.purge';
const DAY_MS = 86_400_000;
const BATCH_SIZE = 1000;

export interface PurgedRecords {
  connectorCalls: number;
  succeededDeliveries: number;
  failedDeliveries: number;
  emails: number;
}

/**
 * Deletes what is older than the retention period: connector calls, webhook deliveries that succeeded or
 * failed (a failed event can be reposted until then), and e-mails that were sent, skipped or failed.
 * Deliveries waiting for an attempt and queued e-mails stay, however old.
 *
 * These are platform statements: they run as the connecting (owner) role to reach every tenant's rows. Each
 * batch is a statement of its own, so no run holds many row locks or a long transaction; calls and
 * deliveries are found through their indexes, one connector or tenant at a time.
 */
export async function purgeIntegrationRecords(
  db: Db,
  retentionDays: number,
  now: Date,
  batchSize = BATCH_SIZE,
): Promise<PurgedRecords> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const purged: PurgedRecords = { connectorCalls: 0, succeededDeliveries: 0, failedDeliveries: 0, emails: 0 };
  const purge = (table: PurgedTable, where: RawBuilder<unknown>) =>
    deleteInBatches(db, table, where, batchSize);

  const connectors = await db.selectFrom('connectors').select(['tenantId', 'id']).execute();
  for (const { tenantId, id } of connectors) {
    purged.connectorCalls += await purge(
      'connectorCalls',
      sql`tenant_id = ${tenantId} and connector_id = ${id} and started_at < ${cutoff}`,
    );
  }

  const tenants = await db.selectFrom('tenants').select('id').execute();
  for (const { id: tenantId } of tenants) {
    purged.succeededDeliveries += await purge(
      'webhookDeliveries',
      sql`tenant_id = ${tenantId} and status = 'succeeded' and created_at < ${cutoff}
        and succeeded_at < ${cutoff}`,
    );
    purged.failedDeliveries += await purge(
      'webhookDeliveries',
      sql`tenant_id = ${tenantId} and status = 'failed' and created_at < ${cutoff}
        and failed_at < ${cutoff}`,
    );
  }

  purged.emails = await purge('emailOutbox', sql`status <> 'queued' and created_at < ${cutoff}`);
  return purged;
}

/** The tables the purge deletes from: fixed names, never built from input. */
const PURGED_TABLES = {
  connectorCalls: sql.table('connector_calls'),
  webhookDeliveries: sql.table('webhook_deliveries'),
  emailOutbox: sql.table('email_outbox'),
};
type PurgedTable = keyof typeof PURGED_TABLES;

/**
 * Deletes the rows of `table` that match `where`, `batchSize` at a time, each batch a statement of its own,
 * until a batch comes up short; answers how many it deleted.
 */
async function deleteInBatches(
  db: Db,
  table: PurgedTable,
  where: RawBuilder<unknown>,
  batchSize: number,
): Promise<number> {
  const from = PURGED_TABLES[table];
  let total = 0;
  for (;;) {
    const { numAffectedRows } = await sql`
      delete from ${from} where (tenant_id, id) in (
        select tenant_id, id from ${from} where ${where} limit ${batchSize})`.execute(db);
    const deleted = Number(numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

/** Daily, at a quiet hour (UTC); `BACKROOM_INTEGRATION_RETENTION_DAYS` sets the period. */
export const purgeIntegrationRecordsTask: TaskDefinition = {
  name: PURGE_INTEGRATION_RECORDS_TASK,
  schedule: '41 3 * * *',
  async run(platform: Platform) {
    const days = platform.config.integrationRetentionDays;
    const purged = await purgeIntegrationRecords(platform.db, days, platform.now());
    platform.log.info(
      { task: PURGE_INTEGRATION_RECORDS_TASK, retentionDays: days, ...purged },
      'purged old integration records',
    );
  },
};
