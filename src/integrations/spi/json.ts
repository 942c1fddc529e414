/**
 * The reference asks SPIs to leave a field out rather than send it as null. Backroom keeps that rule both
 * ways: request bodies lose their null and undefined properties, and a null property in an answer is read as
 * absent (an optional field then validates; a required one still fails). Array elements keep their places.
 */
export function withoutAbsent(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAbsent);
  if (!isPlainObject(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== null && field !== undefined) kept[key] = withoutAbsent(field);
  }
  return kept;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
