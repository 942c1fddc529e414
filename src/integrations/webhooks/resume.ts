import type { Ctx } from '../../platform/context.ts';
import { reschedulePending } from './deliveries-repo.ts';
import { scheduleSweep } from './schedule.ts';

/**
 * Schedules the pending deliveries of a connector for now, in the caller's transaction: deliveries that
 * waited while it was disabled go out once it is enabled again. At most `webhookBulkLimit` of them, the
 * oldest first, so the statement stays short; when more remain, a sweep of the tenant is queued to run at
 * once, which schedules the rest (deliveries waiting although their connector is enabled are what it
 * looks for). Answers how many were scheduled and how many remain.
 */
export async function resumeDeliveries(
  ctx: Ctx,
  connectorId: string,
): Promise<{ scheduled: number; remaining: number }> {
  const now = ctx.now();
  const limit = ctx.platform.config.webhookBulkLimit;
  const resumed = await reschedulePending(ctx.tx, ctx.tenantId, connectorId, now, limit);
  if (resumed.remaining > 0) await scheduleSweep(ctx.tx, ctx.tenantId, now);
  return resumed;
}
