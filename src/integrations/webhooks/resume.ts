import type { Ctx } from '../../platform/context.ts';
import { reschedulePending } from './deliveries-repo.ts';

/**
 * Schedules every pending delivery of a connector for now, in the caller's transaction: deliveries that
 * waited while it was disabled go out once it is enabled again. Answers how many were scheduled.
 */
export function resumeDeliveries(ctx: Ctx, connectorId: string): Promise<number> {
  return reschedulePending(ctx.tx, ctx.tenantId, connectorId, ctx.now());
}
