/**
 * A size bound on GWS replies (UPSTREAM_MAX_RESPONSE_BYTES): a request (got's,
 * or node:http's for the CometD transport) is cancelled as soon as the reply's
 * declared Content-Length, or what has arrived of it so far, passes the bound,
 * so an oversized reply is never buffered whole.
 */
import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Progress } from 'got';

/** upstreamErrorCode of a reply over the size bound. */
export const RESPONSE_TOO_LARGE = 'RESPONSE_TOO_LARGE';

/** The part of got's cancelable request this needs. */
interface CancelableProgress {
  on(event: 'downloadProgress', listener: (progress: Progress) => void): unknown;
  cancel(reason?: string): void;
}

/** Watches a request's download; `exceeded()` tells, after it failed, whether the bound was why. */
export function limitResponseSize(request: CancelableProgress, maxBytes: number): { exceeded(): boolean } {
  let exceeded = false;
  request.on('downloadProgress', (progress) => {
    if (exceeded) return;
    if (progress.transferred > maxBytes || (progress.total !== undefined && progress.total > maxBytes)) {
      exceeded = true;
      request.cancel(RESPONSE_TOO_LARGE);
    }
  });
  return { exceeded: () => exceeded };
}


/** A body read by {@link readBoundedBody}, or why not. */
export type BoundedBody = { ok: true; body: string } | { ok: false; tooLarge: boolean; error: Error };

/**
 * Reads a `node:http` response body as UTF-8 text, decoded when the server
 * compressed it anyway (none is asked for), and calls `done` once. A declared
 * Content-Length over `maxBytes`, or more than `maxBytes` (decoded) arriving,
 * stops the reading at once (the response is destroyed) and is `tooLarge`.
 * `done` is never called after `abandon()`.
 */
export function readBoundedBody(response: IncomingMessage, maxBytes: number, done: (result: BoundedBody) => void): { abandon(): void } {
  let settled = false;
  const settle = (result: BoundedBody): void => {
    if (settled) return;
    settled = true;
    if (!result.ok) {
      decoder?.destroy();
      response.destroy();
    }
    done(result);
  };
  const tooLarge = (): void =>
    settle({ ok: false, tooLarge: true, error: Object.assign(new Error(`reply over ${maxBytes} bytes`), { code: RESPONSE_TOO_LARGE }) });
  const declared = Number(response.headers['content-length']);
  const decoder = decoderFor(response.headers['content-encoding']);
  if (declared > maxBytes) {
    tooLarge();
    return { abandon: () => undefined };
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  const source = decoder ? response.pipe(decoder) : response;
  source.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > maxBytes) tooLarge();
    else chunks.push(chunk);
  });
  source.on('end', () => settle({ ok: true, body: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, bytes).toString('utf8') }));
  const failed = (error: Error): void => settle({ ok: false, tooLarge: false, error });
  response.on('error', failed);
  decoder?.on('error', failed);
  return {
    abandon: () => {
      settled = true;
      decoder?.destroy();
    },
  };
}

function decoderFor(encoding: string | undefined): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}
