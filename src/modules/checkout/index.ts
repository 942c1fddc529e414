import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import type { BackroomModule } from '../../platform/events/registry.ts';
import { checkoutRoutes } from './checkout-routes.ts';
import { shippingRoutes } from './shipping-routes.ts';
import { taxRoutes } from './tax-routes.ts';

function routes(app: FastifyInstance, platform: Platform): void {
  taxRoutes(app, platform);
  shippingRoutes(app, platform);
  checkoutRoutes(app, platform);
}

export const checkoutModule: BackroomModule = { name: 'checkout', routes };
