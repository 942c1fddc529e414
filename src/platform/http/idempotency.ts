import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import { Problem } from './problems.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

const replayBodies = new WeakMap<object, unknown>();

/**
 * Marks an answer that shows a secret once: an Idempotency-Key stores (and later replays) `replay` in its
 * place, so the secret is neither kept in the key's row nor answered again. Returns `body`, to be answered.
 */
export function replayAs<T extends object>(body: T, replay: unknown): T {
  replayBodies.set(body, replay);
  return body;
}

function bodyToStore(body: unknown): unknown {
  return typeof body === 'object' && body !== null && replayBodies.has(body) ? replayBodies.get(body) : body;
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/**
 * Runs a POST at most once per (principal, Idempotency-Key). The key's row is written in the same transaction
 * as the request's own changes, so a stored response always matches committed work, and a crash mid-request
 * leaves the key free for a retry. A transaction-scoped advisory lock tells a concurrent duplicate that the
 * first is still in flight.
 */
export async function runIdempotently(
  tx: Tx,
  scope: IdempotencyScope,
  execute: () => Promise<{ status: number; body: unknown }>,
): Promise<StoredResponse> {
  const lockName = `${scope.tenantId}:${scope.principal}:${scope.key}`;
  const { rows } = await sql<{ locked: boolean }>`
    select pg_try_advisory_xact_lock(hashtextextended(${lockName}, 0)) as locked`.execute(tx);
  if (!rows[0]?.locked) {
    throw new Problem(
      'idempotency_key_in_use',
      'Wait for the first request with this key to finish, then retry.',
      {
        headers: { 'retry-after': '1' },
      },
    );
  }
  const stored = await storedResponse(tx, scope);
  if (stored) return stored;
  const response = await execute();
  await tx
    .insertInto('idempotencyKeys')
    .values({
      tenantId: scope.tenantId,
      principal: scope.principal,
      key: scope.key,
      requestHash: scope.fingerprint,
      responseStatus: response.status,
      responseBody: JSON.stringify(bodyToStore(response.body) ?? null),
    })
    .onConflict((oc) =>
      oc.columns(['tenantId', 'principal', 'key']).doUpdateSet((eb) => ({
        requestHash: eb.ref('excluded.requestHash'),
        responseStatus: eb.ref('excluded.responseStatus'),
        responseBody: eb.ref('excluded.responseBody'),
        createdAt: sql`now()`,
      })),
    )
    .execute();
  return { ...response, replayed: false };
}

export interface IdempotencyScope {
  tenantId: string;
  principal: string;
  key: string;
  fingerprint: string;
  ttlHours: number;
}

/**
 * The response stored for this key, to replay; undefined when there is none. The same key with another
 * request is refused.
 */
export async function storedResponse(tx: Tx, scope: IdempotencyScope): Promise<StoredResponse | undefined> {
  const stored = await tx
    .selectFrom('idempotencyKeys')
    .select(['requestHash', 'responseStatus', 'responseBody'])
    .where('principal', '=', scope.principal)
    .where('key', '=', scope.key)
    .where('createdAt', '>', sql<Date>`now() - make_interval(hours => ${scope.ttlHours})`)
    .executeTakeFirst();
  if (!stored) return undefined;
  if (stored.requestHash !== scope.fingerprint) {
    throw new Problem('idempotency_key_reused', 'Use a new Idempotency-Key for a different request.');
  }
  return { status: stored.responseStatus, body: stored.responseBody, replayed: true };
}

/** Forgets keys older than the retention window; run by the scheduler. */
export async function purgeIdempotencyKeys(db: Db, ttlHours: number) {
  return sql`delete from idempotency_keys where created_at < now() - make_interval(hours => ${ttlHours})`.execute(
    db,
  );
}
