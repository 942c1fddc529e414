import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';
import { toConnector } from '../connectors/lookup.ts';
import { joinedToConnectors } from './events-repo.ts';
import { enqueueAttempt } from './schedule.ts';

export interface NewDeliveries {
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  connectors: readonly { id: string; endpointName: string; enabled: boolean }[];
  firstAttemptAt: Date;
  /** The `last_error` of a delivery to a disabled connector, which waits without a job until it is enabled. */
  waitingNote: string;
}

/**
 * One delivery per connector, in one statement: to an enabled connector with its first attempt's job, to a
 * disabled one waiting (no next attempt, no job). A delivery that already exists (the event is dispatched
 * again after a crash) is left alone and not scheduled again. Answers how many deliveries were created.
 */
export async function insertDeliveries(tx: Tx, tenantId: string, deliveries: NewDeliveries): Promise<number> {
  const connectors = deliveries.connectors.map(({ id, endpointName, enabled }) => ({
    id,
    endpointName,
    enabled,
  }));
  const { rows } = await sql<{ id: string }>`
    with created as (
      insert into webhook_deliveries
        (tenant_id, connector_id, event_id, event_type, endpoint_name, payload, next_attempt_at, last_error)
      select ${tenantId}, c.id, ${deliveries.eventId}, ${deliveries.eventType}, c."endpointName",
        ${JSON.stringify(deliveries.payload)}::jsonb,
        case when c.enabled then ${deliveries.firstAttemptAt}::timestamptz end,
        case when not c.enabled then ${deliveries.waitingNote}::text end
      from jsonb_to_recordset(${JSON.stringify(connectors)}::jsonb)
        as c (id uuid, "endpointName" text, enabled boolean)
      on conflict (tenant_id, connector_id, event_id) do nothing
      returning id, next_attempt_at
    )
    select created.id, case when created.next_attempt_at is not null
      then ${enqueueAttempt(tenantId, sql.ref('created.id'), sql.ref('created.next_attempt_at'))} end
    from created`.execute(tx);
  return rows.length;
}

export function findDelivery(tx: Tx, deliveryId: string) {
  return tx
    .selectFrom('webhookDeliveries')
    .select(['id', 'connectorId', 'payload', 'status', 'attempts', 'totalAttempts', 'repostedAt'])
    .where('id', '=', deliveryId)
    .executeTakeFirst();
}

/**
 * What an attempt needs, in one statement: the delivery and its connector (headers read as text, as
 * `selectConnectors` does, so their names keep their case).
 */
