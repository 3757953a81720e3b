/**
 * The transport contract: ONE table of hardening cases, each the same request
 * and the same expected answer on every transport (contract.test.ts runs it
 * against every adapter). A new rule of the pipeline gets its case here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { EXAMPLE_OPERATIONS } from '../../src/playground/examples.js';
import { AGENT1, basic } from '../support/stack.js';
import type { ContractRequest, TransportAdapter } from './transport-adapter.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const persistedQuery = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

export const MANIFEST_PATH = fileURLToPath(new URL('../../client/generated/persisted-documents.json', import.meta.url));
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, string>;
const manifestId = (name: string): string => {
  const entry = Object.entries(manifest).find(([, text]) => new RegExp(`^(query|mutation|subscription) ${name}\\b`).test(text));
  if (!entry) throw new Error(`${name} is not in the manifest`);
  return entry[0];
};
const example = (name: string): string => EXAMPLE_OPERATIONS.find((op) => op.name === name)!.query;

/** The gateways the cases run on: production mode with small limits, and the same with a trusted-documents manifest. */
export const LIMITS = { MAX_QUERY_DEPTH: '4', MAX_ALIASES: '3', MAX_TOKENS: '300', MAX_QUERY_COST: '60', MAX_BODY_BYTES: '8192' };
export const PROFILES = {
  production: { NODE_ENV: 'production', GWS_SIMULATOR: 'true', ...LIMITS },
  trusted: { NODE_ENV: 'production', GWS_SIMULATOR: 'true', ...LIMITS, TRUSTED_DOCUMENTS: MANIFEST_PATH },
} as const satisfies Record<string, Record<string, string>>;
export type Profile = keyof typeof PROFILES;

export interface Expected {
  /** `extensions.code` of each error, in order; [] for a clean result. */
  codes: string[];
  /** HTTP status, checked on transports with statuses. */
  status?: number;
  /** Every error message matches. */
  message?: RegExp;
  /** No error message matches (e.g. suggestions). */
  notMessage?: RegExp;
  /** Whether `data` is absent (refused before execution). @default codes.length > 0 */
  noData?: boolean;
  /** On transports whose `oversized` is 'close': the close code expected instead of an answer. */
  closeCode?: number;
}

export interface ContractCase {
  name: string;
  profile: Profile;
  request: ContractRequest;
  expected: Expected;
  /** The case holds only for some transports (default: all). */
  appliesTo?(adapter: TransportAdapter): boolean;
}

const nested = (levels: number): string => `{ eventStream { ${'... on EventStreamStatus { '.repeat(levels)}state${' }'.repeat(levels)} } }`;
const aliased = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: eventStream { state }`).join(' ')} }`;
const wide = (n: number): string => `{ ${Array(n).fill('__typename').join(' ')} }`;
const tokenHeavy = (n: number): string =>
  `subscription { outboundRecordEvents(filter: { notificationTypes: [${Array(n).fill('UNKNOWN').join(', ')}] }) { referenceId } }`;
const SUBSCRIPTION = 'subscription { outboundRecordEvents { referenceId } }';
const unknownHash = sha256('query NeverSeen { devices { id } }');

const withCredentials = (request: ContractRequest): ContractRequest => ({ authorization: AGENT1, ...request });
const refused = (code: string, status: number, message?: RegExp): Expected => ({ codes: [code], status, ...(message ? { message } : {}) });

