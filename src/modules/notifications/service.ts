import { randomUUID } from 'node:crypto';
import { hasEnabledWebhook } from '../../integrations/connectors/lookup.ts';
import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import { queueEmails } from '../../platform/email/outbox.ts';
import { emit } from '../../platform/events/emit.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import { isUuid } from '../../platform/uuid.ts';
import * as repo from './repo.ts';
import type {
  NewNotification,
  Notification,
  NotificationListQuery,
  NotificationSummary,
  NotificationType,
} from './schemas.ts';
import { NO_PUSH_PROVIDER, recipientsWithStatus, toRecipient } from './status.ts';

/** The event, and the webhook endpoint, through which push notifications reach the merchant's push provider. */
const PUSH_EVENT = 'PUSH_NOTIFICATION';
interface Content {
  type: NotificationType;
  title: string;
  message: string;
  data: Record<string, unknown>;
}

interface PushTarget {
  installation: repo.InstallationRow;
  /** The address the request named that reached this device, if it was named by address. */
  email: string | null;
}

/**
 * Sends a notification now: to each installation named, to the installations captured with each address
 * named, and by e-mail to each address with no installation. Push goes out as one PUSH_NOTIFICATION event,
 * delivered to the merchant's push provider connector; without one, push recipients are recorded as
 * undeliverable and the e-mails still go.
 */
export async function sendNotification(ctx: Ctx, input: NewNotification): Promise<Notification> {
  const installationIds = [...new Set(input.installationIds ?? [])];
  const emails = [...new Set(input.emails ?? [])];
  const named = await repo.installationsByIds(ctx.tx, installationIds);
  const known = new Map(named.map((row) => [row.installationId, row]));
  throwIfFieldErrors(
    'unknown_reference',
    (input.installationIds ?? []).flatMap((installationId, index) =>
      known.has(installationId)
        ? []
        : [{ field: `body.installationIds.${index}`, message: `no installation has id "${installationId}"` }],
    ),
  );

  const pushTargets = new Map<string, PushTarget>();
  for (const installationId of installationIds) {
    const installation = known.get(installationId);
    if (installation) pushTargets.set(installationId, { installation, email: null });
  }
  const captured = await repo.installationsByEmails(ctx.tx, emails);
  const emailTargets: string[] = [];
  for (const email of emails) {
    const devices = captured.filter((installation) => installation.email === email);
    if (devices.length === 0) emailTargets.push(email);
    for (const installation of devices) {
      pushTargets.set(installation.installationId, { installation, email });
    }
  }
  return record(ctx, contentOf(input), [...pushTargets.values()], emailTargets);
}

export interface EmailNotification {
  type: NotificationType;
  title: string;
  message: string;
  data?: Record<string, unknown>;
  emails: readonly string[];
}

/**
 * Sends a notification by e-mail only, to each address once, and records it like any other; for other
 * modules (store pick lists for web orders). E-mails go out when the caller's transaction commits.
 */
export async function notifyByEmail(ctx: Ctx, notification: EmailNotification): Promise<Notification> {
  const emails = [...new Set(notification.emails.map((email) => email.trim().toLowerCase()))];
  if (emails.length === 0) throw new Error('notifyByEmail needs at least one address');
  return record(ctx, contentOf(notification), [], emails);
}

function contentOf(input: {
  type: NotificationType;
  title: string;
  message: string;
  data?: object;
}): Content {
  return {
    type: input.type,
    title: input.title,
    message: input.message,
    data: { ...(input.data ?? {}) } as Record<string, unknown>,
  };
}

