import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createMerchant, type TestMerchant, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { insertConnector } from '../../../test/helpers/connectors.ts';
import type { ReceivedRequest } from '../../../test/helpers/receiver.ts';
import { until } from '../../../test/helpers/until.ts';
import { adjustmentEvent, useWebhookMerchants } from '../../../test/helpers/webhooks.ts';
import { newSigningSecret } from '../../platform/outbound/signing.ts';
import { asSystem } from '../../platform/system-context.ts';
import { CONNECTOR_DISABLED_NOTE, WEBHOOK_USER_AGENT } from './deliver.ts';
import { fanOut } from './fan-out.ts';
import { resumeDeliveries } from './resume.ts';

const SCHEDULE = [0, 100, 100, 100];
const s = useAppWithMerchant({
  env: { BACKROOM_WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms,100ms', BACKROOM_WORKER_LIVENESS_MS: '2000' },
});
const { merchantWithWebhook, deliveriesOf, settledDeliveries } = useWebhookMerchants(s);

const headersOf = (request: ReceivedRequest) => request.headers as Record<string, string>;

async function callsOf(merchant: TestMerchant) {
  const { rows } = await s.t.database.pool.query(
    `select delivery_id as "deliveryId", status_code as "statusCode", latency_ms as "latencyMs", outcome,
       failure, error, response_excerpt as "responseExcerpt", started_at as "startedAt"
     from connector_calls where tenant_id = $1 order by started_at, id`,
    [merchant.tenant.id],
  );
  return rows;
}

describe('webhook delivery', { timeout: 30_000 }, () => {
  it('signs every request per Standard Webhooks; a tampered body does not verify', async () => {
    const w = await merchantWithWebhook(undefined, { headers: { 'x-merchant-token': 'token-123456' } });
    await w.adjust([
      { productId: 'TEE', quantity: 5 },
      { productId: 'CAP', quantity: 2 },
      { productId: 'MUG', quantity: 1 },
    ]);
    const deliveries = await settledDeliveries(w.merchant, 3);
    expect(deliveries.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(w.receiver.requests).toHaveLength(3);

    const verifier = new Webhook(w.connector.signingSecret);
    const received = w.receiver.requests.map((request) => {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/hooks/inventory');
      expect(request.headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'x-merchant-token': 'token-123456',
      });
      const payload = verifier.verify(request.body, headersOf(request)) as Record<string, any>;
      expect(() => verifier.verify(request.body.replace('"NYC"', '"BOS"'), headersOf(request))).toThrow();
      expect(() => new Webhook(newSigningSecret()).verify(request.body, headersOf(request))).toThrow();
      return { webhookId: request.headers['webhook-id'], payload };
    });
    for (const delivery of deliveries) {
      const match = received.find((r) => r.webhookId === delivery.id);
      expect(match?.payload).toEqual(delivery.payload);
      expect(match?.payload).toMatchObject({
        type: 'INVENTORY_ADJUSTMENT',
        eventId: delivery.eventId,
        timestamp: expect.any(Number),
        data: { storeId: 'NYC', bucket: 'on_hand' },
      });
    }
    expect(received.map((r) => r.payload.subject).sort()).toEqual(['CAP', 'MUG', 'TEE']);

    const calls = await callsOf(w.merchant);
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call).toMatchObject({ statusCode: 200, outcome: 'succeeded' });
  });

  it('signs with both secrets while a rotation is in its grace period, and with the new one after', async () => {
    const w = await merchantWithWebhook();
    const previous = w.connector.signingSecret;
    const current = newSigningSecret();
    await s.t.database.pool.query(
      `update connectors set signing_secret = $1, previous_signing_secret = $2,
         previous_secret_expires_at = now() + interval '24 hours' where tenant_id = $3 and id = $4`,
      [current, previous, w.merchant.tenant.id, w.connector.id],
    );
    await w.adjust([{ productId: 'TEE', quantity: 1 }]);
    await settledDeliveries(w.merchant, 1);
    const [during] = w.receiver.requests;
    if (!during) throw new Error('nothing received');
    expect(headersOf(during)['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [previous, current]) {
      expect(new Webhook(secret).verify(during.body, headersOf(during))).toBeTruthy();
    }

    await s.t.database.pool.query(
      `update connectors set previous_secret_expires_at = now() - interval '1 second'
       where tenant_id = $1 and id = $2`,
      [w.merchant.tenant.id, w.connector.id],
    );
    await w.adjust([{ productId: 'TEE', quantity: 1 }]);
    await settledDeliveries(w.merchant, 2);
    const after = w.receiver.requests[1];
    if (!after) throw new Error('nothing received');
    expect(new Webhook(current).verify(after.body, headersOf(after))).toBeTruthy();
    expect(() => new Webhook(previous).verify(after.body, headersOf(after))).toThrow();
  });

  it('retries a receiver that fails until it recovers, recording every attempt with status and latency', async () => {
    const seen = new Set<string>();
    const w = await merchantWithWebhook((request) => {
      const id = String(request.headers['webhook-id']);
      if (seen.has(id)) return { status: 200, body: '{"ok":true}' };
      seen.add(id);
      return { status: 500, body: '{"message":"down for maintenance"}', delayMs: 20 };
    });
    await w.adjust([
      { productId: 'TEE', quantity: 3 },
      { productId: 'CAP', quantity: 4 },
    ]);
    const deliveries = await settledDeliveries(w.merchant, 2);
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        totalAttempts: 2,
        lastStatusCode: 200,
      });
    }
    const eventIds = w.receiver.requests.map((request) => JSON.parse(request.body).eventId);
    expect(new Set(eventIds)).toEqual(new Set(deliveries.map((d) => d.eventId)));

    const calls = await callsOf(w.merchant);
    for (const delivery of deliveries) {
      const attempts = calls.filter((call) => call.deliveryId === delivery.id);
      expect(attempts).toMatchObject([
        { statusCode: 500, outcome: 'failed', failure: 'http_status', error: 'HTTP 500' },
        { statusCode: 200, outcome: 'succeeded', failure: null, responseExcerpt: '{"ok":true}' },
      ]);
      expect(attempts[0].latencyMs).toBeGreaterThanOrEqual(15);
      expect(attempts[0].responseExcerpt).toContain('down for maintenance');
      // the retry waits for the schedule's second delay
      const gap = attempts[1].startedAt.getTime() - attempts[0].startedAt.getTime();
      expect(gap).toBeGreaterThanOrEqual(SCHEDULE[1] ?? 0);
    }
  });

  it('counts a 2xx with errorMessage as failed and gives up after the schedule, every attempt recorded', async () => {
    const w = await merchantWithWebhook(() => ({
      status: 200,
      body: '{"errorMessage":"unknown store NYC","errorCode":"E42"}',
    }));
    await w.adjust([{ productId: 'MUG', quantity: 7 }]);
    const [delivery] = await settledDeliveries(w.merchant, 1);
    expect(delivery).toMatchObject({
      status: 'failed',
      attempts: SCHEDULE.length,
      totalAttempts: SCHEDULE.length,
      lastStatusCode: 200,
      lastError: expect.stringContaining('unknown store NYC'),
    });
    const calls = await callsOf(w.merchant);
    expect(calls).toHaveLength(SCHEDULE.length);
    for (const call of calls) {
      expect(call).toMatchObject({
        deliveryId: delivery.id,
        statusCode: 200,
        outcome: 'failed',
        failure: 'error_body',
      });
    }
    // every attempt carries the same webhook-id and the same bytes, freshly signed
    expect(w.receiver.requests).toHaveLength(SCHEDULE.length);
    expect(new Set(w.receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery.id]));
    expect(new Set(w.receiver.requests.map((r) => r.body)).size).toBe(1);
    for (const request of w.receiver.requests) {
      expect(new Webhook(w.connector.signingSecret).verify(request.body, headersOf(request))).toBeTruthy();
    }
  });

  it('never records the api key or header secrets, even when the receiver echoes them', async () => {
    const apiKey = 'ak_live_5f0c9e1d2b3a';
    const headerSecret = 'hs_7d6e5f4a3b2c';
    const w = await merchantWithWebhook(
      (request) => ({
        status: 200,
        body: JSON.stringify({
          errorMessage: `rejected key ${apiKey} with ${request.headers['x-auth']}`,
          echo: `api_key=${apiKey}&auth=${request.headers['x-auth']}`,
        }),
      }),
      { apiKey, headers: { 'x-auth': headerSecret } },
    );
    expect(w.receiver.requests).toHaveLength(0);
    await w.adjust([{ productId: 'CAP', quantity: 1 }]);
    const [delivery] = await settledDeliveries(w.merchant, 1);
    expect(w.receiver.requests[0]?.headers['x-auth']).toBe(headerSecret);
    const calls = await callsOf(w.merchant);
    expect(calls).toHaveLength(SCHEDULE.length);
    const recorded = JSON.stringify([calls, delivery.lastError]);
    expect(recorded).toContain('[REDACTED]');
    expect(recorded).not.toContain(apiKey);
    expect(recorded).not.toContain(headerSecret);
    expect(recorded).not.toContain(w.connector.signingSecret);
  });

  it('holds a delivery while its connector is disabled and sends it once deliveries are resumed', async () => {
    const w = await merchantWithWebhook();
    // the connector is disabled after the event fanned out to it, before the attempt
    await asSystem(s.t.platform, w.merchant.tenant.id, 'test', async (ctx) => {
      const event = adjustmentEvent(ctx.now());
      expect(await fanOut(ctx, event)).toBe(1);
      await ctx.tx
        .updateTable('connectors')
        .set({ enabled: false })
        .where('id', '=', w.connector.id)
        .execute();
    });
    const waiting = await until(async () => {
      const [delivery] = await deliveriesOf(w.merchant);
      return delivery?.lastError === CONNECTOR_DISABLED_NOTE ? delivery : undefined;
    });
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });
    expect(w.receiver.requests).toHaveLength(0);

    const resumed = await asSystem(s.t.platform, w.merchant.tenant.id, 'test', async (ctx) => {
      await ctx.tx
        .updateTable('connectors')
        .set({ enabled: true })
        .where('id', '=', w.connector.id)
        .execute();
      return resumeDeliveries(ctx, w.connector.id);
    });
    expect(resumed).toEqual({ scheduled: 1, remaining: 0 });
    const [delivered] = await settledDeliveries(w.merchant, 1);
    expect(delivered).toMatchObject({ id: waiting.id, status: 'succeeded', attempts: 1, lastError: null });
    expect(w.receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([waiting.id]);
  });
});

