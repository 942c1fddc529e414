import type { Ctx } from '../../platform/context.ts';
import { type OutboundResponse, redactSecrets, responseExcerpt } from '../../platform/outbound/http.ts';
import { type Connector, connectorSecrets } from '../connectors/lookup.ts';

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
 * the error. Every webhook attempt and every SPI call goes through here.
 */
export async function recordConnectorCall(
  ctx: Ctx,
  connector: Connector,
  call: ConnectorCall,
): Promise<void> {
  const secrets = connectorSecrets(connector);
  const { response } = call;
  await ctx.tx
    .insertInto('connectorCalls')
    .values({
      tenantId: ctx.tenantId,
      connectorId: connector.id,
      deliveryId: call.deliveryId ?? null,
      kind: call.kind,
      startedAt: call.startedAt,
      latencyMs: response.latencyMs,
      statusCode: response.status ?? null,
      outcome: response.ok ? 'succeeded' : 'failed',
      failure: response.failure ?? null,
      error: response.error ? redactSecrets(response.error, secrets) : null,
      responseExcerpt: response.body ? responseExcerpt(response.body, secrets) : null,
      reposted: call.reposted ?? false,
    })
    .execute();
}
