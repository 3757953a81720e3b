/** Minimal Cookie / Set-Cookie handling: the simulator needs repeated names, which most parsers fold. */

/**
 * All `name=value` pairs of a Cookie header, in order, repeats kept: a client
 * with a shared cookie store sends two JSESSIONIDs, and which one the server
 * picks is exactly what the cookie-trap tests are about.
 */
export function parseCookieHeader(header: string | undefined): Array<[string, string]> {
  if (!header) return [];
  const pairs: Array<[string, string]> = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return pairs;
}

/** Every value of one cookie name, in header order. */
export function cookieValues(header: string | undefined, name: string): string[] {
  return parseCookieHeader(header)
    .filter(([n]) => n === name)
    .map(([, v]) => v);
}

/** A Set-Cookie value with `Path=/` (and HttpOnly when asked). */
export function setCookie(name: string, value: string, httpOnly = false): string {
  return `${name}=${value}; Path=/${httpOnly ? '; HttpOnly' : ''}`;
}

/** Adds Set-Cookie values to a response without dropping ones already set. */
export function appendSetCookie(
  res: { getHeader(name: string): unknown; setHeader(name: string, value: string[]): unknown },
  ...cookies: string[]
): void {
  const existing = res.getHeader('Set-Cookie');
  const list = Array.isArray(existing) ? existing.map(String) : existing === undefined ? [] : [String(existing)];
  res.setHeader('Set-Cookie', [...list, ...cookies]);
}
