import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * A baseline made of exactly what Backroom sent: every statement of the tenant transactions one API operation
 * ran (text, values and the rows each answered), replayed through `pg`. Each replay gives every uuid in the
 * values (alone or inside a string such as `cart_<uuid>`) a fresh one, and learns the uuids PostgreSQL
 * generates from the rows it answers, so inserts do not collide and later statements find what earlier ones
 * made. A replayed statement must answer as many rows as the recorded one, or the baseline did other work.
 */

interface RecordedStatement {
  text: string;
  values: unknown[];
  rows: Record<string, unknown>[];
}

export type RecordedTransaction = RecordedStatement[];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TENANT_BEGIN = /^begin; select set_config\('role'/;

/** The tenant transactions the server (running in this process) sends while `work` runs, in order. */
export async function recordTransactions(work: () => Promise<void>): Promise<RecordedTransaction[]> {
  const prototype = pg.Client.prototype as any;
  const original = prototype.query;
  const open = new Map<unknown, RecordedTransaction>();
  const done: RecordedTransaction[] = [];
  prototype.query = function (this: pg.Client, ...args: any[]) {
    const [config, given] = args;
    const text: unknown = typeof config === 'string' ? config : config?.text;
    const result = original.apply(this, args);
    if (typeof text !== 'string' || typeof result?.then !== 'function') return result;
    if (TENANT_BEGIN.test(text)) open.set(this, []);
    const transaction = open.get(this);
    if (!transaction) return result;
    const statement: RecordedStatement = { text, values: [...(given ?? config?.values ?? [])], rows: [] };
    transaction.push(statement);
    if (text === 'commit' || text === 'rollback') {
      open.delete(this);
      if (text === 'commit') done.push(transaction);
    }
    return result.then((answer: pg.QueryResult | pg.QueryResult[]) => {
      statement.rows = rowsOf(answer).map((row) => ({ ...row }));
      return answer;
    });
  };
  try {
    await work();
  } finally {
    prototype.query = original;
  }
  return done;
}

/**
 * Replays the recorded transactions once, in order, each on one connection of `pool`. `keep`: uuids that stand
 * for what existed before the operation (the tenant), which every replay uses as they are.
 */
export async function replayOnce(
  pool: pg.Pool,
  transactions: readonly RecordedTransaction[],
  keep: readonly string[],
): Promise<void> {
  const uuids = new Map<string, string>(keep.map((uuid) => [uuid.toLowerCase(), uuid]));
  const fresh = (uuid: string) => {
    const key = uuid.toLowerCase();
    let mapped = uuids.get(key);
    if (!mapped) {
      mapped = randomUUID();
      uuids.set(key, mapped);
    }
    return mapped;
  };
  const remap = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(UUID, fresh);
    if (Array.isArray(value)) return value.map(remap);
    return value;
  };
  for (const transaction of transactions) {
    const client = await pool.connect();
    try {
      for (const statement of transaction) {
        const rows = rowsOf(await client.query(statement.text, statement.values.map(remap)));
        if (rows.length !== statement.rows.length) {
          throw new Error(
            `the replay answered ${rows.length} rows where Backroom got ${statement.rows.length}: ` +
              statement.text.replace(/\s+/g, ' ').slice(0, 200),
          );
        }
        learn(statement.rows, rows, uuids);
      }
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

/** The rows of an answer; a text of several statements (`begin; select …`) answers those of the last. */
function rowsOf(answer: pg.QueryResult | pg.QueryResult[] | undefined): Record<string, unknown>[] {
  const last = Array.isArray(answer) ? answer.at(-1) : answer;
  return last?.rows ?? [];
}

/** Generated uuids in the recorded rows stand for the ones the replay's rows carry at the same place. */
function learn(
  recorded: Record<string, unknown>[],
  replayed: Record<string, unknown>[],
  uuids: Map<string, string>,
) {
  recorded.forEach((row, index) => {
    for (const [column, value] of Object.entries(row)) {
      const now = replayed[index]?.[column];
      if (typeof value !== 'string' || typeof now !== 'string') continue;
      const before = value.match(UUID) ?? [];
      const after = now.match(UUID) ?? [];
      before.forEach((uuid, i) => {
        const key = uuid.toLowerCase();
        if (!uuids.has(key) && after[i]) uuids.set(key, after[i]);
      });
    }
  });
}
