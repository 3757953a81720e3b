/**
 * One user's upstream HTTP session with GWS: the credential as the client
 * sent it, a private cookie jar (JSESSIONID, load-balancer cookies) and the
 * CSRF header name and token. The CometD session of the same user rides on
 * the same jar, as GWS requires.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { CookieJar } from 'tough-cookie';

/** CSRF header name and value GWS gave on a GET (gws-notes.md). */
export interface CsrfToken {
  header: string;
  token: string;
}

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
  /** One jar for the session's life: the CometD session holds it too, so reset empties it in place. */
  readonly jar = new CookieJar();
  csrf: CsrfToken | undefined;
  /** An in-flight bootstrap (GET /api/v2/me), shared by concurrent requests. */
  bootstrapping: Promise<void> | undefined;

  constructor(authorization: string) {
    this.#authorization = authorization;
    this.key = credentialKey(authorization);
  }

  get authorization(): string {
    return this.#authorization;
  }

  /** Forgets the GWS session: the next request starts a new one. */
  reset(): void {
    this.jar.removeAllCookiesSync();
    this.csrf = undefined;
  }

  /** Keeps credentials out of logs and error dumps. */
  toJSON(): { key: string } {
    return { key: this.key };
  }
}
