import type { BackroomModule } from '../../platform/events/registry.ts';
import { cycleCountRoutes } from './routes.ts';

export const cycleCountsModule: BackroomModule = { name: 'cycle-counts', routes: cycleCountRoutes };
