import { connectorById } from '../../src/integrations/connectors/lookup.ts';
import { type ConnectorCall, recordConnectorCall } from '../../src/integrations/monitoring/record.ts';
import type { Platform } from '../../src/platform/context.ts';
import type { OutboundResponse } from '../../src/platform/outbound/http.ts';
import { asSystem } from '../../src/platform/system-context.ts';

// Fabricated outcomes of outbound calls, for tests of what Backroom does with them.

export function succeeded(latencyMs = 20, status = 200): OutboundResponse {
  return { ok: true, status, latencyMs, body: '{}', failure: undefined, error: undefined };
}

export function httpFailure(status = 503, latencyMs = 20, body = ''): OutboundResponse {
  return { ok: false, status, latencyMs, body, failure: 'http_status', error: `HTTP ${status}` };
}

export function timedOut(timeoutMs = 2000): OutboundResponse {
  return {
    ok: false,
    status: undefined,
    latencyMs: timeoutMs,
    body: '',
    failure: 'timeout',
    error: `No answer within ${timeoutMs} ms.`,
  };
}

export function circuitOpen(): OutboundResponse {
  return {
    ok: false,
    status: undefined,
    latencyMs: 0,
    body: '',
    failure: 'circuit_open',
    error: 'The circuit breaker is open.',
  };
}

/** Records one call of the connector in a transaction of its own, as the webhook and SPI code do. */
export async function recordCall(
  platform: Platform,
  tenantId: string,
  connectorId: string,
  response: OutboundResponse,
  options: Partial<Omit<ConnectorCall, 'response'>> = {},
): Promise<void> {
  await asSystem(platform, tenantId, 'test', async (ctx) => {
    const connector = await connectorById(ctx, connectorId);
    if (!connector) throw new Error(`no connector ${connectorId}`);
    await recordConnectorCall(ctx, connector, {
      kind: connector.type === 'SPI' ? 'spi' : 'webhook',
      startedAt: ctx.now(),
      ...options,
      response,
    });
  });
}
