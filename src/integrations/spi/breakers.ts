import CircuitBreaker from 'opossum';
import type { Config } from '../../config.ts';
import type { Connector } from '../connectors/lookup.ts';

export type BreakerSettings = Config['spiBreaker'];

/** A call the breaker guards; it counts as failed when the call's outcome is not ok. */
export type GuardedCall<T extends { ok: boolean }> = () => Promise<T>;

/** Carries a failed outcome through the breaker, which only sees rejections as failures. */
export class FailedOutcome<T> extends Error {
  readonly outcome: T;

  constructor(outcome: T) {
    super('the SPI call failed');
    this.outcome = outcome;
  }
}

interface Entry {
  version: number;
  breaker: CircuitBreaker<[GuardedCall<{ ok: boolean }>], { ok: boolean }>;
}

/**
 * One breaker per connector, in this process's memory: each node protects itself from a merchant system that
 * is down, and nothing another node needs is kept here. A connector's edit (its updatedAt) starts a fresh
 * breaker, so a corrected URL or key is tried at once.
 */
const breakers = new Map<string, Entry>();

function breakerFor(connector: Connector, settings: BreakerSettings): Entry['breaker'] {
  const version = connector.updatedAt.getTime();
  const current = breakers.get(connector.id);
  if (current?.version === version) return current.breaker;
  current?.breaker.shutdown();
  const breaker = new CircuitBreaker(
    async (call: GuardedCall<{ ok: boolean }>) => {
      const outcome = await call();
      if (!outcome.ok) throw new FailedOutcome(outcome);
      return outcome;
    },
    {
      name: `spi:${connector.id}`,
      // sendOutbound enforces the connector's own timeout; a second one here would only race it.
      timeout: false,
      errorThresholdPercentage: settings.errorPercent,
      volumeThreshold: settings.minCalls,
      rollingCountTimeout: settings.windowMs,
      rollingCountBuckets: 10,
      resetTimeout: settings.resetMs,
    },
  );
  breakers.set(connector.id, { version, breaker });
  return breaker;
}

/**
 * Runs the call behind the connector's breaker. Answers the call's outcome, ok or not, or `undefined` when
 * the breaker is open and the call was not made.
 */
export async function throughBreaker<T extends { ok: boolean }>(
  connector: Connector,
  settings: BreakerSettings,
  call: GuardedCall<T>,
): Promise<T | undefined> {
  try {
    return (await breakerFor(connector, settings).fire(call)) as T;
  } catch (error) {
    if (error instanceof FailedOutcome) return error.outcome as T;
    if ((error as { code?: unknown }).code === 'EOPENBREAKER') return undefined;
    throw error;
  }
}
