import type { Ctx } from '../../platform/context.ts';
import type { EventSubscriber, StoredEvent } from '../../platform/events/registry.ts';
import { endpointsForEvent } from '../catalogue.ts';
import { webhookConnectorsFor } from '../connectors/lookup.ts';
import { CONNECTOR_DISABLED_NOTE } from './deliver.ts';
import { insertDeliveries } from './deliveries-repo.ts';

/** What a receiver gets in the body of every attempt of a delivery. */
export interface WebhookPayload {
  type: string;
  /** When the event happened, epoch ms. */
  timestamp: number;
  eventId: string;
  subject: string;
  data: Record<string, unknown>;
}

export function webhookPayload(event: StoredEvent): WebhookPayload {
  return {
    type: event.type,
    timestamp: event.occurredAt.getTime(),
    eventId: event.id,
    subject: event.subject,
    data: event.data,
  };
}

/**
 * The webhook endpoints an event goes to. Inventory documents (shipping notices, transfers) name the export
 * endpoint they belong to, and go only there.
 */
function endpointsFor(event: StoredEvent): string[] {
  const endpoints = endpointsForEvent(event.type);
  const exportEndpoint = event.data.exportEndpoint;
  return typeof exportEndpoint === 'string' ? endpoints.filter((name) => name === exportEndpoint) : endpoints;
}

/**
 * Creates one delivery per subscribed connector in the dispatcher's transaction: the deliveries exist exactly
 * when the event is marked dispatched. An enabled connector's has its first attempt scheduled; a disabled
 * connector's waits, without a job, until the connector is enabled again (resumeDeliveries). Dispatching an
 * event twice creates no second delivery.
 */
export async function fanOut(ctx: Ctx, event: StoredEvent): Promise<number> {
  const connectors = await webhookConnectorsFor(ctx, endpointsFor(event), event.type);
  if (connectors.length === 0) return 0;
  const [firstDelay = 0] = ctx.platform.config.webhookRetryScheduleMs;
  return insertDeliveries(ctx.tx, ctx.tenantId, {
    eventId: event.id,
    eventType: event.type,
    payload: { ...webhookPayload(event) },
    connectors,
    firstAttemptAt: new Date(ctx.now().getTime() + firstDelay),
    waitingNote: CONNECTOR_DISABLED_NOTE,
  });
}

export const webhookFanOut: EventSubscriber = {
  name: 'webhooks',
  accepts: (type) => endpointsForEvent(type).length > 0,
  handle: async (ctx, event) => {
    await fanOut(ctx, event);
  },
};
