/**
 * Limits on what one GraphQL document may ask (graphql-armor): depth,
 * aliases, tokens, cost, directives, and no field suggestions that would map
 * the schema for an attacker. The same limits apply over HTTP (Apollo
 * plugins and validation rules) and over graphql-ws (checkDocument).
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { GatewayConfig } from '../config/config.js';

export interface QueryLimits {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  /** Parses and validates a document as Apollo would, with the same limits: errors, or the document. */
  checkDocument(schema: GraphQLSchema, query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] };
}

export function createQueryLimits(limits: GatewayConfig['limits']): QueryLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    // Tokens are limited by the parser itself (Apollo's parseOptions, parse() below): armor's plugin answers 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: limits.maxCost },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: true },
  });
  const { plugins, validationRules } = armor.protect();
  const rules = [...specifiedRules, ...validationRules];
  // Many subscribers send the same document: parse and validate it once, and share the
  // (immutable) AST instead of holding a copy per subscription. Only valid documents are kept.
  const checked = new LRUCache<string, DocumentNode>({ max: 1_000 });
  return {
    // graphql-armor's typings name @apollo/server's CommonJS types; at run time these are plain plugin objects.
    plugins: plugins as unknown as ApolloServerPlugin[],
    validationRules,
    checkDocument(schema, query) {
      const known = checked.get(query);
      if (known) return { document: known };
      let document: DocumentNode;
      try {
        document = parse(query, { maxTokens: limits.maxTokens });
      } catch (error) {
        const e = error instanceof GraphQLError ? error : new GraphQLError(String(error));
        return { errors: [new GraphQLError(e.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
      }
      const errors = validate(schema, document, rules);
      if (errors.length > 0) {
        return { errors: errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } })) };
      }
      checked.set(query, document);
      return { document };
    },
  };
}
