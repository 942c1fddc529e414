/**
 * Sample answers of a merchant's SPI: replace the data and rules here with calls to your own systems. Each
 * handler returns the JSON to answer with a 200, or throws BadRequest for a request it cannot read. A 200
 * with `errorCode`/`errorMessage` is how an SPI says "no" (unknown customer, invalid cart); fields with no
 * value are left out of an answer, never sent as null.
 */

export class BadRequest extends Error {}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function field<T>(value: unknown, name: string, check: (v: unknown) => v is T, expected: string): T {
  if (!check(value)) throw new BadRequest(`${name} must be ${expected}.`);
  return value;
}
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
const isOptionalString = (v: unknown): v is string | undefined => v === undefined || isString(v);

const notFound = (errorCode: string, errorMessage: string) => ({ errorCode, errorMessage });

// --- TAX_SERVICE: POST /1.0/taxEngine/calculateTax --------------------------------------------------------

/** Tax rates in millionths (88_750 = 8.875 %): a postal code's own rate first, then its region's. */
const RATES_BY_POSTAL_CODE: Record<string, number> = { '10001': 88_750, '94103': 86_250 };
const RATES_BY_REGION: Record<string, number> = { NY: 40_000, CA: 72_500, TX: 62_500 };

/**
 * `{ currency, shipTo: { postalCode, region?, country? }, lines: [{ lineId, amount }] }`, amounts in integer
 * minor units → each line's tax and the total, in minor units too, rounded half up per line.
 */
export function calculateTax(body: unknown): Json {
  const request = field(body, 'The body', isObject, 'an object');
  const shipTo = field(request.shipTo, 'shipTo', isObject, 'an object');
  const postalCode = field(shipTo.postalCode, 'shipTo.postalCode', isString, 'a string');
  const region = field(shipTo.region, 'shipTo.region', isOptionalString, 'a string');
  const lines = field(request.lines, 'lines', isArray, 'an array');
  const rate = RATES_BY_POSTAL_CODE[postalCode] ?? (region ? RATES_BY_REGION[region] : undefined) ?? 0;
  const taxed = lines.map((value, index) => {
    const line = field(value, `lines[${index}]`, isObject, 'an object');
    const lineId = field(line.lineId, `lines[${index}].lineId`, isString, 'a string');
    const amount = field(line.amount, `lines[${index}].amount`, isCount, 'a whole number of minor units');
    return { lineId, taxAmount: Math.floor((amount * rate + 500_000) / 1_000_000), rate: rate / 1_000_000 };
  });
  return {
    ...(typeof request.currency === 'string' ? { currency: request.currency } : {}),
    lines: taxed,
    totalTax: taxed.reduce((sum, line) => sum + line.taxAmount, 0),
  };
}

// --- CART_VALIDATION: POST /1.0/sa/cartValidation ---------------------------------------------------------

const BLOCKED_PRODUCTS = new Set(['P-RECALLED']);
const MAX_QUANTITY_PER_PRODUCT = 10;

/** `{ cartId?, storeId?, items: [{ productId, quantity }] }` → `{ valid: true }`, or the broken rule. */
export function validateCart(body: unknown): Json {
  const request = field(body, 'The body', isObject, 'an object');
  const items = field(request.items, 'items', isArray, 'an array');
  const quantities = new Map<string, number>();
  items.forEach((value, index) => {
    const item = field(value, `items[${index}]`, isObject, 'an object');
    const productId = field(item.productId, `items[${index}].productId`, isString, 'a string');
    const quantity = field(item.quantity, `items[${index}].quantity`, isCount, 'a whole number');
    quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  });
  for (const [productId, quantity] of quantities) {
    if (BLOCKED_PRODUCTS.has(productId)) {
      return { errorCode: 'PRODUCT_BLOCKED', errorMessage: `Product ${productId} cannot be sold.` };
    }
    if (quantity > MAX_QUANTITY_PER_PRODUCT) {
      return {
        errorCode: 'QUANTITY_LIMIT',
        errorMessage: `At most ${MAX_QUANTITY_PER_PRODUCT} of product ${productId} per cart.`,
      };
    }
  }
  return { ...(isString(request.cartId) ? { cartId: request.cartId } : {}), valid: true };
}

