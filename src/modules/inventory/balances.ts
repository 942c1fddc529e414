import type { BucketRow, LevelRow, StockKey } from './repo.ts';

/** One movement as the ledger sees it: where, which bucket, how much (signed) and when. */
export interface BalanceChange extends StockKey {
  bucket: string;
  quantity: number;
  occurredAt: Date;
}

export interface AppliedChange {
  before: number;
  after: number;
}

export const keyOf = (key: StockKey) => `${key.storeId}/${key.productId}`;

/**
 * The balances of a set of (location, product) pairs while movements are applied to them in order: level rows
 * hold on hand and reserved, the other buckets are kept by `store/product/bucket`. Nothing here touches the
 * database; the caller reads the rows first and writes what changed.
 */
export class Balances {
  readonly levels: Map<string, LevelRow>;
  private readonly buckets: Map<string, number>;
  /** Bucket balances (other than on hand and reserved) that changed, by `store/product/bucket`. */
  readonly changedBuckets = new Set<string>();
  /** When stock first arrived on hand, for pairs that received some. */
  readonly receivedAt = new Map<string, Date>();

  constructor(levels: readonly LevelRow[], buckets: readonly BucketRow[]) {
    this.levels = new Map(levels.map((level) => [keyOf(level), level]));
    this.buckets = new Map(buckets.map((row) => [`${keyOf(row)}/${row.bucket}`, row.quantity]));
  }

  /** Applies one movement; `after` below zero means the movement cannot be posted. */
  apply(change: BalanceChange): AppliedChange {
    const key = keyOf(change);
    const level = this.levels.get(key);
    if (!level) throw new Error(`stock level ${key} was not read`);
    const bucketKey = `${key}/${change.bucket}`;
    const before =
      change.bucket === 'on_hand'
        ? level.onHand
        : change.bucket === 'reserved'
          ? level.reserved
          : (this.buckets.get(bucketKey) ?? 0);
    const after = before + change.quantity;
    if (change.bucket === 'on_hand') level.onHand = after;
    else if (change.bucket === 'reserved') level.reserved = after;
    else {
      this.buckets.set(bucketKey, after);
      this.changedBuckets.add(bucketKey);
    }
    if (change.bucket === 'on_hand' && change.quantity > 0 && !this.receivedAt.has(key)) {
      this.receivedAt.set(key, change.occurredAt);
      level.firstReceivedAt ??= change.occurredAt;
    }
    return { before, after };
  }

  changedBucketRows(): BucketRow[] {
    return [...this.changedBuckets].map((id) => {
      const [storeId = '', productId = '', bucket = ''] = id.split('/');
      return { storeId, productId, bucket, quantity: this.buckets.get(id) ?? 0 };
    });
  }
}

/** The level row of a pair that has none yet: nothing in stock, the merchant's defaults. */
export function emptyLevel(key: StockKey): LevelRow {
  return {
    storeId: key.storeId,
    productId: key.productId,
    onHand: 0,
    reserved: 0,
    safetyStock: 0,
    lowStockThreshold: null,
    outOfStockThreshold: null,
    allowBackorders: false,
    firstReceivedAt: null,
    status: 'out_of_stock',
    updatedAt: new Date(0),
  };
}
