import { describe, expect, it } from 'vitest';
import { allowNetworks } from '../../../test/helpers/connectors.ts';
import { useIntegrationsApp } from '../../../test/helpers/integrations.ts';
import { asSystem } from '../../platform/system-context.ts';
import { integrationSettings } from './lookup.ts';

const { s, api } = useIntegrationsApp();
const url = '/merchant/v1/integrations/settings';

describe('integration settings', () => {
  it('answers the defaults until the merchant sets anything', async () => {
    const response = await api.call('GET', url);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      alertWindowMinutes: 60,
      disableAfterMinutes: 7200,
      allowedNetworks: [],
    });
  });

  it('changes the given settings, keeps the others, and null sends alerts to the support address again', async () => {
    const before = Date.now();
    const first = await api.call('PUT', url, {
      alertEmail: 'integrations@example.com',
      allowedNetworks: ['loopback', '10.20.0.0/16', 'loopback', 'fd00::/8'],
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      alertEmail: 'integrations@example.com',
      alertWindowMinutes: 60,
      disableAfterMinutes: 7200,
      allowedNetworks: ['loopback', '10.20.0.0/16', 'fd00::/8'],
    });
    expect(first.json().updatedAt).toBeGreaterThanOrEqual(before - 1000);

    const second = await api.call('PUT', url, { alertWindowMinutes: 10_080, disableAfterMinutes: 1 });
    expect(second.json()).toMatchObject({
      alertEmail: 'integrations@example.com',
      alertWindowMinutes: 10_080,
      disableAfterMinutes: 1,
      allowedNetworks: ['loopback', '10.20.0.0/16', 'fd00::/8'],
    });
    const cleared = await api.call('PUT', url, { alertEmail: null, allowedNetworks: [] });
    expect(cleared.json().alertEmail).toBeUndefined();
    expect(cleared.json().allowedNetworks).toEqual([]);
    expect((await api.call('GET', url)).json()).toEqual(cleared.json());

    const seen = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) =>
      integrationSettings(ctx),
    );
    expect(seen).toEqual({
      alertEmail: null,
      alertWindowMinutes: 10_080,
      disableAfterMinutes: 1,
      allowedNetworks: [],
    });
  });

  it('refuses bad values field by field and changes nothing', async () => {
    const set = await api.call('PUT', url, { alertWindowMinutes: 30 });
    expect(set.statusCode).toBe(200);
    const cases: [object, string[]][] = [
      [{ alertEmail: 'not-an-address' }, ['body.alertEmail']],
      [{ alertWindowMinutes: 0 }, ['body.alertWindowMinutes']],
      [{ alertWindowMinutes: 10_081 }, ['body.alertWindowMinutes']],
      [{ disableAfterMinutes: 525_601 }, ['body.disableAfterMinutes']],
      [{ disableAfterMinutes: 2.5 }, ['body.disableAfterMinutes']],
      [
        { allowedNetworks: ['intranet', '10.0.0.0/33', 'private'] },
        ['body.allowedNetworks.0', 'body.allowedNetworks.1'],
      ],
      [{ allowedNetworks: 'loopback' }, ['body.allowedNetworks']],
      [{ smtpPassword: 'x' }, ['body.smtpPassword']],
    ];
    for (const [body, fields] of cases) {
      const response = await api.call('PUT', url, { alertWindowMinutes: 45, ...body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('validation_failed');
      expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(fields);
    }
    const [invalidNetwork] = (await api.call('PUT', url, { allowedNetworks: ['intranet'] })).json().errors;
    expect(invalidNetwork.message).toContain('loopback, private, linkLocal');
    expect((await api.call('GET', url)).json().alertWindowMinutes).toBe(30);
  });

  it("refuses networks outside the operator's ceiling, naming each, and changes nothing", async () => {
    expect((await api.call('PUT', url, { allowedNetworks: ['loopback'] })).statusCode).toBe(200);
    const response = await api.call('PUT', url, {
      alertWindowMinutes: 15,
      allowedNetworks: ['private', 'linkLocal', '0.0.0.0/0', 'metadata', '10.1.0.0/16', '169.254.0.0/16'],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('rule_violated');
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body.allowedNetworks.1',
      'body.allowedNetworks.2',
      'body.allowedNetworks.3',
      'body.allowedNetworks.5',
    ]);
    expect(response.json().errors[0].message).toBe(
      '"linkLocal" is outside what this Backroom allows: loopback, private, uniqueLocal',
    );
    expect(response.json().detail).toContain('BACKROOM_OUTBOUND_ALLOWED_NETWORKS');
    const after = (await api.call('GET', url)).json();
    expect(after.allowedNetworks).toEqual(['loopback']);
    expect(after.alertWindowMinutes).not.toBe(15);
  });

  it('leaves out saved entries the ceiling no longer allows when connectors are called', async () => {
    const saved = ['loopback', 'linkLocal', '169.254.0.0/16', '10.0.0.0/8', 'metadata'];
    await allowNetworks(s.t.platform, s.merchant.tenant.id, saved);
    expect((await api.call('GET', url)).json().allowedNetworks).toEqual(saved);
    const used = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) =>
      integrationSettings(ctx),
    );
    expect(used.allowedNetworks).toEqual(['loopback', '10.0.0.0/8']);
  });
});
