import { z } from 'zod';
import { booleanQuery, eachOnce } from '../../platform/http/fields.ts';
import { pageQuery } from '../../platform/http/pagination.ts';
import { isValidNetwork, NETWORK_RANGES, refuseUrlShape } from '../../platform/outbound/url-policy.ts';

export const connectorTypeSchema = z
  .enum(['WEBHOOK', 'SPI'])
  .describe('WEBHOOK: Backroom pushes events to the URL. SPI: Backroom asks the URL and uses the answer.');

export const integrationTypeSchema = z
  .enum(['HTTP_POST', 'HTTP_GET', 'HTTP_PUT', 'HTTP_DELETE'])
  .describe('The HTTP method Backroom calls the URL with; each endpoint name allows some.');

/** What Backroom answers in place of a header value; sent back in an update, it keeps the stored value. */
export const MASKED_VALUE = '********';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, space, tab and obs-text: no line breaks or other control characters.
const HEADER_VALUE = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;
// Hop-by-hop headers belong to each connection, and these Backroom sets itself on every call.
const RESERVED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

function checkHeaders(headers: Record<string, string>, issues: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  const refuse = (name: string, message: string) =>
    issues.addIssue({ code: 'custom', path: [name], message });
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      refuse(name, "is not a valid header name (letters, digits and !#$%&'*+.^_`|~-)");
    } else if (RESERVED_HEADERS.has(lower)) {
      refuse(name, 'is set per connection or by Backroom itself and cannot be configured');
    } else if (lower.startsWith('webhook-')) {
      refuse(name, 'webhook-* headers carry the Standard Webhooks id, timestamp and signature Backroom sets');
    } else if (seen.has(lower)) {
      refuse(name, `repeats "${seen.get(lower)}": header names are case-insensitive`);
    }
    if (!HEADER_VALUE.test(value)) refuse(name, 'must not contain line breaks or other control characters');
    seen.set(lower, name);
  }
}

const fields = {
  name: z.string().trim().min(1).max(200).describe('A name for people to recognise the connector by.'),
  endpointName: z
    .string()
    .min(1)
    .max(100)
    .describe('From the catalogue: ORDER, INVENTORY_EXPORT_ASN, … for webhooks; TAX_SERVICE, … for SPIs.'),
  url: z
    .string()
    .max(2048)
    .superRefine((value, issues) => {
      const problem = refuseUrlShape(value);
      if (problem) issues.addIssue({ code: 'custom', message: problem });
    })
    .describe('Where Backroom calls. Private, loopback and link-local addresses only if the settings allow.'),
  headers: z
    .record(z.string().min(1).max(100), z.string().max(4096))
    .refine((headers) => Object.keys(headers).length <= 50, 'must not have more than 50 headers')
    .superRefine(checkHeaders)
    .describe(
      'Sent with every call, such as Authorization. Answered masked (except Content-Type); a masked value ' +
        'sent back in an update keeps the stored one.',
    ),
  events: z
    .array(z.string().min(1).max(100))
    .max(100)
    .superRefine(eachOnce((event: string) => event))
    .describe("WEBHOOK only: the endpoint's events to receive; empty receives all of them."),
  apiKey: z
    .string()
    .min(1)
    .max(500)
    .regex(/^[\u0020-\u007e]+$/, 'must be printable ASCII')
    .describe('SPI only, write-only: sent as the `api_key` query parameter. Answered as `apiKeySet`.'),
  apiVersion: z
    .string()
    .regex(/^\d{1,3}\.\d{1,3}$/, 'must be a version such as 1.0')
    .describe('SPI only: the SPI version the merchant implements, in the path of every call.'),
  timeoutMs: z.number().int().min(100).max(30_000).describe('Milliseconds before a call counts as failed.'),
  latencyThresholdMs: z
    .number()
    .int()
    .min(1)
    .max(60_000)
    .describe('Calls slower than this emit INTEGRATION_LATENCY_EXCEEDED.'),
  enabled: z.boolean().describe('A disabled connector is not called.'),
};

