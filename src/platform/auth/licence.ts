/** API call limits per licence tier, counted per API client (or console user). */
export const LICENCE_TIERS = {
  starter: { perSecond: 5, perDay: 10_000 },
  standard: { perSecond: 25, perDay: 250_000 },
  enterprise: { perSecond: 100, perDay: 2_000_000 },
} as const;

export type LicenceTier = keyof typeof LICENCE_TIERS;

export interface RateLimits {
  perSecond: number;
  perDay: number;
}

export function isLicenceTier(value: string): value is LicenceTier {
  return Object.hasOwn(LICENCE_TIERS, value);
}

/** A client's own limits win over its merchant's tier. */
export function limitsFor(
  tier: string,
  override: { perSecond: number | null; perDay: number | null } = { perSecond: null, perDay: null },
): RateLimits {
  const base = isLicenceTier(tier) ? LICENCE_TIERS[tier] : LICENCE_TIERS.starter;
  return { perSecond: override.perSecond ?? base.perSecond, perDay: override.perDay ?? base.perDay };
}
