import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random, high-entropy credential material; shown once, stored only as a SHA-256 digest. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameDigest(value: string, expectedHex: string): boolean {
  const actual = Buffer.from(sha256(value), 'hex');
  const expected = Buffer.from(expectedHex, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
