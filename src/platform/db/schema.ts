import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type {
  ConnectorCallsTable,
  ConnectorsTable,
  IntegrationSettingsTable,
  WebhookDeliveriesTable,
} from '../../integrations/tables.ts';
import type { AssociatesTable } from '../../modules/associates/repo.ts';
import type { AttributeSetsTable } from '../../modules/attribute-sets/repo.ts';
import type { CartLinesTable, CartSettingsTable, CartsTable } from '../../modules/carts/tables.ts';
import type { CatalogImportErrorsTable, CatalogImportsTable } from '../../modules/catalog-feed/repo.ts';
import type { CategoriesTable } from '../../modules/categories/repo.ts';
import type { CheckoutsTable, ShippingMethodsTable, TaxRatesTable } from '../../modules/checkout/tables.ts';
import type {
  CustomerAddressesTable,
  CustomerLinksTable,
  CustomerSettingsTable,
  CustomersTable,
} from '../../modules/customers/tables.ts';
import type { CycleCountLinesTable, CycleCountsTable } from '../../modules/cycle-counts/repo.ts';
import type { FulfillmentsTable } from '../../modules/fulfillment/tables.ts';
import type {
  InventorySettingsTable,
  StockBucketLevelsTable,
  StockBucketsTable,
  StockInboundTable,
  StockLevelsTable,
  StockMovementsTable,
  StockReservationLinesTable,
  StockReservationsTable,
} from '../../modules/inventory/tables.ts';
import type { InventoryImportErrorsTable, InventoryImportsTable } from '../../modules/inventory-feed/repo.ts';
import type {
  DeviceInstallationsTable,
  NotificationRecipientsTable,
  NotificationsTable,
} from '../../modules/notifications/repo.ts';
import type { OrderLinesTable, OrdersTable, OrderTendersTable } from '../../modules/orders/tables.ts';
import type { StorePricesTable } from '../../modules/prices/repo.ts';
import type { ProductsTable } from '../../modules/products/repo.ts';
import type { AsnLinesTable, AsnsTable } from '../../modules/receiving/repo.ts';
import type { StoresTable } from '../../modules/stores/repo.ts';
import type { StockTransferLinesTable, StockTransfersTable } from '../../modules/transfers/repo.ts';
import type { EmailOutboxTable } from '../email/table.ts';
import type { WorkerProcessesTable } from '../jobs/table.ts';

/** A timestamptz column: read as Date, written as Date or left to its default. */
export type Timestamp = ColumnType<Date, Date | undefined, Date>;

export interface MerchantsTable {
  id: string;
  name: string;
  supportEmail: string | null;
  licenceTier: Generated<string>;
  createdAt: Timestamp;
}

export interface TenantsTable {
  id: Generated<string>;
  merchantId: string;
  environment: 'production' | 'staging';
  createdAt: Timestamp;
}

export interface SigningKeysTable {
  id: Generated<string>;
  secret: string;
  createdAt: Timestamp;
}

export interface ApiClientsTable {
  tenantId: string;
  id: Generated<string>;
  clientId: string;
  name: string;
  secretHash: string;
  apiKeyHash: string;
  scopes: string[];
  rateLimitPerSecond: number | null;
  rateLimitPerDay: number | null;
  active: Generated<boolean>;
  createdAt: Timestamp;
}

export interface UsersTable {
  tenantId: string;
  id: Generated<string>;
  email: string;
  name: string;
  role: 'system_admin' | 'store_manager' | 'associate';
  passwordHash: string;
  passwordChangedAt: Timestamp;
  mustChangePassword: Generated<boolean>;
  failedLoginAttempts: Generated<number>;
  lockedUntil: Date | null;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface PasswordHistoryTable {
  tenantId: string;
  userId: string;
  passwordHash: string;
  createdAt: Timestamp;
}

export interface RateLimitCountersTable {
  tenantId: string;
  principal: string;
  secondWindow: number;
  secondHits: number;
  dayWindow: number;
  dayHits: number;
}

export interface IdempotencyKeysTable {
  tenantId: string;
  principal: string;
  key: string;
  requestHash: string;
  responseStatus: number;
  responseBody: JSONColumnType<object | null, string, string>;
  createdAt: Timestamp;
}

export interface EventsTable {
  tenantId: string;
  id: Generated<string>;
  type: string;
  subject: string;
  data: JSONColumnType<Record<string, unknown>, string, string>;
  requestId: string | null;
  occurredAt: Timestamp;
  dispatchedAt: Date | null;
}

export interface Database {
  merchants: MerchantsTable;
  tenants: TenantsTable;
  signingKeys: SigningKeysTable;
  apiClients: ApiClientsTable;
  users: UsersTable;
  passwordHistory: PasswordHistoryTable;
  rateLimitCounters: RateLimitCountersTable;
  idempotencyKeys: IdempotencyKeysTable;
  events: EventsTable;
  stores: StoresTable;
  categories: CategoriesTable;
  attributeSets: AttributeSetsTable;
  products: ProductsTable;
  storePrices: StorePricesTable;
  associates: AssociatesTable;
  catalogImports: CatalogImportsTable;
  catalogImportErrors: CatalogImportErrorsTable;
  inventoryImports: InventoryImportsTable;
  inventoryImportErrors: InventoryImportErrorsTable;
  cycleCounts: CycleCountsTable;
  cycleCountLines: CycleCountLinesTable;
  inventorySettings: InventorySettingsTable;
  stockBuckets: StockBucketsTable;
  stockLevels: StockLevelsTable;
  stockBucketLevels: StockBucketLevelsTable;
  stockMovements: StockMovementsTable;
  stockReservations: StockReservationsTable;
  stockReservationLines: StockReservationLinesTable;
  stockInbound: StockInboundTable;
  asns: AsnsTable;
  asnLines: AsnLinesTable;
  stockTransfers: StockTransfersTable;
  stockTransferLines: StockTransferLinesTable;
  connectors: ConnectorsTable;
  customerSettings: CustomerSettingsTable;
  customers: CustomersTable;
  customerAddresses: CustomerAddressesTable;
  customerLinks: CustomerLinksTable;
  taxRates: TaxRatesTable;
  shippingMethods: ShippingMethodsTable;
  cartSettings: CartSettingsTable;
  carts: CartsTable;
  cartLines: CartLinesTable;
  checkouts: CheckoutsTable;
  orders: OrdersTable;
  orderLines: OrderLinesTable;
  orderTenders: OrderTendersTable;
  fulfillments: FulfillmentsTable;
  integrationSettings: IntegrationSettingsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  connectorCalls: ConnectorCallsTable;
  emailOutbox: EmailOutboxTable;
  workerProcesses: WorkerProcessesTable;
  deviceInstallations: DeviceInstallationsTable;
  notifications: NotificationsTable;
  notificationRecipients: NotificationRecipientsTable;
}
