/**
 * A session's tough-cookie jar, and got's cookie jar over it with the Cookie
 * header cached. got asks its `cookieJar` for the header of every request
 * (`getCookieString`: domain and path matching, the public-suffix check,
 * sorting, a promise) and hands it every Set-Cookie (`setCookie`); the
 * header changes only when the jar does (a Set-Cookie through got or the
 * CometD transport, a reset), when a cookie in it expires, or for a URL that
 * another cookie's path matches differently. The cache is dropped on each of
 * these, so the header sent is the one `jar.getCookieString(url)` would give
 * at that moment; a hit also does what getCookieString does to the jar
 * (the sent cookies' `lastAccessed`, which tough-cookie's Max-Age counts from).
 */
import { CookieJar, MemoryCookieStore, pathMatch, type Cookie, type ErrorCallback } from 'tough-cookie';

/** MemoryCookieStore counting its changes: every write goes through one of these five methods. */
class VersionedStore extends MemoryCookieStore {
  version = 0;

  override putCookie(cookie: Cookie): Promise<void>;
  override putCookie(cookie: Cookie, callback: ErrorCallback): void;
  override putCookie(cookie: Cookie, callback?: ErrorCallback): Promise<void> | void {
    this.version++;
    return callback ? super.putCookie(cookie, callback) : super.putCookie(cookie);
  }

  override updateCookie(oldCookie: Cookie, newCookie: Cookie): Promise<void>;
  override updateCookie(oldCookie: Cookie, newCookie: Cookie, callback: ErrorCallback): void;
  override updateCookie(oldCookie: Cookie, newCookie: Cookie, callback?: ErrorCallback): Promise<void> | void {
    this.version++;
    return callback ? super.updateCookie(oldCookie, newCookie, callback) : super.updateCookie(oldCookie, newCookie);
  }

  override removeCookie(domain: string, path: string, key: string): Promise<void>;
  override removeCookie(domain: string, path: string, key: string, callback: ErrorCallback): void;
  override removeCookie(domain: string, path: string, key: string, callback?: ErrorCallback): Promise<void> | void {
    this.version++;
    return callback ? super.removeCookie(domain, path, key, callback) : super.removeCookie(domain, path, key);
  }

  override removeCookies(domain: string, path: string): Promise<void>;
  override removeCookies(domain: string, path: string, callback: ErrorCallback): void;
  override removeCookies(domain: string, path: string, callback?: ErrorCallback): Promise<void> | void {
    this.version++;
    return callback ? super.removeCookies(domain, path, callback) : super.removeCookies(domain, path);
  }

  override removeAllCookies(): Promise<void>;
  override removeAllCookies(callback: ErrorCallback): void;
  override removeAllCookies(callback?: ErrorCallback): Promise<void> | void {
    this.version++;
    return callback ? super.removeAllCookies(callback) : super.removeAllCookies();
  }

  /** Every cookie held (the memory store answers synchronously). */
  allCookies(): Cookie[] {
    let all: Cookie[] = [];
    this.getAllCookies((error, cookies) => {
      if (!error && cookies) all = cookies;
    });
    return all;
  }
}

interface Cached {
  version: number;
  /** scheme://host[:port] of the URL it was derived for: domain matching and `Secure` depend on nothing else. */
  origin: string;
  /** Every cookie path in the jar, and whether it matched: another URL with the same answers gets the same cookies. */
  paths: { path: string; matches: boolean }[];
  /** The cookies sent, in order. */
  sent: Cookie[];
  header: string;
}

/** The origin and path of an absolute URL as got builds it (no parsing). */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  if (slash < 0) return { origin: url, path: '/' };
  let end = url.length;
  for (let i = slash; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x3f || c === 0x23) {
      end = i;
      break;
    }
  }
  return { origin: url.slice(0, slash), path: url.slice(slash, end) };
}

/** got's `cookieJar` over one tough-cookie jar (`jar`, also the CometD transport's), with the Cookie header cached. */
export class SessionCookies {
  readonly #store = new VersionedStore();
  /** The jar itself: the CometD transport's, and resets. */
  readonly jar = new CookieJar(this.#store);
  #cached: Cached | undefined;

  /** For got: the Cookie header of a request to `url`. */
  getCookieString(url: string): Promise<string> {
    return Promise.resolve(this.header(url));
  }

  /** For got: a Set-Cookie of a response from `url` (rejects as tough-cookie does; got then fails the request). */
  setCookie(rawCookie: string, url: string): Promise<unknown> {
    return this.jar.setCookie(rawCookie, url);
  }

  /** What `jar.getCookieStringSync(url)` gives now, derived again only when it may differ. */
  header(url: string): string {
    const { origin, path } = splitUrl(url);
    const c = this.#cached;
    if (c && c.version === this.#store.version && c.origin === origin && c.paths.every((p) => pathMatch(path, p.path) === p.matches)) {
      const now = Date.now();
      // A sent cookie that has expired is getCookieString's to drop (a change of the jar).
      if (c.sent.every((cookie) => !expired(cookie, now))) {
        const accessed = new Date(now);
        for (const cookie of c.sent) cookie.lastAccessed = accessed;
        return c.header;
      }
    }
    const sent = this.jar.getCookiesSync(url);
    const header = sent.map((cookie) => cookie.cookieString()).join('; ');
    // Read after getCookiesSync: dropping an expired cookie is a change too.
    const paths = [...new Set(this.#store.allCookies().map((cookie) => cookie.path).filter((p): p is string => typeof p === 'string'))];
    this.#cached = { version: this.#store.version, origin, paths: paths.map((p) => ({ path: p, matches: pathMatch(path, p) })), sent, header };
    return header;
  }
}

/** tough-cookie's own test in getCookies. */
function expired(cookie: Cookie, now: number): boolean {
  const expiry = cookie.expiryTime();
  return expiry !== undefined && expiry <= now;
}
