import type { Generated, JSONColumnType } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export interface TaxRatesTable {
  tenantId: string;
  id: Generated<string>;
  storeId: string;
  name: string;
  taxClass: string | null;
  /** Parts per million: 82500 is 8.25 %. */
  ratePpm: number;
  appliesToShipping: Generated<boolean>;
  createdAt: Timestamp;
}

export interface ShippingMethodsTable {
  tenantId: string;
  methodId: string;
  name: string;
  carrier: string | null;
  currency: string;
  /** Minor units; bigint columns are read as strings. */
  price: string | number;
  freeOver: string | number | null;
  minDays: number | null;
  maxDays: number | null;
  storeIds: string[] | null;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type CheckoutStatus = 'pending_payment' | 'completed' | 'payment_failed' | 'expired';

export interface CheckoutsTable {
  tenantId: string;
  orderId: string;
  cartUuid: string;
  status: CheckoutStatus;
  requestHash: string;
  orderDraft: JSONColumnType<Record<string, unknown>, string, string>;
  reservationId: string | null;
  externalReservation: Generated<boolean>;
  failureReason: string | null;
  expiresAt: Date;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}
