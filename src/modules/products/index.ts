import type { BackroomModule } from '../../platform/events/registry.ts';
import { productRoutes } from './routes.ts';

export const productsModule: BackroomModule = { name: 'products', routes: productRoutes };
