/**
 * The rules every document meets, on every transport, declared once:
 * the parser's token limit, and the validation rules besides GraphQL's own
 * (graphql-armor's depth, alias, cost and directive limits, and the
 * introspection switch). A new document rule goes here; Apollo Server (HTTP)
 * gets this same array, and so does every other transport through
 * `pipeline.prepare`.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule, type ParseOptions, type ValidationRule } from 'graphql';

export interface DocumentRuleOptions {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  /** false: `__schema` and `__type` are refused (production default). */
  introspection: boolean;
}

export interface DocumentRules {
  /** For graphql's `parse`. */
  readonly parseOptions: ParseOptions;
  /** Validation rules to run after graphql's `specifiedRules`. */
  readonly validationRules: readonly ValidationRule[];
}

export function documentRules(options: DocumentRuleOptions): DocumentRules {
  const armor = new ApolloArmor({
    maxDepth: { n: options.maxDepth },
    maxAliases: { n: options.maxAliases },
    // Tokens are limited by the parser itself (parseOptions): armor's own token plugin answers 500 on Apollo.
    maxTokens: { enabled: false },
    costLimit: { maxCost: options.maxCost },
    maxDirectives: { n: 20 },
    // Suggestions are stripped where every error is formatted (graphql/format-error.ts), for every transport.
    blockFieldSuggestion: { enabled: false },
  });
  return {
    parseOptions: { maxTokens: options.maxTokens },
    validationRules: [
      ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
      ...armor.protect().validationRules,
    ],
  };
}
