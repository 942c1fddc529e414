import type { BackroomModule } from '../../platform/events/registry.ts';
import { notificationRoutes } from './routes.ts';

export { type EmailNotification, notifyByEmail } from './service.ts';

export const notificationsModule: BackroomModule = { name: 'notifications', routes: notificationRoutes };
