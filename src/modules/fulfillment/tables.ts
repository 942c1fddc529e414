import type { Generated, JSONColumnType } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export type StoreFulfillmentType = 'ship_from_store' | 'bopis' | 'bofis' | 'ropis';
export type FulfillmentStatus =
  | 'backordered'
  | 'placed'
  | 'picking'
  | 'ready_for_pickup'
  | 'shipped'
  | 'completed'
  | 'cancelled';

export interface FulfillmentsTable {
  tenantId: string;
  id: Generated<string>;
  fulfillmentId: string;
  orderUuid: string;
  storeId: string;
  type: StoreFulfillmentType;
  status: FulfillmentStatus;
  reservationId: string | null;
  expectedAt: Date | null;
  tracking: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  history: JSONColumnType<Record<string, unknown>[], string, string>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}
