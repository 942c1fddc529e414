import { resolve } from 'node:path';
import { z } from 'zod';
import { isValidNetwork, NETWORK_RANGES } from './platform/outbound/url-policy.ts';

const intFrom = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  BACKROOM_DATA_DIR: z.string().default('.backroom'),
  BACKROOM_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BACKROOM_DB_POOL_SIZE: intFrom(10),
  BACKROOM_BODY_LIMIT_BYTES: intFrom(1_048_576),
  BACKROOM_FEED_LIMIT_BYTES: intFrom(100 * 1_048_576),
  BACKROOM_STATEMENT_TIMEOUT_MS: intFrom(10_000),
  BACKROOM_ACCESS_TOKEN_TTL_SECONDS: intFrom(900),
  BACKROOM_SESSION_TTL_SECONDS: intFrom(8 * 3600),
  BACKROOM_PASSWORD_MAX_AGE_DAYS: intFrom(90),
  BACKROOM_PASSWORD_HISTORY: intFrom(4),
  BACKROOM_LOCKOUT_THRESHOLD: intFrom(6),
  BACKROOM_LOCKOUT_MINUTES: intFrom(30),
  BACKROOM_IDEMPOTENCY_TTL_HOURS: intFrom(24),
  BACKROOM_WORKER_CONCURRENCY: intFrom(4),
  BACKROOM_SHUTDOWN_GRACE_MS: intFrom(10_000),
  BACKROOM_SMTP_URL: z.string().url().optional(),
  BACKROOM_MAIL_FROM: z.string().default('Backroom <backroom@localhost>'),
  BACKROOM_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('0,5s,5m,30m,2h,5h,10h,10h')
    .transform((value, context) => parseSchedule(value, context)),
  BACKROOM_WEBHOOK_BULK_LIMIT: intFrom(5000),
  BACKROOM_OUTBOUND_MAX_RESPONSE_BYTES: intFrom(1_048_576),
  BACKROOM_OUTBOUND_ALLOWED_NETWORKS: z
    .string()
    .default('loopback,private,uniqueLocal')
    .transform((value, context) => parseNetworks(value, context)),
  BACKROOM_WORKER_LIVENESS_MS: intFrom(30_000),
  BACKROOM_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  BACKROOM_INTEGRATION_RETENTION_DAYS: intFrom(30),
  BACKROOM_SPI_BREAKER_ERROR_PERCENT: intFrom(50),
  BACKROOM_SPI_BREAKER_MIN_CALLS: intFrom(5),
  BACKROOM_SPI_BREAKER_WINDOW_MS: intFrom(10_000),
  BACKROOM_SPI_BREAKER_RESET_MS: intFrom(30_000),
});

