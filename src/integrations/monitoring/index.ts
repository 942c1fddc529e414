import type { BackroomModule } from '../../platform/events/registry.ts';
import { monitoringRoutes } from './routes.ts';

export const monitoringModule: BackroomModule = { name: 'monitoring', routes: monitoringRoutes };
