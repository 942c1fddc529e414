import { z } from 'zod';

// Field schemas every module's API uses the same way.

/** The merchant's own id for something (storeId, productId, categoryId, …): the keys of the merchant API. */
export function merchantKey(description: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 letters, digits, dots, dashes or underscores')
    .describe(description);
}

/** The latest instant JavaScript and PostgreSQL dates both hold without surprises: 9999-12-31T23:59:59.999Z. */
export const LATEST_EPOCH_MS = 253_402_300_799_999;

/** A moment in epoch milliseconds, from 1970 to the end of the year 9999. */
export function epochMillis(description: string) {
  return z
    .number()
    .int()
    .min(0)
    .max(LATEST_EPOCH_MS, 'must be epoch milliseconds before the year 10000')
    .describe(description);
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

export const currencyCode = z
  .string()
  .refine((code) => currencies.has(code), 'must be an ISO 4217 currency code such as USD');

/** A `true`/`false` query parameter, as a boolean. */
export const booleanQuery = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

/**
 * A comma-separated query parameter of `min` (default 1) to `max` distinct items, such as `productIds=a,b,c`.
 */
export function commaSeparated<T extends z.ZodType<unknown, string>>(
  item: T,
  max: number,
  what: string,
  min = 1,
) {
  return z
    .string()
    .transform((value) => [...new Set(value.split(',').map((part) => part.trim()))].filter(Boolean))
    .pipe(z.array(item).min(min).max(max, `must not name more than ${max} ${what}`))
    .describe(`Comma-separated, at most ${max}.`);
}

/**
 * A refinement for a list that must name each thing once, such as the products of a document's lines: every
 * repeat is an issue at its own place (`lines.3.productId` with `property: 'productId'`).
 */
export function eachOnce<T>(identify: (item: T) => string, property?: string) {
  return (items: readonly T[], issues: z.RefinementCtx) => {
    const firstAt = new Map<string, number>();
    for (const [index, item] of items.entries()) {
      const value = identify(item);
      const first = firstAt.get(value);
      if (first === undefined) firstAt.set(value, index);
      else {
        issues.addIssue({
          code: 'custom',
          path: property ? [index, property] : [index],
          message: `"${value}" is already at ${first}; name each once`,
        });
      }
    }
  };
}

/** A document's lines: 1 to `max`, each naming its product once (a product's units go on one line). */
export function productLines<T extends z.ZodType<{ productId: string }>>(line: T, max: number) {
  return z
    .array(line)
    .min(1, 'must have at least one line')
    .max(max, `must not have more than ${max} lines`)
    .superRefine(eachOnce((line: { productId: string }) => line.productId, 'productId'));
}
