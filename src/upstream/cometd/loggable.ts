/**
 * What of an error or URL may reach a log line: never headers, cookies or
 * credentials.
 */

/**
 * Name, message and stack only. Errors from HTTP clients carry their request
 * options (got's RequestError has an enumerable `options` with the headers
 * and cookie jar), which a logger's error serializer would print.
 */
export function loggableError(value: unknown): { type: string; message: string; stack?: string } {
  if (value instanceof Error) {
    return value.stack === undefined
      ? { type: value.name, message: value.message }
      : { type: value.name, message: value.message, stack: value.stack };
  }
  return { type: typeof value, message: String(value) };
}

/** The URL without credentials, query or fragment. */
export function loggableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '[invalid url]';
  }
}
