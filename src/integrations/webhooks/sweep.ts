import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import type { TaskDefinition } from '../../platform/events/registry.ts';
import { asSystem } from '../../platform/system-context.ts';
import { rescheduleStranded, tenantsWithStrandedDeliveries } from './deliveries-repo.ts';
import { SWEEP_TASK } from './schedule.ts';

/**
 * A pending delivery whose next attempt has been due this long has no job that will make it: its job was
 * lost, or gave up after crashes or database errors. Long enough that an attempt still in flight (at most
 * the 30-second connector timeout) or a job waiting in a busy queue is rarely scheduled a second time.
 */
export const STALLED_AFTER_MS = 5 * 60_000;

/** Cron jobs carry their own payload; a resume that left deliveries behind names its tenant. */
const payloadSchema = z.object({ tenantId: z.uuid().optional() });

/**
 * Schedules the stranded deliveries again — those due for more than STALLED_AFTER_MS and those waiting
 * although their connector is enabled — of one tenant, or of every tenant that has any (found by a platform
 * statement: it must see every tenant), each tenant in batches of `webhookBulkLimit`, a transaction per batch.
 * The job key makes a second schedule of a delivery replace its waiting job. Answers how many were scheduled.
 */
export async function sweepDeliveries(platform: Platform, tenantId?: string): Promise<number> {
  const stalledBefore = new Date(platform.now().getTime() - STALLED_AFTER_MS);
  const limit = platform.config.webhookBulkLimit;
  const tenants = tenantId ? [tenantId] : await tenantsWithStrandedDeliveries(platform.db, stalledBefore);
  let scheduled = 0;
  for (const tenant of tenants) {
    for (;;) {
      const count = await asSystem(platform, tenant, SWEEP_TASK, (ctx) =>
        rescheduleStranded(ctx.tx, tenant, stalledBefore, ctx.now(), limit),
      );
      scheduled += count;
      if (count < limit) break;
    }
  }
  return scheduled;
}

export const sweepTask: TaskDefinition = {
  name: SWEEP_TASK,
  schedule: '*/5 * * * *',
  async run(platform: Platform, payload: unknown) {
    const { tenantId } = payloadSchema.parse(payload ?? {});
    await sweepDeliveries(platform, tenantId);
  },
};
