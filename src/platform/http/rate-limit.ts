import { sql } from 'kysely';
import { type Principal, principalKey } from '../auth/tokens.ts';
import type { Db } from '../db/database.ts';
import { Problem } from './problems.ts';

export interface RateLimitState {
  headers: Record<string, string>;
}

interface CounterRow {
  secondHits: number;
  dayHits: number;
  nowMs: number;
}

/**
 * Counts one call against the principal's per-second and per-day limits, in PostgreSQL so that every server
 * process shares the count. One autocommit statement per request; the counter row is locked only for that
 * statement. A call over either limit is not counted and is refused with 429.
 */
export async function consumeRateLimit(db: Db, principal: Principal): Promise<RateLimitState> {
  const { perSecond, perDay } = principal.limits;
  const key = principalKey(principal);
  const { rows } = await sql<CounterRow>`
    with clock as (select (extract(epoch from clock_timestamp()) * 1000)::bigint as now_ms),
    windows as (select now_ms, now_ms / 1000 as second_window, now_ms / 86400000 as day_window from clock)
    insert into rate_limit_counters as c (tenant_id, principal, second_window, second_hits, day_window, day_hits)
    select ${principal.tenantId}, ${key}, second_window, 1, day_window, 1 from windows
    on conflict (tenant_id, principal) do update set
      second_hits = case when c.second_window = excluded.second_window then c.second_hits + 1 else 1 end,
      second_window = excluded.second_window,
      day_hits = case when c.day_window = excluded.day_window then c.day_hits + 1 else 1 end,
      day_window = excluded.day_window
    where (c.second_window <> excluded.second_window or c.second_hits < ${perSecond})
      and (c.day_window <> excluded.day_window or c.day_hits < ${perDay})
    returning second_hits, day_hits, (select now_ms from clock) as now_ms`.execute(db);
  const row = rows[0];
  if (row) return { headers: rateHeaders(perSecond, perDay, row) };
  throw await refusal(db, principal);
}

function rateHeaders(perSecond: number, perDay: number, row: CounterRow): Record<string, string> {
  const secondReset = Math.max(1, Math.ceil((1000 - (row.nowMs % 1000)) / 1000));
  const dayReset = Math.ceil((86_400_000 - (row.nowMs % 86_400_000)) / 1000);
  return {
    'ratelimit-policy': `"burst";q=${perSecond};w=1, "daily";q=${perDay};w=86400`,
    ratelimit: `"burst";r=${Math.max(0, perSecond - row.secondHits)};t=${secondReset}, "daily";r=${Math.max(0, perDay - row.dayHits)};t=${dayReset}`,
  };
}

async function refusal(db: Db, principal: Principal): Promise<Problem> {
  const { perSecond, perDay } = principal.limits;
  const { rows } = await sql<CounterRow & { dayWindow: number; secondWindow: number }>`
    select second_hits, day_hits, second_window, day_window,
      (extract(epoch from clock_timestamp()) * 1000)::bigint as now_ms
    from rate_limit_counters where tenant_id = ${principal.tenantId} and principal = ${principalKey(principal)}`.execute(
    db,
  );
  const row = rows[0] ?? {
    secondHits: perSecond,
    dayHits: 0,
    nowMs: Date.now(),
    dayWindow: 0,
    secondWindow: 0,
  };
  const dailyExhausted = row.dayWindow === Math.floor(row.nowMs / 86_400_000) && row.dayHits >= perDay;
  const headers = rateHeaders(perSecond, perDay, row);
  const retryAfter = dailyExhausted
    ? Math.ceil((86_400_000 - (row.nowMs % 86_400_000)) / 1000)
    : Math.max(1, Math.ceil((1000 - (row.nowMs % 1000)) / 1000));
  const detail = dailyExhausted
    ? `The daily limit of ${perDay} calls for this client is used up.`
    : `At most ${perSecond} calls per second are allowed for this client.`;
  return new Problem('rate_limited', detail, { headers: { ...headers, 'retry-after': String(retryAfter) } });
}
