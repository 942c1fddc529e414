import {
  deliveryStatusesOfEvents,
  type EventDeliveries,
  type EventDelivery,
} from '../../integrations/webhooks/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { emailStates } from '../../platform/email/outbox.ts';
import type * as repo from './repo.ts';
import type { Recipient, RecipientStatus } from './schemas.ts';

interface DeliveryState {
  status: RecipientStatus;
  error?: string;
  sentAt?: number;
}

export const NO_PUSH_PROVIDER =
  'No enabled PUSH_NOTIFICATION webhook connector hands push notifications to a push provider.';

/**
 * The state of each push event's webhook deliveries, one per PUSH_NOTIFICATION connector: succeeded once
 * any push provider accepted it, failed once every delivery gave up, pending until then (a delivery to a
 * disabled connector waits, pending, until the connector is enabled). An event dispatched without any
 * delivery found no PUSH_NOTIFICATION connector by then (it was deleted): undeliverable.
 */
async function pushDeliveryStates(
  ctx: Ctx,
  eventIds: readonly string[],
): Promise<Map<string, DeliveryState>> {
  const events = await deliveryStatusesOfEvents(ctx, eventIds);
  const states = new Map<string, DeliveryState>();
  for (const eventId of new Set(eventIds)) states.set(eventId, pushState(events.get(eventId)));
  return states;
}

function pushState(event: EventDeliveries | undefined): DeliveryState {
  const deliveries = event?.deliveries ?? [];
  if (deliveries.length === 0) {
    return event?.dispatched ? { status: 'undeliverable', error: NO_PUSH_PROVIDER } : { status: 'pending' };
  }
  const succeeded = deliveries.find((delivery) => delivery.status === 'succeeded');
  if (succeeded) {
    return {
      status: 'succeeded',
      ...(succeeded.succeededAt ? { sentAt: succeeded.succeededAt.getTime() } : {}),
    };
  }
  const lastError = deliveries.map(deliveryError).find((error) => error !== undefined);
  if (deliveries.every((delivery) => delivery.status === 'failed')) {
    return { status: 'failed', error: lastError ?? 'The push provider did not accept the notification.' };
  }
  return { status: 'pending', ...(lastError ? { error: lastError } : {}) };
}

function deliveryError(delivery: EventDelivery): string | undefined {
  if (delivery.lastError) return delivery.lastError;
  return delivery.lastStatusCode ? `The push provider answered HTTP ${delivery.lastStatusCode}.` : undefined;
}

async function emailDeliveryStates(
  ctx: Ctx,
  emailIds: readonly string[],
): Promise<Map<string, DeliveryState>> {
  const states = await emailStates(ctx, emailIds);
  return new Map(
    [...states].map(([id, state]) => [
      id,
      {
        status: state.status,
        ...(state.error ? { error: state.error } : {}),
        ...(state.sentAt ? { sentAt: state.sentAt.getTime() } : {}),
      },
    ]),
  );
}

/** Each recipient as recorded, with the current state of its e-mail or push delivery. */
export async function recipientsWithStatus(
  ctx: Ctx,
  rows: readonly repo.RecipientRow[],
): Promise<Recipient[]> {
  const emailIds = rows.flatMap((row) => (row.emailId ? [row.emailId] : []));
  const eventIds = rows.flatMap((row) => (row.eventId && !row.undeliverableReason ? [row.eventId] : []));
  const emails = await emailDeliveryStates(ctx, emailIds);
  const pushes = await pushDeliveryStates(ctx, eventIds);
  return rows.map((row) =>
    toRecipient(
      row,
      row.emailId ? emails.get(row.emailId) : row.eventId ? pushes.get(row.eventId) : undefined,
    ),
  );
}

/**
 * A recipient as recorded, in the state given; without one, in the state it starts in: e-mail queued, push
 * undeliverable for want of a push provider, or pending until its event is dispatched after the commit.
 */
export function toRecipient(row: repo.RecipientRow, state?: DeliveryState): Recipient {
  const current: DeliveryState = row.undeliverableReason
    ? { status: 'undeliverable', error: row.undeliverableReason }
    : (state ?? { status: row.channel === 'email' ? 'queued' : 'pending' });
  return {
    channel: row.channel,
    ...(row.installationId ? { installationId: row.installationId } : {}),
    ...(row.platform ? { platform: row.platform } : {}),
    ...(row.email ? { email: row.email } : {}),
    ...current,
    ...(row.emailId ? { emailId: row.emailId } : {}),
    ...(row.eventId ? { eventId: row.eventId } : {}),
  };
}
