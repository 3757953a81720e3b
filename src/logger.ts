/**
 * The one pino logger factory. Every secret a request can carry is redacted by
 * path, so a log line can never show a credential, a cookie or a CSRF token.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths pino censors wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'csrfToken',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.Cookie',
  '*["set-cookie"]',
  '*["x-csrf-token"]',
  '*["X-CSRF-TOKEN"]',
  '*.password',
  '*.csrfToken',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-csrf-token"]',
  'connectionParams.authorization',
  'payload.authorization',
];

export interface LoggerSettings {
  level?: string;
  /** Extra pino options (tests pass a destination through `stream`). */
  stream?: pino.DestinationStream;
  name?: string;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    name: settings.name ?? 'gateway',
    level: settings.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return settings.stream ? pino(options, settings.stream) : pino(options);
}

/** A logger that writes nothing, for tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
