/**
 * The runtime configuration the gateway embeds in the page as
 * `<script id="playground-config" type="application/json">`.
 */

/** What the server tells the page (see serve-playground.ts). */
export interface PlaygroundConfig {
  /** Path (or URL) of the GraphQL endpoint, for HTTP and graphql-ws alike. */
  endpoint: string;
  /** Initial contents of the headers editor (a JSON object as text), if any. */
  defaultHeaders?: string;
}

export const CONFIG_ELEMENT_ID = 'playground-config';

const FALLBACK: PlaygroundConfig = { endpoint: '/graphql' };

/**
 * Reads the embedded configuration. Without one (the Vite dev server) the
 * page talks to `/graphql` on its own origin.
 */
export function readPlaygroundConfig(doc: Document = document): PlaygroundConfig {
  const text = doc.getElementById(CONFIG_ELEMENT_ID)?.textContent;
  if (!text) return FALLBACK;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    console.error('playground: the embedded configuration is not JSON; using defaults');
    return FALLBACK;
  }
  if (typeof raw !== 'object' || raw === null) return FALLBACK;
  const { endpoint, defaultHeaders } = raw as Record<string, unknown>;
  return {
    endpoint: typeof endpoint === 'string' && endpoint !== '' ? endpoint : FALLBACK.endpoint,
    ...(typeof defaultHeaders === 'string' && defaultHeaders !== '' ? { defaultHeaders } : {}),
  };
}
