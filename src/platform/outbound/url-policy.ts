import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** Range names a network list understands besides CIDRs; `metadata` stands for the cloud metadata addresses. */
export const NETWORK_RANGES = [
  'loopback',
  'private',
  'linkLocal',
  'uniqueLocal',
  'carrierGradeNat',
  'unspecified',
  'reserved',
  'metadata',
] as const;

/**
 * Cloud metadata and credential services, which hand out the host's credentials to whoever asks: AWS, GCP and
 * OpenStack (169.254.169.254, and fd00:ec2::254 on AWS IPv6), AWS ECS task credentials, Azure's wire server and
 * Alibaba Cloud. Two of them are public or carrier-grade NAT addresses, so no range name covers them all.
 */
const METADATA_ADDRESSES = new Set(
  ['169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '168.63.129.16', '100.100.100.200'].map((address) =>
    ipaddr.parse(address).toNormalizedString(),
  ),
);

/** A list of range names and CIDRs, as the settings and BACKROOM_OUTBOUND_ALLOWED_NETWORKS hold them. */
class NetworkList {
  readonly names: ReadonlySet<string>;
  readonly cidrs: readonly Cidr[];

  constructor(entries: readonly string[]) {
    this.names = new Set(entries.filter((entry) => !entry.includes('/')));
    // Lists are checked when saved; an entry that is not a CIDR all the same allows nothing.
    this.cidrs = entries
      .filter((entry) => entry.includes('/') && isValidNetwork(entry))
      .map((cidr) => ipaddr.parseCIDR(cidr));
  }

  allows(ip: Address): boolean {
    if (this.names.has(ip.range())) return true;
    return this.cidrs.some(([network, bits]) => network.kind() === ip.kind() && ip.match(network, bits));
  }
}

/**
 * The IPv4 address an IPv6 address carries, for the forms that reach it: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-translated (`::ffff:0:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, which ipaddr.js calls unicast), NAT64
 * (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::`). Judged as the IPv6 address, `[::127.0.0.1]` would pass.
 */
