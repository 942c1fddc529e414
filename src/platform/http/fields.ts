import { z } from 'zod';

// Field schemas every module's API uses the same way.

/** The merchant's own id for something (storeId, productId, categoryId, …): the keys of the merchant API. */
export function merchantKey(description: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 letters, digits, dots, dashes or underscores')
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

/** A comma-separated query parameter of at most `max` distinct items, such as `productIds=a,b,c`. */
export function commaSeparated<T extends z.ZodType<unknown, string>>(item: T, max: number, what: string) {
  return z
    .string()
    .transform((value) => [...new Set(value.split(',').map((part) => part.trim()))].filter(Boolean))
    .pipe(z.array(item).min(1).max(max, `must not name more than ${max} ${what}`))
    .describe(`Comma-separated, at most ${max}.`);
}
