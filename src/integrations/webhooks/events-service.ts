import type { Ctx } from '../../platform/context.ts';
import { decodeCursor, type Page, toPage } from '../../platform/http/pagination.ts';
import { Problem } from '../../platform/http/problems.ts';
import { isUuid } from '../../platform/uuid.ts';
import * as repo from './events-repo.ts';
import type {
  RepostRequest,
  RepostResult,
  WebhookAttempt,
  WebhookEvent,
  WebhookEventDetail,
  WebhookEventListQuery,
} from './events-schemas.ts';

const epoch = (date: Date | null) => date?.getTime();

/** Absent fields are absent, not null. */
function present<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function toWebhookEvent(row: Omit<repo.DeliveryRow, 'cursorAt'>): WebhookEvent {
  return {
    id: row.id,
    connectorId: row.connectorId,
    connectorName: row.connectorName,
    endpointName: row.endpointName,
    eventType: row.eventType,
    eventId: row.eventId,
    status: row.status,
    attempts: row.attempts,
    totalAttempts: row.totalAttempts,
    ...present('lastStatusCode', row.lastStatusCode),
    ...present('lastError', row.lastError),
    createdAt: row.createdAt.getTime(),
    ...present('lastAttemptAt', epoch(row.lastAttemptAt)),
    ...present('nextAttemptAt', epoch(row.nextAttemptAt)),
    ...present('succeededAt', epoch(row.succeededAt)),
    ...present('failedAt', epoch(row.failedAt)),
    ...present('repostedAt', epoch(row.repostedAt)),
  };
}

function toAttempt(row: Awaited<ReturnType<typeof repo.attemptRows>>[number]): WebhookAttempt {
  return {
    at: row.startedAt.getTime(),
    ...present('statusCode', row.statusCode),
    latencyMs: row.latencyMs,
    outcome: row.outcome,
    ...present('failure', row.failure),
    ...present('error', row.error),
    ...present('responseExcerpt', row.responseExcerpt),
    reposted: row.reposted,
  };
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
/** The end of year 9999, the last moment a cursor may name. */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A creation time as the list encodes it: the shape, and a real moment from 1970 to year 9999 that is
 * exactly the one written (no 13th month, no 30 February), so PostgreSQL takes it.
 */
function isCursorTime(value: unknown): value is string {
  if (typeof value !== 'string' || !CURSOR_AT.test(value)) return false;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms < 0 || ms > LAST_MS) return false;
  return new Date(ms).toISOString() === `${value.slice(0, 23)}Z`;
}

function cursorOf(cursor: string | undefined): repo.DeliveryCursor | undefined {
  if (cursor === undefined) return undefined;
  const [createdAt, id] = decodeCursor(cursor);
  if (!isCursorTime(createdAt) || typeof id !== 'string' || !isUuid(id)) {
    throw new Problem('invalid_cursor', 'The cursor is not one this API returned; start again without it.', {
      errors: [{ field: 'query.cursor', message: 'not a cursor returned by this API' }],
    });
  }
  return { createdAt, id };
}

/** Deliveries matching the query, newest first. */
export async function listWebhookEvents(ctx: Ctx, query: WebhookEventListQuery): Promise<Page<WebhookEvent>> {
  const { limit, cursor, ...filter } = query;
  const rows = await repo.listDeliveryRows(ctx.tx, filter, { after: cursorOf(cursor), limit: limit + 1 });
  return toPage(rows, limit, (row) => [row.cursorAt, row.id], toWebhookEvent);
}

/** One delivery with the payload it sends and every attempt made. */
export async function getWebhookEvent(ctx: Ctx, id: string): Promise<WebhookEventDetail> {
  const row = await repo.findDeliveryRow(ctx.tx, id);
  if (!row) throw new Problem('not_found', `No webhook event has id "${id}".`);
  const attempts = await repo.attemptRows(ctx.tx, id);
  return { ...toWebhookEvent(row), payload: row.payload, attemptLog: attempts.map(toAttempt) };
}

/**
 * Reposts deliveries by id or by search: each starts the retry schedule again with the same webhook-id, so
 * receivers can tell a repost from a new event. Pending deliveries are already on their way and are skipped.
 * A search reposts at most `webhookBulkLimit` deliveries, the oldest first, and says how many more match.
 * Nothing is reposted if an id is unknown or a delivery goes to a disabled connector.
 */
export async function repostWebhookEvents(ctx: Ctx, request: RepostRequest): Promise<RepostResult> {
  const selection = request.ids ? await idsSelection(ctx, request.ids) : { search: request.search ?? {} };
  const disabled = await repo.disabledConnectorsOf(ctx.tx, selection);
  if (disabled.length > 0) {
    const names = disabled.map((connector) => `"${connector.name}" (${connector.id})`).join(', ');
    throw new Problem(
      'invalid_state',
      `Deliveries to disabled connectors cannot be reposted: ${names}. Enable the connector first.`,
    );
  }
  // Ids are at most MAX_REPOST_IDS: all of them go.
  const limit = 'ids' in selection ? selection.ids.length : ctx.platform.config.webhookBulkLimit;
  const { ids: reposted, remaining } = await repo.repostDeliveries(ctx.tx, selection, ctx.now(), limit);
  if ('ids' in selection) {
    const order = new Map(selection.ids.map((id, index) => [id, index]));
    reposted.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }
  const skipped = 'ids' in selection ? selection.ids.length - reposted.length : 0;
  return { reposted: reposted.length, skipped, remaining, ids: reposted };
}

async function idsSelection(ctx: Ctx, ids: readonly string[]): Promise<{ ids: string[] }> {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const existing = new Set(await repo.existingDeliveryIds(ctx.tx, unique));
  const unknown = unique.filter((id) => !existing.has(id));
  if (unknown.length > 0) {
    throw new Problem(
      'unknown_reference',
      `No webhook event has id ${unknown.map((id) => `"${id}"`).join(', ')}.`,
      {
        errors: unknown.map((id) => ({
          field: `body.ids.${ids.findIndex((given) => given.toLowerCase() === id)}`,
          message: 'no webhook event has this id',
        })),
      },
    );
  }
  return { ids: unique };
}
