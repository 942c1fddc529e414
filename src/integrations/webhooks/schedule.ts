import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export const DELIVER_TASK = 'webhook.deliver';
export const SWEEP_TASK = 'webhook.sweep';

/**
 * Job attempts of one delivery attempt. They cover crashes and database errors only — the retry schedule of
 * the delivery itself is Backroom's — spread by the job queue's back-off over a few hours; should they all
 * fail, the sweeper schedules the delivery again.
 */
export const DELIVER_JOB_MAX_ATTEMPTS = 10;

/** A value, or a column of the rows a statement works on (`sql.ref('updated.id')`). */
type SqlValue = string | Date | RawBuilder<unknown>;

/**
 * The call that schedules a delivery's next attempt at `runAt`, to select once per row of a set of
 * deliveries, in the statement that changes them: `select d.id, ${enqueueAttempt(...)} from d`. The job key
 * keeps one waiting job per delivery: a repost, a resume or a sweep replaces the waiting job instead of
 * adding a second one.
 */
export function enqueueAttempt(tenantId: SqlValue, deliveryId: SqlValue, runAt: SqlValue): RawBuilder<void> {
  return sql<void>`backroom_private.enqueue_job_at(${DELIVER_TASK},
    json_build_object('tenantId', ${tenantId}::text, 'deliveryId', ${deliveryId}::text),
    ${runAt}, 'webhook:' || ${deliveryId}::text, ${DELIVER_JOB_MAX_ATTEMPTS})`;
}

/** Queues a sweep of the tenant's stranded deliveries at `runAt` (one waiting sweep per tenant). */
export async function scheduleSweep(tx: Tx, tenantId: string, runAt: Date): Promise<void> {
  await sql`select backroom_private.enqueue_job_at(${SWEEP_TASK},
    json_build_object('tenantId', ${tenantId}::text), ${runAt}, ${`webhook-sweep:${tenantId}`}, 3)`.execute(
    tx,
  );
}
