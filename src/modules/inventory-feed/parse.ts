import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

/** Columns whose value is reconciled, with the stock bucket each one sets. */
export const BUCKET_COLUMNS: Record<string, string> = { onHand: 'on_hand', damaged: 'damaged' };
/** Columns of the export that an import accepts and ignores: they are not set by a feed. */
export const IGNORED_COLUMNS = ['reserved', 'available', 'inTransit', 'status'];
export const MAX_QUANTITY = 1_000_000_000;

/** The file cannot be read (to the end): a bad header, broken CSV. */
export class UnreadableFeed extends Error {}

/** One row of a feed, checked on its own (not yet against stores and products), with its line in the file. */
export interface FeedRow {
  /** The line of the file the row starts on; the header is line 1. */
  rowNumber: number;
  storeId: string;
  productId: string;
  /** The quantity each bucket must hold, by bucket; a bucket whose cell is empty is left as it is. */
  targets: Map<string, number>;
  errors: { field: string; reason: string }[];
}

export interface FeedHeader {
  /** The buckets the file reconciles: on_hand, and damaged when the file has that column. */
  buckets: string[];
}

/**
 * Reads a feed row by row without holding the parsed file in memory. Which products each store lists is
 * collected in `seen` (storeId → productId → first row), also for rows with errors, so that a bad row never
 * makes its product count as absent; a repeated store and product is a row error naming the first row.
 */
export async function* readFeed(
  source: string,
  seen: Map<string, Map<string, number>>,
  onHeader: (header: FeedHeader) => void,
): AsyncGenerator<FeedRow> {
  const parser = Readable.from(chunks(source)).pipe(
    parse({ bom: true, info: true, relax_column_count: true, relax_quotes: true }),
  );
  let layout: Layout | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (record.length === 1 && record[0]?.trim() === '') continue;
      if (!layout) {
        layout = layoutOf(checkedHeader(record));
        onHeader({ buckets: layout.buckets.map(([, bucket]) => bucket) });
        continue;
      }
      // csv-parse counts the line where a record ends (and a CRLF inside quotes as two lines).
      const inside = record.reduce((sum, value) => sum + (value.match(/[\r\n]/g)?.length ?? 0), 0);
      yield checkedRow(info.lines - inside, record, layout, seen);
    }
  } catch (error) {
    if (error instanceof UnreadableFeed) throw error;
    throw new UnreadableFeed(`The CSV cannot be read: ${(error as Error).message}`);
  }
  if (!layout) throw new UnreadableFeed('The file is empty.');
}

/** The text in pieces, so that parsing keeps pace with the batches; never splitting a surrogate pair. */
function* chunks(source: string, size = 1 << 16): Generator<string> {
  let start = 0;
  while (start < source.length) {
    let end = Math.min(start + size, source.length);
    const last = source.charCodeAt(end - 1);
    if (end < source.length && last >= 0xd800 && last <= 0xdbff) end += 1;
    yield source.slice(start, end);
    start = end;
  }
}

/** Rows in the file, counted from its lines (a cell spanning lines counts twice), for progress. */
export function countRows(source: string): number {
  let rows = -1;
  let start = 0;
  while (start < source.length) {
    const end = source.indexOf('\n', start);
    const stop = end === -1 ? source.length : end;
    if (source.slice(start, stop).trim() !== '') rows += 1;
    start = stop + 1;
  }
  return Math.max(rows, 0);
}

function checkedHeader(record: string[]): string[] {
  const columns = record.map((column) => column.trim());
  const unknown = columns.filter(
    (column) =>
      column !== 'storeId' &&
      column !== 'productId' &&
      !(column in BUCKET_COLUMNS) &&
      !IGNORED_COLUMNS.includes(column),
  );
  if (unknown.length > 0) {
    throw new UnreadableFeed(
      `Unknown CSV columns: ${unknown.join(', ')}. The columns are storeId, productId, onHand and, optionally, damaged.`,
    );
  }
  const repeated = columns.filter((column, index) => columns.indexOf(column) !== index);
  if (repeated.length > 0) {
    throw new UnreadableFeed(`CSV columns appear twice: ${[...new Set(repeated)].join(', ')}.`);
  }
  const missing = ['storeId', 'productId', 'onHand'].filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new UnreadableFeed(`The CSV has no ${missing.join(', ')} column.`);
  }
  return columns;
}

/** Where each column is: [column, bucket, index] for the reconciled ones. */
interface Layout {
  width: number;
  storeId: number;
  productId: number;
  buckets: [string, string, number][];
}

function layoutOf(columns: string[]): Layout {
  return {
    width: columns.length,
    storeId: columns.indexOf('storeId'),
    productId: columns.indexOf('productId'),
    buckets: Object.entries(BUCKET_COLUMNS)
      .filter(([column]) => columns.includes(column))
      .map(([column, bucket]) => [column, bucket, columns.indexOf(column)]),
  };
}

function checkedRow(
  rowNumber: number,
  record: string[],
  layout: Layout,
  seen: Map<string, Map<string, number>>,
): FeedRow {
  const cell = (index: number) => record[index]?.trim() ?? '';
  const row: FeedRow = {
    rowNumber,
    storeId: cell(layout.storeId),
    productId: cell(layout.productId),
    targets: new Map(),
    errors: [],
  };
  if (record.length !== layout.width) {
    row.errors.push({ field: '', reason: `has ${record.length} cells; the header has ${layout.width}` });
  }
  if (!row.storeId) row.errors.push({ field: 'storeId', reason: 'is required' });
  if (!row.productId) row.errors.push({ field: 'productId', reason: 'is required' });
  for (const [column, bucket, index] of layout.buckets) {
    const value = cell(index);
    if (value === '') {
      if (column === 'onHand') row.errors.push({ field: column, reason: 'is required' });
    } else if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_QUANTITY) {
      row.targets.set(bucket, Number(value));
    } else {
      row.errors.push({
        field: column,
        reason: `must be a whole number from 0 to ${MAX_QUANTITY}, not "${value}"`,
      });
    }
  }
  if (row.storeId && row.productId) {
    let products = seen.get(row.storeId);
    if (!products) {
      products = new Map();
      seen.set(row.storeId, products);
    }
    const first = products.get(row.productId);
    if (first === undefined) products.set(row.productId, rowNumber);
    else
      row.errors.push({
        field: 'productId',
        reason: `${row.productId} at ${row.storeId} is also on row ${first}`,
      });
  }
  return row;
}
