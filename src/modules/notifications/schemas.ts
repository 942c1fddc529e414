import { z } from 'zod';
import { merchantKey } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';

const MAX_TARGETS = 500;
const MAX_DATA_BYTES = 4096;

const installationIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be 1–128 letters, digits, dots, colons, dashes or underscores',
  )
  .describe('The id the app gave this installation of itself on one device.');

/** An e-mail address, trimmed and lower-cased, so that `Ann@Example.com` and `ann@example.com` are one. */
const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .regex(z.regexes.email, 'must be an e-mail address such as ann@example.com');

const devicePlatformSchema = z.enum(['ios', 'android', 'web']);

/** The installation the OpenAPI examples show, as the app registers it. */
const exampleInstallation = {
  installationId: 'c5f0e6a2-ios-7d41',
  customerId: 'CUST-1042',
  email: 'ann@example.com',
  platform: 'ios' as const,
  pushToken: '740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad',
  appVersion: '4.2.0',
  locale: 'en-US',
};

export const installationInputSchema = z
  .strictObject({
    installationId: installationIdSchema,
    customerId: merchantKey("The merchant's id of the customer signed in to the app.").nullable().optional(),
    email: emailAddress
      .nullable()
      .optional()
      .describe('The address the app user signed in with; notifications to it reach this device.'),
    platform: devicePlatformSchema,
    pushToken: z
      .string()
      .min(1)
      .max(4096)
      .nullable()
      .optional()
      .describe(
        "The device's token at the push service (APNs, FCM, Web Push), passed on to the push provider.",
      ),
    appVersion: z.string().trim().min(1).max(40).nullable().optional(),
    locale: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as en-US')
      .nullable()
      .optional(),
  })
  .meta({
    id: 'DeviceInstallationRegistration',
    description:
      'Registers the installation, or changes the one with this installationId: fields left out keep their value, null clears one.',
    example: exampleInstallation,
  });

export const installationSchema = z
  .object({
    installationId: z.string(),
    customerId: z.string().optional(),
    email: z.string().optional(),
    platform: devicePlatformSchema,
    pushToken: z.string().optional(),
    appVersion: z.string().optional(),
    locale: z.string().optional(),
    createdAt: z.number().int().describe('Epoch milliseconds.'),
    updatedAt: z.number().int().describe('Epoch milliseconds.'),
  })
  .meta({
    id: 'DeviceInstallation',
    example: { ...exampleInstallation, createdAt: 1763800000000, updatedAt: 1763800000000 },
  });

export const installationListQuery = z.strictObject({
  ...pageQuery,
  customerId: merchantKey('Only the installations of this customer.').optional(),
  email: emailAddress.optional().describe('Only the installations captured with this address.'),
});

export const installationParams = z.strictObject({ installationId: z.string().max(1024) });

export const notificationTypeSchema = z
  .enum([
    'ORDER_SHIPPED',
    'CART_ABANDONED',
    'READY_FOR_PICKUP',
    'ORDER_CONFIRMED',
    'BACK_IN_STOCK',
    'STORE_PICK_LIST',
    'CUSTOM',
  ])
  .describe('What happened; apps and push providers may choose a template or a channel by it.');

const notificationData = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine((data) => Object.keys(data).length <= 50, 'must have at most 50 keys')
  .refine(
    (data) => Buffer.byteLength(JSON.stringify(data)) <= MAX_DATA_BYTES,
    `must be at most ${MAX_DATA_BYTES} bytes as JSON`,
  )
  .describe('Small JSON object passed on as is: an orderId, a storeId, a deep link into the app.');

