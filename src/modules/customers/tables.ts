import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

export type DuplicatePolicy = 'return_existing' | 'create_and_link';

export interface CustomerSettingsTable {
  tenantId: string;
  duplicatePolicy: Generated<DuplicatePolicy>;
  nextNumber: Generated<string>;
  updatedAt: Timestamp;
}

export type CustomerChannel = 'web' | 'store' | 'mobile' | 'phone' | 'marketplace' | 'api' | 'import';

export interface CustomersTable {
  tenantId: string;
  id: Generated<string>;
  customerId: string;
  status: Generated<'active' | 'merged'>;
  mergedInto: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  emailNormalized: string | null;
  phone: string | null;
  phoneNormalized: string | null;
  /** `YYYY-MM-DD`. */
  birthDate: string | null;
  loyaltyId: string | null;
  channel: CustomerChannel;
  originStoreId: string | null;
  emailMarketing: Generated<boolean>;
  smsMarketing: Generated<boolean>;
  consentUpdatedAt: Date | null;
  note: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface CustomerAddressesTable {
  tenantId: string;
  id: Generated<string>;
  customerUuid: string;
  label: string | null;
  name: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  phone: string | null;
  defaultShipping: Generated<boolean>;
  defaultBilling: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface CustomerLinksTable {
  tenantId: string;
  customerA: string;
  customerB: string;
  reason: 'email' | 'phone' | 'manual';
  createdAt: Timestamp;
}
