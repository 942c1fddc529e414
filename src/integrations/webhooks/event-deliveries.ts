import type { Ctx } from '../../platform/context.ts';
import type { DeliveryStatus } from '../tables.ts';
import { eventDeliveryRows } from './deliveries-repo.ts';

export interface EventDelivery {
  connectorId: string;
  endpointName: string;
  status: DeliveryStatus;
  /** Null while there is no attempt to wait for: the connector is disabled. */
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  succeededAt: Date | null;
}

export interface EventDeliveries {
  /**
   * The event was handed to the webhook fan-out, which creates every delivery of the event in that
   * transaction: `deliveries` is final. Before, it is empty.
   */
  dispatched: boolean;
  deliveries: EventDelivery[];
}

/**
 * The webhook deliveries of each of these events, for modules that report on events they emitted (a push
 * notification's status). Events the tenant does not have are left out.
 */
export async function deliveryStatusesOfEvents(
  ctx: Ctx,
  eventIds: readonly string[],
): Promise<Map<string, EventDeliveries>> {
  const rows = await eventDeliveryRows(ctx.tx, [...new Set(eventIds)]);
  const byEvent = new Map<string, EventDeliveries>();
  for (const row of rows) {
    const entry = byEvent.get(row.eventId) ?? { dispatched: row.dispatchedAt !== null, deliveries: [] };
    byEvent.set(row.eventId, entry);
    if (row.connectorId === null || row.endpointName === null || row.status === null) continue;
    entry.deliveries.push({
      connectorId: row.connectorId,
      endpointName: row.endpointName,
      status: row.status,
      nextAttemptAt: row.nextAttemptAt,
      lastError: row.lastError,
      lastStatusCode: row.lastStatusCode,
      succeededAt: row.succeededAt,
    });
  }
  return byEvent;
}
