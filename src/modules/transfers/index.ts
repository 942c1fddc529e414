import type { BackroomModule } from '../../platform/events/registry.ts';
import { transferRoutes } from './routes.ts';

export const transfersModule: BackroomModule = { name: 'transfers', routes: transferRoutes };
