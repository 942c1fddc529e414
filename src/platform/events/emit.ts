import { sql } from 'kysely';
import type { Ctx } from '../context.ts';

export interface DomainEvent {
  /** `store.created`, `store.updated`, … */
  type: string;
  /** The merchant's id of the thing the event is about. */
  subject: string;
  data: Record<string, unknown>;
}

export const DISPATCH_TASK = 'event.dispatch';

/**
 * Records an event and enqueues its dispatch in the caller's transaction: if the change commits, the event
 * will be dispatched (at least once); if it rolls back, nothing was ever published.
 */
export async function emit(ctx: Ctx, event: DomainEvent): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    with recorded as (
      insert into events (tenant_id, type, subject, data, request_id)
      values (${ctx.tenantId}, ${event.type}, ${event.subject}, ${JSON.stringify(event.data)}, ${ctx.requestId})
      returning id
    )
    select recorded.id, backroom_private.enqueue_job(${DISPATCH_TASK},
      json_build_object('tenantId', ${ctx.tenantId}::text, 'eventId', recorded.id), 25)
    from recorded`.execute(ctx.tx);
  const id = rows[0]?.id;
  if (!id) throw new Error('event was not recorded');
  return id;
}

/**
 * Records many events with one statement and one dispatch job, for bulk writes such as catalog feeds where a
 * job per event would cost more than the change itself. Same guarantee as `emit`.
 */
export async function emitMany(ctx: Ctx, events: readonly DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql`
    with recorded as (
      insert into events (tenant_id, type, subject, data, request_id)
      select ${ctx.tenantId}, e.type, e.subject, e.data, ${ctx.requestId}
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e (type text, subject text, data jsonb)
      returning id
    )
    select backroom_private.enqueue_job(${DISPATCH_TASK},
      json_build_object('tenantId', ${ctx.tenantId}::text, 'eventIds', json_agg(recorded.id)), 25)
    from recorded`.execute(ctx.tx);
}
