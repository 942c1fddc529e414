import { describe, expect, it } from 'vitest';
import {
  spiConnector,
  useIntegrationsApp,
  webhookConnector as webhook,
} from '../../../test/helpers/integrations.ts';

const { s, api } = useIntegrationsApp();

// GET_CUSTOMER, whose default method (HTTP_GET) a test below relies on.
const spi = (overrides: Record<string, unknown> = {}) =>
  spiConnector({ name: 'Customers', endpointName: 'GET_CUSTOMER', ...overrides });

async function connectorCount(): Promise<number> {
  const { rows } = await s.t.database.pool.query(
    'select count(*)::int as n from connectors where tenant_id = $1',
    [s.merchant.tenant.id],
  );
  return rows[0].n;
}

/** Posts a connector that must be refused with `status`; answers the field errors and checks nothing was written. */
async function refused(body: object, status = 400): Promise<{ field: string; message: string }[]> {
  const before = await connectorCount();
  const response = await api.call('POST', '/merchant/v1/connectors', body);
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(await connectorCount()).toBe(before);
  return response.json().errors;
}

const fields = (errors: { field: string }[]) => errors.map((e) => e.field);

async function setAllowedNetworks(allowedNetworks: string[]) {
  const response = await api.call('PUT', '/merchant/v1/integrations/settings', { allowedNetworks });
  expect(response.statusCode).toBe(200);
}

