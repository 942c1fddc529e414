import type { KyselyPlugin } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, eventsFor } from '../../../test/helpers/app.ts';
import { circuitOpen, httpFailure, succeeded, timedOut } from '../../../test/helpers/connector-calls.ts';
import { useIntegrationsApp } from '../../../test/helpers/integrations.ts';
import type { OutboundResponse } from '../../platform/outbound/http.ts';
import { asSystem } from '../../platform/system-context.ts';
import { connectorById } from '../connectors/lookup.ts';
import { recordConnectorCall } from './record.ts';

const { s, seedConnector, record, setSupportEmail } = useIntegrationsApp();
const SUPPORT = 'support@merchant.test';
const MINUTE = 60_000;

beforeAll(async () => {
  await setSupportEmail(SUPPORT);
});

async function state(id: string) {
  const { rows } = await s.t.database.pool.query(
    `select enabled, failing_since as "failingSince", last_failure_at as "lastFailureAt",
       last_alert_at as "lastAlertAt", disabled_at as "disabledAt", disabled_reason as "disabledReason"
     from connectors where id = $1`,
    [id],
  );
  return rows[0];
}

/** Moves the connector's timestamps back, as if the calls had happened that long ago. */
async function moveBack(id: string, column: 'last_alert_at' | 'failing_since', ms: number) {
  await s.t.database.pool.query(
    `update connectors set ${column} = ${column} - $2 * interval '1 ms' where id = $1`,
    [id, ms],
  );
}

async function emails(merchant = s.merchant) {
  const { rows } = await s.t.database.pool.query(
    `select purpose, recipients, subject, text_body as text from email_outbox
     where tenant_id = $1 order by created_at, subject`,
    [merchant.tenant.id],
  );
  return rows as { purpose: string; recipients: string[]; subject: string; text: string }[];
}

async function emailsAbout(id: string, merchant = s.merchant) {
  return (await emails(merchant)).filter((email) => email.text.includes(id));
}

