import type { Ctx } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import { isUuid } from '../../platform/uuid.ts';
import { connectorById } from '../connectors/lookup.ts';
import * as repo from './repo.ts';
import type { ConnectorHealth } from './schemas.ts';

const HOUR_MS = 3_600_000;

/** A connector's health over the last `windowHours`: counts, success rate, latency percentiles, last error. */
export async function connectorHealth(ctx: Ctx, id: string, windowHours: number): Promise<ConnectorHealth> {
  const connector = isUuid(id) ? await connectorById(ctx, id) : undefined;
  if (!connector) throw new Problem('not_found', `No connector has id "${id}".`);
  const since = new Date(ctx.now().getTime() - windowHours * HOUR_MS);
  const stats = await repo.callStats(ctx.tx, connector.id, since);
  const lastError = connector.lastFailureAt
    ? await repo.lastError(ctx.tx, connector.id, connector.lastFailureAt)
    : undefined;
  const lastSuccessAt = await repo.lastSuccessAt(ctx.tx, connector.id);
  return {
    connectorId: connector.id,
    windowHours,
    calls: stats.calls,
    succeeded: stats.succeeded,
    failed: stats.failed,
    ...(stats.calls > 0 ? { successRate: stats.succeeded / stats.calls } : {}),
    ...(stats.p50LatencyMs !== null ? { p50LatencyMs: toTenths(stats.p50LatencyMs) } : {}),
    ...(stats.p95LatencyMs !== null ? { p95LatencyMs: toTenths(stats.p95LatencyMs) } : {}),
    ...(lastError
      ? {
          lastError: {
            at: lastError.startedAt.getTime(),
            ...(lastError.statusCode !== null ? { statusCode: lastError.statusCode } : {}),
            failure: lastError.failure ?? 'failed',
            ...(lastError.error !== null ? { message: lastError.error } : {}),
          },
        }
      : {}),
    ...(lastSuccessAt ? { lastSuccessAt: lastSuccessAt.getTime() } : {}),
    ...(connector.failingSince ? { failingSince: connector.failingSince.getTime() } : {}),
    enabled: connector.enabled,
    ...(connector.disabledAt ? { disabledAt: connector.disabledAt.getTime() } : {}),
    ...(connector.disabledReason ? { disabledReason: connector.disabledReason } : {}),
  };
}

/** Interpolated percentiles carry floating-point noise (95.49999…); a tenth of a millisecond is plenty. */
function toTenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}
