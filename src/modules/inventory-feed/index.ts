import type { BackroomModule } from '../../platform/events/registry.ts';
import { importTask } from '../../platform/feeds/import-service.ts';
import { inventoryFeedRoutes } from './routes.ts';
import { runInventoryImport } from './run-import.ts';
import { IMPORT_TASK } from './service.ts';

export const inventoryFeedModule: BackroomModule = {
  name: 'inventory-feed',
  routes: inventoryFeedRoutes,
  tasks: [importTask(IMPORT_TASK, runInventoryImport)],
};