describe('recording connector calls', () => {
  it('a failure starts the failing run and emits INTEGRATION_ERROR with secrets redacted; a success ends the run', async () => {
    const id = await seedConnector({ apiKey: 'key-0123456789', latencyThresholdMs: 500 });
    const firstAt = new Date(Date.now() - 2 * MINUTE);
    const failure = { ...httpFailure(502, 40), error: 'HTTP 502 for api_key=key-0123456789' };
    await record(id, failure, { startedAt: firstAt });
    await record(id, httpFailure(503, 30));

    const failing = await state(id);
    expect(failing.failingSince).toEqual(firstAt);
    expect(failing.lastFailureAt.getTime()).toBeGreaterThan(firstAt.getTime());
    const events = await eventsFor(s, id);
    expect(events.map((e) => e.type)).toEqual(['INTEGRATION_ERROR', 'INTEGRATION_ERROR']);
    expect(events[0]?.data).toEqual({
      connectorId: id,
      connectorName: 'ORDER test',
      endpointName: 'ORDER',
      kind: 'webhook',
      statusCode: 502,
      failure: 'http_status',
      error: 'HTTP 502 for api_key=[REDACTED]',
      latencyMs: 40,
      latencyThresholdMs: 500,
      at: firstAt.getTime(),
    });
    const { rows } = await s.t.database.pool.query(
      'select error from connector_calls where connector_id = $1',
      [id],
    );
    expect(rows.map((r) => r.error)).toContain('HTTP 502 for api_key=[REDACTED]');

    await record(id, succeeded(25));
    const recovered = await state(id);
    expect(recovered.failingSince).toBeNull();
    expect(recovered.lastFailureAt).toEqual(failing.lastFailureAt);
    expect(recovered.enabled).toBe(true);
    expect(await eventsFor(s, id)).toHaveLength(2);
  });

  it('a successful call costs one statement, whether or not it ends a run of failures', async () => {
    const id = await seedConnector();
    const statementsOfSuccess = () =>
      asSystem(s.t.platform, s.merchant.tenant.id, 'test', async (ctx) => {
        const connector = await connectorById(ctx, id);
        if (!connector) throw new Error('no connector');
        let statements = 0;
        const counted: KyselyPlugin = {
          transformQuery: (args) => args.node,
          transformResult: async (args) => {
            statements += 1;
            return args.result;
          },
        };
        const call = { kind: 'webhook' as const, startedAt: ctx.now(), response: succeeded(20) };
        await recordConnectorCall({ ...ctx, tx: ctx.tx.withPlugin(counted) }, connector, call);
        return statements;
      });
    expect(await statementsOfSuccess()).toBe(1);
    await record(id, httpFailure(503));
    expect((await state(id)).failingSince).not.toBeNull();
    expect(await statementsOfSuccess()).toBe(1);
    expect((await state(id)).failingSince).toBeNull();
    const { rows } = await s.t.database.pool.query(
      'select outcome from connector_calls where connector_id = $1 order by started_at',
      [id],
    );
    expect(rows.map((r) => r.outcome)).toEqual(['succeeded', 'failed', 'succeeded']);
  });

  it('a slow answer emits INTEGRATION_LATENCY_EXCEEDED; a timeout is reported as an error only', async () => {
    const id = await seedConnector({ type: 'SPI', endpointName: 'TAX_SERVICE', latencyThresholdMs: 100 });
    await record(id, succeeded(100));
    expect(await eventsFor(s, id)).toEqual([]);

    await record(id, succeeded(150));
    const slow = await eventsFor(s, id);
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({
      type: 'INTEGRATION_LATENCY_EXCEEDED',
      data: {
        kind: 'spi',
        endpointName: 'TAX_SERVICE',
        statusCode: 200,
        latencyMs: 150,
        latencyThresholdMs: 100,
      },
    });
    expect(slow[0]?.data).not.toHaveProperty('failure');

    await record(id, timedOut(2000));
    const all = await eventsFor(s, id);
    expect(all.map((e) => e.type).sort()).toEqual(['INTEGRATION_ERROR', 'INTEGRATION_LATENCY_EXCEEDED']);
    const error = all.find((e) => e.type === 'INTEGRATION_ERROR');
    expect(error?.data).toMatchObject({
      failure: 'timeout',
      latencyMs: 2000,
      error: 'No answer within 2000 ms.',
    });
    expect(error?.data).not.toHaveProperty('statusCode');
  });

  it('a refusal by an open circuit is recorded and counted, but changes no state and sends nothing', async () => {
    const id = await seedConnector({ type: 'SPI', endpointName: 'CART_VALIDATION' });
    await record(id, circuitOpen());
    const { rows } = await s.t.database.pool.query(
      'select outcome, failure from connector_calls where connector_id = $1',
      [id],
    );
    expect(rows).toEqual([{ outcome: 'failed', failure: 'circuit_open' }]);
    expect(await state(id)).toMatchObject({ failingSince: null, lastFailureAt: null, lastAlertAt: null });
    expect(await eventsFor(s, id)).toEqual([]);
    expect(await emailsAbout(id)).toEqual([]);
  });
});

