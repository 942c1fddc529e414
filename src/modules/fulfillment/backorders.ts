import type { Platform } from '../../platform/context.ts';
import type { TaskDefinition } from '../../platform/events/registry.ts';
import { asSystem } from '../../platform/system-context.ts';
import { recordStatus } from './moves.ts';
import * as repo from './repo.ts';
import { earliestInbound, fulfillmentView, reserveFor, sendPickList, shortProducts } from './service.ts';

export const BACKORDER_TASK = 'fulfillment.retry-backorders';
const BATCH = 200;

/**
 * Per tenant, tries to hold the stock of each back-ordered fulfillment, oldest first. One that can be held is
 * placed (pick list e-mailed, ORDER_UPDATE); one that cannot keeps waiting with a refreshed expectedAt.
 * Answers how many were placed.
 */
export async function runBackorders(platform: Platform): Promise<number> {
  let placed = 0;
  for (const tenantId of await repo.tenantsWithBackorders(platform.db)) {
    placed += await asSystem(platform, tenantId, BACKORDER_TASK, async (ctx) => {
      let count = 0;
      for (const { fulfillmentId } of await repo.backorderedIds(ctx.tx, BATCH)) {
        const row = await repo.findFulfillment(ctx.tx, fulfillmentId, { lock: true });
        if (row?.status !== 'backordered') continue;
        const view = await fulfillmentView(ctx, fulfillmentId);
        const lines = view.lines.map((line) => ({
          ...line,
          type: row.type,
          storeId: row.storeId,
          allowBackorder: true,
        }));
        const short = await shortProducts(ctx, row.storeId, lines);
        if (short.length > 0) {
          const expectedAt = await earliestInbound(ctx, row.storeId, short);
          await repo.updateFulfillment(ctx.tx, row.id, { expectedAt });
          continue;
        }
        const reservation = await reserveFor(ctx, view.orderId, row.storeId, lines);
        const fulfillment = await recordStatus(ctx, row, 'placed', {
          reservationId: reservation.reservationId,
          expectedAt: null,
        });
        await sendPickList(ctx, fulfillment);
        count += 1;
      }
      return count;
    });
  }
  return placed;
}

export const backorderTask: TaskDefinition = {
  name: BACKORDER_TASK,
  schedule: '*/15 * * * *',
  run: async (platform) => {
    await runBackorders(platform);
  },
};
