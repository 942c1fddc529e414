import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, errors, request } from 'undici';
import type { CallFailure } from '../../integrations/tables.ts';
import { UrlPolicy } from './url-policy.ts';

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The tenant's allowed private networks (see UrlPolicy). */
  allowedNetworks: readonly string[];
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

const agents = new Map<string, Agent>();

/** One connection pool per outbound policy; its DNS lookup refuses addresses the policy does not allow. */
function agentFor(allowedNetworks: readonly string[]): Agent {
  const key = [...allowedNetworks].sort().join(',');
  let agent = agents.get(key);
  if (!agent) {
    const policy = new UrlPolicy(allowedNetworks);
    agent = new Agent({
      connect: {
        lookup(hostname, options, callback) {
          dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
            if (error) return callback(error, [] as never, 0);
            const refused = addresses.map((a) => policy.refuseAddress(a.address)).find(Boolean);
            if (refused) return callback(new UrlRefused(`${hostname} ${refused}`), [] as never, 0);
            if (options.all) return callback(null, addresses as never, 0);
            const first = addresses[0] as LookupAddress;
            return callback(null, first.address, first.family);
          });
        },
      },
    });
    agents.set(key, agent);
  }
  return agent;
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
  const refused = new UrlPolicy(call.allowedNetworks).refuseUrl(call.url);
  if (refused) return failed('url_refused', `The URL ${refused}.`, 0);
  const signal = AbortSignal.timeout(call.timeoutMs);
  try {
    const response = await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
      dispatcher: agentFor(call.allowedNetworks),
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

/** The first part of an answer, for the record, with every given secret and any api_key value masked. */
export function responseExcerpt(
  body: string,
  secrets: readonly (string | null | undefined)[],
  max = 2000,
): string {
  return redactSecrets(body.slice(0, max), secrets);
}

export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let redacted = text.replace(/((?:^|[?&"'\s])api_key["']?\s*[=:]\s*["']?)[^&"'\s,}]+/gi, '$1[REDACTED]');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) redacted = redacted.split(secret).join('[REDACTED]');
  }
  return redacted;
}