describe('alert e-mails', () => {
  it('sends one alert per connector per window to the support address: the first failure alerts, the next ones in the window do not', async () => {
    const id = await seedConnector();
    await record(id, httpFailure(503));
    const first = await emailsAbout(id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      purpose: 'connector_alert',
      recipients: [SUPPORT],
      subject: 'Backroom alert: connector "ORDER test" (ORDER) is failing',
    });
    expect(first[0]?.text).toContain(`/merchant/v1/connectors/${id}/health`);
    expect(first[0]?.text).toContain('HTTP 503');
    expect(first[0]?.text).toContain('Failed calls in the last 1 hour: 1\n');
    expect(first[0]?.text).toContain(`${s.merchant.tenant.merchantId} (production)`);

    await record(id, httpFailure(500));
    await record(id, timedOut());
    expect(await emailsAbout(id)).toHaveLength(1);

    await moveBack(id, 'last_alert_at', 61 * MINUTE);
    await record(id, httpFailure(504));
    const later = await emailsAbout(id);
    expect(later).toHaveLength(2);
    expect(later[1]?.text).toContain('Failed calls in the last 1 hour: 4\n');
    expect(later[1]?.text).toContain('HTTP 504');
  });

  it('of concurrent failures exactly one sends the alert', async () => {
    const id = await seedConnector();
    await Promise.all(Array.from({ length: 6 }, () => record(id, httpFailure(500))));
    expect(await emailsAbout(id)).toHaveLength(1);
    expect(await eventsFor(s, id)).toHaveLength(6);
  });

  it("uses the tenant's alert address and alert window when set; without any address it sends nothing and leaves the window free", async () => {
    const other = await createMerchant(s.t.platform);
    const id = await seedConnector({}, other);
    const recordOther = (response: OutboundResponse) => record(id, response, {}, other);
    await recordOther(httpFailure(500));
    expect(await emails(other)).toEqual([]); // no support address, no alert address
    expect((await state(id)).lastAlertAt).toBeNull();

    await asSystem(s.t.platform, other.tenant.id, 'test', (ctx) =>
      ctx.tx
        .insertInto('integrationSettings')
        .values({ tenantId: other.tenant.id, alertEmail: 'ops@merchant.test', alertWindowMinutes: 5 })
        .execute(),
    );
    await recordOther(httpFailure(500)); // the first failure with an address alerts at once
    await moveBack(id, 'last_alert_at', 4 * MINUTE);
    await recordOther(httpFailure(500));
    const sent = await emails(other);
    expect(sent.map((email) => email.recipients)).toEqual([['ops@merchant.test']]);
    expect(sent[0]?.text).toContain('Failed calls in the last 5 minutes: 2\n');

    await moveBack(id, 'last_alert_at', 2 * MINUTE);
    await recordOther(httpFailure(500));
    expect(await emails(other)).toHaveLength(2);
  });

  it('a slow answer sends a latency alert, in the same window as failure alerts', async () => {
    const id = await seedConnector({ type: 'SPI', endpointName: 'REWARD_LOOKUP', latencyThresholdMs: 200 });
    await record(id, succeeded(200));
    expect(await emailsAbout(id)).toEqual([]);

    await record(id, succeeded(850));
    const [alert, ...others] = await emailsAbout(id);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      purpose: 'connector_latency_alert',
      recipients: [SUPPORT],
      subject: 'Backroom alert: connector "REWARD_LOOKUP test" (REWARD_LOOKUP) is slow',
    });
    expect(alert?.text).toContain('took 850 ms,\nlonger than its latency threshold of 200 ms');
    expect(alert?.text).toContain('Slow answers in the last 1 hour: 1\n');
    expect(alert?.text).toContain(`/merchant/v1/connectors/${id}/health`);
    expect(alert?.text).not.toContain('Failing since');

    await record(id, succeeded(900));
    await record(id, httpFailure(500));
    expect(await emailsAbout(id)).toHaveLength(1); // the window is taken, for failures too

    await moveBack(id, 'last_alert_at', 61 * MINUTE);
    await record(id, succeeded(700));
    const later = await emailsAbout(id);
    expect(later.map((email) => email.purpose)).toEqual([
      'connector_latency_alert',
      'connector_latency_alert',
    ]);
    expect(later[1]?.text).toContain('Slow answers in the last 1 hour: 3\n');
  });

  it('a slow answer that failed is alerted as a failure', async () => {
    const id = await seedConnector({ latencyThresholdMs: 100 });
    await record(id, httpFailure(503, 400));
    const sent = await emailsAbout(id);
    expect(sent.map((email) => email.purpose)).toEqual(['connector_alert']);
    expect(sent[0]?.text).toContain('Latency:       400 ms');
    const events = await eventsFor(s, id);
    expect(events.map((e) => e.type).sort()).toEqual(['INTEGRATION_ERROR', 'INTEGRATION_LATENCY_EXCEEDED']);
  });
});

