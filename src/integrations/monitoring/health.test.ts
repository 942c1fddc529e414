import { describe, expect, it } from 'vitest';
import { createMerchant } from '../../../test/helpers/app.ts';
import { circuitOpen, httpFailure, succeeded, timedOut } from '../../../test/helpers/connector-calls.ts';
import { useIntegrationsApp } from '../../../test/helpers/integrations.ts';
import type { OutboundResponse } from '../../platform/outbound/http.ts';

const { s, seedConnector, record } = useIntegrationsApp();
const MINUTE = 60_000;

function health(id: string, query = '', auth = s.merchant.auth) {
  return s.t.app.inject({
    method: 'GET',
    url: `/merchant/v1/connectors/${id}/health${query}`,
    headers: auth,
  });
}

describe('GET /merchant/v1/connectors/{id}/health', () => {
  it('reports counts, success rate, p50/p95 latency, the last error and the failing run of the window', async () => {
    const id = await seedConnector();
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE);
    const calls: [number, OutboundResponse][] = [
      [30 * 60, httpFailure(500, 1000)], // 30 hours ago: outside the default window
      [100, succeeded(10)],
      [90, succeeded(20)],
      [80, succeeded(30)],
      [70, succeeded(40)],
      [60, succeeded(50)],
      [50, succeeded(60)],
      [40, succeeded(70)],
      [30, succeeded(80)],
      [20, httpFailure(503, 90)],
      [10, timedOut(100)],
      [5, circuitOpen()],
    ];
    for (const [minutesAgo, response] of calls) {
      await record(id, response, { startedAt: at(minutesAgo) });
    }

    const day = await health(id);
    expect(day.statusCode, day.body).toBe(200);
    expect(day.json()).toEqual({
      connectorId: id,
      windowHours: 24,
      calls: 11,
      succeeded: 8,
      failed: 3,
      successRate: 8 / 11,
      // Latencies 10, 20, …, 100 (the refusal by the open circuit took no time): interpolated percentiles.
      p50LatencyMs: 55,
      p95LatencyMs: 95.5,
      lastError: { at: at(10).getTime(), failure: 'timeout', message: 'No answer within 100 ms.' },
      lastSuccessAt: at(30).getTime(),
      failingSince: at(20).getTime(),
      enabled: true,
    });

    const twoDays = (await health(id, '?windowHours=48')).json();
    expect(twoDays).toMatchObject({
      windowHours: 48,
      calls: 12,
      succeeded: 8,
      failed: 4,
      successRate: 8 / 12,
      p50LatencyMs: 60,
      p95LatencyMs: 550,
    });

    const hour = (await health(id, '?windowHours=1')).json();
    expect(hour).toMatchObject({ calls: 6, succeeded: 3, failed: 3, successRate: 0.5, p50LatencyMs: 80 });
    expect(hour.lastSuccessAt).toBe(at(30).getTime());
  });

  it('leaves out what it cannot know: no calls, no rate, no latencies, no last error', async () => {
    const id = await seedConnector();
    const response = await health(id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      connectorId: id,
      windowHours: 24,
      calls: 0,
      succeeded: 0,
      failed: 0,
      enabled: true,
    });
  });

  it('shows a disabled connector with its reason, and the HTTP status of its last error', async () => {
    const id = await seedConnector();
    await record(id, httpFailure(404, 15));
    await s.t.database.pool.query(
      `update connectors set enabled = false, disabled_at = now(), disabled_reason = 'Disabled by test.'
       where id = $1`,
      [id],
    );
    const body = (await health(id)).json();
    expect(body).toMatchObject({
      enabled: false,
      disabledReason: 'Disabled by test.',
      lastError: { statusCode: 404, failure: 'http_status', message: 'HTTP 404' },
    });
    expect(body.disabledAt).toEqual(expect.any(Number));
    expect(body).not.toHaveProperty('lastSuccessAt');
  });

  it('answers 404 for unknown ids, ids that are not UUIDs and connectors of another merchant', async () => {
    const other = await createMerchant(s.t.platform);
    const theirs = await seedConnector({ url: 'https://other.example/hooks' }, other);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', theirs]) {
      const response = await health(id);
      expect(response.statusCode, id).toBe(404);
      expect(response.json().code).toBe('not_found');
    }
    expect((await health(theirs, '', other.auth)).statusCode).toBe(200);
  });

  it('refuses windows outside 1–720 hours, and callers without integrations:read', async () => {
    const id = await seedConnector();
    for (const query of ['?windowHours=0', '?windowHours=721', '?windowHours=1.5', '?windowHours=day']) {
      const response = await health(id, query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
    expect((await health(id, '?windowHours=720')).statusCode).toBe(200);
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['stores:read'] } });
    expect((await health(id, '', reader.auth)).statusCode).toBe(403);
  });
});