// --- GET_CUSTOMER / SEARCH_CUSTOMERS: GET /1.0/sa/customers/{customerId}, GET /1.0/sa/customers?email= --

const CUSTOMERS: Json[] = [
  {
    customerId: 'C-1001',
    firstName: 'Ana',
    lastName: 'Silva',
    email: 'ana.silva@example.com',
    phone: '+12125550100',
    loyaltyProfile: { tier: 'gold', points: 1200 },
  },
  // No phone and no loyalty profile: the fields are left out, not null.
  { customerId: 'C-1002', firstName: 'Lee', lastName: 'Park', email: 'lee.park@example.com' },
];

export function getCustomer(customerId: string): Json {
  return (
    CUSTOMERS.find((customer) => customer.customerId === customerId) ??
    notFound('CUSTOMER_NOT_FOUND', `No customer has id ${customerId}.`)
  );
}

export function searchCustomers(query: URLSearchParams): Json {
  const email = field(query.get('email') ?? undefined, 'The email query parameter', isString, 'given');
  const wanted = email.toLowerCase();
  return { customers: CUSTOMERS.filter((customer) => String(customer.email).toLowerCase() === wanted) };
}

// --- CREATE_CUSTOMER: POST /1.0/sa/customers ---------------------------------------------------------------

const CUSTOMER_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'birthDate',
  'loyaltyId',
  'channel',
  'storeId',
  'note',
];
let lastCustomerNumber = 2000;

/**
 * The new customer (Backroom's fields; `customerId` optional) → the customer as stored, with its customerId:
 * the one given, else the next `C-<n>`. Kept in memory while the server runs.
 */
export function createCustomer(body: unknown): Json {
  const request = field(body, 'The body', isObject, 'an object');
  const given = field(request.customerId, 'customerId', isOptionalString, 'a string');
  if (given && CUSTOMERS.some((customer) => customer.customerId === given)) {
    return { errorCode: 'CUSTOMER_EXISTS', errorMessage: `Customer ${given} exists already.` };
  }
  lastCustomerNumber += 1;
  const customer: Json = { customerId: given ?? `C-${lastCustomerNumber}` };
  for (const name of CUSTOMER_FIELDS) {
    customer[name] = field(request[name], name, isOptionalString, 'a string');
  }
  if (isObject(request.marketing)) customer.marketing = request.marketing;
  const stored = Object.fromEntries(Object.entries(customer).filter(([, value]) => value !== undefined));
  CUSTOMERS.push(stored);
  return stored;
}

// --- UPDATE_CUSTOMER: PUT /1.0/sa/customers --------------------------------------------------------------

/**
 * `{ profile: { customerId, ...changes }, clearFields?: [names] }` → the customer as stored after the changes.
 * An unknown customerId is an error answer.
 */
export function updateCustomer(body: unknown): Json {
  const request = field(body, 'The body', isObject, 'an object');
  const profile = field(request.profile, 'profile', isObject, 'an object');
  const customerId = field(profile.customerId, 'profile.customerId', isString, 'a string');
  const customer = CUSTOMERS.find((candidate) => candidate.customerId === customerId);
  if (!customer) return notFound('CUSTOMER_NOT_FOUND', `No customer has id ${customerId}.`);
  const clear = field(request.clearFields ?? [], 'clearFields', isArray, 'a list of field names');
  for (const name of CUSTOMER_FIELDS) {
    const value = field(profile[name], `profile.${name}`, isOptionalString, 'a string');
    if (value !== undefined) customer[name] = value;
    if (clear.includes(name)) delete customer[name];
  }
  if (isObject(profile.marketing))
    customer.marketing = { ...(customer.marketing as Json), ...profile.marketing };
  return customer;
}

// --- Customer addresses: GET/POST/PUT/DELETE /1.0/sa/customer/address ------------------------------------

const ADDRESS_FIELDS = [
  'label',
  'name',
  'line1',
  'line2',
  'city',
  'region',
  'postalCode',
  'country',
  'phone',
];
const ADDRESSES: Record<string, Json[]> = {
  'C-1001': [{ addressId: 'A-1', line1: '350 Fifth Avenue', city: 'New York', region: 'NY', country: 'US' }],
};
let lastAddressNumber = 100;