describe('automatic disable', () => {
  it('disables a connector that has failed for longer than disableAfterMinutes, once, with an event and an e-mail', async () => {
    const id = await seedConnector({ endpointName: 'RETURN' });
    await record(id, httpFailure(500));
    await moveBack(id, 'failing_since', 4 * 24 * 60 * MINUTE);
    await record(id, httpFailure(500));
    expect((await state(id)).enabled).toBe(true);

    await moveBack(id, 'failing_since', 24 * 60 * MINUTE + MINUTE);
    await record(id, httpFailure(500));
    const disabled = await state(id);
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabledAt).not.toBeNull();
    expect(disabled.disabledReason).toBe(
      `Failed continuously since ${disabled.failingSince.toISOString()}, longer than 5 days.`,
    );
    const events = await eventsFor(s, id);
    const disabledEvents = events.filter((e) => e.type === 'CONNECTOR_DISABLED');
    expect(disabledEvents).toHaveLength(1);
    expect(disabledEvents[0]?.data).toMatchObject({
      connectorId: id,
      endpointName: 'RETURN',
      failingSince: disabled.failingSince.getTime(),
      reason: disabled.disabledReason,
    });
    const sent = await emailsAbout(id);
    expect(sent.map((email) => email.purpose)).toEqual(['connector_alert', 'connector_disabled']);
    expect(sent[1]?.subject).toBe('Backroom disabled connector "RETURN test" (RETURN)');
    expect(sent[1]?.text).toContain(disabled.disabledReason);
    expect(sent[1]?.recipients).toEqual([SUPPORT]);

    await record(id, httpFailure(500)); // a call still in flight when it was disabled
    expect((await eventsFor(s, id)).filter((e) => e.type === 'CONNECTOR_DISABLED')).toHaveLength(1);
    expect((await emailsAbout(id)).filter((email) => email.purpose === 'connector_disabled')).toHaveLength(1);
  });
});

describe('EXPORT_MONITORING_EVENTS connectors', () => {
  it('emit no monitoring events about their own calls, but alerts and the disable still apply', async () => {
    const id = await seedConnector({
      endpointName: 'EXPORT_MONITORING_EVENTS',
      events: ['INTEGRATION_ERROR'],
      latencyThresholdMs: 10,
    });
    await record(id, succeeded(50));
    await record(id, httpFailure(500, 50));
    expect(await eventsFor(s, id)).toEqual([]);
    expect((await state(id)).failingSince).not.toBeNull();
    expect((await emailsAbout(id)).map((email) => email.purpose)).toEqual(['connector_latency_alert']);

    await moveBack(id, 'failing_since', 5 * 24 * 60 * MINUTE);
    await record(id, httpFailure(500));
    expect((await state(id)).enabled).toBe(false);
    expect(await eventsFor(s, id)).toEqual([]);
    expect((await emailsAbout(id)).map((email) => email.purpose)).toEqual([
      'connector_latency_alert',
      'connector_disabled',
    ]);
    const { rows } = await s.t.database.pool.query(
      `select count(*)::int as n from events where tenant_id = $1 and data->>'connectorId' = $2`,
      [s.merchant.tenant.id, id],
    );
    expect(rows[0].n).toBe(0);
  });
});

describe('metrics', () => {
  it('/metrics counts connector calls by kind, endpoint and outcome, with a latency histogram', async () => {
    const id = await seedConnector({ endpointName: 'VOID_CART' });
    await record(id, succeeded(30));
    await record(id, succeeded(40));
    await record(id, httpFailure(500));
    await record(id, circuitOpen());
    const response = await s.t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('backroom_http_request_duration_seconds');
    expect(response.body).toContain(
      'backroom_connector_calls_total{kind="webhook",endpoint="VOID_CART",outcome="succeeded"} 2',
    );
    expect(response.body).toContain(
      'backroom_connector_calls_total{kind="webhook",endpoint="VOID_CART",outcome="http_status"} 1',
    );
    expect(response.body).toContain(
      'backroom_connector_call_duration_seconds_count{kind="webhook",endpoint="VOID_CART"} 3',
    );
    expect(response.body).toContain(
      'backroom_connector_calls_total{kind="webhook",endpoint="VOID_CART",outcome="circuit_open"} 1',
    );
  });
});
