/**
 * How many bytes a parsed document holds. An AST keeps its source text (every
 * node's `loc.source`) and the lexer's whole token list (`loc.startToken` is a
 * linked list, comments included: a comment costs no token against
 * MAX_TOKENS but is kept). Sizing by the AST alone, as Apollo's default
 * document store does, misses both, so a flood of comment-padded documents
 * outgrows any "bounded" store. The figures per token were measured on
 * graphql 16 / V8 (a token plus its share of AST nodes and locations:
 * about 380 bytes; a comment token: about 150); they err on the high side.
 */
import { TokenKind, type DocumentNode, type Token } from 'graphql';
import { stringBytes } from './byte-lru-cache.js';

const TOKEN_BYTES = 380;
const COMMENT_TOKEN_BYTES = 150;

/** Estimated bytes a parsed document keeps alive: its source plus its tokens and nodes. */
export function documentBytes(document: DocumentNode): number {
  const loc = document.loc;
  if (!loc) return TOKEN_BYTES * 16; // parsed with noLocation: nodes only; not how the gateway parses
  let bytes = stringBytes(loc.source.body);
  for (let token: Token | null = loc.startToken; token !== null; token = token.next) {
    bytes += token.kind === TokenKind.COMMENT ? COMMENT_TOKEN_BYTES : TOKEN_BYTES;
  }
  return bytes;
}
