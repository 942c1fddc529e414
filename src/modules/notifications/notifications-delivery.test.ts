import type { Runner } from 'graphile-worker';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import { allowNetworks, insertConnector } from '../../../test/helpers/connectors.ts';
import { merchantApi } from '../../../test/helpers/inventory.ts';
import { type Receiver, startReceiver } from '../../../test/helpers/receiver.ts';
import { type SmtpFake, startSmtpServer } from '../../../test/helpers/smtp.ts';
import { until } from '../../../test/helpers/until.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { allTasks } from '../../tasks.ts';
import { startWorker } from '../../worker.ts';

// The SMTP fake must listen before the app reads its configuration: this hook runs before the app's.
const env: Record<string, string> = { BACKROOM_WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms' };
let smtp: SmtpFake;
beforeAll(async () => {
  smtp = await startSmtpServer();
  env.BACKROOM_SMTP_URL = smtp.url;
});
const s = useAppWithMerchant({ env });
const api = merchantApi(s);
const NOTIFICATIONS = '/merchant/v1/notifications';

/** The merchant's push provider: refuses notifications titled "refuse me", accepts the others. */
let provider: Receiver;
let signingSecret: string;
let worker: Runner;

beforeAll(async () => {
  provider = await startReceiver((request) =>
    request.body.includes('refuse me') ? { status: 503, body: '{"message":"over quota"}' } : { status: 200 },
  );
  await allowNetworks(s.t.platform, s.merchant.tenant.id);
  ({ signingSecret } = await insertConnector(s.t.platform, s.merchant.tenant.id, {
    type: 'WEBHOOK',
    endpointName: 'PUSH_NOTIFICATION',
    url: `${provider.url}/push`,
  }));
  worker = await startWorker(s.t.platform, s.t.database.pool, allTasks(), createLogger('silent'));
  for (const [installationId, platform, email] of [
    ['phone-1', 'ios', 'ann@example.com'],
    ['tablet-1', 'android', 'ann@example.com'],
  ] as const) {
    const response = await api.call('POST', `${NOTIFICATIONS}/installations`, {
      installationId,
      platform,
      email,
      customerId: 'CUST-9',
      pushToken: `token-${installationId}`,
      locale: 'fr-CA',
    });
    expect(response.statusCode, response.body).toBe(200);
  }
});
afterAll(async () => {
  await worker?.stop();
  await provider?.close();
  await smtp?.close();
});

/** Polls the notification until no recipient is still on its way. */
function settled(notificationId: string) {
  return until(async () => {
    const current = (await api.call('GET', `${NOTIFICATIONS}/${notificationId}`)).json();
    const waiting = current.recipients.some((r: { status: string }) =>
      ['queued', 'pending'].includes(r.status),
    );
    return waiting ? undefined : current;
  });
}

describe('notification delivery', () => {
  it('hands push to the push provider, signed, and sends e-mail over SMTP; both end up delivered', async () => {
    const response = await api.call('POST', NOTIFICATIONS, {
      type: 'READY_FOR_PICKUP',
      title: 'Ready for pickup',
      message: 'Order W-42 is waiting for you at Broadway.',
      data: { orderId: 'W-42', storeId: 'NYC-01' },
      emails: ['ann@example.com', 'Ben@Example.com'],
    });
    expect(response.statusCode, response.body).toBe(202);
    const sent = response.json();
    expect(sent.recipients).toEqual([
      expect.objectContaining({ channel: 'push', installationId: 'phone-1', status: 'pending' }),
      expect.objectContaining({ channel: 'push', installationId: 'tablet-1', status: 'pending' }),
      expect.objectContaining({ channel: 'email', email: 'ben@example.com', status: 'queued' }),
    ]);

    const done = await settled(sent.notificationId);
    expect(done.recipients.map((r: { status: string }) => r.status)).toEqual([
      'succeeded',
      'succeeded',
      'sent',
    ]);
    expect(done.recipients[0].sentAt).toBeGreaterThanOrEqual(sent.createdAt);

    const pushes = provider.requests.filter((r) => r.body.includes(sent.notificationId));
    expect(pushes.length).toBe(1);
    const push = pushes[0];
    if (!push) throw new Error('no push request');
    expect(push.url).toBe('/push');
    const verified = new Webhook(signingSecret).verify(push.body, push.headers as Record<string, string>) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(verified.type).toBe('PUSH_NOTIFICATION');
    expect(verified.data).toEqual({
      notificationId: sent.notificationId,
      type: 'READY_FOR_PICKUP',
      title: 'Ready for pickup',
      message: 'Order W-42 is waiting for you at Broadway.',
      data: { orderId: 'W-42', storeId: 'NYC-01' },
      targets: [
        {
          installationId: 'phone-1',
          platform: 'ios',
          pushToken: 'token-phone-1',
          customerId: 'CUST-9',
          email: 'ann@example.com',
          locale: 'fr-CA',
        },
        {
          installationId: 'tablet-1',
          platform: 'android',
          pushToken: 'token-tablet-1',
          customerId: 'CUST-9',
          email: 'ann@example.com',
          locale: 'fr-CA',
        },
      ],
    });

    const mail = smtp.messages.find((m) => m.to.includes('ben@example.com'));
    expect(mail).toMatchObject({
      subject: 'Ready for pickup',
      text: 'Order W-42 is waiting for you at Broadway.',
    });
    expect(smtp.messages.some((m) => m.to.includes('ann@example.com'))).toBe(false);
  });

  it('reports a push the provider keeps refusing as failed, with the reason', async () => {
    const response = await api.call('POST', NOTIFICATIONS, {
      type: 'CART_ABANDONED',
      title: 'refuse me',
      message: 'You left something in your cart.',
      installationIds: ['phone-1'],
    });
    expect(response.statusCode, response.body).toBe(202);
    const done = await settled(response.json().notificationId);
    expect(done.recipients).toEqual([
      expect.objectContaining({ channel: 'push', installationId: 'phone-1', status: 'failed' }),
    ]);
    expect(done.recipients[0].error).toBeTruthy();
    expect(done.recipients[0].sentAt).toBeUndefined();
  });
});
