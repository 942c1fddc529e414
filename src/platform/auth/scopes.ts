/** Every scope an API client or console role can hold. Modules add theirs here. */
export const SCOPES = {
  'stores:read': 'Read stores, e-commerce locations and warehouses',
  'stores:write': 'Create and update stores',
  'catalog:read': 'Read products, categories, attribute sets and store prices',
  'catalog:write': 'Create, change and delete products, categories and attribute sets; run catalog feeds',
  'prices:write': 'Set store prices, sale prices and promo banners',
  'inventory:read': 'Read stock levels, availability, reservations, receipts, counts and transfers',
  'inventory:write':
    'Adjust stock, reserve it, receive shipments, run cycle counts, transfer stock and upload inventory feeds',
  'associates:read': 'Read store associates',
  'associates:write': 'Create, change and deactivate store associates',
  'users:read': 'Read console users',
  'users:write': 'Create, change and delete console users',
  'customers:read': 'Read customers, their addresses and their links to possible duplicates',
  'customers:write': 'Create, change, link and merge customers and their addresses',
  'carts:read': 'Read carts, saved and abandoned carts, checkouts, tax rates and shipping methods',
  'carts:write':
    'Create and change carts, suspend and void them, check out; set tax rates and shipping methods',
  'orders:read': 'Read and search orders (sales, returns, exchanges), purchase history and store fulfilments',
  'orders:write': 'Post orders, returns and exchanges, repost them, and move store fulfilments along',
  'integrations:read': 'Read custom connectors, their health, webhook deliveries and integration settings',
  'integrations:write':
    'Create, change and delete custom connectors; repost webhook events; change integration settings',
  'notifications:read': 'Read notifications, their delivery status and device installations',
  'notifications:write': 'Send notifications and register device installations',
} as const;

export type Scope = keyof typeof SCOPES;
export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}

export const ROLES = ['system_admin', 'store_manager', 'associate'] as const;
export type Role = (typeof ROLES)[number];

/** What each console role may do through the API. System Admin holds every scope. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  system_admin: ALL_SCOPES,
  store_manager: [
    'stores:read',
    'stores:write',
    'catalog:read',
    'prices:write',
    'inventory:read',
    'inventory:write',
    'associates:read',
    'associates:write',
    'notifications:read',
    'notifications:write',
    'customers:read',
    'customers:write',
    'carts:read',
    'carts:write',
    'orders:read',
    'orders:write',
  ],
  associate: [
    'stores:read',
    'catalog:read',
    'inventory:read',
    'associates:read',
    'customers:read',
    'customers:write',
    'carts:read',
    'carts:write',
    'orders:read',
    'orders:write',
  ],
};
