/**
 * The gateway's request pipeline, assembled from the configuration: the one
 * set of document rules, the byte-bounded caches, persisted and trusted
 * documents, and error formatting. Every transport gets the same instance.
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLSchema } from 'graphql';
import type { GatewayConfig } from '../config/config.js';
import { createFormatError } from '../graphql/format-error.js';
import type { Logger } from '../logger.js';
import { ByteLruCache, stringBytes } from './byte-lru-cache.js';
import { documentRules } from './document-rules.js';
import { createPipeline, type GraphQLPipeline } from './pipeline.js';
import { TrustedDocuments } from './trusted-documents.js';

export { createPipeline, type GraphQLPipeline, type OperationType, type PipelineRequest, type Prepared } from './pipeline.js';
export { RequestFailures, requestError, type RequestFailureKind } from './request-errors.js';
export { ByteLruCache } from './byte-lru-cache.js';
export { canonicalDocument, TrustedDocuments } from './trusted-documents.js';

export interface GatewayPipelineOptions {
  config: GatewayConfig;
  schema: GraphQLSchema;
  logger: Logger;
  /** Another APQ cache (e.g. a shared one); default: in memory, PERSISTED_QUERIES_CACHE_BYTES. Ignored when APQ is off. */
  apqCache?: KeyValueCache<string>;
}

/** @throws ConfigError when the TRUSTED_DOCUMENTS manifest is unreadable or invalid. */
export function createGatewayPipeline({ config, schema, logger, apqCache }: GatewayPipelineOptions): GraphQLPipeline {
  const persisted = config.persistedDocuments;
  return createPipeline({
    schema,
    rules: documentRules({ ...config.limits, introspection: config.introspection }),
    maxDocumentBytes: config.limits.maxDocumentBytes,
    documentCacheBytes: config.limits.documentCacheBytes,
    apqCache: persisted.apq ? (apqCache ?? new ByteLruCache<string>({ maxBytes: persisted.apqCacheBytes, sizeOf: stringBytes })) : undefined,
    trusted: persisted.trustedDocumentsPath === undefined ? undefined : TrustedDocuments.fromFile(persisted.trustedDocumentsPath, schema),
    formatError: createFormatError({ development: config.env === 'development', logger }),
  });
}
