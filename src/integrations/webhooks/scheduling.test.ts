import { describe, expect, it } from 'vitest';
import { createMerchant, type TestMerchant, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { insertConnector } from '../../../test/helpers/connectors.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';
import { adjustmentEvent } from '../../../test/helpers/webhooks.ts';
import { asSystem } from '../../platform/system-context.ts';
import { findDelivery, recordAttempt } from './deliveries-repo.ts';
import { fanOut } from './fan-out.ts';
import { DELIVER_JOB_MAX_ATTEMPTS } from './schedule.ts';
import { sweepTask } from './sweep.ts';

// No worker runs here: jobs stay queued where the tests can look at them. One repost by search, resume or
// sweep batch changes at most two deliveries.
const s = useAppWithMerchant({
  env: { BACKROOM_WEBHOOK_BULK_LIMIT: '2', BACKROOM_WEBHOOK_RETRY_SCHEDULE: '0,50ms' },
});
const EVENTS = '/merchant/v1/webhooks/events';

interface Setup {
  merchant: TestMerchant;
  connectorId: string;
  api: ReturnType<typeof merchantApi>;
}

async function merchantWithConnector(): Promise<Setup> {
  const merchant = await createMerchant(s.t.platform);
  const { id } = await insertConnector(s.t.platform, merchant.tenant.id, {
    type: 'WEBHOOK',
    endpointName: 'INVENTORY_EXPORT_INA',
    url: 'http://127.0.0.1:9/hooks',
    events: ['INVENTORY_ADJUSTMENT'],
  });
  return { merchant, connectorId: id, api: merchantApi(s, () => merchant) };
}

/** One event fanned out to the merchant's connector, in a transaction of its own: answers its delivery id. */
async function newDelivery(setup: Setup): Promise<string> {
  return asSystem(s.t.platform, setup.merchant.tenant.id, 'test', async (ctx) => {
    const event = adjustmentEvent(ctx.now());
    expect(await fanOut(ctx, event)).toBe(1);
    const row = await ctx.tx
      .selectFrom('webhookDeliveries')
      .select('id')
      .where('eventId', '=', event.id)
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

/** Records a last failed attempt on a delivery as it is now. */
async function failForGood(setup: Setup, deliveryId: string): Promise<void> {
  await asSystem(s.t.platform, setup.merchant.tenant.id, 'test', async (ctx) => {
    const delivery = await findDelivery(ctx.tx, deliveryId);
    if (!delivery) throw new Error('no delivery');
    const at = ctx.now();
    const recorded = await recordAttempt(ctx.tx, ctx.tenantId, deliveryId, delivery.totalAttempts, {
      at,
      statusCode: 500,
      error: 'HTTP 500',
      next: { kind: 'failed' },
    });
    expect(recorded).toBe(true);
  });
}

async function deliveryRow(deliveryId: string) {
  const { rows } = await s.t.database.pool.query(
    `select status, attempts, total_attempts as "totalAttempts", next_attempt_at as "nextAttemptAt"
     from webhook_deliveries where id = $1`,
    [deliveryId],
  );
  return rows[0];
}

/** The queued attempt jobs of these deliveries, by delivery id. */
async function attemptJobs(deliveryIds: readonly string[]) {
  const { rows } = await s.t.database.pool.query(
    `select substr(key, 9) as "deliveryId", max_attempts as "maxAttempts" from graphile_worker.jobs
     where key = any($1)`,
    [deliveryIds.map((id) => `webhook:${id}`)],
  );
  return new Map(rows.map((row) => [row.deliveryId as string, row.maxAttempts as number]));
}

describe('recording an attempt', () => {
  it('drops a stale duplicate attempt once the delivery was reposted meanwhile', async () => {
    const w = await merchantWithConnector();
    const id = await newDelivery(w);
    // two copies of the same attempt loaded the delivery as it was
    const loaded = await asSystem(s.t.platform, w.merchant.tenant.id, 'test', (ctx) =>
      findDelivery(ctx.tx, id),
    );
    expect(loaded).toMatchObject({ status: 'pending', attempts: 0, totalAttempts: 0 });
    await failForGood(w, id);
    const reposted = await w.api.call('POST', `${EVENTS}/repost`, { ids: [id] });
    expect(reposted.json()).toMatchObject({ reposted: 1, ids: [id] });
    expect(await deliveryRow(id)).toMatchObject({ status: 'pending', attempts: 0, totalAttempts: 1 });

    // the other copy records now: it belongs to the run before the repost and must not count in this one
    const stale = await asSystem(s.t.platform, w.merchant.tenant.id, 'test', (ctx) =>
      recordAttempt(ctx.tx, ctx.tenantId, id, loaded?.totalAttempts ?? -1, {
        at: ctx.now(),
        statusCode: 200,
        error: null,
        next: { kind: 'succeeded' },
      }),
    );
    expect(stale).toBe(false);
    expect(await deliveryRow(id)).toMatchObject({ status: 'pending', attempts: 0, totalAttempts: 1 });
  });

  it('schedules every attempt as a job the queue retries after crashes', async () => {
    const w = await merchantWithConnector();
    const id = await newDelivery(w);
    expect((await attemptJobs([id])).get(id)).toBe(DELIVER_JOB_MAX_ATTEMPTS);
    expect(DELIVER_JOB_MAX_ATTEMPTS).toBeGreaterThanOrEqual(10);
  });
});

describe('bulk changes are capped', () => {
  it('reposts at most the limit by search, the oldest first, and says how many remain', async () => {
    const w = await merchantWithConnector();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await newDelivery(w));
    for (const id of ids) await failForGood(w, id);

    const answers = [];
    for (let call = 0; call < 4; call++) {
      const response = await w.api.call('POST', `${EVENTS}/repost`, {
        search: { connectorId: w.connectorId },
      });
      expect(response.statusCode, response.body).toBe(200);
      answers.push(response.json());
    }
    expect(answers.map(({ reposted, skipped, remaining }) => [reposted, skipped, remaining])).toEqual([
      [2, 0, 3],
      [2, 0, 1],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    expect(answers.map((answer) => [...answer.ids].sort())).toEqual([
      ids.slice(0, 2).sort(),
      ids.slice(2, 4).sort(),
      ids.slice(4),
      [],
    ]);
    const jobs = await attemptJobs(ids);
    for (const id of ids) expect(jobs.get(id)).toBe(DELIVER_JOB_MAX_ATTEMPTS);
  });

  it('resumes at most the limit on enable, and a sweep queued for the tenant schedules the rest', async () => {
    const w = await merchantWithConnector();
    const connector = `/merchant/v1/connectors/${w.connectorId}`;
    expect((await w.api.call('POST', `${connector}/disable`)).statusCode).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await newDelivery(w));
    for (const id of ids)
      expect(await deliveryRow(id)).toMatchObject({ status: 'pending', nextAttemptAt: null });
    expect((await attemptJobs(ids)).size).toBe(0);

    expect((await w.api.call('POST', `${connector}/enable`)).statusCode).toBe(200);
    const scheduled = async () => {
      const rows = await Promise.all(ids.map(deliveryRow));
      return rows.map((row) => row.nextAttemptAt !== null);
    };
    expect(await scheduled()).toEqual([true, true, false, false, false]);
    expect([...(await attemptJobs(ids)).keys()].sort()).toEqual(ids.slice(0, 2).sort());
    const tenantId = w.merchant.tenant.id;
    const { rows: sweeps } = await s.t.database.pool.query(
      `select t.identifier as task, j.payload from graphile_worker._private_jobs j
       join graphile_worker._private_tasks t on t.id = j.task_id where j.key = $1`,
      [`webhook-sweep:${tenantId}`],
    );
    expect(sweeps).toEqual([{ task: sweepTask.name, payload: { tenantId } }]);

    await sweepTask.run(s.t.platform, { tenantId });
    expect(await scheduled()).toEqual([true, true, true, true, true]);
    expect((await attemptJobs(ids)).size).toBe(5);
  });
});
