import type { Generated, JSONColumnType } from 'kysely';
import type { Timestamp } from '../platform/db/schema.ts';
import type { CallFailure } from '../platform/outbound/http.ts';

export type ConnectorType = 'WEBHOOK' | 'SPI';
export type IntegrationType = 'HTTP_POST' | 'HTTP_GET' | 'HTTP_PUT' | 'HTTP_DELETE';

export interface ConnectorsTable {
  tenantId: string;
  id: Generated<string>;
  name: string;
  type: ConnectorType;
  endpointName: string;
  url: string;
  integrationType: IntegrationType;
  headers: JSONColumnType<Record<string, string>, string, string>;
  events: string[];
  apiKey: string | null;
  apiVersion: string | null;
  timeoutMs: number;
  latencyThresholdMs: number;
  enabled: Generated<boolean>;
  signingSecret: string;
  previousSigningSecret: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
  lastFailureAt: Date | null;
  lastAlertAt: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface IntegrationSettingsTable {
  tenantId: string;
  alertEmail: string | null;
  alertWindowMinutes: Generated<number>;
  disableAfterMinutes: Generated<number>;
  allowedNetworks: Generated<string[]>;
  updatedAt: Timestamp;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookDeliveriesTable {
  tenantId: string;
  id: Generated<string>;
  connectorId: string;
  eventId: string;
  eventType: string;
  endpointName: string;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  totalAttempts: Generated<number>;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  succeededAt: Date | null;
  failedAt: Date | null;
  repostedAt: Date | null;
  createdAt: Timestamp;
}

export type { CallFailure };

export interface ConnectorCallsTable {
  tenantId: string;
  id: Generated<string>;
  connectorId: string;
  deliveryId: string | null;
  kind: 'webhook' | 'spi';
  startedAt: Date;
  latencyMs: number;
  statusCode: number | null;
  outcome: 'succeeded' | 'failed';
  failure: CallFailure | null;
  error: string | null;
  responseExcerpt: string | null;
  reposted: Generated<boolean>;
}
