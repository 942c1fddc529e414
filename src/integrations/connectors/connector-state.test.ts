import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMerchant } from '../../../test/helpers/app.ts';
import {
  spiConnector as spi,
  useIntegrationsApp,
  webhookConnector as webhook,
} from '../../../test/helpers/integrations.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';

const { s, api } = useIntegrationsApp();

async function enabledSpiCount(endpointName: string): Promise<number> {
  const { rows } = await s.t.database.pool.query(
    `select count(*)::int as n from connectors
     where tenant_id = $1 and type = 'SPI' and endpoint_name = $2 and enabled`,
    [s.merchant.tenant.id, endpointName],
  );
  return rows[0].n;
}

describe('connector state', () => {
  it('allows one enabled SPI connector per endpoint and names the one in the way (409, never 500)', async () => {
    const first = await api.create(spi({ name: 'Tax A' }));
    const second = await api.call('POST', '/merchant/v1/connectors', spi({ name: 'Tax B' }));
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'already_exists', errors: [{ field: 'body.endpointName' }] });
    expect(second.json().detail).toContain(`"Tax A" (${first.id})`);
    expect(await enabledSpiCount('TAX_SERVICE')).toBe(1);
    // The transaction stays usable after the refused insert: an idempotent retry answers the same 409.
    const keyed = { ...s.merchant.auth, 'idempotency-key': `tax-b-${randomUUID()}` };
    const once = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/connectors',
      headers: keyed,
      payload: spi({ name: 'Tax B' }),
    });
    expect(once.statusCode).toBe(409);

    const standby = await api.create(spi({ name: 'Tax B', enabled: false }));
    const enable = await api.call('POST', `/merchant/v1/connectors/${standby.id}/enable`);
    expect(enable.statusCode).toBe(409);
    expect(enable.json().detail).toContain(first.id);
    const viaPut = await api.call('PUT', `/merchant/v1/connectors/${standby.id}`, { enabled: true });
    expect(viaPut.statusCode).toBe(409);
    expect((await api.call('GET', `/merchant/v1/connectors/${standby.id}`)).json().enabled).toBe(false);

    expect((await api.call('POST', `/merchant/v1/connectors/${first.id}/disable`)).statusCode).toBe(200);
    const switched = await api.call('POST', `/merchant/v1/connectors/${standby.id}/enable`);
    expect(switched.statusCode).toBe(200);
    expect(switched.json().enabled).toBe(true);
    expect(await enabledSpiCount('TAX_SERVICE')).toBe(1);
    // A disabled SPI of another endpoint moved onto this one while enabled is refused too.
    const other = await api.create(
      spi({ name: 'Dates', endpointName: 'DATE_PICKER', integrationType: 'HTTP_POST' }),
    );
    const moved = await api.call('PUT', `/merchant/v1/connectors/${other.id}`, {
      endpointName: 'TAX_SERVICE',
    });
    expect(moved.statusCode).toBe(409);
  });

  it('disables with a reason, and enabling turns an automatically disabled connector back on', async () => {
    const created = await api.create(webhook({ name: 'Flaky receiver' }));
    const before = Date.now();
    const disabled = await api.call('POST', `/merchant/v1/connectors/${created.id}/disable`);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ enabled: false, disabledReason: 'Disabled through the API.' });
    expect(disabled.json().disabledAt).toBeGreaterThanOrEqual(before - 1000);
    const again = await api.call('POST', `/merchant/v1/connectors/${created.id}/disable`);
    expect(again.json().disabledAt).toBe(disabled.json().disabledAt);

    // As the monitoring would leave it after days of failures, with deliveries waiting.
    const pool = s.t.database.pool;
    await pool.query(
      `update connectors set failing_since = now() - interval '6 days', last_failure_at = now(),
         disabled_at = now(), disabled_reason = 'Failed continuously for 5 days'
       where tenant_id = $1 and id = $2`,
      [s.merchant.tenant.id, created.id],
    );
    const waiting = await pool.query(
      `insert into webhook_deliveries (tenant_id, connector_id, event_id, event_type, endpoint_name, payload)
       select $1, $2, gen_random_uuid(), 'ORDER', 'ORDER', '{}' from generate_series(1, 2)
       returning id`,
      [s.merchant.tenant.id, created.id],
    );
    const keys = waiting.rows.map((row: { id: string }) => `webhook:${row.id}`);
    const jobs = async () =>
      (await pool.query('select key from graphile_worker.jobs where key = any($1)', [keys])).rows.length;
    expect(await jobs()).toBe(0);
    const shown = (await api.call('GET', `/merchant/v1/connectors/${created.id}`)).json();
    expect(shown.disabledReason).toBe('Failed continuously for 5 days');
    expect(shown.failingSince).toBeLessThan(Date.now() - 5 * 24 * 3600_000);

    const enabled = await api.call('POST', `/merchant/v1/connectors/${created.id}/enable`);
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json().enabled).toBe(true);
    for (const field of ['failingSince', 'disabledAt', 'disabledReason']) {
      expect(enabled.json()[field], field).toBeUndefined();
    }
    expect(enabled.json().lastFailureAt).toBeDefined();
    expect(await jobs()).toBe(2);
  });

  it('enabling through PUT does the same; a PUT that leaves enabled alone keeps the failure state', async () => {
    const created = await api.create(webhook({ name: 'Put toggled', enabled: false }));
    await s.t.database.pool.query(
      `update connectors set failing_since = now(), disabled_reason = 'Failed' where tenant_id = $1 and id = $2`,
      [s.merchant.tenant.id, created.id],
    );
    const renamed = await api.call('PUT', `/merchant/v1/connectors/${created.id}`, { name: 'Renamed' });
    expect(renamed.json()).toMatchObject({ enabled: false, disabledReason: 'Failed' });
    const enabled = await api.call('PUT', `/merchant/v1/connectors/${created.id}`, { enabled: true });
    expect(enabled.json().enabled).toBe(true);
    expect(enabled.json().failingSince).toBeUndefined();
    expect(enabled.json().disabledReason).toBeUndefined();
    const off = await api.call('PUT', `/merchant/v1/connectors/${created.id}`, { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false, disabledReason: 'Disabled through the API.' });
  });

  it('needs integrations:read to read and integrations:write to change', async () => {
    const created = await api.create(webhook({ name: 'Guarded' }));
    const outsider = await createMerchant(s.t.platform, {
      id: s.merchant.tenant.merchantId,
      client: { scopes: ['stores:read', 'inventory:write'] },
    });
    const reader = await createMerchant(s.t.platform, {
      id: s.merchant.tenant.merchantId,
      client: { scopes: ['integrations:read'] },
    });
    expect(outsider.tenant.id).toBe(s.merchant.tenant.id);
    const as = (merchant: typeof reader) => merchantApi(s, () => merchant);
    const id = created.id;
    const writes: [string, string, object?][] = [
      ['POST', '/merchant/v1/connectors', webhook()],
      ['PUT', `/merchant/v1/connectors/${id}`, { name: 'x' }],
      ['DELETE', `/merchant/v1/connectors/${id}`],
      ['POST', `/merchant/v1/connectors/${id}/rotate-secret`],
      ['POST', `/merchant/v1/connectors/${id}/enable`],
      ['POST', `/merchant/v1/connectors/${id}/disable`],
      ['PUT', '/merchant/v1/integrations/settings', { alertWindowMinutes: 5 }],
    ];
    const reads = [
      '/merchant/v1/connectors',
      `/merchant/v1/connectors/${id}`,
      '/merchant/v1/integrations/settings',
    ];
    for (const url of reads) {
      expect((await as(outsider).call('GET', url)).statusCode, url).toBe(403);
      expect((await as(reader).call('GET', url)).statusCode, url).toBe(200);
    }
    for (const [method, url, body] of writes) {
      for (const merchant of [outsider, reader]) {
        const response = await as(merchant).call(method as 'POST', url, body);
        expect(response.statusCode, `${method} ${url}`).toBe(403);
        expect(response.json().code).toBe('insufficient_scope');
      }
    }
    expect((await api.call('GET', `/merchant/v1/connectors/${id}`)).json().name).toBe('Guarded');
  });

  it("answers 404 for another merchant's connector and lists only the merchant's own", async () => {
    const created = await api.create(webhook({ name: 'Mine' }));
    const stranger = await createMerchant(s.t.platform);
    const theirs = merchantApi(s, () => stranger);
    const base = `/merchant/v1/connectors/${created.id}`;
    const answers = [
      await theirs.call('GET', base),
      await theirs.call('PUT', base, { name: 'Stolen' }),
      await theirs.call('DELETE', base),
      await theirs.call('POST', `${base}/rotate-secret`),
      await theirs.call('POST', `${base}/disable`),
    ];
    for (const answer of answers) expect(answer.statusCode).toBe(404);
    expect((await theirs.call('GET', '/merchant/v1/connectors')).json().data).toEqual([]);
    const mine = (await api.call('GET', base)).json();
    expect(mine).toMatchObject({ name: 'Mine', enabled: true, updatedAt: created.updatedAt });
    expect(mine.signingSecretHint).toBe(created.signingSecretHint);
  });
});
