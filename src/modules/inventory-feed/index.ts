import { z } from 'zod';
import type { BackroomModule } from '../../platform/events/registry.ts';
import { inventoryFeedRoutes } from './routes.ts';
import { runInventoryImport } from './run-import.ts';
import { IMPORT_TASK } from './service.ts';

const payloadSchema = z.object({ tenantId: z.uuid(), importId: z.uuid() });

export const inventoryFeedModule: BackroomModule = {
  name: 'inventory-feed',
  routes: inventoryFeedRoutes,
  tasks: [
    {
      name: IMPORT_TASK,
      run: (platform, payload) => {
        const { tenantId, importId } = payloadSchema.parse(payload);
        return runInventoryImport(platform, tenantId, importId);
      },
    },
  ],
};
