import type { BackroomModule } from '../../platform/events/registry.ts';
import { priceRoutes } from './routes.ts';

export const pricesModule: BackroomModule = { name: 'prices', routes: priceRoutes };
