import { z } from 'zod';
import { type FieldError, Problem } from './problems.ts';

export const MAX_BULK_ITEMS = 500;

/** The body of a bulk call: up to 500 items and whether one failure must undo them all. */
export function bulkBody<K extends string, T extends z.ZodType>(
  key: K,
  item: T,
  example: Record<string, unknown>,
) {
  const items = z
    .array(item)
    .min(1, 'must name at least one item')
    .max(MAX_BULK_ITEMS, `must not have more than ${MAX_BULK_ITEMS} items; split the call`);
  return z
    .strictObject({
      ...({ [key]: items } as { [P in K]: typeof items }),
      allOrNothing: z
        .boolean()
        .default(false)
        .describe('When true, one failed item fails the whole call and nothing is written (422).'),
    })
    .meta({ example });
}

export const itemStatusSchema = z.enum(['created', 'updated', 'unchanged', 'deleted', 'failed']);
export type ItemStatus = z.infer<typeof itemStatusSchema>;

const itemErrorSchema = z.object({
  code: z.string(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export interface ItemResult<T> {
  index: number;
  id: string;
  status: ItemStatus;
  item?: T;
  error?: { code: string; detail: string; errors?: FieldError[] };
  warnings?: string[];
}

/** Per-item results in the order of the request, and how many ended in each status. */
export function bulkResultSchema<T extends z.ZodType>(item: T, id: string) {
  return z.object({
    results: z.array(
      z.object({
        index: z.number().int().describe('Position of the item in the request, from 0.'),
        id: z.string().describe(`The item's ${id}.`),
        status: itemStatusSchema,
        item: item.optional(),
        error: itemErrorSchema.optional(),
        warnings: z.array(z.string()).optional().describe('What was changed on the way in, such as HTML.'),
      }),
    ),
    summary: z.record(itemStatusSchema, z.number().int()),
  });
}

export interface BulkResult<T> {
  results: ItemResult<T>[];
  summary: Record<ItemStatus, number>;
}

export function failedItem(index: number, id: string, problem: Problem): ItemResult<never> {
  return {
    index,
    id,
    status: 'failed',
    error: {
      code: problem.code,
      detail: problem.message,
      ...(problem.errors ? { errors: problem.errors } : {}),
    },
  };
}

/** `key` names the body's array (`products`), so all-or-nothing errors point at `body.products[3].sku`. */
export function summarise<T>(results: ItemResult<T>[], allOrNothing: boolean, key: string): BulkResult<T> {
  const summary = { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 };
  for (const result of results) summary[result.status] += 1;
  if (allOrNothing && summary.failed > 0) {
    const failed = results.filter((result) => result.status === 'failed');
    throw new Problem(
      'rule_violated',
      `${failed.length} of ${results.length} items failed and allOrNothing is set, so nothing was written.`,
      {
        errors: failed.flatMap((result) =>
          (result.error?.errors ?? [{ field: '', message: result.error?.detail ?? '' }]).map((error) => ({
            field: `body.${key}.${result.index}${error.field ? `.${error.field}` : ''}`,
            message: error.message,
          })),
        ),
      },
    );
  }
  return { results: results.sort((a, b) => a.index - b.index), summary };
}
