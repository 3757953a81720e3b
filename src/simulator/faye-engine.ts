/**
 * The two server-side powers faye keeps on its engine and exposes nowhere
 * else: publishing to a channel without a client, and destroying a client.
 * Reached through NodeAdapter internals, checked at start-up so a faye
 * upgrade that moves them fails loudly instead of silently.
 */
import type faye from 'faye';

/** Server-side operations on faye's engine. */
export interface FayeEngine {
  /** Delivers `{ channel, data }` to every subscriber of the channel (wildcards expanded). */
  publish(message: { channel: string; data: unknown }): void;
  /** Destroys a client: its held /meta/connect is answered, its next one gets "unknown client". */
  destroyClient(clientId: string): void;
}

interface AdapterInternals {
  _server?: { _engine?: Partial<FayeEngine> };
}

/** The engine of a NodeAdapter; throws if faye's internals no longer look as expected. */
export function fayeEngineOf(adapter: faye.NodeAdapter): FayeEngine {
  const engine = (adapter as unknown as AdapterInternals)._server?._engine;
  if (typeof engine?.publish !== 'function' || typeof engine.destroyClient !== 'function') {
    throw new Error('faye internals changed: NodeAdapter._server._engine.publish/destroyClient not found');
  }
  return { publish: engine.publish.bind(engine), destroyClient: engine.destroyClient.bind(engine) };
}