function embeddedAddress(ip: Address): Address {
  if (ip.kind() === 'ipv4') return ip;
  const p = (ip as ipaddr.IPv6).parts;
  const ipv4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const zeros = (from: number, to: number) => p.slice(from, to).every((part) => part === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return ipv4(p[6] ?? 0, p[7] ?? 0);
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return ipv4(p[6] ?? 0, p[7] ?? 0);
  if (zeros(0, 6) && !(p[6] === 0 && (p[7] === 0 || p[7] === 1))) return ipv4(p[6] ?? 0, p[7] ?? 0);
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return ipv4(p[6] ?? 0, p[7] ?? 0);
  if (p[0] === 0x2002) return ipv4(p[1] ?? 0, p[2] ?? 0);
  return ip;
}

/** Why a URL is not one Backroom calls, whatever its address, or undefined when its form is fine. */
export function refuseUrlShape(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use http or https';
  if (url.username || url.password) return 'must not carry a user name or password; use headers instead';
  return undefined;
}

/** `localhost`, `localhost.` and any name under `.localhost`: always the loopback interface (RFC 6761). */
export function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Which addresses outbound calls may reach. Public unicast addresses always; any other range (loopback,
 * private, linkLocal, uniqueLocal, carrierGradeNat, …) only when both the tenant's allowed networks and the
 * operator's ceiling (BACKROOM_OUTBOUND_ALLOWED_NETWORKS) allow it, by range name or as a CIDR such as
 * `10.20.0.0/16`. Cloud metadata addresses only when both name `metadata`. Without a ceiling, the tenant's
 * list alone decides (callers pass one narrowed to the ceiling, see `narrowToCeiling`).
 */
export class UrlPolicy {
  readonly #tenant: NetworkList;
  readonly #ceiling: NetworkList | undefined;

  constructor(allowedNetworks: readonly string[] = [], operatorNetworks?: readonly string[]) {
    this.#tenant = new NetworkList(allowedNetworks);
    this.#ceiling = operatorNetworks ? new NetworkList(operatorNetworks) : undefined;
  }

  /** Why a URL may not be called, or undefined when it may (its host name is checked again when resolved). */
  refuseUrl(url: string): string | undefined {
    const refused = refuseUrlShape(url);
    if (refused) return refused;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return isIP(host) ? this.refuseAddress(host) : undefined;
  }

  /** Why an address may not be reached, or undefined when it may. */
  refuseAddress(address: string): string | undefined {
    let ip: Address;
    try {
      ip = embeddedAddress(ipaddr.parse(address));
    } catch {
      return `resolves to "${address}", which is not an IP address`;
    }
    if (METADATA_ADDRESSES.has(ip.toNormalizedString())) {
      const named = this.#tenant.names.has('metadata') && (this.#ceiling?.names.has('metadata') ?? true);
      return named
        ? undefined
        : `resolves to ${address}, a cloud metadata address, which is never called unless "metadata" is allowed`;
    }
    const range = ip.range();
    if (range === 'unicast') return undefined;
    const tenantAllows = this.#tenant.allows(ip);
    if (tenantAllows && (this.#ceiling?.allows(ip) ?? true)) return undefined;
    const whose = tenantAllows
      ? "this Backroom's BACKROOM_OUTBOUND_ALLOWED_NETWORKS does"
      : "the merchant's outbound policy does";
    return `resolves to ${address}, a ${range} address ${whose} not allow`;
  }
}

type SpecialRanges = Record<string, Cidr | Cidr[]>;

/** ipaddr.js's own table of the blocks behind each range name, which `range()` consults. */
function blocksByName(kind: 'ipv4' | 'ipv6'): [string, Cidr][] {
  const prototype = (kind === 'ipv4' ? ipaddr.IPv4.prototype : ipaddr.IPv6.prototype) as unknown as {
    SpecialRanges?: SpecialRanges;
  };
  return Object.entries(prototype.SpecialRanges ?? {}).flatMap(([name, value]) => {
    const blocks = (Array.isArray(value[0]) ? value : [value]) as Cidr[];
    return blocks.map((block): [string, Cidr] => [name, block]);
  });
}

const contains = ([outer, outerBits]: Cidr, [inner, innerBits]: Cidr) =>
  outer.kind() === inner.kind() && outerBits <= innerBits && inner.match(outer, outerBits);

/**
 * Whether every address a network entry allows is one the ceiling allows too. A range name must be in the
 * ceiling by name. A CIDR must lie inside one of the ceiling's CIDRs, or inside a block of one of its range
 * names without touching a block of another range (conservative: when unsure, it is not within).
 */
export function isWithinCeiling(entry: string, ceiling: readonly string[]): boolean {
  if (!entry.includes('/')) return ceiling.includes(entry);
  const cidr = ipaddr.parseCIDR(entry);
  const list = new NetworkList(ceiling);
  if (list.cidrs.some((outer) => contains(outer, cidr))) return true;
  const blocks = blocksByName(cidr[0].kind());
  const touches = (block: Cidr) => contains(block, cidr) || contains(cidr, block);
  return [...list.names].some(
    (name) =>
      blocks.some(([blockName, block]) => blockName === name && contains(block, cidr)) &&
      !blocks.some(([blockName, block]) => blockName !== name && touches(block)),
  );
}

/** The entries of a tenant's list that the ceiling allows whole; the others are ignored. */
export function narrowToCeiling(allowedNetworks: readonly string[], ceiling: readonly string[]): string[] {
  return allowedNetworks.filter((entry) => isValidNetwork(entry) && isWithinCeiling(entry, ceiling));
}

export function isValidNetwork(entry: string): boolean {
  if ((NETWORK_RANGES as readonly string[]).includes(entry)) return true;
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}