const exampleWebhook = {
  name: 'ERP stock receipts',
  type: 'WEBHOOK' as const,
  endpointName: 'INVENTORY_EXPORT_ASN',
  url: 'https://erp.example.com/hooks/backroom',
  integrationType: 'HTTP_POST' as const,
  headers: { Authorization: 'Bearer erp-token-123', 'Content-Type': 'application/json' },
  events: ['ASN_RECEIVED_EVENT', 'ASN_RECEIVE_COMPLETED_EVENT'],
  timeoutMs: 2000,
  latencyThresholdMs: 1000,
  enabled: true,
};

export const newConnectorSchema = z
  .strictObject({
    name: fields.name,
    type: connectorTypeSchema,
    endpointName: fields.endpointName,
    url: fields.url,
    integrationType: integrationTypeSchema
      .optional()
      .describe('Defaults to the first method the endpoint allows (HTTP_POST for most).'),
    headers: fields.headers.default({}),
    events: fields.events.default([]),
    apiKey: fields.apiKey.optional(),
    apiVersion: fields.apiVersion.optional(),
    timeoutMs: fields.timeoutMs.default(2000),
    latencyThresholdMs: fields.latencyThresholdMs.default(1000),
    enabled: fields.enabled.default(true),
  })
  .meta({ id: 'NewConnector', example: exampleWebhook });

export const connectorUpdateSchema = z
  .strictObject({
    name: fields.name.optional(),
    type: connectorTypeSchema.optional().describe('Cannot change; accepted when it is the current type.'),
    endpointName: fields.endpointName.optional(),
    url: fields.url.optional(),
    integrationType: integrationTypeSchema.optional(),
    headers: fields.headers.optional().describe('Replaces every header; masked values keep the stored ones.'),
    events: fields.events.optional(),
    apiKey: fields.apiKey.nullable().optional(),
    apiVersion: fields.apiVersion.nullable().optional(),
    timeoutMs: fields.timeoutMs.optional(),
    latencyThresholdMs: fields.latencyThresholdMs.optional(),
    enabled: fields.enabled.optional(),
  })
  .meta({
    id: 'ConnectorUpdate',
    description:
      'The fields to change; null clears apiKey or apiVersion. The result is checked as a new one.',
    example: { url: 'https://erp.example.com/hooks/v2/backroom', timeoutMs: 5000 },
  });

const epochMs = z.number().int().describe('Epoch milliseconds.');

const connectorFields = {
  id: z.string().describe('The connector id, a UUID Backroom assigned.'),
  name: z.string(),
  type: connectorTypeSchema,
  endpointName: z.string(),
  url: z
    .string()
    .describe(`Query values masked as ${MASKED_VALUE}; sent back in an update, they keep the stored ones.`),
  integrationType: integrationTypeSchema,
  headers: z
    .record(z.string(), z.string())
    .describe(`Values masked as ${MASKED_VALUE}, except Content-Type.`),
  events: z.array(z.string()).optional().describe('WEBHOOK only; empty means every event of the endpoint.'),
  apiKeySet: z.boolean().describe('Whether an API key is stored; the key itself is never answered.'),
  apiVersion: z.string().optional(),
  timeoutMs: z.number().int(),
  latencyThresholdMs: z.number().int(),
  enabled: z.boolean(),
  signingSecretHint: z.string().describe('`whsec_…` and the last 4 characters of the signing secret.'),
  previousSecretExpiresAt: epochMs
    .optional()
    .describe('After a rotation, until when the previous signing secret still signs.'),
  failingSince: epochMs.optional().describe('Start of the current unbroken run of failed calls.'),
  lastFailureAt: epochMs.optional(),
  disabledAt: epochMs.optional(),
  disabledReason: z.string().optional().describe('Why the connector was disabled, by hand or automatically.'),
  createdAt: epochMs,
  updatedAt: epochMs,
};

