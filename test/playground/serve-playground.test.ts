/**
 * The playground router on a real Express 5 http server (port 0), serving a
 * Vite build: page loads get the page with its configuration, every
 * GraphQL request goes on to the next handler (Apollo's place), assets are
 * served with a long cache, and nothing in the build points at another host.
 * The build is dist/playground/client, built when missing or stale (build-playground.ts).
 */
import http from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuthorizationHeaders,
  playgroundRouter,
  renderPlaygroundPage,
  type PlaygroundOptions,
} from '../../src/playground/serve-playground.js';
import { BUILD_TIMEOUT_MS, ensurePlaygroundBuild, type PlaygroundBuild } from './build-playground.js';

const DEMO_HEADERS = basicAuthorizationHeaders('agent1', 'agent1pass');
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

interface Server {
  origin: string;
  close(): Promise<void>;
}

/** The router in front of a stand-in for Apollo that says it was reached. */
async function startServer(options: PlaygroundOptions): Promise<Server> {
  const app = express();
  app.use(playgroundRouter(options));
  app.use(options.endpoint ?? '/graphql', (req, res) => {
    res.status(299).json({ reachedNext: true, method: req.method, url: req.originalUrl });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function configOf(html: string): unknown {
  const match = /<script id="playground-config" type="application\/json">([^<]*)<\/script>/.exec(html);
  expect(match, 'the page embeds its configuration').not.toBeNull();
  return JSON.parse(match![1]!);
}

/** Files under dir, relative, recursively. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

let built: PlaygroundBuild;
let server: Server;

beforeAll(async () => {
  built = await ensurePlaygroundBuild();
  server = await startServer({ assetsDir: built.dir, defaultHeaders: DEMO_HEADERS });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await server?.close();
});

describe('GET /graphql from a browser', () => {
  it('serves the built page with the configuration and a strict CSP', async () => {
    const res = await fetch(`${server.origin}/graphql`, { headers: { accept: HTML } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('vary')).toMatch(/accept/i);

    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('blob:');
    expect(csp).not.toMatch(/https?:/);

    const html = await res.text();
    expect(html).toContain('<base href="/graphql/playground-assets/" />');
    expect(configOf(html)).toEqual({
      endpoint: '/graphql',
      defaultHeaders: JSON.stringify({ Authorization: 'Basic YWdlbnQxOmFnZW50MXBhc3M=' }, null, 2),
    });
    expect(html).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js"><\/script>/);
  });

  it('embeds no default headers when none are configured', async () => {
    const bare = await startServer({ assetsDir: built.dir });
    try {
      const html = await (await fetch(`${bare.origin}/graphql`, { headers: { accept: HTML } })).text();
      expect(configOf(html)).toEqual({ endpoint: '/graphql' });
    } finally {
      await bare.close();
    }
  });

  it('follows a custom endpoint path', async () => {
    const custom = await startServer({ assetsDir: built.dir, endpoint: '/api/graphql' });
    try {
      const res = await fetch(`${custom.origin}/api/graphql`, { headers: { accept: HTML } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<base href="/api/graphql/playground-assets/" />');
      expect(configOf(html)).toEqual({ endpoint: '/api/graphql' });
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
      expect((await fetch(`${custom.origin}/api/graphql/playground-assets/${script}`)).status).toBe(200);
    } finally {
      await custom.close();
    }
  });
});

describe('everything else goes on to the next handler', () => {
  const passesThrough = async (res: Response) => {
    expect(res.status).toBe(299);
    expect(await res.json()).toMatchObject({ reachedNext: true });
  };

  it('a GET with a query parameter, even from a browser', async () => {
    await passesThrough(
      await fetch(`${server.origin}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: HTML } }),
    );
  });

  it('an automatic persisted query GET (extensions, no query)', async () => {
    await passesThrough(
      await fetch(`${server.origin}/graphql?extensions=${encodeURIComponent('{"persistedQuery":{}}')}`, {
        headers: { accept: HTML },
      }),
    );
  });

  it('a GET that accepts JSON only', async () => {
    await passesThrough(await fetch(`${server.origin}/graphql`, { headers: { accept: 'application/json' } }));
  });

  it('a GET without Accept', async () => {
    await passesThrough(await fetch(`${server.origin}/graphql`, { headers: { accept: '' } }));
  });

  it('a POST, whatever it accepts', async () => {
    await passesThrough(
      await fetch(`${server.origin}/graphql`, {
        method: 'POST',
        headers: { accept: HTML, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      }),
    );
  });

  it('a request carrying a WebSocket upgrade', async () => {
    // fetch() cannot send Upgrade; a plain request that Express still routes can.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${server.origin}/graphql`,
        { headers: { accept: HTML, upgrade: 'websocket', connection: 'keep-alive' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('upgrade', () => reject(new Error('unexpected upgrade')));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(299);
    expect(JSON.parse(body)).toMatchObject({ reachedNext: true });
  });
});

describe('assets', () => {
  it('serves every built asset with a long immutable cache', async () => {
    const files = await listFiles(path.join(built.dir, 'assets'));
    expect(files.some((f) => f.endsWith('.worker.js') || /worker-[\w-]+\.js$/.test(f))).toBe(true);
    for (const file of files) {
      const res = await fetch(`${server.origin}/graphql/playground-assets/assets/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('cache-control'), file).toBe('public, max-age=31536000, immutable');
      if (file.endsWith('.js')) expect(res.headers.get('content-type'), file).toMatch(/^text\/javascript/);
      if (file.endsWith('.css')) expect(res.headers.get('content-type'), file).toMatch(/^text\/css/);
      await res.arrayBuffer();
    }
  });

  it('answers 404 for a missing asset instead of passing it to Apollo', async () => {
    for (const url of ['/graphql/playground-assets/assets/nope.js', '/graphql/playground-assets/index.html']) {
      const res = await fetch(`${server.origin}${url}`);
      expect(res.status, url).toBe(404);
      await res.arrayBuffer();
    }
  });

  it('the built HTML and CSS name no other host', async () => {
    const files = (await listFiles(built.dir)).filter((f) => /\.(html|css)$/.test(f));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const text = await readFile(path.join(built.dir, file), 'utf8');
      expect(text.match(/https?:\/\/[^\s"'()<>]+/g) ?? [], file).toEqual([]);
      // Protocol-relative URLs in url(), src= or href= would load from another host too.
      expect(text.match(/(?:url\(\s*["']?|(?:src|href)\s*=\s*["'])\/\//g) ?? [], file).toEqual([]);
    }
  });

  it('the built JavaScript imports and fetches nothing from another host', async () => {
    const files = (await listFiles(built.dir)).filter((f) => f.endsWith('.js'));
    for (const file of files) {
      const text = await readFile(path.join(built.dir, file), 'utf8');
      // Absolute URLs in code position (import, fetch, workers, stylesheets, fonts).
      const loads = text.match(/(?:import\s*\(|from|fetch\(|new (?:Shared)?Worker\(|importScripts\()\s*["'`](?:https?:)?\/\/[^"'`]+/g);
      expect(loads ?? [], file).toEqual([]);
    }
  });
});

describe('when the playground is not built', () => {
  it('answers 503 saying to run npm run build, and still passes GraphQL requests on', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'playground-empty-'));
    const unbuilt = await startServer({ assetsDir: empty });
    try {
      const res = await fetch(`${unbuilt.origin}/graphql`, { headers: { accept: HTML } });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toContain('npm run build');

      const query = await fetch(`${unbuilt.origin}/graphql?query=%7B__typename%7D`, { headers: { accept: HTML } });
      expect(query.status).toBe(299);
      await query.arrayBuffer();
    } finally {
      await unbuilt.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('renderPlaygroundPage', () => {
  it('escapes the configuration so no value can close the script element', () => {
    const hostile = '</script><script>alert(1)</script><!--';
    const html = renderPlaygroundPage(
      '<!doctype html><html><head><title>t</title></head><body></body></html>',
      { endpoint: '/graphql', defaultHeaders: JSON.stringify({ Authorization: hostile }) },
      '/graphql/playground-assets/',
    );
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<!--');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(configOf(html)).toEqual({ endpoint: '/graphql', defaultHeaders: JSON.stringify({ Authorization: hostile }) });
  });

  it('puts <base> before anything that uses a relative URL', () => {
    const html = renderPlaygroundPage(
      '<html><head lang="en"><script type="module" src="./assets/a.js"></script></head></html>',
      { endpoint: '/graphql' },
      '/graphql/playground-assets/',
    );
    expect(html.indexOf('<base href="/graphql/playground-assets/" />')).toBeLessThan(html.indexOf('./assets/a.js'));
  });
});
