import { describe, expect, it } from 'vitest';
import { createMerchant, type TestMerchant, useAppWithMerchant } from '../../test/helpers/app.ts';
import { insertConnector } from '../../test/helpers/connectors.ts';
import { allTasks } from '../tasks.ts';
import { PURGE_INTEGRATION_RECORDS_TASK, purgeIntegrationRecords } from './retention.ts';

const s = useAppWithMerchant({ env: { BACKROOM_INTEGRATION_RETENTION_DAYS: '7' } });
const DAY = 86_400_000;

const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

/** A connector of the merchant with, for each age in days, one call, one delivery per status and one e-mail per status. */
async function seed(merchant: TestMerchant, ages: number[]) {
  const tenantId = merchant.tenant.id;
  const { id: connectorId } = await insertConnector(s.t.platform, tenantId, {
    type: 'WEBHOOK',
    endpointName: 'ORDER',
    url: 'https://merchant.example/hooks/orders',
  });
  const pool = s.t.database.pool;
  for (const age of ages) {
    const at = daysAgo(age);
    await pool.query(
      `insert into connector_calls (tenant_id, connector_id, kind, started_at, latency_ms, outcome)
       values ($1, $2, 'webhook', $3, 20, 'succeeded')`,
      [tenantId, connectorId, at],
    );
    for (const status of ['pending', 'succeeded', 'failed']) {
      await pool.query(
        `insert into webhook_deliveries (tenant_id, connector_id, event_id, event_type, endpoint_name, payload,
           status, created_at, succeeded_at, failed_at)
         values ($1, $2, gen_random_uuid(), 'ORDER_CREATED', 'ORDER', '{}', $3, $4,
           case when $3 = 'succeeded' then $4::timestamptz end, case when $3 = 'failed' then $4::timestamptz end)`,
        [tenantId, connectorId, status, at],
      );
    }
    for (const status of ['queued', 'sent', 'skipped', 'failed']) {
      await pool.query(
        `insert into email_outbox (tenant_id, purpose, recipients, subject, text_body, status, created_at)
         values ($1, 'test', '{ops@merchant.test}', 'Hello', 'Hello.', $2, $3)`,
        [tenantId, status, at],
      );
    }
  }
  return connectorId;
}

async function remaining(merchant: TestMerchant) {
  const query = async (sql: string) =>
    (await s.t.database.pool.query(sql, [merchant.tenant.id])).rows.map((row) =>
      Object.values(row).join(' '),
    );
  return {
    calls: await query(
      `select round(extract(epoch from now() - started_at) / 86400) as age from connector_calls
       where tenant_id = $1 order by age`,
    ),
    deliveries: await query(
      `select status, round(extract(epoch from now() - created_at) / 86400) as age from webhook_deliveries
       where tenant_id = $1 order by status, age`,
    ),
    emails: await query(
      `select status, round(extract(epoch from now() - created_at) / 86400) as age from email_outbox
       where tenant_id = $1 order by status, age`,
    ),
  };
}

describe('the integration records purge', () => {
  it("deletes every tenant's calls, finished deliveries and finished e-mails older than the retention period, in batches", async () => {
    const other = await createMerchant(s.t.platform);
    await seed(s.merchant, [40, 31, 29, 1]);
    await seed(other, [45, 2]);

    const purged = await purgeIntegrationRecords(s.t.platform.db, 30, new Date(), 2);
    expect(purged).toEqual({ connectorCalls: 3, succeededDeliveries: 3, failedDeliveries: 3, emails: 9 });
    expect(await remaining(s.merchant)).toEqual({
      calls: ['1', '29'],
      deliveries: [
        'failed 1',
        'failed 29',
        'pending 1',
        'pending 29',
        'pending 31',
        'pending 40',
        'succeeded 1',
        'succeeded 29',
      ],
      emails: [
        'failed 1',
        'failed 29',
        'queued 1',
        'queued 29',
        'queued 31',
        'queued 40',
        'sent 1',
        'sent 29',
        'skipped 1',
        'skipped 29',
      ],
    });
    expect(await remaining(other)).toEqual({
      calls: ['2'],
      deliveries: ['failed 2', 'pending 2', 'pending 45', 'succeeded 2'],
      emails: ['failed 2', 'queued 2', 'queued 45', 'sent 2', 'skipped 2'],
    });

    expect(await purgeIntegrationRecords(s.t.platform.db, 30, new Date(), 2)).toEqual({
      connectorCalls: 0,
      succeededDeliveries: 0,
      failedDeliveries: 0,
      emails: 0,
    });
  });

  it('a failed delivery is kept for the retention period after it last failed, however old its event', async () => {
    const connectorId = await seed(s.merchant, []);
    await s.t.database.pool.query(
      `insert into webhook_deliveries (tenant_id, connector_id, event_id, event_type, endpoint_name, payload,
         status, created_at, failed_at, reposted_at)
       values ($1, $2, gen_random_uuid(), 'ORDER_CREATED', 'ORDER', '{}', 'failed', $3, $4, $4)`,
      [s.merchant.tenant.id, connectorId, daysAgo(50), daysAgo(3)],
    );
    const purged = await purgeIntegrationRecords(s.t.platform.db, 30, new Date());
    expect(purged.failedDeliveries).toBe(0);
  });

  it('runs daily as a scheduled task with BACKROOM_INTEGRATION_RETENTION_DAYS', async () => {
    const task = allTasks().find((candidate) => candidate.name === PURGE_INTEGRATION_RECORDS_TASK);
    expect(task?.schedule).toBe('41 3 * * *');
    await seed(s.merchant, [8, 6]);
    await task?.run(s.t.platform, {});
    const left = await remaining(s.merchant);
    expect(left.calls).toEqual(['1', '6']); // 7 days, not 30: the 29-day-old call goes too
    expect(left.emails).not.toContain('sent 8');
    expect(left.emails).toContain('sent 6');
  });
});
