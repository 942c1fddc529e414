import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { OutsideCtx } from '../../platform/context.ts';
import { type OutboundResponse, redactSecrets, sendOutbound } from '../../platform/outbound/http.ts';
import { asSystem } from '../../platform/system-context.ts';
import {
  type Connector,
  connectorSecrets,
  integrationSettings,
  spiConnectorFor,
} from '../connectors/lookup.ts';
import { countConnectorCall } from '../monitoring/metrics.ts';
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

/** The errorCode and errorMessage a merchant's system answered in a 2xx, for capabilities that show them. */
export interface ReportedError {
  errorCode?: string;
  errorMessage?: string;
}

/** The merchant's answer, or why there is none; then the caller's built-in default decides. */
export type SpiResult<T> =
  | { answered: true; value: T }
  | {
      answered: false;
      /** Why the merchant's system did not answer; absent when no SPI connector is configured. */
      failure?: CallFailure;
      /** With failure `error_body`: what the merchant's system reported. */
      reported?: ReportedError;
    };

interface Outcome<T> {
  ok: boolean;
  response: OutboundResponse;
  value?: T;
}

/**
 * Asks the merchant's system through the endpoint's enabled SPI connector. Call it outside any transaction —
 * a route's `prepare` or a task — and let the caller's built-in default decide when it answers
 * `{ answered: false }`: no SPI configured, or a failure — non-2xx (401 included), timeout, refused URL,
 * `errorMessage`/`errorCode` in a 2xx, an answer that does not match `request.response`, or an open breaker.
 *
 * The call carries `api_key` and the connector's `api_version` as the reference specifies, times out after
 * the connector's timeout, and sits behind the connector's circuit breaker (see breakers.ts). No database
 * connection is held while it waits: the connector and the tenant's settings are read in one short
 * transaction, and the call is recorded, the api_key masked, in another once it has ended. A refusal by the
 * open breaker is only counted in the metrics: a row per refused call would load the database just when the
 * breaker is shedding load.
 */
export async function callSpi<T>(
  ctx: OutsideCtx,
  endpointName: string,
  request: SpiRequest<T>,
): Promise<SpiResult<T>> {
  const found = await asSystem(
    ctx.platform,
    ctx.tenantId,
    'spi',
    async (system) => {
      const connector = await spiConnectorFor(system, endpointName);
      return connector && { connector, settings: await integrationSettings(system) };
    },
    ctx.requestId,
  );
  if (!found) return { answered: false };
  const { connector, settings } = found;
  const { config } = ctx.platform;
  const startedAt = ctx.now();
  const outcome = await throughBreaker(connector, config.spiBreaker, () =>
    attempt(config, connector, request, settings.allowedNetworks),
  );
  if (!outcome) {
    countConnectorCall(endpointName, { kind: 'spi', startedAt, response: CIRCUIT_OPEN });
    ctx.platform.log.debug(
      { connectorId: connector.id, endpointName, requestId: ctx.requestId },
      'SPI call refused by the open circuit breaker; the built-in default answers',
    );
    return { answered: false, failure: 'circuit_open' };
  }
  await record(ctx, connector, startedAt, outcome.response);
  if (outcome.ok) return { answered: true, value: outcome.value as T };

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
  return { answered: false, failure, ...(reported ? { reported } : {}) };
}

const CIRCUIT_OPEN: OutboundResponse = {
  ok: false,
  status: undefined,
  latencyMs: 0,
  body: '',
  failure: 'circuit_open',
  error: 'The circuit breaker is open after repeated failures; the call was not made.',
};

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
    // An empty 2xx answer (a 204 to a DELETE) is an empty object; the schema decides whether that will do.
    json = response.body.trim() === '' ? {} : JSON.parse(response.body);
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
 * Records the call in a short transaction of its own, once it has ended. A failure to record is logged and
 * does not change the caller's answer: monitoring is not on the path of the operation.
 */
async function record(ctx: OutsideCtx, connector: Connector, startedAt: Date, response: OutboundResponse) {
  await asSystem(
    ctx.platform,
    ctx.tenantId,
    'spi',
    (system) => recordConnectorCall(system, connector, { kind: 'spi', startedAt, response }),
    ctx.requestId,
  ).catch((error: unknown) =>
    ctx.platform.log.error({ err: error, connectorId: connector.id }, 'recording an SPI call failed'),
  );
}

function reportedError(body: string, secrets: readonly string[]): ReportedError | undefined {
  try {
    const { errorCode, errorMessage } = JSON.parse(body) as Record<string, unknown>;
    const text = (value: unknown) =>
      value === undefined || value === null ? undefined : redactSecrets(String(value), secrets);
    return withoutAbsent({ errorCode: text(errorCode), errorMessage: text(errorMessage) }) as ReportedError;
  } catch {
    return undefined;
  }
}