describe('connector validation', () => {
  it('refuses an endpoint name that is not one of the type, listing those that are', async () => {
    const [error] = await refused(webhook({ endpointName: 'TAX_SERVICE' }));
    expect(error?.field).toBe('body.endpointName');
    expect(error?.message).toMatch(
      /^must be a WEBHOOK endpoint: ORDER, ORDER_UPDATE, .*EXPORT_MONITORING_EVENTS$/,
    );
    const [spiError] = await refused(spi({ endpointName: 'ORDER' }));
    expect(spiError?.message).toContain('must be a SPI endpoint: CREATE_CUSTOMER');
    expect(fields(await refused(webhook({ endpointName: 'NOPE' })))).toEqual(['body.endpointName']);
  });

  it('refuses a method the endpoint does not allow and defaults to the one it does', async () => {
    const [error] = await refused(webhook({ integrationType: 'HTTP_GET' }));
    expect(error).toEqual({ field: 'body.integrationType', message: 'ORDER is called with HTTP_POST' });
    expect(fields(await refused(webhook({ integrationType: 'HTTP_PATCH' })))).toEqual([
      'body.integrationType',
    ]);
    const created = await api.call('POST', '/merchant/v1/connectors', spi({ name: 'Default method' }));
    expect(created.json().integrationType).toBe('HTTP_GET');
  });

  it('refuses URLs that are not absolute http(s) URLs', async () => {
    for (const url of [
      'not a url',
      'ftp://erp.example.com/x',
      'file:///etc/passwd',
      'https://user:pw@erp.example.com',
    ]) {
      expect(fields(await refused(webhook({ url })))).toEqual(['body.url']);
    }
    const [error] = await refused(webhook({ url: 'https://user:pw@erp.example.com' }));
    expect(error?.message).toContain('use headers instead');
  });

  it('refuses loopback, private and metadata addresses unless the settings allow them, saying why', async () => {
    const cases: [string, string, boolean][] = [
      ['http://127.0.0.1:8080/hook', 'a loopback address', true],
      ['http://localhost:8080/hook', 'a loopback address', true],
      ['http://localhost.:8080/hook', 'a loopback address', true],
      ['http://api.LOCALHOST/hook', 'a loopback address', true],
      ['http://[::1]/hook', 'a loopback address', true],
      ['http://10.0.0.5/hook', 'a private address', true],
      ['http://192.168.1.20/hook', 'a private address', true],
      ['http://[::ffff:127.0.0.1]/hook', 'a loopback address', true],
      ['http://[::127.0.0.1]/hook', 'a loopback address', true],
      // Outside the operator's default ceiling (loopback, private, uniqueLocal): settings cannot open them.
      ['http://169.254.10.1/hook', 'a linkLocal address', false],
      ['http://169.254.169.254/latest/meta-data', 'a cloud metadata address', false],
      ['http://[64:ff9b::a9fe:a9fe]/latest/meta-data', 'a cloud metadata address', false],
    ];
    for (const [url, kind, tenantCanAllow] of cases) {
      const before = await connectorCount();
      const response = await api.call('POST', '/merchant/v1/connectors', webhook({ url }));
      expect(response.statusCode, url).toBe(422);
      expect(response.json().code).toBe('rule_violated');
      expect(response.json().errors[0].field).toBe('body.url');
      expect(response.json().errors[0].message, url).toContain(kind);
      expect(response.json().detail.includes('Add the range to allowedNetworks'), url).toBe(tenantCanAllow);
      expect(await connectorCount()).toBe(before);
    }

    await setAllowedNetworks(['loopback', '10.0.0.0/8']);
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost:8080/hook',
      'http://localhost.:8080/hook',
      'http://10.0.0.5/hook',
    ]) {
      expect((await api.call('POST', '/merchant/v1/connectors', webhook({ url }))).statusCode, url).toBe(201);
    }
    for (const url of ['http://192.168.1.20/', 'http://169.254.169.254/', 'http://[fd00:ec2::254]/']) {
      expect((await api.call('POST', '/merchant/v1/connectors', webhook({ url }))).statusCode, url).toBe(422);
    }
    await setAllowedNetworks([]);
  });

  it('refuses invalid header names, headers Backroom sets itself, control characters and repeats', async () => {
    const errors = await refused(
      webhook({
        headers: {
          'Bad Header': 'x',
          Host: 'evil.example.com',
          'Content-Length': '10',
          Connection: 'close',
          'Transfer-Encoding': 'chunked',
          'webhook-id': 'x',
          'Webhook-Signature': 'v1,x',
          'X-Split': 'a\r\nInjected: yes',
          'X-Twice': 'a',
          'x-twice': 'b',
        },
      }),
    );
    expect(fields(errors).sort()).toEqual(
      [
        'body.headers.Bad Header',
        'body.headers.Connection',
        'body.headers.Content-Length',
        'body.headers.Host',
        'body.headers.Transfer-Encoding',
        'body.headers.Webhook-Signature',
        'body.headers.X-Split',
        'body.headers.webhook-id',
        'body.headers.x-twice',
      ].sort(),
    );
    expect(errors.find((e) => e.field === 'body.headers.webhook-id')?.message).toContain('Standard Webhooks');
    expect(fields(await refused(webhook({ headers: { 'X-Number': 5 } })))).toEqual(['body.headers.X-Number']);
    expect(fields(await refused(webhook({ headers: ['Authorization: x'] })))).toEqual(['body.headers']);
  });

  it("refuses events that are not the endpoint's, repeats, and events on SPI connectors", async () => {
    const [error, ...rest] = await refused(
      webhook({ endpointName: 'INVENTORY_EXPORT_INA', events: ['INVENTORY_ADJUSTMENT', 'ORDER'] }),
    );
    expect(rest).toEqual([]);
    expect(error?.field).toBe('body.events.1');
    expect(error?.message).toContain(
      'INVENTORY_ADJUSTMENT, INVENTORY_BUCKET_ADJUSTMENT, INVENTORY_STATUS_CHANGED',
    );
    expect(fields(await refused(webhook({ events: ['ORDER', 'ORDER'] })))).toEqual(['body.events.1']);
    expect(fields(await refused(spi({ events: ['ORDER'] })))).toEqual(['body.events']);
  });

  it('asks SPI connectors for an API key, refuses SPI fields on webhooks and checks the version', async () => {
    expect(await refused(spi({ apiKey: undefined }))).toEqual([
      { field: 'body.apiKey', message: 'is required for SPI connectors: every call carries api_key' },
    ]);
    expect(fields(await refused(webhook({ apiKey: 'k', apiVersion: '1.0' })))).toEqual([
      'body.apiKey',
      'body.apiVersion',
    ]);
    for (const apiVersion of ['1', 'v1.0', '1.0.0', '']) {
      expect(fields(await refused(spi({ apiVersion })))).toEqual(['body.apiVersion']);
    }
  });

  it('checks timeouts, thresholds, names and unknown fields', async () => {
    for (const timeoutMs of [99, 30_001, 1.5, '2000']) {
      expect(fields(await refused(webhook({ timeoutMs })))).toEqual(['body.timeoutMs']);
    }
    expect(fields(await refused(webhook({ latencyThresholdMs: 0 })))).toEqual(['body.latencyThresholdMs']);
    expect(fields(await refused(webhook({ name: '  ' })))).toEqual(['body.name']);
    expect(fields(await refused(webhook({ secret: 'x' })))).toEqual(['body.secret']);
    expect(fields(await refused(webhook({ type: 'FTP' })))).toEqual(['body.type']);
    const edges = await api.call(
      'POST',
      '/merchant/v1/connectors',
      webhook({ timeoutMs: 100, latencyThresholdMs: 60_000 }),
    );
    expect(edges.statusCode).toBe(201);
    expect(
      (await api.call('PUT', `/merchant/v1/connectors/${edges.json().id}`, { timeoutMs: 30_001 })).statusCode,
    ).toBe(400);
  });
});