export const newNotificationSchema = z
  .strictObject({
    type: notificationTypeSchema,
    title: z.string().trim().min(1).max(120, 'must be at most 120 characters'),
    message: z.string().trim().min(1).max(2000, 'must be at most 2000 characters'),
    data: notificationData.optional(),
    installationIds: z
      .array(installationIdSchema)
      .max(MAX_TARGETS, `must name at most ${MAX_TARGETS} installations`)
      .optional(),
    emails: z
      .array(emailAddress)
      .max(MAX_TARGETS, `must name at most ${MAX_TARGETS} addresses`)
      .optional()
      .describe(
        'Each address reaches the app installations captured with it by push, or, with none, the address by e-mail.',
      ),
  })
  .superRefine((body, issues) => {
    const targets = (body.installationIds?.length ?? 0) + (body.emails?.length ?? 0);
    if (targets === 0) {
      issues.addIssue({
        code: 'custom',
        path: [],
        message: 'must name at least one of installationIds or emails',
      });
    } else if (targets > MAX_TARGETS) {
      issues.addIssue({
        code: 'custom',
        path: [],
        message: `must name at most ${MAX_TARGETS} targets in installationIds and emails together, not ${targets}`,
      });
    }
  })
  .meta({
    id: 'NewNotification',
    example: {
      type: 'ORDER_SHIPPED',
      title: 'Your order is on its way',
      message: 'Order W-10023 left our warehouse and should arrive on Thursday.',
      data: { orderId: 'W-10023', deepLink: 'backroom-shop://orders/W-10023' },
      installationIds: ['c5f0e6a2-ios-7d41'],
      emails: ['ben@example.com'],
    },
  });

const recipientStatusSchema = z
  .enum(['queued', 'sent', 'skipped', 'pending', 'succeeded', 'failed', 'undeliverable'])
  .describe(
    'E-mail: `queued`, `sent`, `failed`, or `skipped` (no SMTP server). Push: `pending`, `succeeded` (the push provider accepted it), `failed` (after every retry), or `undeliverable` (no push provider connector).',
  );

const recipientSchema = z.object({
  channel: z.enum(['push', 'email']),
  installationId: z.string().optional(),
  platform: devicePlatformSchema.optional(),
  email: z
    .string()
    .optional()
    .describe('The address the notification was sent to, or that named the device.'),
  status: recipientStatusSchema,
  error: z.string().optional(),
  sentAt: z
    .number()
    .int()
    .optional()
    .describe('Epoch milliseconds: when the SMTP server or the push provider accepted it.'),
  emailId: z.uuid().optional(),
  eventId: z.uuid().optional().describe('The PUSH_NOTIFICATION event, as listed among webhook events.'),
});

const exampleNotification = {
  notificationId: '0b6e4f7e-5a0c-4f0e-9a55-3f1d2c7b9e11',
  type: 'ORDER_SHIPPED' as const,
  title: 'Your order is on its way',
  message: 'Order W-10023 left our warehouse and should arrive on Thursday.',
  data: { orderId: 'W-10023', deepLink: 'backroom-shop://orders/W-10023' },
  createdAt: 1763800000000,
};

/** What a notification and its summary both show. */
const notificationFields = {
  notificationId: z.uuid(),
  type: notificationTypeSchema,
  title: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.number().int().describe('Epoch milliseconds.'),
};

export const notificationSchema = z
  .object({
    ...notificationFields,
    recipients: z.array(recipientSchema),
  })
  .meta({
    id: 'Notification',
    example: {
      ...exampleNotification,
      recipients: [
        {
          channel: 'push',
          installationId: 'c5f0e6a2-ios-7d41',
          platform: 'ios',
          status: 'succeeded',
          sentAt: 1763800000420,
          eventId: '9d2f3c1a-7b4e-4c2d-8f6a-1e5b7c9d0a23',
        },
        {
          channel: 'email',
          email: 'ben@example.com',
          status: 'sent',
          sentAt: 1763800000810,
          emailId: '5c8a1e2b-3d4f-4a6b-9c7d-8e0f1a2b3c4d',
        },
      ],
    },
  });

export const notificationSummarySchema = z
  .object({
    ...notificationFields,
    recipientCounts: z.object({ push: z.number().int(), email: z.number().int() }),
  })
  .meta({
    id: 'NotificationSummary',
    example: { ...exampleNotification, recipientCounts: { push: 1, email: 1 } },
  });

export const notificationListQuery = z.strictObject({ ...pageQuery });
export const notificationParams = z.strictObject({ notificationId: z.string().max(1024) });

export type InstallationInput = z.output<typeof installationInputSchema>;
export type Installation = z.output<typeof installationSchema>;
export type InstallationListQuery = z.output<typeof installationListQuery>;
export type NotificationType = z.output<typeof notificationTypeSchema>;
export type NewNotification = z.output<typeof newNotificationSchema>;
export type Recipient = z.output<typeof recipientSchema>;
export type RecipientStatus = z.output<typeof recipientStatusSchema>;
export type Notification = z.output<typeof notificationSchema>;
export type NotificationSummary = z.output<typeof notificationSummarySchema>;
export type NotificationListQuery = z.output<typeof notificationListQuery>;
