import type { Migration } from 'kysely';
import * as m0001 from './0001_platform.ts';
import * as m0002 from './0002_stores.ts';
import * as m0003 from './0003_catalog.ts';
import * as m0004 from './0004_stock.ts';
import * as m0005 from './0005_receiving.ts';
import * as m0006 from './0006_cycle_counts.ts';
import * as m0007 from './0007_inventory_feeds.ts';
import * as m0008 from './0008_integrations.ts';
import * as m0009 from './0009_notifications.ts';
import * as m0010 from './0010_customers.ts';
import * as m0011 from './0011_carts_orders.ts';

/** Every migration, in order. A new migration is a new file listed here; an old one is never edited. */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_stores': m0002,
  '0003_catalog': m0003,
  '0004_stock': m0004,
  '0005_receiving': m0005,
  '0006_cycle_counts': m0006,
  '0007_inventory_feeds': m0007,
  '0008_integrations': m0008,
  '0009_notifications': m0009,
  '0010_customers': m0010,
  '0011_carts_orders': m0011,
};
