import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { addMerchantRoute } from '../../platform/http/route.ts';
import * as installations from './installations.ts';
import {
  installationInputSchema,
  installationListQuery,
  installationParams,
  installationSchema,
  newNotificationSchema,
  notificationListQuery,
  notificationParams,
  notificationSchema,
  notificationSummarySchema,
} from './schemas.ts';
import * as notifications from './service.ts';

const tags = ['Notifications'];

export function notificationRoutes(app: FastifyInstance, platform: Platform): void {
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/notifications/installations',
    scope: 'notifications:write',
    tags,
    summary: 'Register a device installation of the app, or change it',
    description:
      'The app calls this at start and at sign-in. `email` is the address the user signed in with: notifications to that address then reach this device. Fields left out keep their value; null clears one.',
    body: installationInputSchema,
    response: installationSchema,
    handler: (ctx, { body }) => installations.registerInstallation(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/notifications/installations',
    scope: 'notifications:read',
    tags,
    summary: 'List device installations, by customer or e-mail address',
    query: installationListQuery,
    response: pageOf(installationSchema),
    handler: (ctx, { query }) => installations.listInstallations(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'DELETE',
    url: '/merchant/v1/notifications/installations/:installationId',
    scope: 'notifications:write',
    tags,
    summary: 'Forget a device installation',
    description: 'Answers the installation as it was. Notifications already sent to it keep their record.',
    params: installationParams,
    response: installationSchema,
    handler: (ctx, { params }) => installations.deleteInstallation(ctx, params.installationId),
  });
  addMerchantRoute(app, platform, {
    method: 'POST',
    url: '/merchant/v1/notifications',
    scope: 'notifications:write',
    tags,
    summary: 'Send a notification now to app installations or e-mail addresses',
    description:
      "Each installation named must be registered (422 `unknown_reference` otherwise, and nothing is sent). An address reaches the installations captured with it by push, or the address itself by e-mail when it has none. Push goes to the merchant's push provider as one `PUSH_NOTIFICATION` webhook event; without an enabled PUSH_NOTIFICATION connector, push recipients are `undeliverable`. Answers 202 with each recipient's status; follow it with GET.",
    body: newNotificationSchema,
    status: 202,
    response: notificationSchema,
    handler: (ctx, { body }) => notifications.sendNotification(ctx, body),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/notifications',
    scope: 'notifications:read',
    tags,
    summary: 'List notifications, newest first',
    query: notificationListQuery,
    response: pageOf(notificationSummarySchema),
    handler: (ctx, { query }) => notifications.listNotifications(ctx, query),
  });
  addMerchantRoute(app, platform, {
    method: 'GET',
    url: '/merchant/v1/notifications/:notificationId',
    scope: 'notifications:read',
    tags,
    summary: 'Get a notification and the delivery status of each recipient',
    params: notificationParams,
    response: notificationSchema,
    handler: (ctx, { params }) => notifications.getNotification(ctx, params.notificationId),
  });
}
