import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Ctx } from '../../platform/context.ts';
import { type OutboundResponse, redactSecrets, sendOutbound } from '../../platform/outbound/http.ts';
import { asSystem } from '../../platform/system-context.ts';
import {
  type Connector,
  connectorSecrets,
  integrationSettings,
  spiConnectorFor,
} from '../connectors/lookup.ts';
import { recordConnectorCall } from '../monitoring/record.ts';
import { judgeResponse } from '../outcome.ts';
import type { CallFailure } from '../tables.ts';
import { throughBreaker } from './breakers.ts';
import { withoutAbsent } from './json.ts';

export const DEFAULT_SPI_TIMEOUT_MS = 2000;

export type SpiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface SpiRequest<T> {
  /**
   * The capability's path, appended after the connector's api_version: `/sa/employee/verification`. Segments
   * taken from data must be encoded by the caller (`encodeURIComponent`).
   */
  path?: string;
  /** Defaults to the connector's integration type (HTTP_POST → POST). */
  method?: SpiMethod;
  query?: Record<string, string>;
  /** Sent as JSON with absent fields left out: null and undefined properties are dropped. */
  body?: unknown;
  /** The expected answer; a null field in the answer is read as absent before it is checked. */
  response: z.ZodType<T>;
}

export interface SpiOptions<T> {
  /** The capability's built-in default: answers when no SPI is configured or the merchant's system fails. */
  fallback: () => T | Promise<T>;
}

export interface SpiResult<T> {
  value: T;
  source: 'spi' | 'fallback';
  /** Why the merchant's answer was not used; absent when no SPI connector is configured. */
  failure?: CallFailure;
  /** With failure `error_body`: the errorCode and errorMessage the merchant's system answered. */
  reported?: { errorCode?: string; errorMessage?: string };
}

interface Outcome<T> {
  ok: boolean;
  response: OutboundResponse;
  value?: T;
}

/**
 * Asks the merchant's system through the endpoint's enabled SPI connector, or the capability's fallback when
 * there is none. The call carries `api_key` and the connector's `api_version` as the reference specifies,
 * times out after the connector's timeout, and sits behind the connector's circuit breaker (see breakers.ts).
 * A failure — non-2xx (401 included), timeout, refused URL, `errorMessage`/`errorCode` in a 2xx, an answer
 * that does not match `request.response`, or an open breaker — hands the caller the fallback's value and says
 * why. Every call is recorded (see recordAfterTransaction), the api_key masked.
 */
export async function callSpi<T>(
  ctx: Ctx,
  endpointName: string,
  request: SpiRequest<T>,
  options: SpiOptions<T>,
): Promise<SpiResult<T>> {
  const connector = await spiConnectorFor(ctx, endpointName);
  if (!connector) return { value: await options.fallback(), source: 'fallback' };
  const { allowedNetworks } = await integrationSettings(ctx);
  const { config } = ctx.platform;
  const startedAt = ctx.now();
  const outcome =
    (await throughBreaker(connector, config.spiBreaker, () =>
      attempt(config, connector, request, allowedNetworks),
    )) ??
    notCalled('circuit_open', 'The circuit breaker is open after repeated failures; the call was not made.');
  recordAfterTransaction(ctx, connector, startedAt, outcome.response);
  if (outcome.ok) return { value: outcome.value as T, source: 'spi' };

  const failure = outcome.response.failure ?? 'network';
  const secrets = connectorSecrets(connector);
  ctx.platform.log.warn(
    {
      connectorId: connector.id,
      endpointName,
      requestId: ctx.requestId,
      failure,
      status: outcome.response.status,
      latencyMs: outcome.response.latencyMs,
      error: redactSecrets(outcome.response.error ?? '', secrets),
    },
    'SPI call failed; the built-in default answers',
  );
  const reported = failure === 'error_body' ? reportedError(outcome.response.body, secrets) : undefined;
  return { value: await options.fallback(), source: 'fallback', failure, ...(reported ? { reported } : {}) };
}

