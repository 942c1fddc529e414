import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFailure } from '../../../test/helpers/connector-calls.ts';
import { type IntegrationsApp, useIntegrationsApp } from '../../../test/helpers/integrations.ts';
import { startSmtpServer } from '../../../test/helpers/smtp.ts';
import { until } from '../../../test/helpers/until.ts';
import { sendEmailTask } from '../../platform/email/outbox.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { startWorker } from '../../worker.ts';

const smtp = await startSmtpServer();
afterAll(() => smtp.close());

/** A worker that only sends e-mail, so these tests depend on nothing else running in the background. */
function useEmailWorker({ s, setSupportEmail }: IntegrationsApp) {
  let worker: Runner | undefined;
  beforeAll(async () => {
    await setSupportEmail('support@merchant.test');
    worker = await startWorker(s.t.platform, s.t.database.pool, [sendEmailTask], createLogger('silent'));
  });
  afterAll(() => worker?.stop());
}

/** Makes a connector fail once and answers the alert e-mail's outbox row once the worker has handled it. */
async function failAndWaitForAlert({ s, seedConnector, record }: IntegrationsApp) {
  const id = await seedConnector({
    endpointName: 'ORDER_UPDATE',
    url: 'https://merchant.example/hooks/order-updates',
  });
  await record(id, httpFailure(500));
  const email = await until(async () => {
    const { rows } = await s.t.database.pool.query(
      `select status, last_error as "lastError", message_id as "messageId", sent_at as "sentAt"
       from email_outbox where tenant_id = $1 and purpose = 'connector_alert' and status <> 'queued'`,
      [s.merchant.tenant.id],
    );
    return rows[0];
  });
  return { connectorId: id, email };
}

describe('with an SMTP server', () => {
  const app = useIntegrationsApp({
    env: { BACKROOM_SMTP_URL: smtp.url, BACKROOM_MAIL_FROM: 'Backroom Alerts <alerts@backroom.test>' },
  });
  useEmailWorker(app);

  it('the email.send task delivers the alert to the support address', async () => {
    const { connectorId, email } = await failAndWaitForAlert(app);
    expect(email).toMatchObject({ status: 'sent', lastError: null, messageId: expect.any(String) });
    expect(email.sentAt).toBeInstanceOf(Date);
    expect(smtp.messages).toHaveLength(1);
    const [message] = smtp.messages;
    expect(message).toMatchObject({
      from: 'alerts@backroom.test',
      to: ['support@merchant.test'],
      fromHeader: 'Backroom Alerts <alerts@backroom.test>',
      subject: 'Backroom alert: connector "ORDER_UPDATE test" (ORDER_UPDATE) is failing',
    });
    expect(message?.text).toContain(`A call from Backroom to your connector "ORDER_UPDATE test" failed.`);
    expect(message?.text).toContain('Status:        HTTP 500');
    expect(message?.text).toContain(`GET /merchant/v1/connectors/${connectorId}/health`);
    expect(message?.text).toContain('Failed calls in the last 1 hour: 1\n');
  });
});

describe('without an SMTP server', () => {
  const app = useIntegrationsApp();
  useEmailWorker(app);

  it('the e-mail is marked skipped, with the reason', async () => {
    const sentBefore = smtp.messages.length;
    const { email } = await failAndWaitForAlert(app);
    expect(email).toMatchObject({
      status: 'skipped',
      lastError: 'No SMTP server is configured (BACKROOM_SMTP_URL).',
      sentAt: null,
    });
    expect(smtp.messages).toHaveLength(sentBefore);
  });
});
