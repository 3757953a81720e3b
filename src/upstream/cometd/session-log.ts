/**
 * A session's logger without a pino child per session: the session's fields
 * (user, session name, component) are merged into each line it writes, so
 * an idle session holds one small object instead of two pino children
 * (about 1 KB of heap per user, bench/RESULTS.md phase c). Lines look the
 * same, and the fields pass the log formatter's redaction like any other.
 */
import type { Logger } from '../../logger.js';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** What the CometD session, its client and its transport log through. */
export interface SessionLog {
  isLevelEnabled(level: Level): boolean;
  trace(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Writes through `parent`, adding `fields` to every line; nothing is built for a level that is off. */
export class BoundLog implements SessionLog {
  readonly #parent: Logger;
  readonly #fields: Readonly<Record<string, unknown>>;

  constructor(parent: Logger, fields: Readonly<Record<string, unknown>>) {
    this.#parent = parent;
    this.#fields = fields;
  }

  isLevelEnabled(level: Level): boolean {
    return this.#parent.isLevelEnabled(level);
  }

  trace(fields: object, message: string): void {
    if (this.#parent.isLevelEnabled('trace')) this.#parent.trace({ ...this.#fields, ...fields }, message);
  }

  debug(fields: object, message: string): void {
    if (this.#parent.isLevelEnabled('debug')) this.#parent.debug({ ...this.#fields, ...fields }, message);
  }

  info(fields: object, message: string): void {
    if (this.#parent.isLevelEnabled('info')) this.#parent.info({ ...this.#fields, ...fields }, message);
  }

  warn(fields: object, message: string): void {
    if (this.#parent.isLevelEnabled('warn')) this.#parent.warn({ ...this.#fields, ...fields }, message);
  }

  error(fields: object, message: string): void {
    if (this.#parent.isLevelEnabled('error')) this.#parent.error({ ...this.#fields, ...fields }, message);
  }
}
