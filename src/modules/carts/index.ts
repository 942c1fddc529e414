import type { BackroomModule } from '../../platform/events/registry.ts';
import { abandonTask } from './abandon.ts';
import { cartRoutes } from './routes.ts';

export const cartsModule: BackroomModule = { name: 'carts', routes: cartRoutes, tasks: [abandonTask] };
