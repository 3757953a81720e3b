/**
 * GWS HTTP sessions (JSESSIONID) with their CSRF tokens, and the request
 * authentication rule: HTTP Basic, or a valid session cookie.
 *
 * Rule for mixed credentials (documented choice): when valid Basic
 * credentials come with the session cookie of another user, that cookie is
 * ignored, the request acts as the Basic user, and a GET gets a new session
 * for him. A session never acts for anybody but its owner.
 *
 * With several JSESSIONID cookies the first one that names a live session
 * wins, as Jetty does: this is what makes a shared client cookie store leak.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { cookieValues } from './cookies.js';
import type { DemoUser } from './demo-users.js';

/** The session cookie name GWS (a servlet container) uses. */
export const SESSION_COOKIE = 'JSESSIONID';

/** One HTTP session: belongs to one user, carries one CSRF token for its whole life. */
export interface HttpSession {
  readonly id: string;
  readonly username: string;
  readonly csrfToken: string;
}

/** Who a request is, if anybody. `session` is absent when no session of that user came along. */
export type RequestIdentity =
  | { readonly ok: false }
  | { readonly ok: true; readonly user: DemoUser; readonly session: HttpSession | undefined };

/** In-memory session store plus the authentication rule. */
export class HttpSessions {
  readonly #sessions = new Map<string, HttpSession>();
  readonly #users: ReadonlyMap<string, DemoUser>;

  constructor(users: readonly DemoUser[]) {
    this.#users = new Map(users.map((u) => [u.username, u]));
  }

  /** Opens a new session for a user. */
  create(username: string): HttpSession {
    const session: HttpSession = {
      id: randomBytes(16).toString('hex').toUpperCase(),
      username,
      csrfToken: randomUUID(),
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** Drops every session (a GWS restart). */
  clear(): void {
    this.#sessions.clear();
  }

  /** The first JSESSIONID cookie naming a live session, optionally only sessions of one user. */
  fromCookies(cookieHeader: string | undefined, username?: string): HttpSession | undefined {
    for (const id of cookieValues(cookieHeader, SESSION_COOKIE)) {
      const session = this.#sessions.get(id);
      if (session && (username === undefined || session.username === username)) return session;
    }
    return undefined;
  }

  /** Applies the authentication rule to a REST request. */
  identify(req: IncomingMessage): RequestIdentity {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const user = this.#checkBasic(authorization);
      if (!user) return { ok: false };
      return { ok: true, user, session: this.fromCookies(req.headers.cookie, user.username) };
    }
    const session = this.fromCookies(req.headers.cookie);
    const user = session && this.#users.get(session.username);
    return user ? { ok: true, user, session } : { ok: false };
  }

  #checkBasic(header: string): DemoUser | undefined {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = this.#users.get(decoded.slice(0, colon));
    return user && user.password === decoded.slice(colon + 1) ? user : undefined;
  }
}
