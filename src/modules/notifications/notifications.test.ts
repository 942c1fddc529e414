import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, useAppWithMerchant } from '../../../test/helpers/app.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';
import { until } from '../../../test/helpers/until.ts';
import { encodeCursor } from '../../platform/http/pagination.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { asSystem } from '../../platform/system-context.ts';
import { allTasks } from '../../tasks.ts';
import { startWorker } from '../../worker.ts';
import { notifyByEmail } from './index.ts';

// No SMTP server and no push provider connector: e-mails are skipped, push is undeliverable.
const s = useAppWithMerchant();
const api = merchantApi(s);
const INSTALLATIONS = '/merchant/v1/notifications/installations';
const NOTIFICATIONS = '/merchant/v1/notifications';

let worker: Runner;
beforeAll(async () => {
  worker = await startWorker(s.t.platform, s.t.database.pool, allTasks(), createLogger('silent'));
});
afterAll(() => worker?.stop());

const register = (body: object) => api.call('POST', INSTALLATIONS, body);
const send = (body: object) => api.call('POST', NOTIFICATIONS, body);

async function count(table: string): Promise<number> {
  const { rows } = await s.t.database.pool.query(
    `select count(*)::int as n from ${table} where tenant_id = $1`,
    [s.merchant.tenant.id],
  );
  return rows[0].n;
}

const shipped = {
  type: 'ORDER_SHIPPED',
  title: 'Your order is on its way',
  message: 'Order W-1 has shipped.',
};

