import { expect } from 'vitest';
import { type Connector, connectorById } from '../../src/integrations/connectors/lookup.ts';
import type { ConnectorCall } from '../../src/integrations/monitoring/record.ts';
import type { OutboundResponse } from '../../src/platform/outbound/http.ts';
import { asSystem } from '../../src/platform/system-context.ts';
import { type AppWithMerchant, type TestMerchant, useAppWithMerchant } from './app.ts';
import { recordCall } from './connector-calls.ts';
import { insertConnector, type TestConnector } from './connectors.ts';
import { merchantApi } from './inventory.ts';

/** A webhook connector as posted to /merchant/v1/connectors: an ORDER hook unless `overrides` say otherwise. */
export const webhookConnector = (overrides: Record<string, unknown> = {}) => ({
  name: 'Orders to ERP',
  type: 'WEBHOOK',
  endpointName: 'ORDER',
  url: 'https://erp.example.com/orders',
  ...overrides,
});

/** An SPI connector as posted to /merchant/v1/connectors: a TAX_SERVICE unless `overrides` say otherwise. */
export const spiConnector = (overrides: Record<string, unknown> = {}) => ({
  name: 'Tax engine',
  type: 'SPI',
  endpointName: 'TAX_SERVICE',
  url: 'https://tax.example.com/spi',
  apiKey: 'tax-key',
  apiVersion: '1.0',
  ...overrides,
});

/** The merchant API (of `merchant`, or of the setup's merchant) with a shortcut for creating connectors. */
export function connectorsApi(setup: AppWithMerchant, merchant?: () => TestMerchant) {
  const api = merchantApi(setup, merchant);
  return {
    ...api,
    /** Creates the connector, which must be accepted (201), and answers it. */
    async create(body: object) {
      const response = await api.call('POST', '/merchant/v1/connectors', body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    },
  };
}

/**
 * The setup of the connectors and monitoring tests: `useAppWithMerchant` (whose merchant's client has every
 * scope, integrations:read and integrations:write among them), its API, and shortcuts to the merchant's
 * connectors. `merchant` defaults to the setup's merchant throughout.
 */
export function useIntegrationsApp(options: Parameters<typeof useAppWithMerchant>[0] = {}) {
  const s = useAppWithMerchant(options);
  return {
    s,
    api: connectorsApi(s),

    /** Writes an ORDER webhook connector (or what `overrides` make of it) straight to the table; answers its id. */
    async seedConnector(overrides: Partial<TestConnector> = {}, merchant = s.merchant): Promise<string> {
      const { id } = await insertConnector(s.t.platform, merchant.tenant.id, {
        type: 'WEBHOOK',
        endpointName: 'ORDER',
        url: 'https://merchant.example/hooks/orders',
        ...overrides,
      });
      return id;
    },

    /** Records one call of the connector, as the webhook and SPI code do. */
    record(
      connectorId: string,
      response: OutboundResponse,
      options: Partial<Omit<ConnectorCall, 'response'>> = {},
      merchant = s.merchant,
    ): Promise<void> {
      return recordCall(s.t.platform, merchant.tenant.id, connectorId, response, options);
    },

    /** The connector as stored, secrets included. */
    async storedConnector(id: string, merchant = s.merchant): Promise<Connector> {
      const connector = await asSystem(s.t.platform, merchant.tenant.id, 'test', (ctx) =>
        connectorById(ctx, id),
      );
      if (!connector) throw new Error(`connector ${id} missing`);
      return connector;
    },

    /** Sets the address alerts go to when the merchant has set no alert address. */
    async setSupportEmail(email: string | null, merchant = s.merchant): Promise<void> {
      await s.t.database.pool.query('update merchants set support_email = $1 where id = $2', [
        email,
        merchant.tenant.merchantId,
      ]);
    },
  };
}

export type IntegrationsApp = ReturnType<typeof useIntegrationsApp>;
