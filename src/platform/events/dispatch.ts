import { z } from 'zod';
import type { Platform } from '../context.ts';
import { asSystem } from '../system-context.ts';
import { DISPATCH_TASK } from './emit.ts';
import type { EventSubscriber, TaskDefinition } from './registry.ts';

const payloadSchema = z.object({ tenantId: z.uuid(), eventId: z.uuid() });

/**
 * Hands one committed event to every subscriber that accepts its type, then marks it dispatched. A failure
 * rolls the whole dispatch back and the job queue retries it with back-off.
 */
export function dispatchTask(subscribers: readonly EventSubscriber[]): TaskDefinition {
  return {
    name: DISPATCH_TASK,
    async run(platform: Platform, payload: unknown) {
      const { tenantId, eventId } = payloadSchema.parse(payload);
      await asSystem(
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
    },
  };
}
