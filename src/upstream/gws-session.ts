/**
 * One user's upstream HTTP session with GWS: the credential as the client
 * sent it, a private cookie jar (JSESSIONID, load-balancer cookies) and the
 * CSRF header name and token. The CometD session of the same user rides on
 * the same jar, as GWS requires.
 *
 * Its life is one state union ({@link GwsSessionState}); every bootstrap
 * (GET /api/v2/me) starts a new generation, and a reset names the generation
 * that failed, so a stale failure (REST or CometD) cannot wipe a session
 * another caller has just obtained.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { CookieJar } from 'tough-cookie';
import { ErrorCode, errorCodeOf, gatewayError } from '../errors.js';
import { SessionCookies } from './cookie-header.js';

/** CSRF header name and value GWS gave on a GET (gws-notes.md). */
export interface CsrfToken {
  header: string;
  token: string;
}

/**
 * - `unverified`: GWS never accepted this credential yet.
 * - `bootstrapping`: GET /api/v2/me in flight (shared by every caller); `generation` is the one it will be.
 * - `ready`: GWS accepted it; the jar holds the session of `generation`, `csrf` its token.
 * - `expired`: GWS accepted it once, then lost the session; the next request bootstraps a new one.
 * - `refused`: GWS refused the credential (401/403 on the bootstrap).
 * - `disposed`: dropped by its owner; nothing may use it.
 */
export type GwsSessionState =
  | { readonly state: 'unverified' }
  | { readonly state: 'bootstrapping'; readonly generation: number; readonly done: Promise<void> }
  | { readonly state: 'ready'; readonly generation: number; readonly csrf: CsrfToken }
  | { readonly state: 'expired'; readonly generation: number }
  | { readonly state: 'refused' }
  | { readonly state: 'disposed' };

// A per-process key, so credential hashes are worthless outside this process;
// instances sharing a Redis set one shared key instead (useCredentialHashKey).
let HASH_KEY: Buffer = randomBytes(32);

/** Sets the HMAC key of credential hashes (CREDENTIAL_HASH_KEY, the same on every instance); call before the first request. */
export function useCredentialHashKey(key: string): void {
  HASH_KEY = Buffer.from(key, 'utf8');
}

/** The cache key of a credential: an HMAC, never the credential itself. */
export function credentialKey(authorization: string): string {
  return createHmac('sha256', HASH_KEY).update(authorization).digest('base64url');
}

export class GwsSession {
  /** HMAC of the credential; safe to log. */
  readonly key: string;
  /** Kept private to this object; never logged. */
  readonly #authorization: string;
  /** got's cookie jar of this session: the jar below, with the Cookie header cached until it changes. */
  readonly cookies = new SessionCookies();
  /** One jar for the session's life: the CometD session holds it too, so a reset empties it in place. */
  readonly jar: CookieJar = this.cookies.jar;
  #state: GwsSessionState = { state: 'unverified' };
  #generations = 0;
  #inFlight = 0;

  constructor(authorization: string) {
    this.#authorization = authorization;
    this.key = credentialKey(authorization);
  }

  get authorization(): string {
    return this.#authorization;
  }

  get state(): GwsSessionState {
    return this.#state;
  }

  /** The CSRF token of the ready session, if it is ready. */
  get csrf(): CsrfToken | undefined {
    return this.#state.state === 'ready' ? this.#state.csrf : undefined;
  }

  /** The generation whose cookies the jar holds now (0 before the first bootstrap). */
  get generation(): number {
    return this.#state.state === 'ready' || this.#state.state === 'bootstrapping' || this.#state.state === 'expired'
      ? this.#state.generation
      : this.#generations;
  }

  /** Upstream requests of this session now in flight (a session in use is never evicted). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Counts one request in flight until the returned release is called. */
  hold(): () => void {
    this.#inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
    };
  }

  /**
   * Makes sure there is a ready session: resolves at once when ready, joins
   * the bootstrap in flight, or starts one with `run` (which performs
   * GET /api/v2/me and resolves with the CSRF token). The bootstrap belongs to
   * no caller: it runs to its end whoever stops waiting.
   */
  ensure(run: () => Promise<CsrfToken>): Promise<void> {
    const current = this.#state;
    switch (current.state) {
      case 'ready':
        return Promise.resolve();
      case 'bootstrapping':
        return current.done;
      case 'disposed':
        return Promise.reject(closedError());
      case 'unverified':
      case 'expired':
      case 'refused':
        break;
    }
    const generation = ++this.#generations;
    const done = run().then(
      (csrf) => {
        if (this.#isBootstrapping(generation)) this.#state = { state: 'ready', generation, csrf };
      },
      (error: unknown) => {
        if (this.#isBootstrapping(generation)) {
          this.#state = errorCodeOf(error) === ErrorCode.UNAUTHENTICATED ? { state: 'refused' } : current;
        }
        throw error;
      },
    );
    // Callers that stopped waiting must not turn a failure into an unhandled rejection.
    done.catch(() => undefined);
    this.#state = { state: 'bootstrapping', generation, done };
    return done;
  }

  /**
   * Forgets the GWS session of `generation` after GWS refused a request made
   * with it. Does nothing when a newer session is ready or being made: the
   * failure is stale. Returns whether it reset.
   */
  invalidate(generation: number): boolean {
    const current = this.#state;
    if (current.state !== 'ready' || current.generation !== generation) return false;
    this.jar.removeAllCookiesSync();
    this.#state = { state: 'expired', generation };
    return true;
  }

  /** Takes a newer CSRF token GWS gave on a GET made with the ready session of `generation`. */
  updateCsrf(generation: number, csrf: CsrfToken): void {
    if (this.#state.state === 'ready' && this.#state.generation === generation) this.#state = { state: 'ready', generation, csrf };
  }

  /** Ends the session for good: cookies dropped, every later use refused. */
  dispose(): void {
    this.jar.removeAllCookiesSync();
    this.#state = { state: 'disposed' };
  }

  #isBootstrapping(generation: number): boolean {
    return this.#state.state === 'bootstrapping' && this.#state.generation === generation;
  }

  /** Keeps credentials out of logs and error dumps. */
  toJSON(): { key: string; state: GwsSessionState['state'] } {
    return { key: this.key, state: this.#state.state };
  }
}

function closedError(): Error {
  return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'This upstream session was closed; send the request again', {
    upstreamErrorCode: 'SESSION_CLOSED',
  });
}