async function attempt<T>(
  config: Config,
  connector: Connector,
  request: SpiRequest<T>,
  allowedNetworks: readonly string[],
): Promise<Outcome<T>> {
  const method = request.method ?? (connector.integrationType.slice('HTTP_'.length) as SpiMethod);
  const hasBody = method !== 'GET' && request.body !== undefined;
  let url: string;
  try {
    url = spiUrl(connector, request);
  } catch {
    return notCalled('url_refused', 'The connector URL is not a valid URL.');
  }
  const response = judgeResponse(
    await sendOutbound({
      method,
      url,
      headers: spiHeaders(connector, hasBody),
      body: hasBody ? JSON.stringify(withoutAbsent(request.body)) : undefined,
      timeoutMs: connector.timeoutMs || DEFAULT_SPI_TIMEOUT_MS,
      allowedNetworks,
      maxResponseBytes: config.outboundMaxResponseBytes,
    }),
  );
  if (!response.ok) return { ok: false, response };
  return readAnswer(response, request.response);
}

/** `<connector url>/<api_version><path>?api_key=…`, keeping the static query parameters of the URL. */
export function spiUrl(
  connector: Pick<Connector, 'url' | 'apiVersion' | 'apiKey'>,
  request: Pick<SpiRequest<unknown>, 'path' | 'query'>,
): string {
  const url = new URL(connector.url);
  const segments = [url.pathname.replace(/\/+$/, '')];
  if (connector.apiVersion) segments.push(encodeURIComponent(connector.apiVersion));
  const path = request.path?.replace(/^\/+/, '');
  if (path) segments.push(path);
  url.pathname = segments.join('/');

  const query = new URLSearchParams();
  if (connector.apiKey) query.set('api_key', connector.apiKey);
  for (const [name, value] of url.searchParams) {
    if (!(connector.apiKey && name === 'api_key')) query.append(name, value);
  }
  for (const [name, value] of Object.entries(request.query ?? {})) query.append(name, value);
  url.search = query.toString();
  return url.toString();
}

function spiHeaders(connector: Connector, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { ...connector.headers };
  const named = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name);
  if (!named('accept')) headers.accept = 'application/json';
  if (hasBody && !named('content-type')) headers['content-type'] = 'application/json';
  return headers;
}

function readAnswer<T>(response: OutboundResponse, schema: z.ZodType<T>): Outcome<T> {
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    return invalidAnswer(response, 'The answer is not JSON.');
  }
  const parsed = schema.safeParse(withoutAbsent(json));
  if (!parsed.success) {
    return invalidAnswer(
      response,
      `The answer does not have the expected shape: ${z.prettifyError(parsed.error)}`,
    );
  }
  return { ok: true, response, value: parsed.data };
}

function invalidAnswer(response: OutboundResponse, error: string): Outcome<never> {
  return { ok: false, response: { ...response, ok: false, failure: 'invalid_response', error } };
}

function notCalled(failure: CallFailure, error: string): Outcome<never> {
  return { ok: false, response: { ok: false, status: undefined, latencyMs: 0, body: '', failure, error } };
}

/**
 * Records the call once the caller's transaction has ended (so the record survives its rollback, and no second
 * connection is taken while it is open), without holding the caller's answer: monitoring is not on the path
 * of the operation the fallback has just completed.
 */
function recordAfterTransaction(ctx: Ctx, connector: Connector, startedAt: Date, response: OutboundResponse) {
  ctx.afterTransaction(async () => {
    void asSystem(ctx.platform, ctx.tenantId, 'spi', (system) =>
      recordConnectorCall(system, connector, { kind: 'spi', startedAt, response }),
    ).catch((error: unknown) =>
      ctx.platform.log.error({ err: error, connectorId: connector.id }, 'recording an SPI call failed'),
    );
  });
}

function reportedError(body: string, secrets: readonly string[]): SpiResult<unknown>['reported'] {
  try {
    const { errorCode, errorMessage } = JSON.parse(body) as Record<string, unknown>;
    const text = (value: unknown) =>
      value === undefined || value === null ? undefined : redactSecrets(String(value), secrets);
    return withoutAbsent({ errorCode: text(errorCode), errorMessage: text(errorMessage) }) as {
      errorCode?: string;
      errorMessage?: string;
    };
  } catch {
    return undefined;
  }
}
