import type { Generated, JSONColumnType } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export type CartChannel = 'web' | 'store' | 'mobile' | 'phone' | 'marketplace' | 'api';
export type CartStatus =
  | 'active'
  | 'saved'
  | 'abandoned'
  | 'suspended'
  | 'voided'
  | 'merged'
  | 'checking_out'
  | 'checked_out';

export interface CartSettingsTable {
  tenantId: string;
  abandonAfterMinutes: Generated<number>;
  notifyOnAbandon: Generated<boolean>;
  checkoutHoldSeconds: Generated<number>;
  updatedAt: Timestamp;
}

export interface CartsTable {
  tenantId: string;
  id: Generated<string>;
  cartId: string;
  storeId: string;
  channel: CartChannel;
  customerUuid: string | null;
  status: Generated<CartStatus>;
  name: string | null;
  registerId: string | null;
  associateId: string | null;
  shippingAddress: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  statusReason: string | null;
  statusBy: string | null;
  mergedInto: string | null;
  orderId: string | null;
  lastActivityAt: Timestamp;
  abandonedAt: Date | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface CartLinesTable {
  tenantId: string;
  cartUuid: string;
  productId: string;
  savedForLater: Generated<boolean>;
  quantity: number;
  addedAt: Timestamp;
  updatedAt: Timestamp;
}
