import { randomBytes, type webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { RateLimits } from './licence.ts';

type CryptoKey = webcrypto.CryptoKey;

const ISSUER = 'backroom';
const AUDIENCE = 'backroom-merchant-api';

/** Who is calling: an API client (client credentials or API key) or a console user's session. */
export interface Principal {
  kind: 'client' | 'user' | 'system';
  id: string;
  tenantId: string;
  scopes: readonly string[];
  limits: RateLimits;
  role?: string;
}

export function principalKey(principal: Principal): string {
  return `${principal.kind}:${principal.id}`;
}

interface Claims {
  tid: string;
  typ: Principal['kind'];
  scope: string;
  rl: [number, number];
  role?: string;
}

/**
 * Signs and verifies access tokens with HMAC keys kept in the database, so every server node accepts a token
 * any other node issued. A token naming a key this node has not seen makes it reload the keys once.
 */
export class TokenService {
  private keys = new Map<string, CryptoKey>();
  private currentKeyId = '';
  private lastReload = 0;
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async load(): Promise<void> {
    const secret = randomBytes(32).toString('base64url');
    await sql`insert into signing_keys (secret) select ${secret} where not exists (select from signing_keys)`.execute(
      this.db,
    );
    await this.reload();
  }

  private async reload(): Promise<void> {
    const rows = await this.db
      .selectFrom('signingKeys')
      .select(['id', 'secret'])
      .orderBy('createdAt')
      .execute();
    if (rows.length === 0) throw new Error('no signing key');
    // Imported once: handing jose raw bytes would import the key again on every verification.
    const imported = await Promise.all(
      rows.map(
        async (row): Promise<[string, CryptoKey]> => [
          row.id,
          await crypto.subtle.importKey(
            'raw',
            Buffer.from(row.secret, 'base64url'),
            { name: 'HMAC', hash: 'SHA-256' },
            false,
            ['sign', 'verify'],
          ),
        ],
      ),
    );
    this.keys = new Map(imported);
    this.currentKeyId = rows.at(-1)?.id ?? '';
    this.lastReload = Date.now();
  }

  async issue(principal: Principal, ttlSeconds: number): Promise<string> {
    const key = this.keys.get(this.currentKeyId);
    if (!key) throw new Error('TokenService.load() was not called');
    const claims: Claims = {
      tid: principal.tenantId,
      typ: principal.kind,
      scope: principal.scopes.join(' '),
      rl: [principal.limits.perSecond, principal.limits.perDay],
      ...(principal.role ? { role: principal.role } : {}),
    };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: this.currentKeyId, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(principal.id)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);
  }

  /** The principal a token stands for, or null when it is forged, expired or malformed. */
  async verify(token: string): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header.kid), {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      const claims = payload as unknown as Claims & { sub: string };
      if (typeof claims.tid !== 'string' || !Array.isArray(claims.rl)) return null;
      return {
        kind: claims.typ === 'user' ? 'user' : 'client',
        id: claims.sub,
        tenantId: claims.tid,
        scopes: claims.scope ? claims.scope.split(' ') : [],
        limits: { perSecond: claims.rl[0], perDay: claims.rl[1] },
        ...(claims.role ? { role: claims.role } : {}),
      };
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }

  /**
   * A short-lived token for one purpose, such as a download link, signed with the same keys as access tokens
   * but with its own audience, so neither kind of token can stand in for the other.
   */
  async issueLinkToken(purpose: string, claims: Record<string, string>, expiresAt: Date, now: Date) {
    const key = this.keys.get(this.currentKeyId);
    if (!key) throw new Error('TokenService.load() was not called');
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: this.currentKeyId })
      .setIssuer(ISSUER)
      .setAudience(`${ISSUER}-link:${purpose}`)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key);
  }

  /** The claims of a link token for this purpose, or null when it is forged, expired or for another purpose. */
  async verifyLinkToken(purpose: string, token: string, now: Date): Promise<Record<string, unknown> | null> {
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header.kid), {
        issuer: ISSUER,
        audience: `${ISSUER}-link:${purpose}`,
        algorithms: ['HS256'],
        currentDate: now,
        clockTolerance: 0,
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }

  private async keyFor(kid: string | undefined): Promise<CryptoKey> {
    if (!kid) throw new errors.JWSInvalid('no key id');
    if (!this.keys.has(kid) && Date.now() - this.lastReload > 5_000) await this.reload();
    const key = this.keys.get(kid);
    if (!key) throw new errors.JWSSignatureVerificationFailed();
    return key;
  }
}
