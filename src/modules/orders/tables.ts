import type { Generated, JSONColumnType } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export type OrderType = 'sale' | 'return' | 'exchange';
export type OrderStatus = 'open' | 'completed' | 'cancelled';
export type OrderChannel = 'web' | 'store' | 'mobile' | 'phone' | 'marketplace' | 'api';
export type FulfillmentType = 'cash_and_carry' | 'ship' | 'ship_from_store' | 'bopis' | 'bofis' | 'ropis';
export type TenderType = 'cash' | 'card' | 'gift_card' | 'web_orders' | 'store_credit' | 'other';

/** bigint columns are read as strings (pg's default); convert with Number() where amounts are read. */
type Money = string | number;

export interface OrdersTable {
  tenantId: string;
  id: Generated<string>;
  orderId: string;
  type: OrderType;
  status: OrderStatus;
  channel: OrderChannel;
  storeId: string;
  registerId: string | null;
  associateId: string | null;
  customerUuid: string | null;
  originalOrderUuid: string | null;
  currency: string;
  subtotal: Money;
  discountTotal: Money;
  taxTotal: Money;
  shippingTotal: Money;
  total: Money;
  returnTotal: Generated<Money>;
  discounts: JSONColumnType<Record<string, unknown>[], string, string>;
  shipping: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  occurredAt: Date;
  postedAt: Timestamp;
  offline: Generated<boolean>;
  contentHash: string;
  note: string | null;
  updatedAt: Timestamp;
}

export interface OrderLinesTable {
  tenantId: string;
  orderUuid: string;
  lineNumber: number;
  kind: 'sale' | 'return';
  productId: string;
  quantity: number;
  unitPrice: Money;
  discountAmount: Generated<Money>;
  taxAmount: Generated<Money>;
  taxes: JSONColumnType<Record<string, unknown>[], string, string>;
  amount: Money;
  fulfillmentType: FulfillmentType | null;
  fulfillmentStoreId: string | null;
  fulfillmentUuid: string | null;
  returnedQuantity: Generated<number>;
  originalOrderUuid: string | null;
  originalLineNumber: number | null;
  restock: boolean | null;
  returnReason: string | null;
  stockShortfall: Generated<number>;
}

export interface OrderTendersTable {
  tenantId: string;
  orderUuid: string;
  tenderNumber: number;
  type: TenderType;
  direction: 'charge' | 'refund';
  amount: Money;
  cardBrand: string | null;
  cardLast4: string | null;
  reference: string | null;
}