describe('fan-out', () => {
  it('goes only to the export endpoint an inventory document names, and never twice for one event', async () => {
    const merchant = await createMerchant(s.t.platform);
    const url = 'http://127.0.0.1:9/hooks';
    const asn = await insertConnector(s.t.platform, merchant.tenant.id, {
      type: 'WEBHOOK',
      endpointName: 'INVENTORY_EXPORT_ASN',
      url,
    });
    await insertConnector(s.t.platform, merchant.tenant.id, {
      type: 'WEBHOOK',
      endpointName: 'INVENTORY_EXPORT_STS',
      url,
    });
    const event = {
      id: crypto.randomUUID(),
      type: 'ASN_CREATED_EVENT',
      subject: 'ASN-1',
      data: { exportEndpoint: 'INVENTORY_EXPORT_ASN', asnId: 'ASN-1' },
      occurredAt: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)),
    };
    const created = await asSystem(s.t.platform, merchant.tenant.id, 'test', async (ctx) => [
      await fanOut(ctx, event),
      await fanOut(ctx, event),
    ]);
    expect(created).toEqual([1, 0]);
    const { rows } = await s.t.database.pool.query(
      'select connector_id as "connectorId", endpoint_name as "endpointName", event_type as "eventType", payload from webhook_deliveries where tenant_id = $1',
      [merchant.tenant.id],
    );
    expect(rows).toEqual([
      {
        connectorId: asn.id,
        endpointName: 'INVENTORY_EXPORT_ASN',
        eventType: 'ASN_CREATED_EVENT',
        payload: {
          type: 'ASN_CREATED_EVENT',
          timestamp: event.occurredAt.getTime(),
          eventId: event.id,
          subject: 'ASN-1',
          data: event.data,
        },
      },
    ]);
  });
});
