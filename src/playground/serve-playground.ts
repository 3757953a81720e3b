/**
 * Serves the bundled GraphiQL playground (built by vite.playground.config.ts)
 * at `GET <endpoint>` to browsers, and its hashed assets under
 * `<endpoint>/playground-assets/`. Every other request on the endpoint (GET
 * queries, POST, WebSocket upgrades) goes on to the next handler: Apollo.
 *
 * Mount it on the app root, before Apollo's middleware:
 * `app.use(playgroundRouter({ defaultHeaders }))`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';

export interface PlaygroundOptions {
  /**
   * Directory holding the Vite build (index.html and assets/).
   * @default dist/playground/client of this repository, found from this module's location (works from src with tsx and from dist)
   */
  assetsDir?: string;
  /**
   * Headers the headers editor starts with, e.g. the simulator's demo
   * credentials. None by default: a user types their own.
   */
  defaultHeaders?: Record<string, string>;
  /**
   * Path of the GraphQL endpoint the page is served at and talks to.
   * @default '/graphql'
   */
  endpoint?: string;
}

/** What the page reads from `<script id="playground-config" type="application/json">`. */
export interface PlaygroundPageConfig {
  endpoint: string;
  defaultHeaders?: string;
}

/** Path segment under the endpoint where the built files are served. */
export const PLAYGROUND_ASSETS_SEGMENT = 'playground-assets';

/** `dist/playground/client` of this repository: `../../` from both src/playground and dist/playground. */
export const DEFAULT_PLAYGROUND_ASSETS_DIR = fileURLToPath(new URL('../../dist/playground/client', import.meta.url));

const NOT_BUILT_MESSAGE =
  'The GraphQL playground is not built. Run `npm run build` (it runs `vite build -c vite.playground.config.ts`), then reload.\n' +
  'GraphQL requests (POST, or GET with a query parameter) work without it.\n';

/** `Authorization: Basic base64(user:password)`, for `defaultHeaders`. */
export function basicAuthorizationHeaders(username: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
}

/**
 * JSON that is safe inside a `<script>` element: `<` can never close the
 * element or open a comment, and `>`, `&`, U+2028/U+2029 are escaped too.
 */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The built index.html with, right after `<head>`: a `<base>` pointing at the
 * assets (the build uses relative URLs) and the page configuration.
 */
export function renderPlaygroundPage(template: string, config: PlaygroundPageConfig, assetsBase: string): string {
  const injected =
    `\n    <base href="${escapeHtmlAttribute(assetsBase)}" />` +
    `\n    <script id="playground-config" type="application/json">${jsonForScriptElement(config)}</script>`;
  const head = /<head(\s[^>]*)?>/i.exec(template);
  if (!head) throw new Error('playground index.html has no <head>');
  const at = head.index + head[0].length;
  return template.slice(0, at) + injected + template.slice(at);
}

// A Host header we are willing to echo into the CSP (no spaces, quotes, semicolons).
const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The page's Content-Security-Policy. Monaco needs no eval: its workers are
 * bundled same-origin module scripts ('self', no blob:). It injects <style>
 * elements and sets style attributes, hence 'unsafe-inline' for styles only.
 * Fonts and a few icons are data: URIs in the CSS. WebSockets go to this host
 * only ('self' covers ws/wss in CSP 3; the explicit ws/wss source is for
 * browsers that predate it).
 */
export function playgroundContentSecurityPolicy(host: string | undefined): string {
  const sockets = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "manifest-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A browser navigating to the endpoint, as opposed to a GraphQL GET request or a WebSocket upgrade. */
export function isPlaygroundPageRequest(req: Request): boolean {
  if (req.headers.upgrade) return false;
  if (!(req.headers.accept ?? '').toLowerCase().includes('text/html')) return false;
  const params = new URL(req.originalUrl, 'http://localhost').searchParams;
  // `extensions` alone is an automatic-persisted-query GET.
  return !params.has('query') && !params.has('extensions');
}

/** The built index.html, re-read only when the file changes (a rebuild while the server runs). */
class TemplateCache {
  #mtimeMs = -1;
  #template = '';

  constructor(private readonly file: string) {}

  /** The template, or undefined when the playground is not built. */
  async get(): Promise<string | undefined> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(this.file)).mtimeMs;
    } catch {
      return undefined;
    }
    if (mtimeMs !== this.#mtimeMs) {
      this.#template = await readFile(this.file, 'utf8');
      this.#mtimeMs = mtimeMs;
    }
    return this.#template;
  }
}

/**
 * The playground's routes: the page at `GET <endpoint>` (browser page loads
 * only) and the built assets at `<endpoint>/playground-assets/assets/*`.
 */
export function playgroundRouter(options: PlaygroundOptions = {}): Router {
  const { assetsDir = DEFAULT_PLAYGROUND_ASSETS_DIR, defaultHeaders, endpoint = '/graphql' } = options;
  const endpointPath = endpoint.replace(/\/+$/, '') || '/';
  const assetsBase = `${endpointPath === '/' ? '' : endpointPath}/${PLAYGROUND_ASSETS_SEGMENT}/`;
  const config: PlaygroundPageConfig = {
    endpoint: endpointPath,
    ...(defaultHeaders && Object.keys(defaultHeaders).length > 0
      ? { defaultHeaders: JSON.stringify(defaultHeaders, null, 2) }
      : {}),
  };
  const template = new TemplateCache(path.join(assetsDir, 'index.html'));
  const router = express.Router();

  router.get(endpointPath, async (req: Request, res: Response, next) => {
    if (!isPlaygroundPageRequest(req)) return next();
    // The same URL answers JSON to API clients: caches must key on Accept.
    res.vary('Accept');
    res.set('Cache-Control', 'no-store');
    res.set('X-Content-Type-Options', 'nosniff');
    const html = await template.get();
    if (html === undefined) {
      res.status(503).type('text/plain; charset=utf-8').send(NOT_BUILT_MESSAGE);
      return;
    }
    res.set('Content-Security-Policy', playgroundContentSecurityPolicy(req.headers.host));
    res.set('Referrer-Policy', 'no-referrer');
    res.type('text/html; charset=utf-8').send(renderPlaygroundPage(html, config, assetsBase));
  });

  const assetsPath = `${assetsBase}assets`;
  // Every file under assets/ has a content hash in its name.
  router.use(
    assetsPath,
    express.static(path.join(assetsDir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '1y',
      redirect: false,
      setHeaders: (res) => res.set('X-Content-Type-Options', 'nosniff'),
    }),
  );
  // A missing asset is a 404 here, not a GraphQL request for Apollo.
  router.use(assetsBase.slice(0, -1), (_req: Request, res: Response) => {
    res.status(404).type('text/plain; charset=utf-8').send('Not found\n');
  });

  return router;
}
