import { sql } from 'kysely';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export const DELIVER_TASK = 'webhook.deliver';

/**
 * Schedules the next attempt of a delivery in the caller's transaction. The job key keeps one waiting job per
 * delivery, so a repost and a scheduled retry never both run. A few job attempts cover a crashed worker;
 * the retry schedule of the delivery itself is Backroom's, not the job queue's.
 */
export async function scheduleDelivery(
  tx: Tx,
  tenantId: string,
  deliveryId: string,
  runAt: Date,
): Promise<void> {
  await sql`select backroom_private.enqueue_job_at(${DELIVER_TASK},
    json_build_object('tenantId', ${tenantId}::text, 'deliveryId', ${deliveryId}::text),
    ${runAt}, ${`webhook:${deliveryId}`}, 3)`.execute(tx);
}
