/**
 * The graphql-ws `connection_init` payload built from the headers editor.
 * The gateway reads `connectionParams.authorization`, while people type
 * `Authorization` as in HTTP, so every key is lower-cased (HTTP header names
 * are case-insensitive; connectionParams keys are not). No DOM here.
 */
export function connectionParamsFromHeaders(headers: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    params[name.toLowerCase()] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return params;
}

/** A stable key for a set of connection params (order-insensitive). */
export function connectionParamsKey(params: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
