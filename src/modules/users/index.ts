import type { BackroomModule } from '../../platform/events/registry.ts';
import { userRoutes } from './routes.ts';

export const usersModule: BackroomModule = { name: 'users', routes: userRoutes };
