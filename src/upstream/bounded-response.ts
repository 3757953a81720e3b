/**
 * A size bound on GWS replies (UPSTREAM_MAX_RESPONSE_BYTES): a got request is
 * cancelled as soon as the reply's declared Content-Length, or what has
 * arrived of it so far, passes the bound, so an oversized reply is never
 * buffered whole.
 */
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

