import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAppWithMerchant } from '../../../test/helpers/app.ts';
import type { Platform } from '../context.ts';
import { asSystem } from '../system-context.ts';
import {
  emailStates,
  queueEmail,
  queueEmails,
  SMTP_TIMEOUTS,
  sendEmailTask,
  smtpTransporter,
} from './outbox.ts';

const s = useAppWithMerchant();

/** A TCP server that accepts connections and never says a word: an SMTP server that hangs. */
let silent: { server: Server; sockets: Set<Socket>; port: number };
beforeAll(async () => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  silent = { server, sockets, port: (server.address() as AddressInfo).port };
});
afterAll(async () => {
  for (const socket of silent.sockets) socket.destroy();
  await new Promise((done) => silent.server.close(done));
});

function withSmtp(smtpUrl: string): Platform {
  return { ...s.t.platform, config: { ...s.t.platform.config, smtpUrl } };
}

async function queue(): Promise<string> {
  return asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) =>
    queueEmail(ctx, { purpose: 'test', to: ['ops@merchant.test'], subject: 'Hello', text: 'Hello.' }),
  );
}

async function outboxRow(id: string) {
  const { rows } = await s.t.database.pool.query(
    'select status, attempts, last_error as "lastError" from email_outbox where id = $1',
    [id],
  );
  return rows[0];
}

describe('queueEmails', () => {
  it('records every e-mail with one sending job each and answers their ids in the order given', async () => {
    const addresses = ['a@merchant.test', 'b@merchant.test', 'c@merchant.test'];
    const ids = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) =>
      queueEmails(
        ctx,
        addresses.map((to) => ({ purpose: 'test', to: [to], subject: `To ${to}`, text: 'Hi.' })),
      ),
    );
    expect(ids).toHaveLength(3);
    const { rows } = await s.t.database.pool.query(
      'select id, recipients, subject from email_outbox where id = any($1::uuid[])',
      [ids],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(ids.map((id) => byId.get(id)?.subject)).toEqual(addresses.map((to) => `To ${to}`));
    expect(ids.map((id) => byId.get(id)?.recipients)).toEqual(addresses.map((to) => [to]));
    const jobs = await s.t.database.pool.query(
      "select j.payload->>'emailId' as id from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'email.send'",
    );
    expect(jobs.rows.map((row) => row.id)).toEqual(expect.arrayContaining(ids));
    const states = await asSystem(s.t.platform, s.merchant.tenant.id, 'test', (ctx) => emailStates(ctx, ids));
    expect([...states.values()].map((state) => state.status)).toEqual(['queued', 'queued', 'queued']);
  });
});

describe('email.send', () => {
  it('gives the SMTP connection, greeting and socket timeouts that bound an attempt', () => {
    const transporter = smtpTransporter(withSmtp('smtp://mail.example:587').config);
    const options = (transporter as unknown as { options: Record<string, unknown> }).options;
    expect(SMTP_TIMEOUTS).toEqual({
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    expect(options).toMatchObject({ host: 'mail.example', port: 587, ...SMTP_TIMEOUTS });
  });

  it('a server that never greets fails the attempt at the greeting timeout; the e-mail stays queued for the retry', async () => {
    const id = await queue();
    const platform = withSmtp(`smtp://127.0.0.1:${silent.port}?greetingTimeout=300`);
    const started = Date.now();
    await expect(
      sendEmailTask.run(platform, { tenantId: s.merchant.tenant.id, emailId: id }),
    ).rejects.toThrow(/greeting/i);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await outboxRow(id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: expect.stringMatching(/greeting/i),
    });
  });

  it('refuses a malformed payload without touching any e-mail', async () => {
    const id = await queue();
    await expect(sendEmailTask.run(s.t.platform, { tenantId: s.merchant.tenant.id })).rejects.toThrow(
      /email\.send: malformed payload[\s\S]*emailId/,
    );
    await expect(sendEmailTask.run(s.t.platform, { tenantId: 'acme', emailId: id })).rejects.toThrow(
      /malformed payload[\s\S]*tenantId/,
    );
    expect(await outboxRow(id)).toMatchObject({ status: 'queued', attempts: 0, lastError: null });
  });
});
