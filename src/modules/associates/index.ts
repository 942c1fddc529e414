import type { BackroomModule } from '../../platform/events/registry.ts';
import { associateRoutes } from './routes.ts';

export const associatesModule: BackroomModule = { name: 'associates', routes: associateRoutes };
