/**
 * The ways of sending the same UpdateRecord (the update seed's values, as
 * agent1, who owns the seed's device): through the gateway as a GraphQL
 * mutation; straight to the simulator as the GWS POST the gateway would
 * send, with the session cookie and CSRF token of one GET /api/v2/me; and
 * the same POST without cookie or token to a baseline proxy, which adds them.
 */
import { get } from 'node:http';
import { buildUpstreamRequest } from '../../src/operations/build-request.js';
import { RECORD_OPERATIONS } from '../../src/operations/record-operations.js';
import { DEMO_USERS } from '../../src/simulator/index.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../../test/support/operations.js';
import type { HttpTarget } from './http-load.js';
import { basicAuth } from './users.js';

const UPDATE = RECORD_OPERATIONS.find((op) => op.operationName === 'UpdateRecord');
if (!UPDATE) throw new Error('UpdateRecord is missing from the operations table');
const op = UPDATE;
const seed = seedOf(op);
const agent1 = DEMO_USERS[0]!;

/** The mutation through the gateway; success is data.updateRecord.statusCode 0 without errors. */
export function gatewayTarget(gatewayUrl: string): HttpTarget {
  const variables = variablesFromSeed(op, seed);
  return {
    name: 'gateway',
    url: new URL(gatewayUrl),
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: basicAuth(agent1) },
    body: JSON.stringify({ query: mutationDocument(op), variables }),
    check: (status, body) => {
      if (status !== 200) return false;
      const parsed = JSON.parse(body) as { data?: { updateRecord?: { statusCode?: number } }; errors?: unknown };
      return parsed.errors === undefined && parsed.data?.updateRecord?.statusCode === 0;
    },
  };
}

interface GwsSessionHeaders {
  cookie: string;
  csrfHeader: string;
  csrfToken: string;
}

/** GET /api/v2/me once, as the gateway does: the JSESSIONID cookie and the CSRF header name and value. */
function bootstrap(simulatorUrl: string, authorization: string): Promise<GwsSessionHeaders> {
  return new Promise((resolve, reject) => {
    const req = get(new URL('/api/v2/me', simulatorUrl), { headers: { authorization, accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => {
        const cookie = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('JSESSIONID='));
        const csrfHeader = res.headers['x-csrf-header'];
        const csrfToken = res.headers['x-csrf-token'];
        if (res.statusCode !== 200 || !cookie || typeof csrfHeader !== 'string' || typeof csrfToken !== 'string') {
          reject(new Error(`GET /api/v2/me: HTTP ${res.statusCode}, no session cookie or CSRF token`));
        } else resolve({ cookie, csrfHeader, csrfToken });
      });
    });
    req.setTimeout(5_000, () => req.destroy(new Error('GET /api/v2/me: no answer in 5 s')));
    req.on('error', reject);
  });
}

/** The GWS POST itself, with exactly the body the gateway builds for the same variables. */
export async function directTarget(simulatorUrl: string): Promise<HttpTarget> {
  const authorization = basicAuth(agent1);
  const session = await bootstrap(simulatorUrl, authorization);
  const { input, recordHandle } = variablesFromSeed(op, seed) as { input: Record<string, unknown>; recordHandle: number };
  // The mutation's variables hold the seed's referenceId, so both paths send the same body.
  const request = buildUpstreamRequest(op, recordHandle, input);
  return {
    name: 'direct',
    url: new URL(request.path, simulatorUrl),
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization,
      cookie: session.cookie,
      [session.csrfHeader]: session.csrfToken,
    },
    body: JSON.stringify(request.body),
    check: (status, body) => status === 200 && (JSON.parse(body) as { statusCode?: number }).statusCode === 0,
  };
}

/** The GWS POST to a baseline proxy (bench/proxy-child.ts): the same path and body, the credential only. */
export function proxyTarget(name: string, proxyUrl: string): HttpTarget {
  const { input, recordHandle } = variablesFromSeed(op, seed) as { input: Record<string, unknown>; recordHandle: number };
  const request = buildUpstreamRequest(op, recordHandle, input);
  return {
    name,
    url: new URL(request.path, proxyUrl),
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: basicAuth(agent1) },
    body: JSON.stringify(request.body),
    check: (status, body) => status === 200 && (JSON.parse(body) as { statusCode?: number }).statusCode === 0,
  };
}
