/** JSON with object keys sorted, so values read back from jsonb compare equal to the ones written. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, field) =>
    field && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : field,
  );
}

/**
 * A partial update (`PUT` with the fields to change; `undefined` leaves a field alone, `null` clears it)
 * applied to the current values: the next values and the fields that really changed, for `*.updated` events.
 */
export function applyChanges<V extends object, K extends keyof V & string>(
  current: V,
  update: { readonly [F in K]?: V[F] | undefined },
  fields: readonly K[],
): { next: V; changed: K[] } {
  const next = { ...current };
  const changed: K[] = [];
  for (const field of fields) {
    const value = update[field];
    if (value === undefined || canonicalJson(value) === canonicalJson(current[field])) continue;
    next[field] = value;
    changed.push(field);
  }
  return { next, changed };
}
