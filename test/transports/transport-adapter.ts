/**
 * The interface a transport implements to be held to the transport contract
 * (contract.test.ts). Adding a transport to the suite = adding one file
 * `adapters/<name>.adapter.ts` whose default export is a `TransportAdapter`:
 * contract.test.ts finds every such file by itself (import.meta.glob) and runs
 * the whole case table (cases.ts) against it.
 *
 * An adapter sends a request exactly as that transport's real client would
 * (HTTP: fetch; graphql-ws: the graphql-ws client; SSE, multipart, legacy
 * ws: theirs), one connection per request, and reports what came back in the
 * shape below. It asserts nothing itself: the table holds the expectations.
 */
import type { OperationType } from '../../src/pipeline/index.js';

/** Where the gateway under test listens. */
export interface TransportTarget {
  /** http://host:port/graphql */
  readonly url: string;
  /** ws://host:port/graphql */
  readonly wsUrl: string;
}

/** One GraphQL request, as a client means it. */
export interface ContractRequest {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  /** Only sent by adapters with `documentId: true`; cases that need it skip the others. */
  documentId?: string;
  /** The credential (HTTP `Authorization` header, `connection_init`'s `authorization`, ...); none when absent. */
  authorization?: string;
  /**
   * Pad the message (the HTTP body, the WebSocket frame) to at least this
   * many bytes with an unused extension: for the size limit.
   */
  padToBytes?: number;
}

/** What the transport answered to one request: its first result, or how it refused. */
export interface ContractAnswer {
  /** HTTP status of the response (transports with `statuses: true`). */
  status?: number;
  /** Close code, when the transport closed the connection instead of answering. */
  closeCode?: number;
  /** The errors of the first result or of the refusal (none: empty). */
  errors: { message: string; extensions?: Record<string, unknown> }[];
  /** `data` of the first result; undefined when there was none. */
  data?: unknown;
}

export interface TransportAdapter {
  /** Shown in test names. */
  readonly name: string;
  /** The operation types it serves; a case of another type expects the "served elsewhere" refusal. */
  readonly serves: readonly OperationType[];
  /** Whether answers carry an HTTP status the contract checks (HTTP and HTTP streams: yes; WebSocket: no). */
  readonly statuses: boolean;
  /** How an oversized message is refused: an HTTP 413 answer, or a close of the connection (1009). */
  readonly oversized: 'status' | 'close';
  /** Whether it can send a `documentId` (GraphQL over HTTP persisted documents). */
  readonly documentId: boolean;
  /** Sends one request on a connection of its own and resolves with the first answer (never rejects for a refusal). */
  send(target: TransportTarget, request: ContractRequest): Promise<ContractAnswer>;
  /** Closes whatever it still holds. */
  dispose?(): Promise<void>;
}

/** A plain JSON answer (not a stream) as the contract's answer; a body that is not JSON becomes one error saying so. */
export function jsonAnswer(status: number, text: string): ContractAnswer {
  let body: Partial<ContractAnswer>;
  try {
    body = JSON.parse(text) as Partial<ContractAnswer>;
  } catch {
    body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { status, errors: body.errors ?? [], ...(body.data !== undefined ? { data: body.data } : {}) };
}

/** `extensions` padded so that JSON.stringify(body) is at least `bytes` long. */
export function padded(body: Record<string, unknown>, bytes: number | undefined): Record<string, unknown> {
  if (bytes === undefined) return body;
  const length = JSON.stringify({ ...body, extensions: { ...(body['extensions'] as object | undefined), pad: '' } }).length;
  return { ...body, extensions: { ...(body['extensions'] as object | undefined), pad: 'x'.repeat(Math.max(0, bytes - length)) } };
}
