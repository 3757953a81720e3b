/**
 * The CometD client of one session: the library's client with two hooks
 * filled in. Its failure decisions pass through the session (to stop on an
 * authentication failure and to apply our backoff), and its console logging
 * goes to pino as plain text, so a Bayeux message or request object is never
 * dumped whole.
 */
import type { SessionLog } from './session-log.js';
import { CometD, type FailureInfo, type MetaMessage } from './adapter.js';

/** Lets the session amend what the client does after a failure. */
export type FailurePolicy = (message: MetaMessage, info: FailureInfo) => void;

/** A CometD client whose failure handling and logging the session controls. */
export class SessionCometD extends CometD {
  // A plain property, not #private: the base constructor already logs, and
  // reading a #private field before it is initialised throws.
  private readonly sessionLogger: SessionLog | undefined;
  readonly #policy: FailurePolicy;

  constructor(name: string, logger: SessionLog, policy: FailurePolicy) {
    super(name);
    this.sessionLogger = logger;
    this.#policy = policy;
  }

  override onTransportFailure(
    message: MetaMessage,
    failureInfo: FailureInfo,
    failureHandler: (info: FailureInfo) => void,
  ): void {
    // The library fills in action and delay first; the policy then has the
    // last word before the client acts.
    super.onTransportFailure(message, failureInfo, (info) => {
      this.#policy(message, info);
      failureHandler(info);
    });
  }

  override _debug(...args: unknown[]): void {
    if (this.sessionLogger?.isLevelEnabled('trace')) this.sessionLogger.trace({ cometd: describe(args) }, 'cometd client');
  }

  override _info(...args: unknown[]): void {
    this.sessionLogger?.info({ cometd: describe(args) }, 'cometd client');
  }

  override _warn(...args: unknown[]): void {
    this.sessionLogger?.warn({ cometd: describe(args) }, 'cometd client');
  }
}

const MAX_LOGGED_STRING = 200;

// Only strings, numbers and error messages: the client passes whole messages,
// envelopes and request objects to its log calls.
function describe(args: unknown[]): string {
  return args
    .map((arg) => {
      // A string can be a whole reply body: only its beginning is logged.
      if (typeof arg === 'string') return arg.length <= MAX_LOGGED_STRING ? arg : `${arg.slice(0, MAX_LOGGED_STRING)}… (${arg.length} characters)`;
      if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
      if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
      return arg === null || arg === undefined ? String(arg) : '[object]';
    })
    .join(' ');
}
