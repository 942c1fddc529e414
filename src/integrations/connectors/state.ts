import { type QueryCreator, sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Database } from '../../platform/db/schema.ts';

// The connector state that monitoring keeps: the run of failures, the alert window, the automatic disable.
// The connectors module owns the table; monitoring changes these columns through here only.

/**
 * Where the run of failures is written: the transaction, or a `with` on it that records the call, so a
 * call costs one statement, its record and the state change together (see `recordConnectorCall`).
 */
export type StateWriter = QueryCreator<Database>;

export interface FailureState {
  /** The first failure of the current unbroken run of failures. */
  failingSince: Date;
  enabled: boolean;
}

/** Starts or continues the connector's run of failures; undefined if the connector is gone. */
export async function noteConnectorFailure(
  db: StateWriter,
  connectorId: string,
  at: Date,
): Promise<FailureState | undefined> {
  const row = await db
    .updateTable('connectors')
    .set({
      failingSince: sql<Date>`coalesce(failing_since, ${at})`,
      lastFailureAt: sql<Date>`greatest(last_failure_at, ${at})`,
    })
    .where('id', '=', connectorId)
    .returning(['failingSince', 'enabled'])
    .executeTakeFirst();
  return row?.failingSince ? { failingSince: row.failingSince, enabled: row.enabled } : undefined;
}

/** Ends the connector's run of failures, if it had one. Writes (and locks) nothing when it had none. */
export async function noteConnectorSuccess(db: StateWriter, connectorId: string): Promise<void> {
  await db
    .updateTable('connectors')
    .set({ failingSince: null })
    .where('id', '=', connectorId)
    .where('failingSince', 'is not', null)
    .execute();
}

/**
 * Takes the connector's alert window if no alert went out since `windowStart`: one conditional update, so
 * of concurrent calls exactly one wins (the others re-check the row after the winner commits).
 */
export async function claimAlertWindow(
  ctx: Ctx,
  connectorId: string,
  now: Date,
  windowStart: Date,
): Promise<boolean> {
  const row = await ctx.tx
    .updateTable('connectors')
    .set({ lastAlertAt: now })
    .where('id', '=', connectorId)
    .where((eb) => eb.or([eb('lastAlertAt', 'is', null), eb('lastAlertAt', '<=', windowStart)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Disables the connector unless it is disabled already; true when this call disabled it. */
export async function disableConnector(ctx: Ctx, connectorId: string, reason: string): Promise<boolean> {
  const now = ctx.now();
  const row = await ctx.tx
    .updateTable('connectors')
    .set({ enabled: false, disabledAt: now, disabledReason: reason, updatedAt: now })
    .where('id', '=', connectorId)
    .where('enabled', '=', true)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