describe('device installations', () => {
  it('registers an installation, changes only the fields given, and clears with null', async () => {
    const created = await register({
      installationId: 'inst-a',
      customerId: 'CUST-1',
      email: '  Ann@Example.COM ',
      platform: 'ios',
      pushToken: 'token-a',
      appVersion: '4.2.0',
      locale: 'en-US',
    });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({
      installationId: 'inst-a',
      customerId: 'CUST-1',
      email: 'ann@example.com',
      platform: 'ios',
      pushToken: 'token-a',
    });

    const changed = await register({
      installationId: 'inst-a',
      platform: 'ios',
      pushToken: 'token-a2',
      locale: null,
    });
    expect(changed.statusCode).toBe(200);
    const installation = changed.json();
    expect(installation).toMatchObject({
      customerId: 'CUST-1',
      email: 'ann@example.com',
      pushToken: 'token-a2',
    });
    expect(installation.locale).toBeUndefined();
    expect(installation.createdAt).toBe(created.json().createdAt);
    expect(installation.updatedAt).toBeGreaterThanOrEqual(created.json().updatedAt);

    const again = await register({ installationId: 'inst-a', platform: 'ios', pushToken: 'token-a2' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(installation);
  });

  it('lists installations by customer and by e-mail address, every one once across pages', async () => {
    await register({
      installationId: 'inst-b',
      customerId: 'CUST-1',
      email: 'ann@example.com',
      platform: 'android',
    });
    await register({
      installationId: 'inst-c',
      customerId: 'CUST-2',
      email: 'cy@example.com',
      platform: 'web',
    });
    await register({ installationId: 'inst-d', platform: 'android' });

    const byCustomer = (await api.call('GET', `${INSTALLATIONS}?customerId=CUST-1`)).json();
    expect(byCustomer.data.map((i: { installationId: string }) => i.installationId)).toEqual([
      'inst-a',
      'inst-b',
    ]);
    const byEmail = (await api.call('GET', `${INSTALLATIONS}?email=ANN@example.com`)).json();
    expect(byEmail.data.map((i: { installationId: string }) => i.installationId)).toEqual([
      'inst-a',
      'inst-b',
    ]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.call('GET', `${INSTALLATIONS}?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().data.map((i: { installationId: string }) => i.installationId));
      cursor = page.json().nextCursor;
    } while (cursor && seen.length < 100);
    expect(seen).toEqual(['inst-a', 'inst-b', 'inst-c', 'inst-d']);
  });

  it('deletes an installation, answering it, and 404 once it is gone', async () => {
    await register({ installationId: 'inst-gone', platform: 'web' });
    const deleted = await api.call('DELETE', `${INSTALLATIONS}/inst-gone`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ installationId: 'inst-gone', platform: 'web' });
    const again = await api.call('DELETE', `${INSTALLATIONS}/inst-gone`);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'not_found' });
    expect(
      (await api.call('DELETE', `${INSTALLATIONS}/${encodeURIComponent('no such/id')}`)).statusCode,
    ).toBe(404);
  });

  it('rejects an invalid installation field by field', async () => {
    const bad = await register({
      installationId: '',
      platform: 'blackberry',
      email: 'not-an-address',
      locale: 'english please',
      colour: 'red',
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.installationId',
        'body.platform',
        'body.email',
        'body.locale',
        'body.colour',
      ]),
    );
    expect((await api.call('GET', `${INSTALLATIONS}?email=not-an-address`)).statusCode).toBe(400);
  });
});

describe('notifications', () => {
  it('sends to installations and addresses: push without a provider is undeliverable, e-mail is skipped without SMTP', async () => {
    const eventsBefore = await count('events');
    const response = await send({
      ...shipped,
      data: { orderId: 'W-1', deepLink: 'shop://orders/W-1' },
      installationIds: ['inst-c', 'inst-c'],
      emails: ['ANN@example.com', 'new.customer@example.com'],
    });
    expect(response.statusCode, response.body).toBe(202);
    const sent = response.json();
    expect(sent).toMatchObject({ ...shipped, data: { orderId: 'W-1', deepLink: 'shop://orders/W-1' } });
    expect(sent.recipients).toEqual([
      expect.objectContaining({
        channel: 'push',
        installationId: 'inst-c',
        platform: 'web',
        status: 'undeliverable',
      }),
      expect.objectContaining({ channel: 'push', installationId: 'inst-a', email: 'ann@example.com' }),
      expect.objectContaining({ channel: 'push', installationId: 'inst-b', email: 'ann@example.com' }),
      expect.objectContaining({ channel: 'email', email: 'new.customer@example.com', status: 'queued' }),
    ]);
    expect(sent.recipients[0].error).toContain('PUSH_NOTIFICATION');
    expect(sent.recipients.slice(0, 3).every((r: { status: string }) => r.status === 'undeliverable')).toBe(
      true,
    );
    expect(await count('events')).toBe(eventsBefore);

    const settled = await until(async () => {
      const current = (await api.call('GET', `${NOTIFICATIONS}/${sent.notificationId}`)).json();
      return current.recipients[3].status === 'queued' ? undefined : current;
    });
    expect(settled.recipients[3]).toMatchObject({ status: 'skipped', emailId: sent.recipients[3].emailId });
    expect(settled.recipients[3].error).toContain('BACKROOM_SMTP_URL');
    expect(settled.recipients.slice(0, 3)).toEqual(sent.recipients.slice(0, 3));
  });

  it('refuses unknown installations with 422 naming them, and sends nothing', async () => {
    const before = [await count('notifications'), await count('email_outbox')];
    const response = await send({
      ...shipped,
      installationIds: ['inst-a', 'ghost-1', 'ghost-2'],
      emails: ['someone@example.com'],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'unknown_reference' });
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body.installationIds.1',
      'body.installationIds.2',
    ]);
    expect(response.json().detail).toContain('ghost-2');
    expect([await count('notifications'), await count('email_outbox')]).toEqual(before);
  });

  it('answers precise 400s for bad notifications and writes nothing', async () => {
    const before = [await count('notifications'), await count('email_outbox')];
    const fieldsOf = async (body: object) => {
      const response = await send(body);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().code).toBe('validation_failed');
      return response.json().errors.map((e: { field: string }) => e.field);
    };
    expect(await fieldsOf({ ...shipped })).toEqual(['body']);
    expect(await fieldsOf({ ...shipped, installationIds: [], emails: [] })).toEqual(['body']);
    const many = Array.from({ length: 300 }, (_, i) => `person${i}@example.com`);
    const tooMany = await send({
      ...shipped,
      emails: many,
      installationIds: many.map((_, i) => `inst-${i}`),
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().detail).toContain('at most 500');
    expect(await fieldsOf({ ...shipped, emails: Array(501).fill('a@example.com') })).toContain('body.emails');
    expect(await fieldsOf({ ...shipped, emails: ['fine@example.com', 'nope'] })).toEqual(['body.emails.1']);
    expect(await fieldsOf({ ...shipped, title: 'x'.repeat(121), emails: ['a@example.com'] })).toEqual([
      'body.title',
    ]);
    expect(
      await fieldsOf({ ...shipped, type: 'PARTY', message: ' ', sender: 'me', emails: ['a@example.com'] }),
    ).toEqual(expect.arrayContaining(['body.type', 'body.message', 'body.sender']));
    expect(
      await fieldsOf({ ...shipped, data: { blob: 'x'.repeat(5000) }, emails: ['a@example.com'] }),
    ).toEqual(['body.data']);
    expect(await fieldsOf({ ...shipped, data: ['not', 'an', 'object'], emails: ['a@example.com'] })).toEqual([
      'body.data',
    ]);
    expect([await count('notifications'), await count('email_outbox')]).toEqual(before);
  });

  it('answers 404 for unknown notification ids, uuid or not, and 400 for a bad cursor', async () => {
    for (const id of ['7d1f6c0e-3b1a-4f5e-9c2d-000000000000', 'not-a-uuid', '12']) {
      const response = await api.call('GET', `${NOTIFICATIONS}/${id}`);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'not_found' });
    }
    const cursor = Buffer.from(JSON.stringify([1, 'x'])).toString('base64url');
    const bad = await api.call('GET', `${NOTIFICATIONS}?cursor=${cursor}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_cursor');
  });

  it('answers 400 invalid_cursor for a cursor of the right shape whose time the database cannot hold', async () => {
    const id = '7d1f6c0e-3b1a-4f5e-9c2d-000000000000';
    for (const time of [-8640000000000000, 8640000000000000, Date.UTC(10000, 0, 1), -1]) {
      const response = await api.call('GET', `${NOTIFICATIONS}?cursor=${encodeCursor([time, id])}`);
      expect(response.statusCode, String(time)).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_cursor', errors: [{ field: 'query.cursor' }] });
    }
    const fine = await api.call('GET', `${NOTIFICATIONS}?cursor=${encodeCursor([Date.UTC(9999, 0, 1), id])}`);
    expect(fine.statusCode, fine.body).toBe(200);
  });

  it('lets other modules notify by e-mail, and lists notifications newest first across pages', async () => {
    const notification = await asSystem(s.t.platform, s.merchant.tenant.id, 'pick-lists', (ctx) =>
      notifyByEmail(ctx, {
        type: 'CUSTOM',
        title: 'Pick list for web order W-7',
        message: '1 x TEE (aisle 3)\n2 x MUG (aisle 7)',
        data: { orderId: 'W-7', storeId: 'NYC' },
        emails: ['Store.NYC@example.com', 'store.nyc@example.com'],
      }),
    );
    expect(notification.recipients).toEqual([
      expect.objectContaining({ channel: 'email', email: 'store.nyc@example.com', status: 'queued' }),
    ]);
    const fetched = (await api.call('GET', `${NOTIFICATIONS}/${notification.notificationId}`)).json();
    expect(fetched).toMatchObject({ title: 'Pick list for web order W-7', data: { orderId: 'W-7' } });

    for (const title of ['one', 'two', 'three']) {
      expect((await send({ ...shipped, title, emails: ['ann@example.com'] })).statusCode).toBe(202);
    }
    const seen: { title: string; createdAt: number; recipientCounts: object }[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.call('GET', `${NOTIFICATIONS}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().data);
      cursor = page.json().nextCursor;
    } while (cursor && seen.length < 100);
    expect(seen.map((n) => n.title).slice(0, 4)).toEqual([
      'three',
      'two',
      'one',
      'Pick list for web order W-7',
    ]);
    expect(seen.length).toBe(await count('notifications'));
    expect(seen[0]?.recipientCounts).toEqual({ push: 2, email: 0 });
    expect(seen[3]?.recipientCounts).toEqual({ push: 0, email: 1 });
  });

  it('needs notifications:write to send and notifications:read to look', async () => {
    const reader = await createMerchant(s.t.platform, { client: { scopes: ['notifications:read'] } });
    const asReader = merchantApi(s, () => reader);
    const post = await asReader.call('POST', NOTIFICATIONS, { ...shipped, emails: ['a@example.com'] });
    expect(post.statusCode).toBe(403);
    const list = await asReader.call('GET', NOTIFICATIONS);
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([]);
  });
});
