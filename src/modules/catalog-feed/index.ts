import { z } from 'zod';
import type { BackroomModule } from '../../platform/events/registry.ts';
import { catalogFeedRoutes } from './routes.ts';
import { runImport } from './run-import.ts';
import { IMPORT_TASK } from './service.ts';

const payloadSchema = z.object({ tenantId: z.uuid(), importId: z.uuid() });

export const catalogFeedModule: BackroomModule = {
  name: 'catalog-feed',
  routes: catalogFeedRoutes,
  tasks: [
    {
      name: IMPORT_TASK,
      run: (platform, payload) => {
        const { tenantId, importId } = payloadSchema.parse(payload);
        return runImport(platform, tenantId, importId);
      },
    },
  ],
};
