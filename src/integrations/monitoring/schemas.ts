import { z } from 'zod';

export const healthParams = z.strictObject({
  id: z.string().max(200).describe('The connector id.'),
});

export const healthQuery = z.strictObject({
  windowHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(720)
    .default(24)
    .describe('How many hours back the counts and latencies reach, 1–720.'),
});

const epochMs = (description: string) => z.number().int().describe(`${description} Epoch milliseconds.`);

export const connectorHealthSchema = z
  .object({
    connectorId: z.string(),
    windowHours: z.number().int(),
    calls: z.number().int().describe('Calls recorded in the window: webhook attempts and SPI calls.'),
    succeeded: z.number().int(),
    failed: z.number().int().describe('Includes calls refused while the circuit breaker was open.'),
    successRate: z.number().min(0).max(1).optional().describe('succeeded / calls; absent without calls.'),
    p50LatencyMs: z
      .number()
      .optional()
      .describe('Median latency of the calls that went out, to a tenth of a millisecond.'),
    p95LatencyMs: z.number().optional(),
    lastError: z
      .object({
        at: epochMs('When the failed call started.'),
        statusCode: z.number().int().optional(),
        failure: z.string().describe('http_status, timeout, network, error_body, invalid_response, …'),
        message: z.string().optional().describe('The error, with secrets redacted.'),
      })
      .optional()
      .describe('The latest failed call, in the window or before it; absent if none.'),
    lastSuccessAt: epochMs('The latest successful call, in the window or before it.').optional(),
    failingSince: epochMs('The first failure of the current unbroken run of failures.').optional(),
    enabled: z.boolean(),
    disabledAt: epochMs('When the connector was disabled.').optional(),
    disabledReason: z.string().optional(),
  })
  .meta({
    id: 'ConnectorHealth',
    example: {
      connectorId: '3f0c9a52-7d1e-4c61-9a43-2b8f5e0d6c11',
      windowHours: 24,
      calls: 1200,
      succeeded: 1188,
      failed: 12,
      successRate: 0.99,
      p50LatencyMs: 84,
      p95LatencyMs: 310.5,
      lastError: {
        at: 1763800000000,
        statusCode: 503,
        failure: 'http_status',
        message: 'HTTP 503',
      },
      lastSuccessAt: 1763800060000,
      enabled: true,
    },
  });

export type ConnectorHealth = z.output<typeof connectorHealthSchema>;
export type HealthQuery = z.output<typeof healthQuery>;
