import { z } from 'zod';
import { Problem } from './problems.ts';

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page, 1–200.'),
  cursor: z.string().max(1024).optional().describe('The `nextCursor` of the previous page.'),
};

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  });
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: the sort key of the last item of a page, base64url-encoded. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

const cursorKey = z
  .array(z.union([z.string(), z.number()]))
  .min(1)
  .max(4);

export function decodeCursor(cursor: string): (string | number)[] {
  try {
    return cursorKey.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new Problem('invalid_cursor', 'The cursor is not one this API returned; start again without it.', {
      errors: [{ field: 'query.cursor', message: 'not a cursor returned by this API' }],
    });
  }
}

/** Takes the rows a repo fetched with `limit + 1` and makes the page and the cursor to the next one. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => (string | number)[],
  toItem: (row: Row) => Item,
): Page<Item> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { data: pageRows.map(toItem), nextCursor: more && last ? encodeCursor(keyOf(last)) : null };
}
