import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import { DELIVER_TASK } from './schedule.ts';

/** Job payload and key of a delivery's next attempt, as scheduleDelivery writes them, for set-wise statements. */
const enqueueAttempt = (tenantId: string, deliveryId: ReturnType<typeof sql.ref>, runAt: Date) =>
  sql`backroom_private.enqueue_job_at(${DELIVER_TASK},
    json_build_object('tenantId', ${tenantId}::text, 'deliveryId', ${deliveryId}::text),
    ${runAt}, 'webhook:' || ${deliveryId}::text, 3)`;

export interface NewDeliveries {
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  connectors: readonly { id: string; endpointName: string }[];
  firstAttemptAt: Date;
}

/**
 * One delivery per connector and its first attempt's job, in one statement. A delivery that already exists
 * (the event is dispatched again after a crash) is left alone and not scheduled again. Answers how many
 * deliveries were created.
 */
export async function insertDeliveries(tx: Tx, tenantId: string, deliveries: NewDeliveries): Promise<number> {
  const connectors = deliveries.connectors.map(({ id, endpointName }) => ({ id, endpointName }));
  const { rows } = await sql<{ id: string }>`
    with created as (
      insert into webhook_deliveries
        (tenant_id, connector_id, event_id, event_type, endpoint_name, payload, next_attempt_at)
      select ${tenantId}, c.id, ${deliveries.eventId}, ${deliveries.eventType}, c."endpointName",
        ${JSON.stringify(deliveries.payload)}::jsonb, ${deliveries.firstAttemptAt}
      from jsonb_to_recordset(${JSON.stringify(connectors)}::jsonb) as c (id uuid, "endpointName" text)
      on conflict (tenant_id, connector_id, event_id) do nothing
      returning id
    )
    select created.id, ${enqueueAttempt(tenantId, sql.ref('created.id'), deliveries.firstAttemptAt)}
    from created`.execute(tx);
  return rows.length;
}

export function findDelivery(tx: Tx, deliveryId: string) {
  return tx
    .selectFrom('webhookDeliveries')
    .select(['id', 'connectorId', 'payload', 'status', 'attempts', 'repostedAt'])
    .where('id', '=', deliveryId)
    .executeTakeFirst();
}

/** Leaves a pending delivery waiting, with the reason, until its connector is enabled again. */
export async function noteWaiting(tx: Tx, deliveryId: string, reason: string): Promise<void> {
  await tx
    .updateTable('webhookDeliveries')
    .set({ lastError: reason, nextAttemptAt: null })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute();
}

export interface AttemptOutcome {
  at: Date;
  statusCode: number | null;
  /** Null when the attempt succeeded. */
  error: string | null;
  /** What happens next: done (succeeded), another attempt at a time, or failed for good. */
  next: { kind: 'succeeded' } | { kind: 'retry'; at: Date } | { kind: 'failed' };
}

/**
 * Records an attempt on a delivery still pending and still at `attemptsBefore` attempts, and schedules the
 * next one if there is one, in one statement. A delivery reposted or recorded meanwhile is left alone.
 * Answers whether the delivery was updated.
 */
export async function recordAttempt(
  tx: Tx,
  tenantId: string,
  deliveryId: string,
  attemptsBefore: number,
  outcome: AttemptOutcome,
): Promise<boolean> {
  const { next } = outcome;
  const status = next.kind === 'retry' ? 'pending' : next.kind;
  const retryAt = next.kind === 'retry' ? next.at : null;
  const { rows } = await sql<{ id: string }>`
    with updated as (
      update webhook_deliveries set
        status = ${status},
        attempts = attempts + 1,
        total_attempts = total_attempts + 1,
        last_attempt_at = ${outcome.at},
        last_status_code = ${outcome.statusCode},
        last_error = ${outcome.error},
        next_attempt_at = ${retryAt},
        succeeded_at = ${next.kind === 'succeeded' ? outcome.at : null},
        failed_at = ${next.kind === 'failed' ? outcome.at : null}
      where id = ${deliveryId} and status = 'pending' and attempts = ${attemptsBefore}
      returning id, next_attempt_at
    )
    select updated.id, case when updated.next_attempt_at is not null
      then ${enqueueAttempt(tenantId, sql.ref('updated.id'), retryAt ?? outcome.at)} end
    from updated`.execute(tx);
  return rows.length > 0;
}

/** Schedules every pending delivery of a connector at `runAt` and answers how many there were. */
export async function reschedulePending(
  tx: Tx,
  tenantId: string,
  connectorId: string,
  runAt: Date,
): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    with waiting as (
      update webhook_deliveries set next_attempt_at = ${runAt}
      where connector_id = ${connectorId} and status = 'pending'
      returning id
    )
    select waiting.id, ${enqueueAttempt(tenantId, sql.ref('waiting.id'), runAt)}
    from waiting`.execute(tx);
  return rows.length;
}
