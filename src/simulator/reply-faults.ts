/**
 * Misbehaving replies of the simulator (fault modes for tests): an oversized
 * body, a body that drips forever, a delayed answer, and CometD replies that
 * never come or answer nothing of what was asked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which requests a fault applies to: the REST API or the CometD endpoint, optionally one method and path. */
export interface ReplyFaultTarget {
  on: 'rest' | 'cometd';
  /** e.g. 'GET', 'POST'. @default any */
  method?: string;
  /** Exact path, e.g. /api/v2/me. @default any of `on` */
  path?: string;
}

/** A fault of the replies of matching requests. */
export type ReplyFault = ReplyFaultTarget &
  (
    | {
        /** HTTP 200 with a JSON body of about `bytes` bytes, streamed (chunked, or with its Content-Length when `declareLength`). */
        kind: 'oversized';
        bytes: number;
        declareLength?: boolean;
      }
    | {
        /** HTTP 200 headers at once, then one byte every `intervalMs`, never ending. */
        kind: 'drip';
        intervalMs: number;
      }
    | {
        /** Answered normally after `ms`. */
        kind: 'delay';
        ms: number;
      }
    | {
        /** CometD only: HTTP 200 with a JSON array that holds no reply to the request (no /meta/handshake reply for a handshake). */
        kind: 'no-reply';
      }
    | {
        /** Accepted and never answered. */
        kind: 'hang';
      }
  );

const CHUNK = 64 * 1024;

/** Whether a fault applies to this request. */
export function faultApplies(fault: ReplyFault, req: IncomingMessage, pathname: string, isCometd: boolean): boolean {
  if ((fault.on === 'cometd') !== isCometd) return false;
  if (fault.method && fault.method !== req.method) return false;
  return !fault.path || fault.path === pathname;
}

/** Serves a faulty reply; resolves `false` for a delay (the caller then answers normally). Counts body bytes written. */
export class ReplyFaults {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #open = new Set<ServerResponse>();
  /** Body bytes written by oversized and dripping replies since the simulator started. */
  bytesSent = 0;

  /** Answers the request with the fault; returns after the delay for 'delay' so the caller answers. */
  async serve(fault: ReplyFault, req: IncomingMessage, res: ServerResponse): Promise<'answered' | 'continue'> {
    this.#open.add(res);
    res.on('close', () => this.#open.delete(res));
    switch (fault.kind) {
      case 'delay':
        await new Promise<void>((resolve) => this.#later(fault.ms, resolve));
        return 'continue';
      case 'hang':
        req.resume();
        return 'answered';
      case 'no-reply':
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify([{ channel: '/service/status', data: { note: 'not a reply to anything' } }]));
        });
        return 'answered';
      case 'drip':
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        this.#drip(res, fault.intervalMs);
        return 'answered';
      case 'oversized':
        req.resume();
        this.#oversized(res, fault.bytes, fault.declareLength === true, fault.on === 'cometd');
        return 'answered';
    }
  }

  #drip(res: ServerResponse, intervalMs: number): void {
    this.#later(intervalMs, () => {
      if (res.destroyed || res.writableEnded) return;
      res.write(' ');
      this.bytesSent += 1;
      this.#drip(res, intervalMs);
    });
  }

  #oversized(res: ServerResponse, bytes: number, declareLength: boolean, cometd: boolean): void {
    const head = cometd ? '[{"channel":"/meta/connect","successful":true,"pad":"' : '{"statusCode":0,"pad":"';
    const tail = cometd ? '"}]' : '"}';
    const padding = Math.max(0, bytes - head.length - tail.length);
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(declareLength ? { 'content-length': String(head.length + padding + tail.length) } : {}),
    });
    res.write(head);
    let left = padding;
    const chunk = 'x'.repeat(CHUNK);
    const pump = (): void => {
      while (left > 0) {
        if (res.destroyed) return;
        const n = Math.min(CHUNK, left);
        left -= n;
        this.bytesSent += n;
        if (!res.write(n === CHUNK ? chunk : chunk.slice(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end(tail);
    };
    pump();
  }

  #later(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, ms);
    this.#timers.add(timer);
  }

  /** Stops every drip and delay, and drops the faulty replies still open. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const res of this.#open) res.socket?.destroy();
    this.#open.clear();
  }
}
