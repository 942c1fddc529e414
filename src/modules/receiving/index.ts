import type { BackroomModule } from '../../platform/events/registry.ts';
import { receivingRoutes } from './routes.ts';

export const receivingModule: BackroomModule = { name: 'receiving', routes: receivingRoutes };
