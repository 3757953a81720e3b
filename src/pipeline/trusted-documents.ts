/**
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
import { printExecutableGraphQLDocument } from '@graphql-tools/documents';
import { Kind, parse, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { ConfigError } from '../config/config.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA256_PREFIX = 'sha256:';

/** The sha256 of a text, as lower-case hex (the APQ hash and the manifest id). */
export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

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
