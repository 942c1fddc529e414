import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import type { BackroomModule } from '../../platform/events/registry.ts';
import { orderRoutes } from './routes.ts';

function routes(app: FastifyInstance, platform: Platform): void {
  orderRoutes(app, platform);
}

export const ordersModule: BackroomModule = { name: 'orders', routes };
