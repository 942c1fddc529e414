import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses outbound calls may reach. Public unicast addresses always; any other range (loopback,
 * private, linkLocal — which holds the cloud metadata address —, uniqueLocal, carrierGradeNat, …) only when
 * the tenant's allowed networks name it, by range name or as a CIDR such as `10.20.0.0/16`.
 */
export class UrlPolicy {
  readonly #ranges: ReadonlySet<string>;
  readonly #cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(allowedNetworks: readonly string[] = []) {
    this.#ranges = new Set(allowedNetworks.filter((entry) => !entry.includes('/')));
    this.#cidrs = allowedNetworks
      .filter((entry) => entry.includes('/'))
      .map((cidr) => ipaddr.parseCIDR(cidr));
  }

  /** Why a URL may not be called, or undefined when it may (its host name is checked again when resolved). */
  refuseUrl(url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'is not a valid URL';
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must use http or https';
    if (parsed.username || parsed.password) return 'must not carry credentials; use headers instead';
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    return isIP(host) ? this.refuseAddress(host) : undefined;
  }

  /** Why an address may not be reached, or undefined when it may. */
  refuseAddress(address: string): string | undefined {
    let ip = ipaddr.parse(address);
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
      ip = (ip as ipaddr.IPv6).toIPv4Address();
    const range = ip.range();
    if (range === 'unicast') return undefined;
    if (this.#ranges.has(range)) return undefined;
    if (this.#cidrs.some(([network, bits]) => network.kind() === ip.kind() && ip.match(network, bits))) {
      return undefined;
    }
    return `resolves to ${address}, a ${range} address the merchant's outbound policy does not allow`;
  }
}

/** Every range name `UrlPolicy` understands, for validating settings. */
export const NETWORK_RANGES = [
  'loopback',
  'private',
  'linkLocal',
  'uniqueLocal',
  'carrierGradeNat',
  'unspecified',
  'reserved',
] as const;

export function isValidNetwork(entry: string): boolean {
  if ((NETWORK_RANGES as readonly string[]).includes(entry)) return true;
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}
