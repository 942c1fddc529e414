import type { BackroomModule } from '../../platform/events/registry.ts';
import { categoryRoutes } from './routes.ts';

export const categoriesModule: BackroomModule = { name: 'categories', routes: categoryRoutes };
