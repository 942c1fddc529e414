import type { BackroomModule } from '../../platform/events/registry.ts';
import { deliverTask } from './deliver.ts';
import { webhookEventRoutes } from './events-routes.ts';
import { webhookFanOut } from './fan-out.ts';
import { sweepTask } from './sweep.ts';

export {
  deliveryStatusesOfEvents,
  type EventDeliveries,
  type EventDelivery,
} from './event-deliveries.ts';

export const webhooksModule: BackroomModule = {
  name: 'webhooks',
  routes: webhookEventRoutes,
  tasks: [deliverTask, sweepTask],
  subscribers: [webhookFanOut],
};
