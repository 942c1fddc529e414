import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export type StockStatus = 'in_stock' | 'low_stock' | 'out_of_stock' | 'back_ordered' | 'pre_order';

export interface InventorySettingsTable {
  tenantId: string;
  reservationTtlSeconds: Generated<number>;
  lowStockThreshold: Generated<number>;
  outOfStockThreshold: Generated<number>;
  updatedAt: Timestamp;
}

export interface StockBucketsTable {
  tenantId: string;
  bucketId: string;
  name: string;
  createdAt: Timestamp;
}

export interface StockLevelsTable {
  tenantId: string;
  storeId: string;
  productId: string;
  onHand: Generated<number>;
  reserved: Generated<number>;
  safetyStock: Generated<number>;
  lowStockThreshold: number | null;
  outOfStockThreshold: number | null;
  allowBackorders: Generated<boolean>;
  firstReceivedAt: Date | null;
  status: Generated<StockStatus>;
  updatedAt: Timestamp;
}

export interface StockBucketLevelsTable {
  tenantId: string;
  storeId: string;
  productId: string;
  bucket: string;
  quantity: Generated<number>;
  updatedAt: Timestamp;
}

export interface StockMovementsTable {
  tenantId: string;
  id: Generated<number>;
  storeId: string;
  productId: string;
  bucket: string;
  quantity: number;
  reason: string;
  referenceType: string | null;
  referenceId: string | null;
  actor: string;
  note: string | null;
  occurredAt: Date;
  recordedAt: Timestamp;
}

export interface StockReservationsTable {
  tenantId: string;
  reservationId: string;
  storeId: string;
  referenceType: 'cart' | 'order' | 'other';
  referenceId: string;
  status: 'active' | 'released' | 'committed' | 'expired';
  expiresAt: Date;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  endedAt: Date | null;
}

export interface StockReservationLinesTable {
  tenantId: string;
  reservationId: string;
  storeId: string;
  productId: string;
  quantity: number;
}

export interface StockInboundTable {
  tenantId: string;
  storeId: string;
  productId: string;
  sourceType: string;
  sourceId: string;
  quantity: number;
  expectedAt: Date | null;
}
