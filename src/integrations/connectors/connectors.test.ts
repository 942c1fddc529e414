import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMerchant } from '../../../test/helpers/app.ts';
import { spiConnector, useIntegrationsApp, webhookConnector } from '../../../test/helpers/integrations.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';
import { signingSecrets } from './lookup.ts';

const { s, api, storedConnector } = useIntegrationsApp();

const webhook = (overrides: Record<string, unknown> = {}) =>
  webhookConnector({
    name: 'ERP receipts',
    endpointName: 'INVENTORY_EXPORT_ASN',
    url: 'https://erp.example.com/hooks',
    headers: { Authorization: 'Bearer erp-secret-token', 'Content-Type': 'application/json' },
    events: ['ASN_RECEIVED_EVENT'],
    ...overrides,
  });

const API_KEY = 'spi-key-7f3a9c2e1b';
const spi = (overrides: Record<string, unknown> = {}) => spiConnector({ apiKey: API_KEY, ...overrides });

describe('custom connectors', () => {
  it('creates a webhook connector with defaults, shows its signing secret once and masks header values', async () => {
    const before = Date.now();
    const created = await api.create(webhook());
    expect(created).toMatchObject({
      name: 'ERP receipts',
      type: 'WEBHOOK',
      endpointName: 'INVENTORY_EXPORT_ASN',
      integrationType: 'HTTP_POST',
      headers: { Authorization: '********', 'Content-Type': 'application/json' },
      events: ['ASN_RECEIVED_EVENT'],
      apiKeySet: false,
      timeoutMs: 2000,
      latencyThresholdMs: 1000,
      enabled: true,
    });
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.signingSecretHint).toBe(`whsec_…${created.signingSecret.slice(-4)}`);
    expect(created.createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(created.updatedAt).toBe(created.createdAt);
    expect(created.disabledAt).toBeUndefined();

    const fetched = await api.call('GET', `/merchant/v1/connectors/${created.id}`);
    expect(fetched.statusCode).toBe(200);
    const { signingSecret, ...shown } = created;
    expect(fetched.json()).toEqual(shown);
    expect(fetched.body).not.toContain(signingSecret);
    expect(fetched.body).not.toContain('erp-secret-token');

    const stored = await storedConnector(created.id);
    expect(stored.signingSecret).toBe(signingSecret);
    expect(stored.headers.Authorization).toBe('Bearer erp-secret-token');
  });

  it('never answers the API key of an SPI connector, in any answer', async () => {
    const created = await api.call('POST', '/merchant/v1/connectors', spi({ name: 'Secret keeper' }));
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ type: 'SPI', apiKeySet: true, apiVersion: '1.0' });
    expect(created.json().events).toBeUndefined();
    expect(created.json().apiKey).toBeUndefined();

    const answers = [
      created,
      await api.call('GET', `/merchant/v1/connectors/${id}`),
      await api.call('GET', '/merchant/v1/connectors?type=SPI'),
      await api.call('PUT', `/merchant/v1/connectors/${id}`, { timeoutMs: 3000 }),
      await api.call('POST', `/merchant/v1/connectors/${id}/rotate-secret`),
      await api.call('POST', `/merchant/v1/connectors/${id}/disable`),
      await api.call('POST', `/merchant/v1/connectors/${id}/enable`),
    ];
    for (const answer of answers) {
      expect(answer.statusCode).toBeLessThan(300);
      expect(answer.body).not.toContain(API_KEY);
    }
    expect((await storedConnector(id)).apiKey).toBe(API_KEY);
    expect((await api.call('DELETE', `/merchant/v1/connectors/${id}`)).body).not.toContain(API_KEY);
  });

  it('keeps header names exactly as given, underscores included', async () => {
    const created = await api.create(
      webhook({ name: 'Underscores', headers: { X_Client_Id: 'client-1', 'x-trace': 'on' } }),
    );
    expect(Object.keys(created.headers).sort()).toEqual(['X_Client_Id', 'x-trace']);
    expect((await storedConnector(created.id)).headers).toEqual({
      X_Client_Id: 'client-1',
      'x-trace': 'on',
    });
  });

  it('lists connectors by name across pages, with filters', async () => {
    const merchant = await createMerchant(s.t.platform);
    const other = merchantApi(s, () => merchant);
    for (const name of ['d', 'a', 'c', 'b', 'e']) {
      const response = await other.call('POST', '/merchant/v1/connectors', webhook({ name }));
      expect(response.statusCode).toBe(201);
    }
    await other.call(
      'POST',
      '/merchant/v1/connectors',
      webhook({ name: 'f', endpointName: 'ORDER', events: [] }),
    );
    await other.call('POST', '/merchant/v1/connectors', spi({ name: 'g', enabled: false }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await other.call(
        'GET',
        `/merchant/v1/connectors?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.statusCode).toBe(200);
      expect(page.json().data.length).toBeLessThanOrEqual(3);
      seen.push(...page.json().data.map((c: { name: string }) => c.name));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);

    const names = async (query: string) =>
      (await other.call('GET', `/merchant/v1/connectors?${query}`))
        .json()
        .data.map((c: { name: string }) => c.name);
    expect(await names('type=SPI')).toEqual(['g']);
    expect(await names('endpointName=ORDER')).toEqual(['f']);
    expect(await names('enabled=false')).toEqual(['g']);
    expect(await names('type=WEBHOOK&enabled=true&limit=2')).toEqual(['a', 'b']);
    expect((await other.call('GET', '/merchant/v1/connectors?cursor=nonsense')).statusCode).toBe(400);
    expect((await other.call('GET', '/merchant/v1/connectors?type=FTP')).statusCode).toBe(400);
  });

  it('updates the given fields, keeps masked header values and moves updatedAt', async () => {
    const created = await api.create(webhook({ name: 'To update' }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await api.call('PUT', `/merchant/v1/connectors/${created.id}`, {
      name: 'Updated',
      url: 'https://erp.example.com/hooks/v2',
      headers: { ...created.headers, 'X-Extra': 'extra-value' },
      events: [],
      timeoutMs: 5000,
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({
      name: 'Updated',
      url: 'https://erp.example.com/hooks/v2',
      events: [],
      timeoutMs: 5000,
      latencyThresholdMs: 1000,
      headers: { Authorization: '********', 'Content-Type': 'application/json', 'X-Extra': '********' },
      createdAt: created.createdAt,
    });
    expect(updated.json().updatedAt).toBeGreaterThan(created.updatedAt);
    expect((await storedConnector(created.id)).headers).toEqual({
      Authorization: 'Bearer erp-secret-token',
      'Content-Type': 'application/json',
      'X-Extra': 'extra-value',
    });

    const unchanged = await api.call('PUT', `/merchant/v1/connectors/${created.id}`, { name: 'Updated' });
    expect(unchanged.json().updatedAt).toBe(updated.json().updatedAt);

    const dropped = await api.call('PUT', `/merchant/v1/connectors/${created.id}`, { headers: {} });
    expect(dropped.json().headers).toEqual({});
  });

  it('checks the connector an update makes as a new one, and writes nothing when it is refused', async () => {
    const created = await api.create(webhook({ name: 'Checked' }));
    const url = `/merchant/v1/connectors/${created.id}`;
    const moved = await api.call('PUT', url, { endpointName: 'ORDER' });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().errors).toEqual([
      {
        field: 'body.events.0',
        message: expect.stringContaining('"ASN_RECEIVED_EVENT" is not an event of ORDER'),
      },
    ]);
    const retyped = await api.call('PUT', url, { type: 'SPI', apiKey: 'k' });
    expect(retyped.statusCode).toBe(422);
    expect(retyped.json()).toMatchObject({ code: 'rule_violated', errors: [{ field: 'body.type' }] });
    const sameType = await api.call('PUT', url, { type: 'WEBHOOK', name: 'Checked again' });
    expect(sameType.statusCode).toBe(200);
    const unknownMask = await api.call('PUT', url, { headers: { 'X-New': '********' } });
    expect(unknownMask.statusCode).toBe(400);
    expect(unknownMask.json().errors[0].field).toBe('body.headers.X-New');
    const refused = await api.call('PUT', url, { url: 'http://10.1.2.3/hook' });
    expect(refused.statusCode).toBe(422);

    const after = (await api.call('GET', url)).json();
    expect(after).toMatchObject({
      endpointName: 'INVENTORY_EXPORT_ASN',
      url: 'https://erp.example.com/hooks',
    });
    expect(after.headers).toEqual(created.headers);
    expect(after.updatedAt).toBe(sameType.json().updatedAt);
  });

  it('deletes a connector and answers it as it was', async () => {
    const created = await api.create(webhook({ name: 'Doomed' }));
    const deleted = await api.call('DELETE', `/merchant/v1/connectors/${created.id}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ id: created.id, name: 'Doomed' });
    expect((await api.call('GET', `/merchant/v1/connectors/${created.id}`)).statusCode).toBe(404);
    expect((await api.call('DELETE', `/merchant/v1/connectors/${created.id}`)).statusCode).toBe(404);
  });

  it('answers 404, never 500, for unknown and malformed ids on every route', async () => {
    for (const id of [randomUUID(), 'not-a-uuid', '12345']) {
      const base = `/merchant/v1/connectors/${id}`;
      const answers = [
        await api.call('GET', base),
        await api.call('PUT', base, { name: 'x' }),
        await api.call('DELETE', base),
        await api.call('POST', `${base}/rotate-secret`),
        await api.call('POST', `${base}/enable`),
        await api.call('POST', `${base}/disable`),
      ];
      for (const answer of answers) {
        expect(answer.statusCode).toBe(404);
        expect(answer.json()).toMatchObject({ code: 'not_found', detail: `No connector has id "${id}".` });
      }
    }
  });

  it('rotates the signing secret; the previous one keeps signing for 24 hours', async () => {
    const created = await api.create(webhook({ name: 'Rotating' }));
    const before = Date.now();
    const rotated = await api.call('POST', `/merchant/v1/connectors/${created.id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const body = rotated.json();
    expect(body.signingSecret).toMatch(/^whsec_/);
    expect(body.signingSecret).not.toBe(created.signingSecret);
    expect(body.signingSecretHint).toBe(`whsec_…${body.signingSecret.slice(-4)}`);
    const day = 24 * 60 * 60 * 1000;
    expect(body.previousSecretExpiresAt).toBeGreaterThanOrEqual(before + day - 1000);
    expect(body.previousSecretExpiresAt).toBeLessThanOrEqual(Date.now() + day);

    const stored = await storedConnector(created.id);
    expect(signingSecrets(stored, new Date())).toEqual([body.signingSecret, created.signingSecret]);
    expect(signingSecrets(stored, new Date(body.previousSecretExpiresAt + 1))).toEqual([body.signingSecret]);

    const shown = await api.call('GET', `/merchant/v1/connectors/${created.id}`);
    expect(shown.json().previousSecretExpiresAt).toBe(body.previousSecretExpiresAt);
    expect(shown.body).not.toContain(body.signingSecret);
    expect(shown.body).not.toContain(created.signingSecret);
  });
});