const DURATION = /^(\d+)(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `0,5s,5m,30m` → delays in milliseconds before each attempt. */
function parseSchedule(value: string, context: z.RefinementCtx): number[] {
  const delays = value.split(',').map((part) => {
    const match = DURATION.exec(part.trim());
    if (!match) return Number.NaN;
    return Number(match[1]) * UNIT_MS[(match[2] ?? 'ms') as keyof typeof UNIT_MS];
  });
  if (delays.length === 0 || delays.some((delay) => !Number.isSafeInteger(delay))) {
    context.addIssue({
      code: 'custom',
      message: 'must be a comma-separated list of delays such as 0,5s,5m,2h',
    });
  }
  return delays;
}

/** `loopback,10.20.0.0/16` → the entries; empty allows public addresses only. */
function parseNetworks(value: string, context: z.RefinementCtx): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries.filter((entry) => !isValidNetwork(entry))) {
    context.addIssue({
      code: 'custom',
      message: `"${entry}" must be one of ${NETWORK_RANGES.join(', ')} or a CIDR such as 10.20.0.0/16`,
    });
  }
  return [...new Set(entries)];
}

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  dbPoolSize: number;
  bodyLimitBytes: number;
  feedLimitBytes: number;
  statementTimeoutMs: number;
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  password: { maxAgeDays: number; history: number; lockoutThreshold: number; lockoutMinutes: number };
  idempotencyTtlHours: number;
  workerConcurrency: number;
  shutdownGraceMs: number;
  /** SMTP server for outgoing e-mail (`smtp://user:pass@host:port`); without one, e-mails are recorded as skipped. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Delay before each webhook attempt, in milliseconds; the first is usually 0. */
  webhookRetryScheduleMs: number[];
  /** Most webhook deliveries one repost by search, resume or sweep batch changes in one statement. */
  webhookBulkLimit: number;
  outboundMaxResponseBytes: number;
  /**
   * The most any tenant's `allowedNetworks` may open: non-public ranges outbound calls may ever reach. Tenant
   * settings can only narrow it; cloud metadata addresses need `metadata` here.
   */
  outboundAllowedNetworks: string[];
  /** A worker process silent for this long is dead, and its running jobs are given to the living. */
  workerLivenessMs: number;
  /** Where `backroom worker` serves /metrics and /healthz (on `host`); unset: it serves nothing. */
  metricsPort: number | undefined;
  /** Connector calls, finished webhook deliveries and finished e-mails older than this are purged daily. */
  integrationRetentionDays: number;
  /**
   * SPI circuit breaker, one per connector per node: it opens when more than `errorPercent` of the calls in the
   * last `windowMs` failed (once there were at least `minCalls`), and lets one call try again after `resetMs`.
   */
  spiBreaker: { errorPercent: number; minCalls: number; windowMs: number; resetMs: number };
}

export class ConfigError extends Error {}

/** Reads the environment once at start; a bad value stops Backroom with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.BACKROOM_DATA_DIR),
    publicUrl: e.BACKROOM_PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    dbPoolSize: e.BACKROOM_DB_POOL_SIZE,
    bodyLimitBytes: e.BACKROOM_BODY_LIMIT_BYTES,
    feedLimitBytes: e.BACKROOM_FEED_LIMIT_BYTES,
    statementTimeoutMs: e.BACKROOM_STATEMENT_TIMEOUT_MS,
    accessTokenTtlSeconds: e.BACKROOM_ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlSeconds: e.BACKROOM_SESSION_TTL_SECONDS,
    password: {
      maxAgeDays: e.BACKROOM_PASSWORD_MAX_AGE_DAYS,
      history: e.BACKROOM_PASSWORD_HISTORY,
      lockoutThreshold: e.BACKROOM_LOCKOUT_THRESHOLD,
      lockoutMinutes: e.BACKROOM_LOCKOUT_MINUTES,
    },
    idempotencyTtlHours: e.BACKROOM_IDEMPOTENCY_TTL_HOURS,
    workerConcurrency: e.BACKROOM_WORKER_CONCURRENCY,
    shutdownGraceMs: e.BACKROOM_SHUTDOWN_GRACE_MS,
    smtpUrl: e.BACKROOM_SMTP_URL,
    mailFrom: e.BACKROOM_MAIL_FROM,
    webhookRetryScheduleMs: e.BACKROOM_WEBHOOK_RETRY_SCHEDULE,
    webhookBulkLimit: e.BACKROOM_WEBHOOK_BULK_LIMIT,
    outboundMaxResponseBytes: e.BACKROOM_OUTBOUND_MAX_RESPONSE_BYTES,
    outboundAllowedNetworks: e.BACKROOM_OUTBOUND_ALLOWED_NETWORKS,
    workerLivenessMs: e.BACKROOM_WORKER_LIVENESS_MS,
    metricsPort: e.BACKROOM_METRICS_PORT,
    integrationRetentionDays: e.BACKROOM_INTEGRATION_RETENTION_DAYS,
    spiBreaker: {
      errorPercent: e.BACKROOM_SPI_BREAKER_ERROR_PERCENT,
      minCalls: e.BACKROOM_SPI_BREAKER_MIN_CALLS,
      windowMs: e.BACKROOM_SPI_BREAKER_WINDOW_MS,
      resetMs: e.BACKROOM_SPI_BREAKER_RESET_MS,
    },
  };
}
