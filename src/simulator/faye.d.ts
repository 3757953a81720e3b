/**
 * The part of faye 1.4 the simulator uses (faye ships no types). Server side
 * only: tests talk Bayeux with the cometd client or raw HTTP.
 */
declare module 'faye' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  namespace faye {
    /** A Bayeux message as faye passes it through extensions. */
    interface BayeuxMessage {
      channel: string;
      clientId?: string;
      id?: string;
      data?: unknown;
      subscription?: string | string[];
      successful?: boolean;
      error?: string;
      advice?: Record<string, unknown>;
      connectionType?: string;
      ext?: unknown;
      [key: string]: unknown;
    }

    type ExtensionCallback = (message: BayeuxMessage) => void;

    /**
     * A server extension. Declared with three parameters, faye passes the HTTP
     * request (null for its in-process client); with two it does not.
     */
    interface ServerExtension {
      incoming?(message: BayeuxMessage, request: IncomingMessage | null, callback: ExtensionCallback): void;
      outgoing?(message: BayeuxMessage, request: IncomingMessage | null, callback: ExtensionCallback): void;
    }

    interface NodeAdapterOptions {
      mount?: string;
      /** Long-poll hold time in seconds (advice.timeout). */
      timeout?: number;
      ping?: number;
      extensions?: ServerExtension[];
    }

    class NodeAdapter {
      constructor(options?: NodeAdapterOptions);
      addExtension(extension: ServerExtension): void;
      removeExtension(extension: ServerExtension): void;
      attach(server: Server): void;
      /** Whether a request's path is under the mount point. */
      check(request: IncomingMessage): boolean;
      /** Serves one HTTP request of the Bayeux endpoint. */
      handle(request: IncomingMessage, response: ServerResponse): void;
      /** Flushes every held connection and drops all clients and their timers. */
      close(): void;
      bind(event: 'handshake' | 'disconnect', listener: (clientId: string) => void): void;
      bind(event: 'subscribe' | 'unsubscribe', listener: (clientId: string, channel: string) => void): void;
      unbind(event: string, listener?: (...args: never[]) => void): void;
    }

    const VERSION: string;
  }

  export = faye;
}
