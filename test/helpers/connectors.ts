import type { Platform } from '../../src/platform/context.ts';
import { newSigningSecret } from '../../src/platform/outbound/signing.ts';
import { asSystem } from '../../src/platform/system-context.ts';

/** Lets the tenant's outbound calls reach loopback (or the given networks): test receivers listen there. */
export async function allowNetworks(
  platform: Platform,
  tenantId: string,
  networks = ['loopback'],
): Promise<void> {
  await asSystem(platform, tenantId, 'test', (ctx) =>
    ctx.tx
      .insertInto('integrationSettings')
      .values({ tenantId, allowedNetworks: networks })
      .onConflict((oc) => oc.column('tenantId').doUpdateSet({ allowedNetworks: networks }))
      .execute(),
  );
}

export interface TestConnector {
  type: 'WEBHOOK' | 'SPI';
  endpointName: string;
  url: string;
  integrationType?: 'HTTP_POST' | 'HTTP_GET' | 'HTTP_PUT' | 'HTTP_DELETE';
  events?: string[];
  headers?: Record<string, string>;
  apiKey?: string;
  apiVersion?: string;
  timeoutMs?: number;
  latencyThresholdMs?: number;
}

/**
 * A connector written straight to the tenant's table, for tests of delivery and SPI calls that are not about
 * the connectors API itself. Answers its id and signing secret.
 */
export async function insertConnector(
  platform: Platform,
  tenantId: string,
  connector: TestConnector,
): Promise<{ id: string; signingSecret: string }> {
  const signingSecret = newSigningSecret();
  return asSystem(platform, tenantId, 'test', async (ctx) => {
    const row = await ctx.tx
      .insertInto('connectors')
      .values({
        tenantId,
        name: `${connector.endpointName} test`,
        type: connector.type,
        endpointName: connector.endpointName,
        url: connector.url,
        integrationType: connector.integrationType ?? 'HTTP_POST',
        headers: JSON.stringify(connector.headers ?? {}),
        events: connector.events ?? [],
        apiKey: connector.apiKey ?? null,
        apiVersion: connector.apiVersion ?? null,
        timeoutMs: connector.timeoutMs ?? 2000,
        latencyThresholdMs: connector.latencyThresholdMs ?? 1000,
        signingSecret,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, signingSecret };
  });
}
