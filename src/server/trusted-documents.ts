/**
 * Persisted documents, over HTTP and graphql-ws alike.
 *
 * Automatic persisted queries (APQ, PERSISTED_QUERIES): Apollo Server's own
 * protocol (a client sends `extensions.persistedQuery.sha256Hash` alone; on
 * PERSISTED_QUERY_NOT_FOUND it sends the hash with the document, which
 * registers it). The cache is ours: bounded in bytes (LRU), and shared with
 * graphql-ws, so a hash registered over either transport is found over both.
 *
 * Trusted documents (TRUSTED_DOCUMENTS): a manifest `{ id: document }`, e.g.
 * client/generated/persisted-documents.json. When set, only its documents run:
 * - by id: HTTP `documentId` (GraphQL over HTTP persisted documents,
 *   `sha256:<hex>`), or `extensions.persistedQuery.sha256Hash` (`<hex>` or
 *   `sha256:<hex>`, HTTP and graphql-ws with an empty `query`);
 * - by full text: a document equal to a manifest entry up to formatting,
 *   comments, the order of selections and arguments, and `__typename` fields
 *   (clients such as Apollo Client add those).
 * Refused before execution: an unknown id with PERSISTED_QUERY_NOT_FOUND (an
 * APQ client then sends the full text), any other document with FORBIDDEN
 * (HTTP 403).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin, BaseContext, GraphQLRequest, PersistedQueryOptions } from '@apollo/server';
import { InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { printExecutableGraphQLDocument } from '@graphql-tools/documents';
import { GraphQLError, Kind, parse, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { ConfigError, type GatewayConfig } from '../config/config.js';
import { ErrorCode } from '../errors.js';

/** What parsing and validating a document gave: the document, or why not. */
export type CheckedDocument = { document: DocumentNode } | { errors: readonly GraphQLError[] };

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA256_PREFIX = 'sha256:';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The form two documents share when only formatting, comments, the order of
 * selections and arguments, or unaliased `__typename` fields tell them apart.
 */
export function canonicalDocument(document: DocumentNode): string {
  const withoutTypename = visit(document, {
    [Kind.FIELD]: (field) => (field.name.value === '__typename' && !field.alias ? null : undefined),
  });
  return printExecutableGraphQLDocument(withoutTypename);
}

/** The documents of a trusted-documents manifest, by id and by canonical form. */
export class TrustedDocuments {
  readonly #byId = new Map<string, string>();
  readonly #canonical = new Set<string>();
  // Apollo hands the same DocumentNode back for a query it has seen (its document store).
  readonly #verdicts = new WeakMap<DocumentNode, boolean>();

  /** @throws ConfigError naming the entry when an entry does not parse, validate, or match its sha256 id. */
  constructor(manifest: Readonly<Record<string, unknown>>, schema: GraphQLSchema) {
    for (const [id, text] of Object.entries(manifest)) {
      if (typeof text !== 'string' || id.length === 0) throw new ConfigError(`TRUSTED_DOCUMENTS: entry ${JSON.stringify(id)} is not a document string`);
      let document: DocumentNode;
      try {
        document = parse(text);
      } catch (error) {
        throw new ConfigError(`TRUSTED_DOCUMENTS: entry ${id} does not parse: ${(error as Error).message}`);
      }
      const errors = validate(schema, document);
      if (errors.length > 0) {
        throw new ConfigError(`TRUSTED_DOCUMENTS: entry ${id} is not valid against the schema: ${errors[0]!.message}`);
      }
      const hex = id.startsWith(SHA256_PREFIX) ? id.slice(SHA256_PREFIX.length) : id;
      if (SHA256_HEX.test(hex)) {
        // APQ clients send the bare hash of the text they run: an id that is not that hash would never match.
        if (sha256(text) !== hex) throw new ConfigError(`TRUSTED_DOCUMENTS: entry ${id} is not the sha256 of its document`);
        this.#byId.set(hex, text);
      }
      this.#byId.set(id, text);
      this.#canonical.add(canonicalDocument(document));
    }
  }

  /** Reads a manifest file (JSON `{ id: document }`). @throws ConfigError */
  static fromFile(file: string, schema: GraphQLSchema): TrustedDocuments {
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`TRUSTED_DOCUMENTS: cannot read ${file} as JSON: ${(error as Error).message}`);
    }
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      throw new ConfigError(`TRUSTED_DOCUMENTS: ${file} is not a JSON object of { id: document }`);
    }
    return new TrustedDocuments(manifest as Record<string, unknown>, schema);
  }

  /** Number of ids (a sha256 id counts once). */
  get size(): number {
    return this.#canonical.size;
  }

  /** The document with this id: the manifest's own id, or `<hex>` for `sha256:<hex>`. */
  lookup(id: string): string | undefined {
    return this.#byId.get(id);
  }

  /** Whether a document is one of the manifest's (see canonicalDocument). */
  allows(document: DocumentNode): boolean {
    let verdict = this.#verdicts.get(document);
    if (verdict === undefined) {
      verdict = this.#canonical.has(canonicalDocument(document));
      this.#verdicts.set(document, verdict);
    }
    return verdict;
  }
}

