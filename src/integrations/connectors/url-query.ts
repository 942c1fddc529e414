import { MASKED_VALUE } from './schemas.ts';

/** The query parameters of a URL as written, `[name, value]`, without the fragment; `?flag` has value null. */
export function urlQueryPairs(url: string): [string, string | null][] {
  const query = url.split('#')[0]?.split('?').slice(1).join('?') ?? '';
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? [pair, null] : [pair.slice(0, at), pair.slice(at + 1)];
    });
}

/** Each query value of a URL as written and, when it differs, decoded. */
export function urlQueryValues(url: string): string[] {
  return urlQueryPairs(url).flatMap(([, raw]) => {
    if (!raw) return [];
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      // A malformed escape is sent as written.
    }
    return decoded === raw ? [raw] : [raw, decoded];
  });
}

/** The URL with each query value masked: merchants put access codes there (`?code=********`). */
export function maskQuery(url: string): string {
  return withQuery(url, (name, value) => (value ? `${name}=${MASKED_VALUE}` : null));
}

/** A URL of an update with its masked query values replaced by the stored ones of the same parameter. */
export function unmaskQuery(sent: string, stored: string): string {
  const storedValues = new Map<string, string[]>();
  for (const [name, value] of urlQueryPairs(stored)) {
    if (value) storedValues.set(name, [...(storedValues.get(name) ?? []), value]);
  }
  const seen = new Map<string, number>();
  return withQuery(sent, (name, value) => {
    const index = seen.get(name) ?? 0;
    seen.set(name, index + 1);
    const original = storedValues.get(name)?.[index];
    return value === MASKED_VALUE && original ? `${name}=${original}` : null;
  });
}

/** The URL with each `name=value` of its query rewritten by `rewrite` (null keeps the pair as it is). */
function withQuery(url: string, rewrite: (name: string, value: string | null) => string | null): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  if (queryAt < 0) return url;
  const pairs = urlQueryPairs(url).map(
    ([name, value]) => rewrite(name, value) ?? (value === null ? name : `${name}=${value}`),
  );
  return `${beforeHash.slice(0, queryAt)}?${pairs.join('&')}${hashAt < 0 ? '' : url.slice(hashAt)}`;
}
