import { Counter, Histogram } from 'prom-client';
import { processMetrics } from '../../platform/observability/metrics.ts';
import type { ConnectorCall } from './record.ts';

const calls = new Counter({
  name: 'backroom_connector_calls_total',
  help: 'Outbound connector calls by kind (webhook, spi), endpoint name and outcome (succeeded or the failure)',
  labelNames: ['kind', 'endpoint', 'outcome'],
  registers: [processMetrics],
});

const duration = new Histogram({
  name: 'backroom_connector_call_duration_seconds',
  help: 'Latency of outbound connector calls by kind and endpoint name (refused calls are not observed)',
  labelNames: ['kind', 'endpoint'],
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [processMetrics],
});

/** Counts one recorded call; its latency only when a request actually went out. */
export function countConnectorCall(endpointName: string, call: ConnectorCall): void {
  const { response } = call;
  const outcome = response.ok ? 'succeeded' : (response.failure ?? 'failed');
  calls.inc({ kind: call.kind, endpoint: endpointName, outcome });
  if (response.failure !== 'circuit_open' && response.failure !== 'url_refused') {
    duration.observe({ kind: call.kind, endpoint: endpointName }, response.latencyMs / 1000);
  }
}
