import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type FieldError, Problem, type ProblemCode, problemBody } from './problems.ts';

const contextNames: Record<string, string> = {
  querystring: 'query',
  body: 'body',
  params: 'params',
  headers: 'headers',
};

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fieldErrors(context: string, issues: ValidationIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const base = [context, ...issue.instancePath.split('/').filter(Boolean)].join('.');
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      return issue.params.keys.map((key) => ({ field: `${base}.${String(key)}`, message: 'unknown field' }));
    }
    return [{ field: base, message: issue.message ?? 'invalid value' }];
  });
}

const fastifyCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

const byStatus: Record<number, ProblemCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'insufficient_scope',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * PostgreSQL errors about a value that cannot be read as its column's type. Inputs are validated before they
 * reach SQL, so these come from one that slipped through (a crafted cursor, say): the client's fault, not ours.
 */
const unreadableValues: Record<string, string> = {
  '22P02': 'is not valid for its type (such as an id that is not a UUID)',
  '22007': 'is not a valid date or time',
  '22008': 'is a date or time out of range',
  '22003': 'is a number out of range',
};

function isUnreadableValue(sqlState: unknown): sqlState is string {
  return typeof sqlState === 'string' && Object.hasOwn(unreadableValues, sqlState);
}

/** Turns anything thrown while handling a request into problem+json; nothing else answers errors. */
export function toProblem(error: FastifyError | Error): Problem {
  if (error instanceof Problem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = contextNames[(error as FastifyError).validationContext ?? 'body'] ?? 'body';
    const errors = fieldErrors(context, error.validation);
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new Problem('validation_failed', detail, { errors });
  }
  const fastifyError = error as FastifyError;
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new Problem('malformed_json', `The body is not valid JSON: ${error.message}`);
  }
  const known =
    fastifyError.code && Object.hasOwn(fastifyCodes, fastifyError.code)
      ? fastifyCodes[fastifyError.code]
      : undefined;
  if (known) return new Problem(known, fastifyError.message);
  // PostgreSQL cannot store the NUL character (\u0000) in text or JSON, whatever field a client puts it in.
  const sqlState = (error as { code?: unknown }).code;
  if (sqlState === '22021' || sqlState === '22P05') {
    return new Problem(
      'validation_failed',
      'A text value contains a character that cannot be stored, such as NUL (\\u0000); remove it.',
    );
  }
  const unreadable = isUnreadableValue(sqlState) ? unreadableValues[sqlState] : undefined;
  if (unreadable) {
    return new Problem(
      'validation_failed',
      `A value in the request ${unreadable}; check the fields and the cursor.`,
    );
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    return new Problem(byStatus[status] ?? 'validation_failed', fastifyError.message);
  }
  return new Problem(
    'internal_error',
    'The request failed unexpectedly; it has been logged with its request id.',
  );
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .type('application/problem+json')
    .serializer(JSON.stringify)
    .send(problemBody(problem, path, request.id));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    // Logged because the value slipped past validation: the check that should have caught it is missing.
    else if (isUnreadableValue((error as { code?: unknown }).code)) {
      request.log.warn({ err: error }, 'the database refused a value of the request');
    }
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new Problem('route_not_found', `No endpoint answers ${request.method} ${request.url}.`),
    ),
  );
}
