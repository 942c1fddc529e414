import type { BackroomModule } from '../../platform/events/registry.ts';
import { storeRoutes } from './routes.ts';

export const storesModule: BackroomModule = { name: 'stores', routes: storeRoutes };
