/**
 * Which HTTP stream transport an Accept header asks for: server-sent events
 * (`text/event-stream`, the graphql-sse protocol) or Apollo's multipart
 * subscriptions (`multipart/mixed` with a `subscriptionSpec` parameter).
 * Anything else (application/json, application/graphql-response+json, or
 * Apollo's `@defer` form `multipart/mixed;deferSpec=...`) is left to Apollo Server.
 */

export type StreamTransport = 'sse' | 'multipart';

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(',').flatMap((part) => {
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    if (!type) return [];
    const params = new Map<string, string>();
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    }
    const q = Number(params.get('q') ?? '1');
    return [{ type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 1 }];
  });
}

/** The stream transport the client accepts, or undefined for a plain HTTP request. */
export function streamTransportOf(accept: string | undefined): StreamTransport | undefined {
  if (!accept) return undefined;
  let chosen: { transport: StreamTransport; q: number } | undefined;
  for (const range of parseAccept(accept)) {
    if (range.q <= 0) continue;
    const transport: StreamTransport | undefined =
      range.type === 'text/event-stream'
        ? 'sse'
        : range.type === 'multipart/mixed' && range.params.has('subscriptionspec')
          ? 'multipart'
          : undefined;
    if (transport && (!chosen || range.q > chosen.q)) chosen = { transport, q: range.q };
  }
  return chosen?.transport;
}
