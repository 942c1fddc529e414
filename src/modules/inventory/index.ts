import type { BackroomModule } from '../../platform/events/registry.ts';
import { EXPIRE_TASK, expireDueReservations } from './expiry.ts';
import { inventoryRoutes } from './routes.ts';

export const inventoryModule: BackroomModule = {
  name: 'inventory',
  routes: inventoryRoutes,
  tasks: [
    {
      name: EXPIRE_TASK,
      schedule: '* * * * *',
      run: async (platform) => {
        await expireDueReservations(platform);
      },
    },
  ],
};
