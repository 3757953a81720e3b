/**
 * The baselines of phase (a): two minimal proxies in one child process, a
 * `node:http` server each, forwarding the GWS POST they receive to the
 * simulator with the user's session cookie and CSRF token, and the answer
 * back as it came. No GraphQL, no validation, no logging: the bare cost of
 * one HTTP hop through Node with got 14 (the gateway's own client) and with
 * undici (Node's fetch underneath), for context.
 *
 * "Cookie and CSRF handled" as the gateway does it: one GET /api/v2/me per
 * credential for the JSESSIONID and the CSRF header, the cookie replaced
 * when a response sets a new one, and one fresh bootstrap and retry when
 * GWS answers 401/403. Only one proxy is under load at a time, so the
 * child's CPU over a window is that proxy's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { got } from 'got';
import { installCheapNativeRequestOptions } from '../src/upstream/got-native-options.js';
import { Agent, request as undiciRequest } from 'undici';
import { disconnectInspector, startCpuProfile, stopCpuProfile } from './lib/inspector-profiles.js';
import { serveApi } from './lib/ipc.js';
import { cpuSample } from './lib/process-stats.js';

const simulatorUrl = process.env['BENCH_SIMULATOR_URL'];
if (!simulatorUrl) throw new Error('BENCH_SIMULATOR_URL is not set');

/** What a proxy sends upstream and gets back: the one interface the two clients differ behind. */
interface Upstream {
  send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: Buffer): Promise<UpstreamReply>;
}

interface UpstreamReply {
  status: number;
  contentType: string | undefined;
  setCookie: string[] | undefined;
  csrfHeader: string | undefined;
  csrfToken: string | undefined;
  body: Buffer;
}

interface ProxySession {
  cookie: string;
  csrf: { header: string; token: string } | undefined;
}

const firstHeader = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

function gotUpstream(): Upstream {
  // The same got as the gateway's: its per-request native options without V8's slow path (got-native-options.ts),
  // so that the baseline does not pay 40-90 µs per request the gateway does not.
  installCheapNativeRequestOptions();
  // One prepared instance: per call only method, headers and body.
  const http = got.extend({
    prefixUrl: simulatorUrl,
    timeout: { request: 10_000 },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
  });
  return {
    async send(method, path, headers, body) {
      const r = await http(path.slice(1), { method, headers, responseType: 'buffer', ...(body ? { body } : {}) });
      return {
        status: r.statusCode,
        contentType: r.headers['content-type'],
        setCookie: r.headers['set-cookie'],
        csrfHeader: firstHeader(r.headers['x-csrf-header']),
        csrfToken: firstHeader(r.headers['x-csrf-token']),
        body: r.body,
      };
    },
  };
}

function undiciUpstream(): Upstream {
  const origin = new URL(simulatorUrl!).origin;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  return {
    async send(method, path, headers, body) {
      const r = await undiciRequest(`${origin}${path}`, { method, headers, ...(body ? { body } : {}), dispatcher, headersTimeout: 10_000, bodyTimeout: 10_000 });
      const buffer = Buffer.from(await r.body.arrayBuffer());
      const setCookie = r.headers['set-cookie'];
      return {
        status: r.statusCode,
        contentType: firstHeader(r.headers['content-type']),
        setCookie: setCookie === undefined ? undefined : Array.isArray(setCookie) ? setCookie : [setCookie],
        csrfHeader: firstHeader(r.headers['x-csrf-header']),
        csrfToken: firstHeader(r.headers['x-csrf-token']),
        body: buffer,
      };
    },
  };
}

/** The cookie header a Set-Cookie list amounts to, merged over the one we had (name=value pairs only). */
function mergeCookies(current: string, setCookie: readonly string[]): string {
  const jar = new Map<string, string>();
  for (const pair of current ? current.split('; ') : []) jar.set(pair.slice(0, pair.indexOf('=')), pair);
  for (const line of setCookie) {
    const pair = line.split(';', 1)[0]!.trim();
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return [...jar.values()].join('; ');
}

function proxyHandler(upstream: Upstream): (req: IncomingMessage, res: ServerResponse) => void {
  const sessions = new Map<string, ProxySession>();
  const bootstraps = new Map<string, Promise<ProxySession>>();

  const bootstrap = (authorization: string): Promise<ProxySession> => {
    let pending = bootstraps.get(authorization);
    if (!pending) {
      pending = (async () => {
        const r = await upstream.send('GET', '/api/v2/me', { authorization, accept: 'application/json' });
        if (r.status !== 200) throw new Error(`bootstrap: HTTP ${r.status}`);
        const session: ProxySession = {
          cookie: mergeCookies('', r.setCookie ?? []),
          csrf: r.csrfHeader && r.csrfToken ? { header: r.csrfHeader, token: r.csrfToken } : undefined,
        };
        sessions.set(authorization, session);
        return session;
      })().finally(() => bootstraps.delete(authorization));
      bootstraps.set(authorization, pending);
    }
    return pending;
  };

  const forward = async (session: ProxySession, authorization: string, path: string, body: Buffer): Promise<UpstreamReply> => {
    const headers: Record<string, string> = { authorization, accept: 'application/json', 'content-type': 'application/json' };
    if (session.cookie) headers['cookie'] = session.cookie;
    if (session.csrf) headers[session.csrf.header] = session.csrf.token;
    const reply = await upstream.send('POST', path, headers, body);
    if (reply.setCookie) session.cookie = mergeCookies(session.cookie, reply.setCookie);
    return reply;
  };

  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const authorization = req.headers.authorization;
        if (req.method !== 'POST' || !authorization || !req.url) {
          res.writeHead(400).end();
          return;
        }
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        let session = sessions.get(authorization) ?? (await bootstrap(authorization));
        let reply = await forward(session, authorization, req.url, body);
        if (reply.status === 401 || reply.status === 403) {
          sessions.delete(authorization);
          session = await bootstrap(authorization);
          reply = await forward(session, authorization, req.url, body);
        }
        res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json', 'content-length': reply.body.length });
        res.end(reply.body);
      })().catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  };
}

/** The proxies by name, each on its own port, started on first use. */
const servers = new Map<string, Promise<{ server: Server; url: string }>>();

function start(kind: 'got' | 'undici'): Promise<{ server: Server; url: string }> {
  let started = servers.get(kind);
  if (!started) {
    started = new Promise((resolve, reject) => {
      const server = createServer(proxyHandler(kind === 'got' ? gotUpstream() : undiciUpstream()));
      server.keepAliveTimeout = 30_000;
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({ server, url: `http://127.0.0.1:${port}` });
      });
    });
    servers.set(kind, started);
  }
  return started;
}

const api = {
  info: async () => ({ pid: process.pid, got: (await start('got')).url, undici: (await start('undici')).url }),
  cpu: () => cpuSample(),
  cpuProfileStart: (args: { intervalUs: number }) => startCpuProfile(args.intervalUs),
  cpuProfileStop: (args: { file: string }) => stopCpuProfile(args.file),
  stop: async () => {
    disconnectInspector();
    for (const started of servers.values()) {
      const { server } = await started;
      server.closeAllConnections();
      server.close();
    }
    setTimeout(() => process.exit(0), 50).unref();
    return true;
  },
};

export type ProxyApi = typeof api;
serveApi(api);
