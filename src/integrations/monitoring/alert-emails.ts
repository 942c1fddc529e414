import type { Ctx } from '../../platform/context.ts';
import type { Connector } from '../connectors/lookup.ts';
import type { ConnectorCall } from './record.ts';
import type { MerchantContact } from './repo.ts';

export interface CallFacts {
  connector: Connector;
  call: ConnectorCall;
  error: string | null;
  /** The first failure of the connector's current run of failures; absent when it is not failing. */
  failingSince?: Date | undefined;
}

export interface Composed {
  subject: string;
  text: string;
}

const FAILURES: Record<string, string> = {
  http_status: 'the endpoint answered with an error status',
  timeout: 'the endpoint did not answer in time',
  network: 'the endpoint could not be reached',
  error_body: 'the endpoint answered with an error in its body',
  invalid_response: 'the answer was not what the endpoint must return',
  too_large: 'the answer was larger than Backroom accepts',
  url_refused: "the URL points to a network the tenant's integration settings do not allow",
};

/** The rate-limited alert about a failing connector. */
export function alertEmail(
  ctx: Ctx,
  facts: CallFacts,
  contact: MerchantContact,
  window: { failures: number; windowMinutes: number; disableAt: Date | undefined },
): Composed {
  const { connector } = facts;
  const windowLength = formatDuration(window.windowMinutes);
  return {
    subject: `Backroom alert: connector "${connector.name}" (${connector.endpointName}) is failing`,
    text: [
      `A call from Backroom to your connector "${connector.name}" failed.`,
      '',
      ...describeConnector(facts, contact),
      ...describeFailure(facts),
      `Failed calls in the last ${windowLength}: ${window.failures}`,
      '',
      ...whereToLook(ctx, connector),
      ...(window.disableAt
        ? [
            `If it keeps failing, Backroom disables the connector at ${window.disableAt.toISOString()}`,
            '(integration settings: disableAfterMinutes).',
          ]
        : ['The connector is disabled: it makes no new calls until it is enabled again.']),
      `Backroom sends at most one alert per connector in any ${windowLength}, for failures and slow answers`,
      'alike (integration settings: alertWindowMinutes).',
    ].join('\n'),
  };
}

/** The rate-limited alert about an answer that came later than the connector's latency threshold. */
export function slowAnswerEmail(
  ctx: Ctx,
  facts: CallFacts,
  contact: MerchantContact,
  window: { slowAnswers: number; windowMinutes: number },
): Composed {
  const { connector, call } = facts;
  const windowLength = formatDuration(window.windowMinutes);
  return {
    subject: `Backroom alert: connector "${connector.name}" (${connector.endpointName}) is slow`,
    text: [
      `A call from Backroom to your connector "${connector.name}" took ${call.response.latencyMs} ms,`,
      `longer than its latency threshold of ${connector.latencyThresholdMs} ms (latencyThresholdMs).`,
      '',
      ...describeConnector(facts, contact),
      `Slow answer:   ${call.startedAt.toISOString()}, HTTP ${call.response.status}`,
      `Latency:       ${call.response.latencyMs} ms`,
      `Slow answers in the last ${windowLength}: ${window.slowAnswers}`,
      '',
      ...whereToLook(ctx, connector),
      `Backroom sends at most one alert per connector in any ${windowLength}, for failures and slow answers`,
      'alike (integration settings: alertWindowMinutes).',
    ].join('\n'),
  };
}

/** The e-mail that says Backroom has disabled a connector. Always sent: it happens once per failing run. */
export function disabledEmail(
  ctx: Ctx,
  facts: CallFacts,
  contact: MerchantContact,
  reason: string,
): Composed {
  const { connector } = facts;
  return {
    subject: `Backroom disabled connector "${connector.name}" (${connector.endpointName})`,
    text: [
      `Backroom has disabled your connector "${connector.name}": ${reason}`,
      'It makes no more calls to it until it is enabled again.',
      '',
      ...describeConnector(facts, contact),
      ...describeFailure(facts),
      '',
      ...whereToLook(ctx, connector),
      'Once the endpoint works again, enable the connector through the connectors API (enabled: true).',
      connector.type === 'WEBHOOK'
        ? 'Webhook events that failed meanwhile are listed among the failed events and can be reposted.'
        : "Meanwhile Backroom answers this SPI's questions with its built-in defaults.",
    ].join('\n'),
  };
}

function describeConnector({ connector, failingSince }: CallFacts, contact: MerchantContact): string[] {
  return [
    `Merchant:      ${contact.merchantId} (${contact.environment})`,
    `Connector:     ${connector.name} (id ${connector.id})`,
    `Endpoint:      ${connector.endpointName}, ${connector.type === 'SPI' ? 'SPI' : 'webhook'}, ${connector.url}`,
    ...(failingSince ? [`Failing since: ${failingSince.toISOString()}`] : []),
  ];
}

function describeFailure({ call, error }: CallFacts): string[] {
  const { response } = call;
  const what = FAILURES[response.failure ?? ''] ?? 'the call failed';
  return [
    `Last failure:  ${call.startedAt.toISOString()}, ${what}`,
    ...(response.status !== undefined ? [`Status:        HTTP ${response.status}`] : []),
    ...(error && error !== `HTTP ${response.status}` ? [`Error:         ${error}`] : []),
    `Latency:       ${response.latencyMs} ms`,
  ];
}

function whereToLook(ctx: Ctx, connector: Connector): string[] {
  const base = ctx.platform.config.publicUrl?.replace(/\/+$/, '') ?? '';
  return [
    'Where to look:',
    `  GET ${base}/merchant/v1/connectors/${connector.id}/health`,
    '  shows the success rate, latencies and the last error of this connector.',
    '',
  ];
}

/** 90 → "90 minutes", 120 → "2 hours", 7200 → "5 days". */
export function formatDuration(minutes: number): string {
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? '' : 's'}`;
  if (minutes % 1440 === 0) return unit(minutes / 1440, 'day');
  if (minutes % 60 === 0) return unit(minutes / 60, 'hour');
  return unit(minutes, 'minute');
}
