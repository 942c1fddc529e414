import { z } from 'zod';

/**
 * The one catalog of error codes Backroom answers with. A code is a stable contract with integrators:
 * never rename one; add new ones instead.
 */
export const problemCatalog = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The body is not valid JSON' },
  invalid_cursor: { status: 400, title: 'The pagination cursor is not valid' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  invalid_token: { status: 401, title: 'The access token is not valid' },
  invalid_api_key: { status: 401, title: 'The API key is not valid' },
  invalid_credentials: { status: 401, title: 'The e-mail address or password is wrong' },
  insufficient_scope: { status: 403, title: 'The credentials do not allow this operation' },
  password_change_required: { status: 403, title: 'The password must be changed before signing in' },
  password_expired: { status: 403, title: 'The password has expired and must be changed' },
  not_found: { status: 404, title: 'The resource does not exist' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  already_exists: { status: 409, title: 'The resource already exists' },
  duplicate_value: { status: 409, title: 'Another resource already uses this value' },
  idempotency_key_in_use: { status: 409, title: 'A request with this Idempotency-Key is still in progress' },
  insufficient_stock: { status: 409, title: 'There is not enough stock for this' },
  invalid_state: { status: 409, title: 'The resource is not in a state that allows this' },
  reservation_expired: { status: 409, title: 'The reservation has expired and its stock was released' },
  payload_too_large: { status: 413, title: 'The body is too large' },
  unsupported_media_type: { status: 415, title: 'The content type is not supported' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  unknown_reference: { status: 422, title: 'The request refers to something that does not exist' },
  rule_violated: { status: 422, title: 'The request breaks a business rule' },
  totals_mismatch: { status: 422, title: 'The amounts of the order do not add up' },
  cart_invalid: { status: 422, title: "The merchant's system refused the cart" },
  password_rejected: { status: 422, title: 'The new password does not meet the password policy' },
  account_locked: { status: 423, title: 'The account is locked after too many failed sign-ins' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Something went wrong on our side' },
  service_unavailable: { status: 503, title: 'The service is not ready' },
} as const;

export type ProblemCode = keyof typeof problemCatalog;

export interface FieldError {
  /** Where the problem is: `body.address.country`, `query.limit`, `params.storeId`. */
  field: string;
  message: string;
}

export interface ProblemOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/** An expected failure with a catalog code; the error handler turns it into problem+json. */
export class Problem extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ProblemCode, detail?: string, options: ProblemOptions = {}) {
    super(detail ?? problemCatalog[code].title);
    this.code = code;
    this.status = problemCatalog[code].status;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** Throws a `code` problem when there are field errors, its detail listing them: `field: message; …`. */
export function throwIfFieldErrors(code: ProblemCode, errors: FieldError[]): void {
  if (errors.length > 0) {
    throw new Problem(code, errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem detail with a stable `code`.' });

export type ProblemBody = z.infer<typeof problemSchema>;

export function problemBody(problem: Problem, instance: string, requestId: string): ProblemBody {
  return {
    type: `urn:backroom:problem:${problem.code}`,
    title: problemCatalog[problem.code].title,
    status: problem.status,
    detail: problem.message,
    code: problem.code,
    instance,
    requestId,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}
