import type { BackroomModule } from '../../platform/events/registry.ts';
import { backorderTask } from './backorders.ts';
import { fulfillmentRoutes } from './routes.ts';

export const fulfillmentModule: BackroomModule = {
  name: 'fulfillment',
  routes: fulfillmentRoutes,
  tasks: [backorderTask],
};
