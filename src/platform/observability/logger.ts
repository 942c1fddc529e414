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

/** Query parameters that carry credentials: signed download links put their token in the URL. */
const SECRET_QUERY = /([?&](?:token|api_key)=)[^&#]*/gi;

interface LoggedRequest {
  url?: string;
  [field: string]: unknown;
}

/** The one logger configuration of Backroom: JSON lines, secrets redacted, in URLs too. */
export function createLogger(level: Level | 'silent', destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: req.url?.replace(SECRET_QUERY, '$1[redacted]'),
        host: req.host,
        remoteAddress: req.ip,
        headers: req.headers,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
