import type { Generated } from 'kysely';
import type { Timestamp } from '../db/schema.ts';

export type EmailStatus = 'queued' | 'sent' | 'failed' | 'skipped';

export interface EmailOutboxTable {
  tenantId: string;
  id: Generated<string>;
  purpose: string;
  recipients: string[];
  subject: string;
  textBody: string;
  status: Generated<EmailStatus>;
  attempts: Generated<number>;
  lastError: string | null;
  messageId: string | null;
  createdAt: Timestamp;
  sentAt: Date | null;
}
