import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import type { Connector } from '../connectors/lookup.ts';
import type { ConnectorCall } from './record.ts';

const MONITORING_ENDPOINT = 'EXPORT_MONITORING_EVENTS';

/**
 * Whether Backroom reports on this connector with monitoring events. Not on the connectors that receive them:
 * an event about a failed monitoring delivery would be delivered to them again, and fail again.
 */
export function isMonitored(connector: Connector): boolean {
  return connector.endpointName !== MONITORING_ENDPOINT;
}

/** INTEGRATION_ERROR or INTEGRATION_LATENCY_EXCEEDED about one call, with its error already redacted. */
export async function emitMonitoringEvent(
  ctx: Ctx,
  type: 'INTEGRATION_ERROR' | 'INTEGRATION_LATENCY_EXCEEDED',
  connector: Connector,
  call: ConnectorCall,
  redactedError: string | null,
): Promise<void> {
  const { response } = call;
  await emit(ctx, {
    type,
    subject: connector.id,
    data: {
      connectorId: connector.id,
      connectorName: connector.name,
      endpointName: connector.endpointName,
      kind: call.kind,
      ...(response.status !== undefined ? { statusCode: response.status } : {}),
      ...(response.failure ? { failure: response.failure } : {}),
      ...(redactedError ? { error: redactedError } : {}),
      latencyMs: response.latencyMs,
      latencyThresholdMs: connector.latencyThresholdMs,
      at: call.startedAt.getTime(),
    },
  });
}

export async function emitConnectorDisabled(
  ctx: Ctx,
  connector: Connector,
  failingSince: Date,
  reason: string,
): Promise<void> {
  await emit(ctx, {
    type: 'CONNECTOR_DISABLED',
    subject: connector.id,
    data: {
      connectorId: connector.id,
      connectorName: connector.name,
      endpointName: connector.endpointName,
      failingSince: failingSince.getTime(),
      reason,
      at: ctx.now().getTime(),
    },
  });
}
