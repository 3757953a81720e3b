/**
 * The one pino logger factory. Every secret a request can carry is censored by
 * key name at any depth of a logged object (an error's `options.headers`, a
 * reply's `headers`, a connection's params...), so a log line can never show a
 * credential, a cookie or a CSRF token. pino's `redact` paths cannot express
 * "any depth", so a log formatter walks the object instead.
 */
import { pino, stdSerializers, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values are censored wherever they appear, compared case-insensitively. */
export const REDACTED_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'token',
  'csrftoken',
  'x-csrf-token',
  'accesstoken',
  'access_token',
  'refreshtoken',
  'refresh_token',
  'client_secret',
]);

const CENSOR = '[redacted]';
/** Deeper than any log line needs; what lies below is summarised, which also bounds the walk's cost. */
const MAX_DEPTH = 12;

const isRedactedKey = (key: string): boolean => REDACTED_KEYS.has(key.toLowerCase());

/**
 * A copy of `value` with every redacted key censored at any depth. Errors are
 * serialized first (pino's own err serializer: type, message, stack and their
 * enumerable fields), objects with `toJSON` (got's Options) are read as JSON
 * would read them, cycles become "[Circular]".
 */
export function redactDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  try {
    if (value instanceof Error) return redactDeep(stdSerializers.err(value), depth, seen);
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return redactDeep(toJSON.call(value), depth + 1, seen);
    if (Array.isArray(value)) return redactArray(value, depth, seen);
    if (value instanceof Map) return redactDeep(Object.fromEntries(value), depth, seen);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      out[key] = isRedactedKey(key) && child !== undefined && child !== null ? CENSOR : redactDeep(child, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Arrays, including Node's rawHeaders shape ['Authorization', 'Basic ...', ...]: the value after a secret name is censored. */
function redactArray(values: unknown[], depth: number, seen: WeakSet<object>): unknown[] {
  return values.map((item, i) => {
    const previous = values[i - 1];
    if (typeof item === 'string' && typeof previous === 'string' && i % 2 === 1 && isRedactedKey(previous)) return CENSOR;
    return redactDeep(item, depth + 1, seen);
  });
}

/**
 * A child's bindings (`logger.child({ ... })`) bypass pino's log formatter, so
 * they are also censored by path, up to two levels down.
 */
const BINDING_PATHS = [...REDACTED_KEYS].flatMap((key) => {
  const k = `["${key}"]`;
  return [k, `*${k}`, `*.*${k}`];
});

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
    formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
    redact: { paths: BINDING_PATHS, censor: CENSOR },
    // Errors arrive already serialized and censored by the formatter; keep them as they are.
    serializers: { err: (err: unknown) => err },
  };
  return settings.stream ? pino(options, settings.stream) : pino(options);
}

/** A logger that writes nothing, for tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
