import { sql } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Ctx, Platform } from '../context.ts';
import type { TaskDefinition } from '../events/registry.ts';
import { asSystem } from '../system-context.ts';

export const SEND_EMAIL_TASK = 'email.send';
const MAX_ATTEMPTS = 5;

export interface Email {
  /** What the e-mail is for: `connector_alert`, `connector_disabled`, `notification`, … */
  purpose: string;
  to: readonly string[];
  subject: string;
  text: string;
}

/** Records an e-mail and enqueues its sending in the caller's transaction: it goes out only if that commits. */
export async function queueEmail(ctx: Ctx, email: Email): Promise<string> {
  const [id] = await queueEmails(ctx, [email]);
  if (!id) throw new Error('e-mail was not queued');
  return id;
}

/**
 * Records e-mails and enqueues the sending of each, in the caller's transaction and one statement however many
 * there are. Answers their ids in the order given.
 */
export async function queueEmails(ctx: Ctx, emails: readonly Email[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = emails.map((email, position) => ({ position, ...email, to: [...email.to] }));
  const { rows: queued } = await sql<{ id: string; position: number }>`
    with given as (
      select gen_random_uuid() as id, e.*
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as e (position int, purpose text, "to" text[], subject text, text text)
    ), inserted as (
      insert into email_outbox (tenant_id, id, purpose, recipients, subject, text_body)
      select ${ctx.tenantId}, id, purpose, "to", subject, text from given
    )
    select given.id, given.position, backroom_private.enqueue_job(${SEND_EMAIL_TASK},
      json_build_object('tenantId', ${ctx.tenantId}::text, 'emailId', given.id), ${MAX_ATTEMPTS})
    from given order by given.position`.execute(ctx.tx);
  return queued.map((row) => row.id);
}

export interface EmailState {
  status: 'queued' | 'sent' | 'failed' | 'skipped';
  error: string | null;
  sentAt: Date | null;
}

/** The sending state of each of these e-mails, by id; ids that are not known are left out. */
export async function emailStates(ctx: Ctx, emailIds: readonly string[]): Promise<Map<string, EmailState>> {
  if (emailIds.length === 0) return new Map();
  const rows = await ctx.tx
    .selectFrom('emailOutbox')
    .select(['id', 'status', 'lastError as error', 'sentAt'])
    .where('id', 'in', [...emailIds])
    .execute();
  return new Map(rows.map(({ id, ...state }) => [id, state]));
}

/**
 * By default nodemailer waits two minutes for a connection and ten for a silent socket, holding a worker slot
 * all along; with these an unresponsive server fails the attempt within seconds, and the job is retried.
 * Parameters in BACKROOM_SMTP_URL (`?socketTimeout=60000`) take precedence.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

let transport: { url: string; transporter: Transporter } | undefined;

/** The SMTP transport for BACKROOM_SMTP_URL, created once per URL; undefined when none is configured. */
export function smtpTransporter(config: Config): Transporter | undefined {
  if (!config.smtpUrl) return undefined;
  if (transport?.url !== config.smtpUrl) {
    const transporter = nodemailer.createTransport({ url: config.smtpUrl, ...SMTP_TIMEOUTS });
    transport = { url: config.smtpUrl, transporter };
  }
  return transport.transporter;
}

const sendEmailPayload = z.object({ tenantId: z.guid(), emailId: z.guid() });

/**
 * Sends one queued e-mail over SMTP, outside any transaction. A failure is recorded and thrown so the job
 * queue retries it; after the last attempt the e-mail is marked failed. Without an SMTP server configured
 * the e-mail is marked skipped, with the reason.
 */
export const sendEmailTask: TaskDefinition = {
  name: SEND_EMAIL_TASK,
  async run(platform: Platform, payload: unknown) {
    const parsed = sendEmailPayload.safeParse(payload);
    if (!parsed.success) {
      // Every attempt fails the same way; the job ends up failed in the queue with this message.
      throw new Error(`${SEND_EMAIL_TASK}: malformed payload: ${z.prettifyError(parsed.error)}`);
    }
    const { tenantId, emailId } = parsed.data;
    const email = await asSystem(platform, tenantId, SEND_EMAIL_TASK, (ctx) =>
      ctx.tx
        .selectFrom('emailOutbox')
        .select(['recipients', 'subject', 'textBody', 'status', 'attempts'])
        .where('id', '=', emailId)
        .executeTakeFirst(),
    );
    if (email?.status !== 'queued') return; // sent, skipped or failed already: nothing to do
    const update = (values: Record<string, unknown>) =>
      asSystem(platform, tenantId, SEND_EMAIL_TASK, (ctx) =>
        ctx.tx.updateTable('emailOutbox').set(values).where('id', '=', emailId).execute(),
      );
    const transporter = smtpTransporter(platform.config);
    if (!transporter) {
      await update({ status: 'skipped', lastError: 'No SMTP server is configured (BACKROOM_SMTP_URL).' });
      return;
    }
    try {
      const info = await transporter.sendMail({
        from: platform.config.mailFrom,
        to: email.recipients,
        subject: email.subject,
        text: email.textBody,
      });
      await update({
        status: 'sent',
        sentAt: platform.now(),
        messageId: info.messageId,
        attempts: email.attempts + 1,
      });
    } catch (error) {
      const attempts = email.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      await update({
        attempts,
        lastError: message,
        ...(attempts >= MAX_ATTEMPTS ? { status: 'failed' } : {}),
      });
      if (attempts < MAX_ATTEMPTS) throw error;
    }
  },
};
