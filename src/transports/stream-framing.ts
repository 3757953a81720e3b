/**
 * How a stream transport puts GraphQL results on the wire. The two HTTP
 * stream protocols differ only here; src/transports/http-streams.ts owns
 * everything else (the request, the pipeline, back-pressure, keep-alive,
 * bounds, shutdown).
 */
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { StreamTransport } from './accept.js';

export interface StreamFraming {
  readonly transport: StreamTransport;
  /** The response's Content-Type. */
  readonly contentType: string;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** The first bytes, written with the head (some clients only see the head once a body byte came). */
  start(): string;
  /** One result of the operation. */
  result(result: FormattedExecutionResult): string;
  /** One result given as its JSON (a payload serialized once for many subscribers, src/fanout/). */
  resultJson(json: string): string;
  /** The normal end of the operation (the server completed it). */
  complete(): string;
  /** Errors that end the operation abnormally (the stream broke, not a GraphQL result), with the end. */
  fatal(errors: readonly GraphQLFormattedError[]): string;
  /** Keeps proxies and clients from timing the stream out. */
  keepAlive(): string;
}