const exampleConnector = {
  ...exampleWebhook,
  id: '6f1c2b9e-8d1a-4c55-9a4e-0f3b7f2d9c11',
  headers: { Authorization: MASKED_VALUE, 'Content-Type': 'application/json' },
  apiKeySet: false,
  signingSecretHint: 'whsec_…k3Q=',
  createdAt: 1763800000000,
  updatedAt: 1763800000000,
};

export const connectorSchema = z.object(connectorFields).meta({ id: 'Connector', example: exampleConnector });

export const connectorWithSecretSchema = z
  .object({
    ...connectorFields,
    signingSecret: z
      .string()
      .describe(
        'The full signing secret (`whsec_…`), answered only when created or rotated: keep it. A replay of ' +
          'the same Idempotency-Key answers the hint instead, with `signingSecretNote`.',
      ),
    signingSecretNote: z
      .string()
      .optional()
      .describe('Only in a replay: says that `signingSecret` is the hint, as the secret is shown once.'),
  })
  .meta({
    id: 'ConnectorWithSecret',
    example: { ...exampleConnector, signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwk3Q=' },
  });

export const connectorListQuery = z.strictObject({
  ...pageQuery,
  type: connectorTypeSchema.optional(),
  endpointName: z.string().min(1).max(100).optional(),
  enabled: booleanQuery,
});

export const connectorParams = z.strictObject({
  id: z.string().min(1).max(100).describe('The connector id.'),
});

const network = z
  .string()
  .max(64)
  .refine(isValidNetwork, `must be one of ${NETWORK_RANGES.join(', ')} or a CIDR such as 10.20.0.0/16`);

const settingsFields = {
  alertWindowMinutes: z
    .number()
    .int()
    .min(1)
    .max(10_080)
    .describe('At most one alert e-mail per connector in this many minutes.'),
  disableAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(525_600)
    .describe('A connector failing without a break for this long is disabled (7200 = 5 days).'),
};

export const integrationSettingsUpdateSchema = z
  .strictObject({
    alertEmail: z
      .email()
      .max(254)
      .nullable()
      .optional()
      .describe("Where connector alerts go; null sends them to the merchant's support address."),
    alertWindowMinutes: settingsFields.alertWindowMinutes.optional(),
    disableAfterMinutes: settingsFields.disableAfterMinutes.optional(),
    allowedNetworks: z
      .array(network)
      .max(50)
      .optional()
      .describe(
        'Non-public ranges connectors may call: range names (loopback, private, linkLocal, …, metadata) or ' +
          "CIDRs, each within this Backroom's BACKROOM_OUTBOUND_ALLOWED_NETWORKS. Replaces the list; empty " +
          'allows public addresses only.',
      ),
  })
  .meta({
    id: 'IntegrationSettingsUpdate',
    example: {
      alertEmail: 'integrations@example.com',
      alertWindowMinutes: 30,
      allowedNetworks: ['10.20.0.0/16'],
    },
  });

export const integrationSettingsSchema = z
  .object({
    alertEmail: z.string().optional().describe("Absent: alerts go to the merchant's support address."),
    alertWindowMinutes: settingsFields.alertWindowMinutes,
    disableAfterMinutes: settingsFields.disableAfterMinutes,
    allowedNetworks: z.array(z.string()),
    updatedAt: epochMs.optional().describe('Absent while the defaults are in force.'),
  })
  .meta({
    id: 'IntegrationSettings',
    example: {
      alertEmail: 'integrations@example.com',
      alertWindowMinutes: 60,
      disableAfterMinutes: 7200,
      allowedNetworks: ['10.20.0.0/16'],
      updatedAt: 1763800000000,
    },
  });

export type NewConnector = z.output<typeof newConnectorSchema>;
export type ConnectorUpdate = z.output<typeof connectorUpdateSchema>;
export type ConnectorView = z.output<typeof connectorSchema>;
export type ConnectorWithSecret = z.output<typeof connectorWithSecretSchema>;
export type ConnectorListQuery = z.output<typeof connectorListQuery>;
export type IntegrationSettingsUpdate = z.output<typeof integrationSettingsUpdateSchema>;
export type IntegrationSettingsView = z.output<typeof integrationSettingsSchema>;