export async function findDeliveryWithConnector(tx: Tx, deliveryId: string) {
  const row = await joinedToConnectors(tx)
    .selectAll('connectors')
    .select(sql<string>`connectors.headers::text`.as('headersText'))
    .select([
      'webhookDeliveries.id as deliveryId',
      'webhookDeliveries.payload',
      'webhookDeliveries.status',
      'webhookDeliveries.attempts',
      'webhookDeliveries.totalAttempts',
      'webhookDeliveries.repostedAt',
    ])
    .where('webhookDeliveries.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { deliveryId: id, payload, status, attempts, totalAttempts, repostedAt, ...connector } = row;
  return {
    delivery: { id, payload, status, attempts, totalAttempts, repostedAt },
    connector: toConnector(connector),
  };
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
 * Records an attempt on a delivery still pending and still at `totalAttemptsBefore` attempts ever made, and
 * schedules the next one if there is one, in one statement. The fence is the total, which only grows: a
 * repost resets the run's `attempts` to 0, so an attempt loaded before a repost could otherwise be recorded
 * into the repost's run. A delivery recorded (or recorded and reposted) meanwhile is left alone. Answers
 * whether the delivery was updated.
 */
export async function recordAttempt(
  tx: Tx,
  tenantId: string,
  deliveryId: string,
  totalAttemptsBefore: number,
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
      where id = ${deliveryId} and status = 'pending' and total_attempts = ${totalAttemptsBefore}
      returning id, next_attempt_at
    )
    select updated.id, case when updated.next_attempt_at is not null
      then ${enqueueAttempt(tenantId, sql.ref('updated.id'), sql.ref('updated.next_attempt_at'))} end
    from updated`.execute(tx);
  return rows.length > 0;
}

/**
 * Schedules at most `limit` pending deliveries of a connector at `runAt`, the oldest first, in one statement.
 * Answers how many were scheduled and how many pending deliveries of the connector are left as they were.
 */
export async function reschedulePending(
  tx: Tx,
  tenantId: string,
  connectorId: string,
  runAt: Date,
  limit: number,
): Promise<{ scheduled: number; remaining: number }> {
  const scheduled = await scheduleChosen(
    tx,
    tenantId,
    sql`select d.id from webhook_deliveries d
      where d.connector_id = ${connectorId} and d.status = 'pending'
      order by d.created_at, d.id
      limit ${limit}
      for update`,
    runAt,
  );
  const pending = await tx
    .selectFrom('webhookDeliveries')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('connectorId', '=', connectorId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { scheduled, remaining: Math.max(0, Number(pending.count) - scheduled) };
}

/**
 * Pending deliveries nothing will send (`d`, joined to its connector `c`): due before `stalledBefore` — their
 * job was lost, or gave up after crashes or database errors — or waiting although their connector is enabled
 * (it was enabled while they were being created).
 */
const stranded = (stalledBefore: Date) => sql<boolean>`d.status = 'pending'
  and (d.next_attempt_at < ${stalledBefore} or (d.next_attempt_at is null and c.enabled))`;

/**
 * The tenants with stranded deliveries. A platform statement, run as the connecting (owner) role: the sweep
 * must see every tenant.
 */
export async function tenantsWithStrandedDeliveries(db: Db, stalledBefore: Date): Promise<string[]> {
  const { rows } = await sql<{ tenantId: string }>`
    select distinct d.tenant_id as "tenantId"
    from webhook_deliveries d
    join connectors c on c.tenant_id = d.tenant_id and c.id = d.connector_id
    where ${stranded(stalledBefore)}`.execute(db);
  return rows.map((row) => row.tenantId);
}

/**
 * Schedules at most `limit` of the tenant's stranded deliveries at `runAt`, the oldest first, in one
 * statement; rows being recorded right now are skipped. Answers how many were scheduled.
 */
export async function rescheduleStranded(
  tx: Tx,
  tenantId: string,
  stalledBefore: Date,
  runAt: Date,
  limit: number,
): Promise<number> {
  return scheduleChosen(
    tx,
    tenantId,
    sql`select d.id from webhook_deliveries d
      join connectors c on c.tenant_id = d.tenant_id and c.id = d.connector_id
      where ${stranded(stalledBefore)}
      order by d.created_at, d.id
      limit ${limit}
      for update of d skip locked`,
    runAt,
  );
}

/** Sets the next attempt of the deliveries `chosen` selects (ids) to `runAt` and schedules it, in one statement. */
async function scheduleChosen(
  tx: Tx,
  tenantId: string,
  chosen: RawBuilder<unknown>,
  runAt: Date,
): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    with chosen as (${chosen}), rescheduled as (
      update webhook_deliveries d set next_attempt_at = ${runAt}
      from chosen where d.id = chosen.id
      returning d.id
    )
    select rescheduled.id, ${enqueueAttempt(tenantId, sql.ref('rescheduled.id'), runAt)}
    from rescheduled`.execute(tx);
  return rows.length;
}

export interface EventDeliveryRow {
  eventId: string;
  /** When the event was handed to the webhook fan-out, which creates its deliveries in that transaction. */
  dispatchedAt: Date | null;
  /** The delivery's fields are null when the event has no delivery. */
  connectorId: string | null;
  endpointName: string | null;
  status: 'pending' | 'succeeded' | 'failed' | null;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  succeededAt: Date | null;
}

/** Events of those ids with each of their deliveries, an event without delivery once. */
export function eventDeliveryRows(tx: Tx, eventIds: readonly string[]): Promise<EventDeliveryRow[]> {
  if (eventIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('events')
    .leftJoin('webhookDeliveries', (join) =>
      join
        .onRef('webhookDeliveries.tenantId', '=', 'events.tenantId')
        .onRef('webhookDeliveries.eventId', '=', 'events.id'),
    )
    .select([
      'events.id as eventId',
      'events.dispatchedAt',
      'webhookDeliveries.connectorId',
      'webhookDeliveries.endpointName',
      'webhookDeliveries.status',
      'webhookDeliveries.nextAttemptAt',
      'webhookDeliveries.lastError',
      'webhookDeliveries.lastStatusCode',
      'webhookDeliveries.succeededAt',
    ])
    .where('events.id', 'in', [...eventIds])
    .execute();
}