function addressesOf(customerId: unknown): Json[] | undefined {
  const id = field(customerId, 'customerId', isString, 'a string');
  if (!CUSTOMERS.some((customer) => customer.customerId === id)) return undefined;
  ADDRESSES[id] ??= [];
  return ADDRESSES[id];
}

const noCustomer = (customerId: unknown) =>
  notFound('CUSTOMER_NOT_FOUND', `No customer has id ${customerId}.`);

/** `?customerId=` → `{ addressList: [...] }`. */
export function listAddresses(query: URLSearchParams): Json {
  const list = addressesOf(query.get('customerId') ?? undefined);
  return list ? { addressList: list } : noCustomer(query.get('customerId'));
}

/** `{ customerId, address }` → the address with its new addressId. */
export function createAddress(body: unknown): Json {
  const request = field(body, 'The body', isObject, 'an object');
  const list = addressesOf(request.customerId);
  if (!list) return noCustomer(request.customerId);
  const address = field(request.address, 'address', isObject, 'an object');
  lastAddressNumber += 1;
  const stored: Json = { addressId: `A-${lastAddressNumber}` };
  for (const name of ADDRESS_FIELDS) {
    const value = field(address[name], `address.${name}`, isOptionalString, 'a string');
    if (value !== undefined) stored[name] = value;
  }
  list.push(stored);
  return stored;
}

/** `{ customerId, addressId, address, clearFields? }` → the address after the change. */
export function updateAddress(body: unknown): Json {
  const request = field(body, 'The body', isObject, 'an object');
  const stored = addressesOf(request.customerId)?.find((address) => address.addressId === request.addressId);
  if (!stored)
    return notFound('ADDRESS_NOT_FOUND', `No address ${request.addressId} for ${request.customerId}.`);
  const change = field(request.address, 'address', isObject, 'an object');
  const clear = field(request.clearFields ?? [], 'clearFields', isArray, 'a list of field names');
  for (const name of ADDRESS_FIELDS) {
    const value = field(change[name], `address.${name}`, isOptionalString, 'a string');
    if (value !== undefined) stored[name] = value;
    if (clear.includes(name)) delete stored[name];
  }
  return stored;
}

/** `?customerId=&addressId=` → `{}`. */
export function deleteAddress(query: URLSearchParams): Json {
  const list = addressesOf(query.get('customerId') ?? undefined);
  const index = list?.findIndex((address) => address.addressId === query.get('addressId')) ?? -1;
  if (!list || index < 0) return notFound('ADDRESS_NOT_FOUND', `No address ${query.get('addressId')}.`);
  list.splice(index, 1);
  return {};
}

// --- INVENTORY_SERVICE: POST /1.0/sa/inventoryService/revert ---------------------------------------------

/** Carts whose reserved stock was reverted, newest last, for a look at what Backroom sent. */
export const REVERTED: Json[] = [];

/** `{ cartId, orderId, reason, items: [{ productId, quantity }] }` → `{ reverted: true }`. */
export function revertInventory(body: unknown): Json {
  const request = field(body, 'The body', isObject, 'an object');
  field(request.cartId, 'cartId', isString, 'a string');
  field(request.items, 'items', isArray, 'a list');
  REVERTED.push(request);
  return { reverted: true };
}

// --- VERIFY_EMPLOYEE: POST /1.0/sa/employee/verification ---------------------------------------------------

const EMPLOYEES = [
  { associateId: 'A-1001', name: 'Dana Reyes', storeIds: ['NYC-01', 'NYC-02'], active: true },
  { associateId: 'A-1002', name: 'Sam Ortiz', storeIds: ['NYC-01'], active: false },
];

/** `{ associateId, storeId? }` → `{ verified, name? }`; an unknown associate is an error answer. */
export function verifyEmployee(body: unknown): Json {
  const request = field(body, 'The body', isObject, 'an object');
  const associateId = field(request.associateId, 'associateId', isString, 'a string');
  const storeId = field(request.storeId, 'storeId', isOptionalString, 'a string');
  const employee = EMPLOYEES.find((candidate) => candidate.associateId === associateId);
  if (!employee) return notFound('EMPLOYEE_NOT_FOUND', `No employee has id ${associateId}.`);
  const verified = employee.active && (!storeId || employee.storeIds.includes(storeId));
  return verified ? { verified, name: employee.name } : { verified };
}
