import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, errors, request } from 'undici';
import { UrlPolicy } from './url-policy.ts';

/** Why an outbound call failed, as recorded and counted. */
export type CallFailure =
  | 'http_status'
  | 'timeout'
  | 'network'
  | 'error_body'
  | 'invalid_response'
  | 'too_large'
  | 'url_refused'
  | 'circuit_open';

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The tenant's allowed private networks (see UrlPolicy). */
  allowedNetworks: readonly string[];
  /**
   * The operator's ceiling, `config.outboundAllowedNetworks`: an address must be allowed by both lists. Left
   * out, `allowedNetworks` alone decides, so it must then be narrowed to the ceiling already (as
   * `integrationSettings` answers it).
   */
  operatorNetworks?: readonly string[];
  maxResponseBytes: number;
}

export interface OutboundResponse {
  /** A status arrived and it was 2xx. */
  ok: boolean;
  status: number | undefined;
  latencyMs: number;
  /** The response body as text, when one arrived within the size limit. */
  body: string;
  failure: CallFailure | undefined;
  error: string | undefined;
}

/** Connection pools kept, least recently used first: one per outbound policy, so bounded. */
const MAX_AGENTS = 100;
const agents = new Map<string, Agent>();

/** One connection pool per outbound policy; its DNS lookup refuses addresses the policy does not allow. */
function agentFor(allowedNetworks: readonly string[], operatorNetworks?: readonly string[]): Agent {
  const key = JSON.stringify([
    [...allowedNetworks].sort(),
    operatorNetworks ? [...operatorNetworks].sort() : null,
  ]);
  const cached = agents.get(key);
  if (cached) {
    agents.delete(key);
    agents.set(key, cached);
    return cached;
  }
  const agent = new Agent({
    connect: { lookup: policedLookup(new UrlPolicy(allowedNetworks, operatorNetworks)) },
  });
  agents.set(key, agent);
  for (const [oldKey, old] of agents) {
    if (agents.size <= MAX_AGENTS) break;
    agents.delete(oldKey);
    // Requests already on the evicted pool finish; close() only stops it taking new ones.
    old.close().catch(() => undefined);
  }
  return agent;
}

/** How many connection pools are kept, for tests. */
export function outboundPoolCount(): number {
  return agents.size;
}

/**
 * DNS lookup that refuses a name when any of its addresses is one the policy does not allow. Whatever goes
 * wrong while judging the answer goes to the callback: a throw here would escape into the event loop.
 */
function policedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      let failure: Error | null = error;
      if (!failure) {
        try {
          const refused = addresses.map((a) => policy.refuseAddress(a.address)).find(Boolean);
          if (refused) failure = new UrlRefused(`${hostname} ${refused}`);
          else if (addresses.length === 0) failure = new Error(`${hostname} has no address`);
        } catch (caught) {
          failure = caught instanceof Error ? caught : new Error(String(caught));
        }
      }
      if (failure) return callback(failure, [] as never, 0);
      if (options.all) return callback(null, addresses as never, 0);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

class UrlRefused extends Error {}
class TooLarge extends Error {}

/**
 * One call to a merchant's system. Never throws: every outcome — a status, a timeout, a refused address, a
 * body over the limit, a network error — comes back as an OutboundResponse. Redirects are not followed.
 */
export async function sendOutbound(call: OutboundRequest): Promise<OutboundResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const refused = new UrlPolicy(call.allowedNetworks, call.operatorNetworks).refuseUrl(call.url);
  if (refused) return failed('url_refused', `The URL ${refused}.`, 0);
  const signal = AbortSignal.timeout(call.timeoutMs);
  try {
    const response = await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
      dispatcher: agentFor(call.allowedNetworks, call.operatorNetworks),
    });
    const body = await readLimited(response.body, call.maxResponseBytes);
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return {
      ok,
      status: response.statusCode,
      latencyMs: elapsed(),
      body,
      failure: ok ? undefined : 'http_status',
      error: ok ? undefined : `HTTP ${response.statusCode}`,
    };
  } catch (error) {
    if (signal.aborted) return failed('timeout', `No answer within ${call.timeoutMs} ms.`, elapsed());
    if (error instanceof TooLarge) return failed('too_large', error.message, elapsed());
    const cause = error instanceof Error && error.cause instanceof UrlRefused ? error.cause : error;
    if (cause instanceof UrlRefused)
      return failed('url_refused', `The URL's host ${cause.message}.`, elapsed());
    if (error instanceof errors.UndiciError || error instanceof Error) {
      return failed('network', error.message || error.name, elapsed());
    }
    return failed('network', String(error), elapsed());
  }
}

function failed(failure: CallFailure, error: string, latencyMs: number): OutboundResponse {
  return { ok: false, status: undefined, latencyMs, body: '', failure, error };
}

async function readLimited(
  body: AsyncIterable<Buffer> & { destroy(): void },
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new TooLarge(`The answer is larger than ${limit} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The first part of an answer, for the record, with every given secret and any api_key value masked. Masked
 * before it is cut, so a secret across the cut cannot leave its first characters in the record.
 */
export function responseExcerpt(
  body: string,
  secrets: readonly (string | null | undefined)[],
  max = 2000,
): string {
  return redactSecrets(body, secrets).slice(0, max);
}

export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let redacted = text.replace(/((?:^|[?&"'\s])api_key["']?\s*[=:]\s*["']?)[^&"'\s,}]+/gi, '$1[REDACTED]');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) redacted = redacted.split(secret).join('[REDACTED]');
  }
  return redacted;
}
