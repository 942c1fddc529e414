import type { Ctx } from '../../platform/context.ts';
import { type OutboundResponse, redactSecrets, responseExcerpt } from '../../platform/outbound/http.ts';
import { type Connector, connectorSecrets } from '../connectors/lookup.ts';
import { handleFailure } from './failures.ts';
import { countConnectorCall } from './metrics.ts';
import { emitMonitoringEvent, isMonitored } from './monitoring-events.ts';
import * as repo from './repo.ts';

export interface ConnectorCall {
  kind: 'webhook' | 'spi';
  /** The webhook delivery this attempt belongs to. */
  deliveryId?: string;
  startedAt: Date;
  response: OutboundResponse;
  reposted?: boolean;
}

/**
 * Records one call a connector made, in the caller's transaction, with secrets masked in the excerpt and
 * the error. Every webhook attempt and every SPI call goes through here, so this is also where monitoring
 * happens: metrics, the connector's failure state, monitoring events, e-mail alerts and the automatic disable.
 * A refusal by an open circuit breaker is recorded and counted only: no call went out, and reporting each
 * refusal would flood the merchant.
 */
export async function recordConnectorCall(
  ctx: Ctx,
  connector: Connector,
  call: ConnectorCall,
): Promise<void> {
  const secrets = connectorSecrets(connector);
  const { response } = call;
  const error = response.error ? redactSecrets(response.error, secrets) : null;
  await repo.insertCall(ctx.tx, {
    tenantId: ctx.tenantId,
    connectorId: connector.id,
    deliveryId: call.deliveryId ?? null,
    kind: call.kind,
    startedAt: call.startedAt,
    latencyMs: response.latencyMs,
    statusCode: response.status ?? null,
    outcome: response.ok ? 'succeeded' : 'failed',
    failure: response.failure ?? null,
    error,
    responseExcerpt: response.body ? responseExcerpt(response.body, secrets) : null,
    reposted: call.reposted ?? false,
  });
  countConnectorCall(connector.endpointName, call);
  if (response.failure === 'circuit_open') return;

  if (response.ok) await repo.markSucceeded(ctx.tx, connector.id);
  else await handleFailure(ctx, connector, call, error);

  // A timeout is reported as an error; a slow answer that did arrive is reported as slow.
  const slow = response.status !== undefined && response.latencyMs > connector.latencyThresholdMs;
  if (slow && isMonitored(connector)) {
    await emitMonitoringEvent(ctx, 'INTEGRATION_LATENCY_EXCEEDED', connector, call, error);
  }
}
