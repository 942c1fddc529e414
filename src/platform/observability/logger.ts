import pino, { type DestinationStream, type Level, type Logger } from 'pino';

/** Never logged: credentials in headers, and any field that carries a secret. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.password',
  '*.newPassword',
  '*.client_secret',
  '*.clientSecret',
  '*.api_key',
  '*.apiKey',
  '*.secret',
  '*.token',
  '*.access_token',
];

/** The one logger configuration of Backroom: JSON lines, secrets redacted. */
export function createLogger(level: Level | 'silent', destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
