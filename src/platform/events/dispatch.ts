import { z } from 'zod';
import type { Platform } from '../context.ts';
import { asSystem } from '../system-context.ts';
import { DISPATCH_TASK } from './emit.ts';
import type { EventSubscriber, TaskDefinition } from './registry.ts';

const payloadSchema = z.union([
  z.object({ tenantId: z.uuid(), eventId: z.uuid() }),
  z.object({ tenantId: z.uuid(), eventIds: z.array(z.uuid()).min(1) }),
]);

/**
 * Hands each committed event of the job to every subscriber that accepts its type, then marks it dispatched,
 * one transaction per event. A failure rolls that event's dispatch back and the job queue retries the job
 * with back-off; events already marked are skipped on the retry.
 */
export function dispatchTask(subscribers: readonly EventSubscriber[]): TaskDefinition {
  return {
    name: DISPATCH_TASK,
    async run(platform: Platform, payload: unknown) {
      const parsed = payloadSchema.parse(payload);
      const eventIds = 'eventIds' in parsed ? parsed.eventIds : [parsed.eventId];
      for (const eventId of eventIds) await dispatchOne(platform, subscribers, parsed.tenantId, eventId);
    },
  };
}

function dispatchOne(
  platform: Platform,
  subscribers: readonly EventSubscriber[],
  tenantId: string,
  eventId: string,
): Promise<void> {
  return asSystem(
    platform,
    tenantId,
    DISPATCH_TASK,
    async (ctx) => {
      const { tx } = ctx;
      const event = await tx
        .selectFrom('events')
        .select(['id', 'type', 'subject', 'data', 'occurredAt', 'dispatchedAt'])
        .where('id', '=', eventId)
        .forUpdate()
        .executeTakeFirst();
      if (!event || event.dispatchedAt) return;
      for (const subscriber of subscribers) {
        if (subscriber.accepts(event.type)) await subscriber.handle(ctx, event);
      }
      await tx
        .updateTable('events')
        .set({ dispatchedAt: platform.now() })
        .where('id', '=', eventId)
        .execute();
    },
    `event:${eventId}`,
  );
}
