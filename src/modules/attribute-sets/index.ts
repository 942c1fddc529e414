import type { BackroomModule } from '../../platform/events/registry.ts';
import { attributeSetRoutes } from './routes.ts';

export const attributeSetsModule: BackroomModule = { name: 'attribute-sets', routes: attributeSetRoutes };
