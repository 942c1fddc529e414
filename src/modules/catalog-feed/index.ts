import type { BackroomModule } from '../../platform/events/registry.ts';
import { importTask } from '../../platform/feeds/import-service.ts';
import { catalogFeedRoutes } from './routes.ts';
import { runImport } from './run-import.ts';
import { IMPORT_TASK } from './service.ts';

export const catalogFeedModule: BackroomModule = {
  name: 'catalog-feed',
  routes: catalogFeedRoutes,
  tasks: [importTask(IMPORT_TASK, runImport)],
};
