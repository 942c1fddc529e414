import type { JSONColumnType, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export type AttributeValue = string | number | boolean;

export interface ProductImage {
  url: string;
  alt?: string | undefined;
  primary: boolean;
}

export interface Dimensions {
  length: number;
  width: number;
  height: number;
}

export interface ProductsTable {
  tenantId: string;
  productId: string;
  sku: string;
  gtins: string[];
  name: string;
  descriptionHtml: string | null;
  brand: string | null;
  manufacturer: string | null;
  status: 'active' | 'inactive';
  taxClass: string | null;
  variantGroupId: string | null;
  variantAttributes: JSONColumnType<Record<string, string>, string, string>;
  categoryIds: string[];
  attributeSetIds: string[];
  attributes: JSONColumnType<Record<string, AttributeValue>, string, string>;
  images: JSONColumnType<ProductImage[], string, string>;
  weightGrams: number | null;
  dimensionsMm: JSONColumnType<Dimensions | null, string | null, string | null>;
  /** Minor units; pg returns bigint as a string, so the repo casts it. */
  listPrice: number | null;
  currency: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: Date | null;
}

export type ProductRow = Omit<Selectable<ProductsTable>, 'tenantId'>;