async function record(
  ctx: Ctx,
  content: Content,
  pushTargets: readonly PushTarget[],
  emailTargets: readonly string[],
): Promise<Notification> {
  const notificationId = randomUUID();
  const push =
    pushTargets.length > 0 ? await handToPushProvider(ctx, notificationId, content, pushTargets) : {};
  const row = await repo.insertNotification(
    ctx.tx,
    ctx.tenantId,
    {
      id: notificationId,
      ...content,
      eventId: push.eventId ?? null,
      requestedBy: principalKey(ctx.principal),
    },
    ctx.now(),
  );
  const recipients: repo.RecipientRow[] = pushTargets.map((target, position) => ({
    position,
    channel: 'push',
    installationId: target.installation.installationId,
    platform: target.installation.platform,
    email: target.email,
    emailId: null,
    eventId: push.eventId ?? null,
    undeliverableReason: push.undeliverableReason ?? null,
  }));
  // One message per address, so that recipients do not see each other.
  const emailIds = await queueEmails(
    ctx,
    emailTargets.map((email) => ({
      purpose: 'notification',
      to: [email],
      subject: content.title,
      text: content.message,
    })),
  );
  emailTargets.forEach((email, index) => {
    recipients.push({
      position: recipients.length,
      channel: 'email',
      installationId: null,
      platform: null,
      email,
      emailId: emailIds[index] ?? null,
      eventId: null,
      undeliverableReason: null,
    });
  });
  await repo.insertRecipients(ctx.tx, ctx.tenantId, notificationId, recipients);
  // Nothing was delivered yet: the e-mails and the push event go out once this transaction commits.
  return { ...toSummaryFields(row), recipients: recipients.map((recipient) => toRecipient(recipient)) };
}

async function handToPushProvider(
  ctx: Ctx,
  notificationId: string,
  content: Content,
  targets: readonly PushTarget[],
): Promise<{ eventId?: string; undeliverableReason?: string }> {
  if (!(await hasEnabledWebhook(ctx, PUSH_EVENT))) return { undeliverableReason: NO_PUSH_PROVIDER };
  const eventId = await emit(ctx, {
    type: PUSH_EVENT,
    subject: notificationId,
    data: {
      notificationId,
      ...content,
      targets: targets.map(({ installation }) => ({
        installationId: installation.installationId,
        platform: installation.platform,
        ...(installation.pushToken ? { pushToken: installation.pushToken } : {}),
        ...(installation.customerId ? { customerId: installation.customerId } : {}),
        ...(installation.email ? { email: installation.email } : {}),
        ...(installation.locale ? { locale: installation.locale } : {}),
      })),
    },
  });
  return { eventId };
}

function toSummaryFields(row: repo.NotificationRow) {
  return {
    notificationId: row.id,
    type: row.type as NotificationType,
    title: row.title,
    message: row.message,
    data: row.data,
    createdAt: row.createdAt.getTime(),
  };
}

function notFound(notificationId: string): Problem {
  return new Problem('not_found', `No notification has id "${notificationId}".`);
}

/** The notification and the current delivery state of each of its recipients. */
export async function getNotification(ctx: Ctx, notificationId: string): Promise<Notification> {
  if (!isUuid(notificationId)) throw notFound(notificationId);
  const row = await repo.findNotification(ctx.tx, notificationId);
  if (!row) throw notFound(notificationId);
  const recipients = await recipientsWithStatus(ctx, await repo.recipientsOf(ctx.tx, notificationId));
  return { ...toSummaryFields(row), recipients };
}

/** Notifications, newest first. */
export async function listNotifications(
  ctx: Ctx,
  query: NotificationListQuery,
): Promise<Page<NotificationSummary>> {
  const rows = await repo.listNotifications(ctx.tx, {
    before: query.cursor ? beforeKey(query.cursor) : undefined,
    limit: query.limit + 1,
  });
  const counts = await repo.recipientCounts(
    ctx.tx,
    rows.map((row) => row.id),
  );
  const countOf = (id: string, channel: repo.Channel) =>
    counts.find((c) => c.notificationId === id && c.channel === channel)?.count ?? 0;
  return toPage(
    rows,
    query.limit,
    (row) => [row.createdAt.getTime(), row.id],
    (row) => ({
      ...toSummaryFields(row),
      recipientCounts: { push: countOf(row.id, 'push'), email: countOf(row.id, 'email') },
    }),
  );
}

/** The end of year 9999: a cursor's time lies between the epoch and this, as every creation time does. */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function beforeKey(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = decodeCursor(cursor);
  const validTime =
    typeof createdAt === 'number' &&
    Number.isInteger(createdAt) &&
    createdAt >= 0 &&
    createdAt <= LAST_MS &&
    !Number.isNaN(new Date(createdAt).getTime());
  if (!validTime || typeof id !== 'string' || !isUuid(id)) {
    throw new Problem('invalid_cursor', 'The cursor is not one this API returned; start again without it.', {
      errors: [{ field: 'query.cursor', message: 'not a cursor returned by this API' }],
    });
  }
  return { createdAt: new Date(createdAt), id };
}
