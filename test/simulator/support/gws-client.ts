/**
 * A per-agent GWS REST client for the simulator tests: got 14 with the
 * agent's own tough-cookie jar, no retries, no thrown HTTP errors.
 */
import got, { type Got, type Response } from 'got';
import { CookieJar } from 'tough-cookie';

/** The GWS envelope. */
export interface GwsBody {
  statusCode: number;
  statusMessage?: string;
  [key: string]: unknown;
}

export interface AgentClient {
  readonly jar: CookieJar;
  readonly http: Got;
  /** GET with Basic auth (unless `basic: false`); remembers the CSRF token it is given. */
  get(path: string, options?: { basic?: boolean }): Promise<Response<GwsBody>>;
  /** POST JSON with the remembered CSRF token (or `token`), Basic auth unless `basic: false`. */
  post(path: string, body: unknown, options?: { token?: string | null; basic?: boolean }): Promise<Response<GwsBody>>;
  /** GET /api/v2/me and return the CSRF token. */
  bootstrap(): Promise<string>;
  /** The JSESSIONID in the jar. */
  sessionId(): Promise<string | undefined>;
  /** The Cookie header the jar would send. */
  cookieHeader(): Promise<string>;
  csrfToken: string | undefined;
}

/** A client for one agent against a simulator origin. */
export function agentClient(origin: string, username: string, password: string): AgentClient {
  const jar = new CookieJar();
  const http = got.extend({
    prefixUrl: origin,
    cookieJar: jar,
    throwHttpErrors: false,
    retry: { limit: 0 },
    timeout: { request: 5_000 },
    responseType: 'json',
  });
  const auth = (basic: boolean | undefined): { username?: string; password?: string } =>
    basic === false ? {} : { username, password };

  const client: AgentClient = {
    jar,
    http,
    csrfToken: undefined,
    async get(path, options = {}) {
      const res = await http.get<GwsBody>(path.replace(/^\//, ''), auth(options.basic));
      const token = res.headers['x-csrf-token'];
      if (typeof token === 'string') client.csrfToken = token;
      return res;
    },
    post(path, body, options = {}) {
      const token = options.token === undefined ? client.csrfToken : options.token;
      return http.post<GwsBody>(path.replace(/^\//, ''), {
        ...auth(options.basic),
        json: body,
        headers: token === null || token === undefined ? {} : { 'X-CSRF-TOKEN': token },
      });
    },
    async bootstrap() {
      const res = await client.get('/api/v2/me');
      if (res.statusCode !== 200 || !client.csrfToken) throw new Error(`bootstrap failed: HTTP ${res.statusCode}`);
      return client.csrfToken;
    },
    async sessionId() {
      const cookies = await jar.getCookies(origin);
      return cookies.find((c) => c.key === 'JSESSIONID')?.value;
    },
    cookieHeader: () => jar.getCookieString(origin),
  };
  return client;
}
