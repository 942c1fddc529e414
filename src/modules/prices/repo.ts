import type { Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export interface StorePricesTable {
  tenantId: string;
  storeId: string;
  productId: string;
  currency: string;
  /** Minor units; pg returns bigint as a string, so the repo casts it. */
  listPrice: number | null;
  salePrice: number | null;
  saleStartsAt: Date | null;
  saleEndsAt: Date | null;
  promoBannerText: string | null;
  updatedAt: Timestamp;
}

export type StorePriceRow = Omit<Selectable<StorePricesTable>, 'tenantId'>;
