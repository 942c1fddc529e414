import { sql } from 'kysely';
import type { Tx } from '../db/tenant-transaction.ts';

/** Enqueues a background task in the caller's transaction: it runs only if the transaction commits. */
export async function enqueueJob(tx: Tx, task: string, payload: object, maxAttempts = 25): Promise<void> {
  await sql`select backroom_private.enqueue_job(${task}, ${JSON.stringify(payload)}::json, ${maxAttempts})`.execute(
    tx,
  );
}
