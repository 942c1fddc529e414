import { parse } from 'csv-parse/sync';
import { Problem } from '../../platform/http/problems.ts';
import { isKnownColumn, productOfRow } from './csv-columns.ts';

export type FeedFormat = 'csv' | 'jsonl';

/** One product of a feed before validation, with where it is in the file. */
export interface FeedRow {
  /** The line of the file the row starts on (the CSV header is line 1). */
  rowNumber: number;
  product?: Record<string, unknown>;
  error?: { field: string; reason: string };
}

/** Splits a feed into rows; a file that cannot be read at all (bad header, broken CSV) is a Problem. */
export function parseFeed(source: string, format: FeedFormat): FeedRow[] {
  return format === 'csv' ? parseCsv(source) : parseJsonLines(source);
}

function parseCsv(source: string): FeedRow[] {
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  let records: { record: Record<string, string>; info: { bytes: number } }[];
  try {
    records = parse(text, { columns: checkedHeader, skip_empty_lines: true, info: true });
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw new Problem('validation_failed', `The CSV cannot be read: ${(error as Error).message}`);
  }
  // csv-parse's own line count misses skipped blank lines and counts CRLF inside quotes twice, so lines are
  // counted here: a record ends at `info.bytes` (after its line break, if any), and starts as many lines
  // earlier as its values contain line breaks.
  const bytes = Buffer.from(text);
  let counted = 0;
  let breaks = 0;
  return records.map(({ record, info }) => {
    breaks += lineBreaks(bytes.toString('utf8', counted, info.bytes));
    counted = info.bytes;
    const last = bytes[info.bytes - 1];
    const endLine = last === 0x0a || last === 0x0d ? breaks : breaks + 1;
    const inside = Object.values(record).reduce((sum, value) => sum + lineBreaks(value), 0);
    return { rowNumber: endLine - inside, product: productOfRow(record) };
  });
}

function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

function checkedHeader(header: string[]): string[] {
  const columns = header.map((column) => column.trim());
  const unknown = columns.filter((column) => !isKnownColumn(column));
  if (unknown.length > 0) {
    throw new Problem(
      'validation_failed',
      `Unknown CSV columns: ${unknown.join(', ')}. Use the columns of "backroom export products".`,
    );
  }
  const repeated = columns.filter((column, index) => columns.indexOf(column) !== index);
  if (repeated.length > 0) {
    throw new Problem('validation_failed', `CSV columns appear twice: ${[...new Set(repeated)].join(', ')}.`);
  }
  if (!columns.includes('productId'))
    throw new Problem('validation_failed', 'The CSV has no productId column.');
  return columns;
}

function parseJsonLines(source: string): FeedRow[] {
  const rows: FeedRow[] = [];
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const rowNumber = index + 1;
    try {
      const product: unknown = JSON.parse(line);
      if (product && typeof product === 'object' && !Array.isArray(product)) {
        rows.push({ rowNumber, product: product as Record<string, unknown> });
      } else rows.push({ rowNumber, error: { field: '', reason: 'each line must be one JSON object' } });
    } catch {
      rows.push({ rowNumber, error: { field: '', reason: 'not valid JSON' } });
    }
  }
  return rows;
}
