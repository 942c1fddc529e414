import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

const PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`, so the cost can be raised later without invalidating stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** What a PCI-minded merchant expects: at least 12 characters with letters and digits. */
export function passwordPolicyViolations(password: string): string[] {
  const violations: string[] = [];
  if (password.length < 12) violations.push('must be at least 12 characters long');
  if (password.length > 128) violations.push('must be at most 128 characters long');
  if (!/\p{L}/u.test(password)) violations.push('must contain a letter');
  if (!/\p{N}/u.test(password)) violations.push('must contain a digit');
  return violations;
}

/** A temporary password that satisfies the policy; the user must change it at first sign-in. */
export function temporaryPassword(): string {
  return `${randomBytes(12).toString('base64url')}7a`;
}
