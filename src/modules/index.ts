import { connectorsModule } from '../integrations/connectors/index.ts';
import { monitoringModule } from '../integrations/monitoring/index.ts';
import { webhooksModule } from '../integrations/webhooks/index.ts';
import type { BackroomModule } from '../platform/events/registry.ts';
import { associatesModule } from './associates/index.ts';
import { attributeSetsModule } from './attribute-sets/index.ts';
import { cartsModule } from './carts/index.ts';
import { catalogFeedModule } from './catalog-feed/index.ts';
import { categoriesModule } from './categories/index.ts';
import { checkoutModule } from './checkout/index.ts';
import { customersModule } from './customers/index.ts';
import { cycleCountsModule } from './cycle-counts/index.ts';
import { fulfillmentModule } from './fulfillment/index.ts';
import { inventoryModule } from './inventory/index.ts';
import { inventoryFeedModule } from './inventory-feed/index.ts';
import { notificationsModule } from './notifications/index.ts';
import { ordersModule } from './orders/index.ts';
import { pricesModule } from './prices/index.ts';
import { productsModule } from './products/index.ts';
import { receivingModule } from './receiving/index.ts';
import { storesModule } from './stores/index.ts';
import { transfersModule } from './transfers/index.ts';
import { usersModule } from './users/index.ts';

/** Every module of Backroom; the server and the worker are assembled from this list. */
export const modules: readonly BackroomModule[] = [
  storesModule,
  categoriesModule,
  attributeSetsModule,
  productsModule,
  pricesModule,
  catalogFeedModule,
  inventoryModule,
  inventoryFeedModule,
  cycleCountsModule,
  receivingModule,
  transfersModule,
  associatesModule,
  customersModule,
  ordersModule,
  fulfillmentModule,
  cartsModule,
  checkoutModule,
  usersModule,
  notificationsModule,
  connectorsModule,
  monitoringModule,
  webhooksModule,
];
