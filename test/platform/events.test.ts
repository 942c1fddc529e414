import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emit } from '../../src/platform/events/emit.ts';
import type { BackroomModule, StoredEvent } from '../../src/platform/events/registry.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { asSystem } from '../../src/platform/system-context.ts';
import { allTasks } from '../../src/tasks.ts';
import { startWorker } from '../../src/worker.ts';
import { sampleStore, useAppWithMerchant } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';

const s = useAppWithMerchant();
let worker: Runner;
const received: { subscriber: string; event: StoredEvent; tenantId: string }[] = [];
let failuresLeft = 0;

const recorder: BackroomModule = {
  name: 'recorder',
  subscribers: [
    {
      name: 'store-recorder',
      accepts: (type) => type.startsWith('store.'),
      async handle(ctx, event) {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('subscriber is down');
        }
        received.push({ subscriber: 'store-recorder', event, tenantId: ctx.tenantId });
      },
    },
    {
      name: 'product-recorder',
      accepts: (type) => type.startsWith('product.'),
      async handle(ctx, event) {
        if (failingSubjects.delete(event.subject)) throw new Error('subscriber is down');
        received.push({ subscriber: 'product-recorder', event, tenantId: ctx.tenantId });
      },
    },
  ],
};
const failingSubjects = new Set<string>();

beforeAll(async () => {
  worker = await startWorker(s.t.platform, s.t.database.pool, allTasks([recorder]), createLogger('silent'));
});
afterAll(() => worker.stop());

describe('events', () => {
  it('a committed change is dispatched to its subscribers and marked dispatched', async () => {
    const created = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: s.merchant.auth,
      payload: sampleStore('EV-1'),
    });
    expect(created.statusCode).toBe(201);
    const delivery = await until(() => received.find((r) => r.event.subject === 'EV-1'));
    expect(delivery.tenantId).toBe(s.merchant.tenant.id);
    expect(delivery.event.type).toBe('store.created');
    expect(delivery.event.data).toEqual({ store: created.json() });
    const dispatched = await until(async () => {
      const { rows } = await s.t.database.pool.query(
        `select dispatched_at from events where subject = 'EV-1'`,
      );
      return rows[0]?.dispatched_at ?? undefined;
    });
    expect(dispatched).toBeInstanceOf(Date);
  });

  it('a rolled-back change leaves neither an event nor a job', async () => {
    const jobsBefore = await jobCount();
    await expect(
      asSystem(s.t.platform, s.merchant.tenant.id, 'test', async (ctx) => {
        await emit(ctx, { type: 'store.created', subject: 'GHOST', data: {} });
        throw new Error('the change failed after emitting');
      }),
    ).rejects.toThrow('the change failed');
    const { rows } = await s.t.database.pool.query(
      `select count(*)::int as n from events where subject = 'GHOST'`,
    );
    expect(rows[0].n).toBe(0);
    expect(await jobCount()).toBe(jobsBefore);
  });

  it('a subscriber that fails is retried until it succeeds, and sees the event once it does', async () => {
    failuresLeft = 1;
    await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/stores',
      headers: s.merchant.auth,
      payload: sampleStore('EV-RETRY'),
    });
    // graphile-worker backs off exp(attempts) seconds: the first retry comes about 2.7 s later.
    const delivery = await until(() => received.find((r) => r.event.subject === 'EV-RETRY'), 20_000);
    expect(delivery.event.type).toBe('store.created');
    expect(failuresLeft).toBe(0);
  });

  it('a bulk write is dispatched as a batch; a failure retries only the events not yet dispatched', async () => {
    failingSubjects.add('EVB-2');
    const products = ['EVB-1', 'EVB-2', 'EVB-3'].map((productId) => ({
      productId,
      sku: productId,
      name: productId,
    }));
    const created = await s.t.app.inject({
      method: 'POST',
      url: '/merchant/v1/products',
      headers: s.merchant.auth,
      payload: { products },
    });
    expect(created.json().summary.created).toBe(3);
    await until(async () => {
      const { rows } = await s.t.database.pool.query(
        `select count(*)::int as n from events where subject like 'EVB-%' and dispatched_at is null`,
      );
      return rows[0].n === 0 ? true : undefined;
    });
    const delivered = received.filter((r) => r.subscriber === 'product-recorder').map((r) => r.event.subject);
    expect(delivered.toSorted()).toEqual(['EVB-1', 'EVB-2', 'EVB-3']);
    expect(failingSubjects.size).toBe(0);
  });
});

async function jobCount(): Promise<number> {
  const { rows } = await s.t.database.pool.query('select count(*)::int as n from graphile_worker.jobs');
  return rows[0].n;
}