export const CASES: ContractCase[] = [
  { name: 'a plain query is served', profile: 'production', request: withCredentials({ query: '{ eventStream { state } }' }), expected: { codes: [], noData: false } },
  {
    name: 'introspection is refused in production (__schema)',
    profile: 'production',
    request: withCredentials({ query: '{ __schema { __typename } }' }),
    expected: refused('GRAPHQL_VALIDATION_FAILED', 400, /introspection/i),
  },
  {
    name: 'introspection is refused in production (__type)',
    profile: 'production',
    request: withCredentials({ query: '{ __type(name: "Query") { name } }' }),
    expected: refused('GRAPHQL_VALIDATION_FAILED', 400, /introspection/i),
  },
  {
    name: 'a misspelt field gets no suggestion',
    profile: 'production',
    request: withCredentials({ query: '{ devicess { id } }' }),
    expected: { ...refused('GRAPHQL_VALIDATION_FAILED', 400, /Cannot query field "devicess"/), notMessage: /Did you mean|"devices"/ },
  },
  {
    name: 'a misspelt enum value gets no suggestion',
    profile: 'production',
    request: withCredentials({ query: 'subscription { outboundRecordEvents(filter: { notificationTypes: [RECORD_PROCESSED_ACKNOWLEDG] }) { referenceId } }' }),
    expected: { ...refused('GRAPHQL_VALIDATION_FAILED', 400), notMessage: /Did you mean|RECORD_PROCESSED_ACKNOWLEDGE\b/ },
  },
  { name: 'depth over MAX_QUERY_DEPTH', profile: 'production', request: withCredentials({ query: nested(3) }), expected: refused('GRAPHQL_VALIDATION_FAILED', 400, /depth/i) },
  { name: 'aliases over MAX_ALIASES', profile: 'production', request: withCredentials({ query: aliased(4) }), expected: refused('GRAPHQL_VALIDATION_FAILED', 400, /alias/i) },
  { name: 'cost over MAX_QUERY_COST', profile: 'production', request: withCredentials({ query: wide(70) }), expected: refused('GRAPHQL_VALIDATION_FAILED', 400, /cost/i) },
  { name: 'tokens over MAX_TOKENS', profile: 'production', request: withCredentials({ query: tokenHeavy(400) }), expected: refused('GRAPHQL_PARSE_FAILED', 400, /token/i) },
  {
    name: 'a message over MAX_BODY_BYTES (413, or close 1009) is not executed',
    profile: 'production',
    request: withCredentials({ query: '{ eventStream { state } }', padToBytes: 20_000 }),
    expected: { ...refused('BAD_REQUEST', 413, /too large/i), closeCode: 1009 },
  },
  {
    // Past ws's old fixed 100 KB limit too, where graphql-ws's own binding printed "Internal error emitted on a WebSocket socket" to stderr.
    name: 'a message of 200 KB (413, or close 1009), nothing on stderr',
    profile: 'production',
    request: withCredentials({ query: '{ eventStream { state } }', padToBytes: 200 * 1024 }),
    expected: { ...refused('BAD_REQUEST', 413, /too large/i), closeCode: 1009 },
  },
  {
    name: 'an APQ hash that does not match its query: BAD_REQUEST',
    profile: 'production',
    request: withCredentials({ query: '{ eventStream { state } }', extensions: persistedQuery(sha256('something else')) }),
    expected: refused('BAD_REQUEST', 400, /does not match/),
  },
  {
    name: 'an unknown APQ hash: PERSISTED_QUERY_NOT_FOUND (200, the APQ protocol)',
    profile: 'production',
    request: withCredentials({ extensions: persistedQuery(unknownHash) }),
    expected: refused('PERSISTED_QUERY_NOT_FOUND', 200),
  },
  {
    name: 'an unknown operation name: BAD_REQUEST',
    profile: 'production',
    request: withCredentials({ query: 'query A { eventStream { state } }', operationName: 'B' }),
    expected: refused('BAD_REQUEST', 400, /Unknown operation named "B"/),
  },
  { name: 'no credentials: UNAUTHENTICATED', profile: 'production', request: { query: '{ devices { id } }' }, expected: { codes: ['UNAUTHENTICATED'], noData: false } },
  {
    name: 'a malformed credential: UNAUTHENTICATED',
    profile: 'production',
    request: { query: '{ devices { id } }', authorization: 'Basic not base64!' },
    expected: { codes: ['UNAUTHENTICATED'], noData: false },
  },
  {
    name: 'credentials GWS refuses: UNAUTHENTICATED',
    profile: 'production',
    request: { query: '{ devices { id } }', authorization: basic('agent1', 'wrong-password') },
    expected: { codes: ['UNAUTHENTICATED'], noData: false },
  },
  {
    name: 'a subscription where the transport serves none: BAD_REQUEST naming where subscriptions are served',
    profile: 'production',
    request: withCredentials({ query: SUBSCRIPTION }),
    expected: refused('BAD_REQUEST', 400, /graphql-ws/),
    appliesTo: (adapter) => !adapter.serves.includes('subscription'),
  },
  {
    name: 'a documentId without a manifest: PERSISTED_QUERY_NOT_FOUND (404)',
    profile: 'production',
    request: withCredentials({ documentId: manifestId('Devices') }),
    expected: refused('PERSISTED_QUERY_NOT_FOUND', 404),
    appliesTo: (adapter) => adapter.documentId,
  },

  // TRUSTED_DOCUMENTS
  { name: 'trusted: a manifest document by its full text runs', profile: 'trusted', request: withCredentials({ query: example('Devices') }), expected: { codes: [], noData: false } },
  {
    name: 'trusted: a manifest document by its hash alone runs',
    profile: 'trusted',
    request: withCredentials({ extensions: persistedQuery(manifestId('Devices').replace(/^sha256:/, '')) }),
    expected: { codes: [], noData: false },
  },
  {
    name: 'trusted: a manifest document by documentId runs',
    profile: 'trusted',
    request: withCredentials({ documentId: manifestId('Devices') }),
    expected: { codes: [], noData: false },
    appliesTo: (adapter) => adapter.documentId,
  },
  {
    name: 'trusted: another document is FORBIDDEN (403)',
    profile: 'trusted',
    request: withCredentials({ query: '{ devices { id devicePath } }' }),
    expected: refused('FORBIDDEN', 403, /trusted documents/),
  },
  {
    name: 'trusted: another subscription is FORBIDDEN (403)',
    profile: 'trusted',
    request: withCredentials({ query: SUBSCRIPTION }),
    expected: refused('FORBIDDEN', 403),
    appliesTo: (adapter) => adapter.serves.includes('subscription'),
  },
  {
    name: 'trusted: an unknown hash is PERSISTED_QUERY_NOT_FOUND',
    profile: 'trusted',
    request: withCredentials({ extensions: persistedQuery(unknownHash) }),
    expected: refused('PERSISTED_QUERY_NOT_FOUND', 200),
  },
  {
    name: 'trusted: an unknown documentId is PERSISTED_QUERY_NOT_FOUND (404)',
    profile: 'trusted',
    request: withCredentials({ documentId: `sha256:${unknownHash}` }),
    expected: refused('PERSISTED_QUERY_NOT_FOUND', 404),
    appliesTo: (adapter) => adapter.documentId,
  },
];
