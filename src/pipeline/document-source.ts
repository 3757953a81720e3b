/**
 * Step one of the pipeline: which text a request runs. The text itself
 * (`query`), an automatic persisted query (APQ: `extensions.persistedQuery`
 * with the sha256 of a text registered earlier, or registering it), or a
 * trusted document's id (`documentId`, or its hash as an APQ hash). What may
 * be looked up is decided here, for every transport.
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLError } from 'graphql';
import { refusal, requestError } from './request-errors.js';
import { sha256, type TrustedDocuments } from './trusted-documents.js';

export interface DocumentSourceOptions {
  /** The APQ cache; undefined: APQ off. */
  apqCache: KeyValueCache<string> | undefined;
  /** The trusted-documents manifest; undefined: any document may run. */
  trusted: TrustedDocuments | undefined;
  maxDocumentBytes: number;
}

export interface SourceRequest {
  query?: string | null | undefined;
  extensions?: Readonly<Record<string, unknown>> | null | undefined;
  documentId?: string | null | undefined;
}

/** The text to run, its sha256, and whether to register it in the APQ cache once it is valid. */
export type ResolvedSource =
  | { ok: true; query: string; hash: string; registerAsApq: boolean }
  | { ok: false; errors: GraphQLError[]; status: number };

const SHA256_PREFIX = 'sha256:';

/**
 * Awaits only for a lookup (a hash or an id): a text is resolved at once, so a
 * hash registered by one request is found by a request sent right after it
 * on the same connection.
 */
export function resolveSource(request: SourceRequest, options: DocumentSourceOptions): ResolvedSource | Promise<ResolvedSource> {
  const { apqCache, trusted } = options;
  // graphql-ws has no "absent" query: an empty one means "look the hash up", everywhere.
  let query = typeof request.query === 'string' && request.query.length > 0 ? request.query : undefined;
  let hash: string | undefined;
  let registerAsApq = false;
  const documentId = typeof request.documentId === 'string' && request.documentId.length > 0 ? request.documentId : undefined;
  const persisted = persistedQueryOf(request.extensions);

  if (documentId !== undefined) {
    if (query !== undefined) return refusal('AMBIGUOUS_DOCUMENT', [requestError('AMBIGUOUS_DOCUMENT', 'Send either `query` or `documentId`, not both')]);
    query = trusted?.lookup(documentId);
    if (query === undefined) return refusal('DOCUMENT_ID_NOT_FOUND', [requestError('DOCUMENT_ID_NOT_FOUND', 'PersistedQueryNotFound: no trusted document has this documentId')]);
  } else if (persisted !== undefined) {
    if (persisted.version !== 1) return refusal('PERSISTED_QUERY_VERSION', [requestError('PERSISTED_QUERY_VERSION', 'Unsupported persisted query version')]);
    if (!apqCache && !trusted) return refusal('PERSISTED_QUERY_NOT_SUPPORTED', [requestError('PERSISTED_QUERY_NOT_SUPPORTED', 'PersistedQueryNotSupported')]);
    const hex = persisted.sha256Hash.startsWith(SHA256_PREFIX) ? persisted.sha256Hash.slice(SHA256_PREFIX.length) : persisted.sha256Hash;
    if (query === undefined) {
      const trustedText = trusted?.lookup(persisted.sha256Hash);
      if (trustedText !== undefined) return sized(trustedText, false, options);
      if (!apqCache) return notFound();
      return Promise.resolve(apqCache.get(hex)).then((text) => (text === undefined ? notFound() : sized(text, false, options)));
    } else {
      hash = sha256(query);
      if (hash !== hex) return refusal('PERSISTED_QUERY_MISMATCH', [requestError('PERSISTED_QUERY_MISMATCH', 'provided sha does not match query')]);
      registerAsApq = apqCache !== undefined;
    }
  }
  if (query === undefined) {
    return refusal('NO_DOCUMENT', [requestError('NO_DOCUMENT', 'GraphQL operations must contain a non-empty `query`, a `persistedQuery` extension, or a `documentId`')]);
  }
  return sized(query, registerAsApq, options, hash);
}

/** The message is Apollo's: APQ clients (Apollo Client's PersistedQueryLink) test for it. */
const notFound = (): ResolvedSource => refusal('PERSISTED_QUERY_NOT_FOUND', [requestError('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound')]);

/** The text, unless it is over MAX_DOCUMENT_BYTES. */
function sized(query: string, registerAsApq: boolean, options: DocumentSourceOptions, hash?: string): ResolvedSource {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: short texts need no count.
  if (query.length * 3 > options.maxDocumentBytes && Buffer.byteLength(query, 'utf8') > options.maxDocumentBytes) {
    return refusal('DOCUMENT_TOO_LARGE', [requestError('DOCUMENT_TOO_LARGE', `Document too large: at most ${options.maxDocumentBytes} bytes (MAX_DOCUMENT_BYTES)`)]);
  }
  // The document cache's key: always the text's own hash, never an id a client chose.
  return { ok: true, query, hash: hash ?? sha256(query), registerAsApq };
}

/** `extensions.persistedQuery`, when it names a hash. */
export function persistedQueryOf(extensions: Readonly<Record<string, unknown>> | null | undefined): { version: unknown; sha256Hash: string } | undefined {
  const persisted = extensions?.['persistedQuery'];
  if (typeof persisted !== 'object' || persisted === null) return undefined;
  const { version, sha256Hash } = persisted as Record<string, unknown>;
  return typeof sha256Hash === 'string' && sha256Hash.length > 0 ? { version, sha256Hash } : undefined;
}
