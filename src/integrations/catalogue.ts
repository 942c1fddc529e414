import type { IntegrationType } from './tables.ts';

/**
 * The custom connector endpoints Backroom knows: which events each webhook endpoint carries, and how each SPI
 * is called. Names follow the reference's catalogue; PUSH_NOTIFICATION is Backroom's own (app notifications
 * handed to the merchant's push provider).
 */

const ASN_EVENTS = [
  'ASN_CREATED_EVENT',
  'ASN_RECEIVED_EVENT',
  'ASN_PARTIALLY_RECEIVED_EVENT',
  'ASN_RECEIVE_COMPLETED_EVENT',
  'ASN_CANCELLED_EVENT',
];
const TRANSFER_EVENTS = [
  'TRANSFER_CREATED_EVENT',
  'TRANSFER_SHIPPED_EVENT',
  'TRANSFER_RECEIVED_EVENT',
  'TRANSFER_CANCELLED_EVENT',
  'RTV_SHIPPED_EVENT',
];
const INVENTORY_EXPORT_EVENTS = [...ASN_EVENTS, ...TRANSFER_EVENTS];

/** Monitoring events Backroom emits about its own connectors (delivered to EXPORT_MONITORING_EVENTS). */
export const MONITORING_EVENTS = ['INTEGRATION_ERROR', 'INTEGRATION_LATENCY_EXCEEDED', 'CONNECTOR_DISABLED'];

export interface WebhookEndpoint {
  events: readonly string[];
  integrationTypes: readonly IntegrationType[];
}

const post = ['HTTP_POST'] as const;
/** An endpoint whose one event has the endpoint's own name (orders, carts, registers). */
const single = (name: string): WebhookEndpoint => ({ events: [name], integrationTypes: post });

export const WEBHOOK_ENDPOINTS: Readonly<Record<string, WebhookEndpoint>> = {
  ORDER: single('ORDER'),
  ORDER_UPDATE: single('ORDER_UPDATE'),
  BOPIS_EXPORT: single('BOPIS_EXPORT'),
  BOFIS_EXPORT: single('BOFIS_EXPORT'),
  ROPIS_EXPORT: single('ROPIS_EXPORT'),
  RETURN: single('RETURN'),
  SALE_INVENTORY: single('SALE_INVENTORY'),
  RETURN_INVENTORY: single('RETURN_INVENTORY'),
  ERECEIPT_CUSTOMER: single('ERECEIPT_CUSTOMER'),
  VOID_CART: single('VOID_CART'),
  SUSPEND_CART: single('SUSPEND_CART'),
  POS_CRASH_DATA: single('POS_CRASH_DATA'),
  POS_VITALS: single('POS_VITALS'),
  PUSH_NOTIFICATION: single('PUSH_NOTIFICATION'),
  INVENTORY_EXPORT_ASN: { events: INVENTORY_EXPORT_EVENTS, integrationTypes: post },
  INVENTORY_EXPORT_STS: { events: INVENTORY_EXPORT_EVENTS, integrationTypes: post },
  INVENTORY_EXPORT_RTV: { events: INVENTORY_EXPORT_EVENTS, integrationTypes: post },
  INVENTORY_EXPORT_CTS: { events: INVENTORY_EXPORT_EVENTS, integrationTypes: post },
  INVENTORY_EXPORT_BLD: { events: INVENTORY_EXPORT_EVENTS, integrationTypes: post },
  INVENTORY_EXPORT_INA: {
    events: ['INVENTORY_ADJUSTMENT', 'INVENTORY_BUCKET_ADJUSTMENT', 'INVENTORY_STATUS_CHANGED'],
    integrationTypes: post,
  },
  INVENTORY_EXPORT_INBA: { events: ['INVENTORY_BUCKET_ADJUSTMENT'], integrationTypes: post },
  INVENTORY_EXPORT_CYC: {
    events: [
      'CYC_COUNT_CREATED_EVENT',
      'CYC_COUNT_STARTED_EVENT',
      'CYC_COUNT_COUNTED_EVENT',
      'CYC_COUNT_COMPLETED_EVENT',
      'CYC_COUNT_CANCELED_EVENT',
    ],
    integrationTypes: post,
  },
  INVENTORY_EXPORT_PO: {
    events: ['PO_TRANSFER_STARTED_EVENT', 'PO_TRANSFER_COMPLETED_EVENT', 'PO_TRANSFER_ERRORED_EVENT'],
    integrationTypes: post,
  },
  EXPORT_MONITORING_EVENTS: { events: MONITORING_EVENTS, integrationTypes: ['HTTP_POST', 'HTTP_PUT'] },
};

export interface SpiEndpoint {
  integrationTypes: readonly IntegrationType[];
}

const spi = (...integrationTypes: IntegrationType[]): SpiEndpoint => ({ integrationTypes });

export const SPI_ENDPOINTS: Readonly<Record<string, SpiEndpoint>> = {
  CREATE_CUSTOMER: spi('HTTP_POST'),
  GET_CUSTOMER: spi('HTTP_GET'),
  UPDATE_CUSTOMER: spi('HTTP_PUT'),
  SEARCH_CUSTOMERS: spi('HTTP_GET'),
  GET_CUSTOMER_ADDRESSES: spi('HTTP_GET'),
  CREATE_CUSTOMER_ADDRESS: spi('HTTP_POST'),
  UPDATE_CUSTOMER_ADDRESS: spi('HTTP_PUT'),
  DELETE_CUSTOMER_ADDRESS: spi('HTTP_DELETE'),
  INVENTORY_SERVICE: spi('HTTP_POST'),
  ONLINE_ITEM_INVENTORY_CHECK: spi('HTTP_POST'),
  GET_PRODUCT_INVENTORY_OVERVIEW: spi('HTTP_POST'),
  LOYALTY_POINTS_EARNED: spi('HTTP_POST'),
  REWARD_LOOKUP: spi('HTTP_POST'),
  GET_ORDER_DETAIL: spi('HTTP_GET'),
  BORIS_GET_ORDER_DETAIL: spi('HTTP_GET'),
  SEARCH_ORDERS: spi('HTTP_POST'),
  CART_VALIDATION: spi('HTTP_POST'),
  DATE_PICKER: spi('HTTP_POST'),
  VERIFY_EMPLOYEE: spi('HTTP_POST'),
  // Calculate and finalize are POSTs, tax rates and exemptions GETs: one connector, the path tells them apart.
  TAX_SERVICE: spi('HTTP_POST', 'HTTP_GET'),
  SHIPPING_METHODS: spi('HTTP_POST'),
};

export type WebhookEndpointName = keyof typeof WEBHOOK_ENDPOINTS;
export type SpiEndpointName = keyof typeof SPI_ENDPOINTS;

/** The webhook endpoint names whose subscribers receive an event of `type`. */
export function endpointsForEvent(type: string): string[] {
  return Object.entries(WEBHOOK_ENDPOINTS)
    .filter(([, endpoint]) => endpoint.events.includes(type))
    .map(([name]) => name);
}