export interface PersistedDocuments {
  /** Apollo Server's `persistedQueries` option. */
  readonly persistedQueries: PersistedQueryOptions | false;
  /** Enforces the manifest over HTTP; does nothing without one. */
  readonly plugin: ApolloServerPlugin<BaseContext>;
  /** The manifest, when TRUSTED_DOCUMENTS is set. */
  readonly trusted: TrustedDocuments | undefined;
  /**
   * graphql-ws: resolves a subscribe payload's hash (with an empty `query`),
   * checks the document with `check`, enforces the manifest, registers an APQ
   * hash sent with its document. The document to run, or the errors to send.
   */
  prepareWs(payload: SubscribePayload, check: (query: string) => CheckedDocument): Promise<CheckedDocument>;
}

export function createPersistedDocuments(config: GatewayConfig['persistedDocuments'], schema: GraphQLSchema): PersistedDocuments {
  const trusted = config.trustedDocumentsPath === undefined ? undefined : TrustedDocuments.fromFile(config.trustedDocumentsPath, schema);
  // Bounded by the documents' length (InMemoryLRUCache sizes entries by their JSON length), least recently used out first.
  const apqCache: KeyValueCache<string> | undefined = config.apq
    ? PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(new InMemoryLRUCache<string>({ maxSize: config.apqCacheBytes }))
    : undefined;
  return {
    // The cache holds APQ entries only, so Apollo's key prefix is not needed and graphql-ws reads the same keys.
    persistedQueries: apqCache ? { cache: apqCache, ttl: null } : false,
    plugin: trusted ? trustedDocumentsPlugin(trusted) : {},
    trusted,
    async prepareWs(payload, check) {
      const persisted = persistedQueryOf(payload.extensions);
      let query = payload.query;
      if (query === '' && persisted) {
        const found = trusted?.lookup(persisted.sha256Hash) ?? (await apqCache?.get(persisted.sha256Hash));
        if (found === undefined) return { errors: [trusted || apqCache ? persistedQueryNotFound() : persistedQueryNotSupported()] };
        query = found;
      }
      const checked = check(query);
      if ('errors' in checked) return checked;
      if (trusted && !trusted.allows(checked.document)) return { errors: [untrustedDocument(false)] };
      if (persisted && payload.query !== '' && apqCache) {
        if (sha256(payload.query) !== persisted.sha256Hash) {
          return { errors: [new GraphQLError('provided sha does not match query', { extensions: { code: 'BAD_REQUEST' } })] };
        }
        await apqCache.set(persisted.sha256Hash, payload.query);
      }
      return checked;
    },
  };
}

// Runs before Apollo's APQ lookup and parsing: a known id becomes its
// document; an unknown `documentId` gets a placeholder that is refused
// (without it Apollo would answer BAD_REQUEST "no query"). Every document is
// then checked once it is parsed, before anything executes.
function trustedDocumentsPlugin(trusted: TrustedDocuments): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ request }) {
      let unknownDocumentId = false;
      if (request.query === undefined) {
        const documentId = documentIdOf(request);
        const id = documentId ?? persistedQueryOf(request.extensions)?.sha256Hash;
        const found = id === undefined ? undefined : trusted.lookup(id);
        if (found !== undefined) {
          request.query = found;
          request.extensions = withoutPersistedQuery(request.extensions);
        } else if (documentId !== undefined) {
          unknownDocumentId = true;
          request.query = 'query PersistedDocumentNotFound { __typename }';
          request.extensions = withoutPersistedQuery(request.extensions);
        }
        // An unknown sha256Hash goes on to Apollo's APQ cache: a document registered there still passes the check below.
      }
      return {
        async didResolveOperation({ document }) {
          if (unknownDocumentId) throw persistedQueryNotFound();
          if (!trusted.allows(document)) throw untrustedDocument(true);
        },
      };
    },
  };
}

function persistedQueryOf(extensions: Readonly<Record<string, unknown>> | null | undefined): { sha256Hash: string } | undefined {
  const persisted = extensions?.['persistedQuery'];
  if (typeof persisted !== 'object' || persisted === null) return undefined;
  const hash = (persisted as Record<string, unknown>)['sha256Hash'];
  return typeof hash === 'string' && hash.length > 0 ? { sha256Hash: hash } : undefined;
}

function withoutPersistedQuery(extensions: GraphQLRequest['extensions']): GraphQLRequest['extensions'] {
  if (!extensions || !('persistedQuery' in extensions)) return extensions;
  const { persistedQuery: _dropped, ...rest } = extensions;
  return rest;
}

/** `documentId` of the POST body or the GET query string. */
function documentIdOf(request: GraphQLRequest): string | undefined {
  const http = request.http;
  if (!http) return undefined;
  const id =
    http.method === 'GET'
      ? new URLSearchParams(http.search).get('documentId')
      : typeof http.body === 'object' && http.body !== null
        ? (http.body as Record<string, unknown>)['documentId']
        : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** Apollo's own error for an unknown hash (message and code, which APQ clients test for). */
function persistedQueryNotFound(): GraphQLError {
  return new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
}

function persistedQueryNotSupported(): GraphQLError {
  return new GraphQLError('PersistedQueryNotSupported', { extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } });
}

function untrustedDocument(overHttp: boolean): GraphQLError {
  return new GraphQLError('This gateway runs trusted documents only, and this document is not one of them', {
    extensions: { code: ErrorCode.FORBIDDEN, ...(overHttp ? { http: { status: 403 } } : {}) },
  });
}
