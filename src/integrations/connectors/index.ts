import type { BackroomModule } from '../../platform/events/registry.ts';
import { connectorRoutes } from './routes.ts';

export const connectorsModule: BackroomModule = { name: 'connectors', routes: connectorRoutes };
