/**
 * Types for the parts of `cometd` 9 that this module uses and that the
 * package's own cometd.d.ts leaves out: the long-polling transport to
 * subclass, the packet its `xhrSend` receives, the failure information of
 * `/meta/*` replies, and the client's failure and logging hooks.
 * Read from cometd 9.0.0's LongPollingTransport.js, RequestTransport.js and
 * Client.js; only what is used here is declared.
 */
import type { Advice, Configuration, Message, Transport } from 'cometd';

declare module 'cometd' {
  /** What `LongPollingTransport.transportSend` hands to `xhrSend`. */
  export interface XhrSendPacket {
    url: string;
    /** Synchronous request (browsers only, on page unload); never set in Node. */
    sync?: boolean;
    /** The `requestHeaders` configuration of the CometD instance. */
    headers?: Record<string, string>;
    /** The JSON array of Bayeux messages. */
    body: string;
    /** Call with the response of an HTTP 200: its text, or the messages already parsed (`convertToMessages` takes an array as it is). */
    onSuccess(response: string | unknown[]): void;
    /** Call on any other outcome; the transport reads the status from the returned request. */
    onError(reason: string, exception?: unknown): void;
  }

  /** The part of an XMLHttpRequest that RequestTransport reads (`abortXHR`, `xhrStatus`). */
  export interface XhrLike {
    readonly readyState: number;
    readonly status: number;
    abort(): void;
  }

  /** The HTTP long-polling transport; subclasses replace `xhrSend`. */
  export class LongPollingTransport implements Transport {
    readonly type: string;
    url: string;
    /** The configuration of the CometD instance it is registered with. */
    protected readonly configuration: Required<Pick<Configuration, 'maxNetworkDelay'>> & Configuration;
    /** The current server advice of the CometD instance it is registered with. */
    protected readonly advice: Advice;
    accept(version: string, crossDomain: boolean, url: string): boolean;
    abort(): void;
    reset(init: boolean): void;
    xhrSend(packet: XhrSendPacket): XhrLike;
  }

  /** What the client attaches to a reply it made up for a failed request. */
  export interface TransportFailure {
    /** HTTP status of the response; 0 or -1 when there was none. */
    httpCode?: number;
    reason?: string;
    exception?: unknown;
  }

  /** A `/meta/*` reply as listeners see it: real, or made up after a transport failure. */
  export interface MetaMessage extends Message {
    failure?: TransportFailure;
  }

  /** What the client will do after a failure: the `onTransportFailure` hook may change it. */
  export interface FailureInfo {
    cause?: string;
    action: 'handshake' | 'retry' | 'none';
    /** Milliseconds to wait before the action (the advice interval is added). */
    delay?: number;
    transport?: Transport | null;
    url?: string;
  }

  // Declaration merging with the class in cometd.d.ts.
  interface CometD {
    /**
     * Decides what follows a failed handshake or connect; the default
     * implementation fills `failureInfo` and calls `failureHandler`.
     * Overridable by design (mirror of the Java client's protected method).
     */
    onTransportFailure(message: MetaMessage, failureInfo: FailureInfo, failureHandler: (info: FailureInfo) => void): void;
    _debug(...args: unknown[]): void;
    _info(...args: unknown[]): void;
    _warn(...args: unknown[]): void;
  }
}
