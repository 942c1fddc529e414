import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, startTestApp, type TestApp } from '../helpers/app.ts';

// Two server processes' worth of apps on one database: the limits must hold across both.
let first: TestApp;
let second: TestApp;

beforeAll(async () => {
  first = await startTestApp();
  second = await startTestApp({ databaseUrl: first.databaseUrl });
});
afterAll(async () => {
  await second.close();
  await first.close();
});

function burst(auth: Record<string, string>, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      (i % 2 === 0 ? first : second).app.inject({ method: 'GET', url: '/merchant/v1/stores', headers: auth }),
    ),
  );
}

describe('rate limits per API client', () => {
  it('allows exactly the daily quota across servers, then 429 with Retry-After until midnight UTC', async () => {
    const merchant = await createMerchant(first.platform, {
      client: { rateLimitPerSecond: 1000, rateLimitPerDay: 5 },
    });
    const responses = await burst(merchant.auth, 12);
    const ok = responses.filter((r) => r.statusCode === 200);
    const refused = responses.filter((r) => r.statusCode === 429);
    expect(ok.length).toBe(5);
    expect(refused.length).toBe(7);
    const secondsToMidnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
    for (const response of refused) {
      expect(response.json()).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(Math.abs(Number(response.headers['retry-after']) - secondsToMidnight)).toBeLessThanOrEqual(5);
      expect(response.headers['ratelimit-policy']).toBe('"burst";q=1000;w=1, "daily";q=5;w=86400');
    }
    const remaining = ok.map((r) => /"daily";r=(\d+)/.exec(String(r.headers.ratelimit))?.[1]).sort();
    expect(remaining).toEqual(['0', '1', '2', '3', '4']);
  });

  it('limits calls per second across servers and answers Retry-After: 1', async () => {
    const merchant = await createMerchant(first.platform, {
      client: { rateLimitPerSecond: 3, rateLimitPerDay: 1000 },
    });
    const started = Date.now();
    const responses = await burst(merchant.auth, 20);
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
    const ok = responses.filter((r) => r.statusCode === 200).length;
    const refused = responses.filter((r) => r.statusCode === 429);
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(ok).toBeLessThanOrEqual(3 * seconds);
    expect(refused.length).toBe(20 - ok);
    expect(refused[0]?.headers['retry-after']).toBe('1');
  });

  it("uses the merchant's licence tier when the client has no limits of its own", async () => {
    const merchant = await createMerchant(first.platform, {
      tier: 'starter',
      client: { rateLimitPerSecond: undefined, rateLimitPerDay: undefined },
    });
    const response = await first.app.inject({
      method: 'GET',
      url: '/merchant/v1/stores',
      headers: merchant.auth,
    });
    expect(response.headers['ratelimit-policy']).toBe('"burst";q=5;w=1, "daily";q=10000;w=86400');
  });

  it('refused calls do not use up the quota', async () => {
    const merchant = await createMerchant(first.platform, {
      client: { rateLimitPerSecond: 1000, rateLimitPerDay: 2 },
    });
    await burst(merchant.auth, 6);
    const { rows } = await first.database.pool.query(
      'select day_hits from rate_limit_counters where tenant_id = $1',
      [merchant.tenant.id],
    );
    expect(rows[0].day_hits).toBe(2);
  });
});
