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
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(source, { columns: checkedHeader, bom: true, skip_empty_lines: true, info: true });
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw new Problem('validation_failed', `The CSV cannot be read: ${(error as Error).message}`);
  }
  let line = 2;
  return records.map(({ record, info }) => {
    const row = { rowNumber: line, product: productOfRow(record) };
    line = info.lines + 1;
    return row;
  });
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
  if (!columns.includes('productId'))
    throw new Problem('validation_failed', 'The CSV has no productId column.');
  return columns;
}

function parseJsonLines(source: string): FeedRow[] {
  const rows: FeedRow[] = [];
  for (const [index, line] of source.split('\n').entries()) {
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
