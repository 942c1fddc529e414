import type { Ctx } from '../../platform/context.ts';
import { type OutboundResponse, redactSecrets, responseExcerpt } from '../../platform/outbound/http.ts';
import { type Connector, connectorSecrets } from '../connectors/lookup.ts';
import { noteConnectorFailure, noteConnectorSuccess } from '../connectors/state.ts';
import { alertOnSlowAnswer, disableOrAlertOnFailure } from './alerts.ts';
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
 * The record and the change to the connector's run of failures go out as one statement, so a successful
 * call that is not slow costs just that one.
 * Refusals by an open circuit breaker are normally only counted by callSpi; one recorded here is not
 * monitored: no call went out, and reporting each refusal would flood the merchant. A slow answer that also
 * failed is alerted as a failure.
 */
export async function recordConnectorCall(
  ctx: Ctx,
  connector: Connector,
  call: ConnectorCall,
): Promise<void> {
  const secrets = connectorSecrets(connector);
  const { response } = call;
  const error = response.error ? redactSecrets(response.error, secrets) : null;
  const record: repo.NewCallRecord = {
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
  };
  countConnectorCall(connector.endpointName, call);
  if (response.failure === 'circuit_open') return repo.insertCall(ctx.tx, record);

  // A timeout is reported as an error; a slow answer that did arrive is reported as slow.
  const slow = response.status !== undefined && response.latencyMs > connector.latencyThresholdMs;
  const facts = { connector, call, error };
  const recorded = repo.withCall(ctx.tx, record);
  if (response.ok) {
    await noteConnectorSuccess(recorded, connector.id);
  } else {
    const state = await noteConnectorFailure(recorded, connector.id, call.startedAt);
    if (!state) return; // deleted meanwhile
    if (isMonitored(connector)) await emitMonitoringEvent(ctx, 'INTEGRATION_ERROR', connector, call, error);
    await disableOrAlertOnFailure(ctx, { ...facts, failingSince: state.failingSince }, state.enabled);
  }
  if (slow && isMonitored(connector)) {
    await emitMonitoringEvent(ctx, 'INTEGRATION_LATENCY_EXCEEDED', connector, call, error);
  }
  if (slow && response.ok) await alertOnSlowAnswer(ctx, facts);
}
