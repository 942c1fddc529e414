import { type Generated, type JSONColumnType, type Selectable, sql } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tenant-transaction.ts';

export type DevicePlatform = 'ios' | 'android' | 'web';
export type Channel = 'push' | 'email';

export interface DeviceInstallationsTable {
  tenantId: string;
  installationId: string;
  customerId: string | null;
  email: string | null;
  platform: DevicePlatform;
  pushToken: string | null;
  appVersion: string | null;
  locale: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface NotificationsTable {
  tenantId: string;
  id: Generated<string>;
  type: string;
  title: string;
  message: string;
  data: JSONColumnType<Record<string, unknown>, string, string>;
  eventId: string | null;
  requestedBy: string;
  createdAt: Timestamp;
}

export interface NotificationRecipientsTable {
  tenantId: string;
  notificationId: string;
  position: number;
  channel: Channel;
  installationId: string | null;
  platform: DevicePlatform | null;
  email: string | null;
  emailId: string | null;
  eventId: string | null;
  undeliverableReason: string | null;
}

export type InstallationRow = Omit<Selectable<DeviceInstallationsTable>, 'tenantId'>;
export type InstallationValues = Omit<InstallationRow, 'createdAt' | 'updatedAt'>;
export type NotificationRow = Omit<Selectable<NotificationsTable>, 'tenantId'>;
export type RecipientRow = Omit<Selectable<NotificationRecipientsTable>, 'tenantId' | 'notificationId'>;

const installationColumns = [
  'installationId',
  'customerId',
  'email',
  'platform',
  'pushToken',
  'appVersion',
  'locale',
  'createdAt',
  'updatedAt',
] as const;

export function findInstallation(tx: Tx, installationId: string, options: { lock?: boolean } = {}) {
  const query = tx
    .selectFrom('deviceInstallations')
    .select(installationColumns)
    .where('installationId', '=', installationId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function insertInstallation(tx: Tx, tenantId: string, values: InstallationValues, now: Date) {
  return tx
    .insertInto('deviceInstallations')
    .values({ ...values, tenantId, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.columns(['tenantId', 'installationId']).doNothing())
    .returning(installationColumns)
    .executeTakeFirst();
}

export function updateInstallation(tx: Tx, values: InstallationValues, now: Date) {
  return tx
    .updateTable('deviceInstallations')
    .set({ ...values, updatedAt: now })
    .where('installationId', '=', values.installationId)
    .returning(installationColumns)
    .executeTakeFirstOrThrow();
}

export function deleteInstallation(tx: Tx, installationId: string) {
  return tx
    .deleteFrom('deviceInstallations')
    .where('installationId', '=', installationId)
    .returning(installationColumns)
    .executeTakeFirst();
}

export interface InstallationFilter {
  customerId?: string | undefined;
  email?: string | undefined;
  afterInstallationId?: string | undefined;
  limit: number;
}

export function listInstallations(tx: Tx, filter: InstallationFilter) {
  let query = tx
    .selectFrom('deviceInstallations')
    .select(installationColumns)
    .orderBy('installationId')
    .limit(filter.limit);
  if (filter.customerId) query = query.where('customerId', '=', filter.customerId);
  if (filter.email) query = query.where('email', '=', filter.email);
  if (filter.afterInstallationId) query = query.where('installationId', '>', filter.afterInstallationId);
  return query.execute();
}

export function installationsByIds(tx: Tx, installationIds: readonly string[]) {
  if (installationIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('deviceInstallations')
    .select(installationColumns)
    .where('installationId', 'in', installationIds)
    .execute();
}

export function installationsByEmails(tx: Tx, emails: readonly string[]) {
  if (emails.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('deviceInstallations')
    .select(installationColumns)
    .where('email', 'in', emails)
    .orderBy('installationId')
    .execute();
}

const notificationColumns = [
  'id',
  'type',
  'title',
  'message',
  'data',
  'eventId',
  'requestedBy',
  'createdAt',
] as const;

export function insertNotification(
  tx: Tx,
  tenantId: string,
  values: {
    id: string;
    type: string;
    title: string;
    message: string;
    data: Record<string, unknown>;
    eventId: string | null;
    requestedBy: string;
  },
  now: Date,
) {
  return tx
    .insertInto('notifications')
    .values({ ...values, data: JSON.stringify(values.data), tenantId, createdAt: now })
    .returning(notificationColumns)
    .executeTakeFirstOrThrow();
}

export function insertRecipients(
  tx: Tx,
  tenantId: string,
  notificationId: string,
  recipients: readonly RecipientRow[],
) {
  if (recipients.length === 0) return Promise.resolve();
  return tx
    .insertInto('notificationRecipients')
    .values(recipients.map((recipient) => ({ ...recipient, tenantId, notificationId })))
    .execute()
    .then(() => undefined);
}

export function findNotification(tx: Tx, id: string) {
  return tx.selectFrom('notifications').select(notificationColumns).where('id', '=', id).executeTakeFirst();
}

export function recipientsOf(tx: Tx, notificationId: string): Promise<RecipientRow[]> {
  return tx
    .selectFrom('notificationRecipients')
    .select([
      'position',
      'channel',
      'installationId',
      'platform',
      'email',
      'emailId',
      'eventId',
      'undeliverableReason',
    ])
    .where('notificationId', '=', notificationId)
    .orderBy('position')
    .execute();
}

export interface RecipientCounts {
  notificationId: string;
  channel: Channel;
  count: number;
}

export function recipientCounts(tx: Tx, notificationIds: readonly string[]): Promise<RecipientCounts[]> {
  if (notificationIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('notificationRecipients')
    .select(['notificationId', 'channel', (eb) => eb.fn.countAll<number>().as('count')])
    .where('notificationId', 'in', notificationIds)
    .groupBy(['notificationId', 'channel'])
    .execute()
    .then((rows) => rows.map((row) => ({ ...row, count: Number(row.count) })));
}

export function listNotifications(
  tx: Tx,
  page: { before?: { createdAt: Date; id: string } | undefined; limit: number },
) {
  const ordered = tx
    .selectFrom('notifications')
    .select(notificationColumns)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit);
  const before = page.before;
  return before
    ? ordered.where(sql<boolean>`(created_at, id) < (${before.createdAt}, ${before.id})`).execute()
    : ordered.execute();
}
