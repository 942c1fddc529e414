import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import type { BackroomModule } from '../../platform/events/registry.ts';
import { addressRoutes } from './address-routes.ts';
import { mergeRoutes } from './merge-routes.ts';
import { customerRoutes } from './routes.ts';

function routes(app: FastifyInstance, platform: Platform): void {
  customerRoutes(app, platform);
  addressRoutes(app, platform);
  mergeRoutes(app, platform);
}

export const customersModule: BackroomModule = { name: 'customers', routes };
