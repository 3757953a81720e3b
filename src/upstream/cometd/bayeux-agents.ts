/**
 * Keep-alive socket pools for Bayeux requests to one GWS origin, shared by
 * every user's CometD session. An Agent holds sockets only: the Cookie header
 * is built from each user's own jar for each request, and a socket carries
 * nothing of a request once it is answered, so sharing the pool shares no
 * cookie (the REST calls share got's global agent the same way).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

// As Node's own global agent: idle sockets close after this, or sooner when
// the server's hint says so. A non-zero `timeout` is what makes Node honour
// the server's `Keep-Alive: timeout` hint and drop an idle socket before the
// server does (else a request, such as the final /meta/disconnect, can go out
// on a socket being closed: ECONNRESET).
const AGENT_IDLE_TIMEOUT_MS = 5_000;

/** One keep-alive pool per protocol, each made on first use. */
export class BayeuxAgents {
  #http: HttpAgent | undefined;
  #https: HttpsAgent | undefined;

  /** The pool for a URL of this protocol ('http:' or 'https:'). */
  for(protocol: string): HttpAgent {
    if (protocol === 'https:') return (this.#https ??= new HttpsAgent({ keepAlive: true, timeout: AGENT_IDLE_TIMEOUT_MS }));
    return (this.#http ??= new HttpAgent({ keepAlive: true, timeout: AGENT_IDLE_TIMEOUT_MS }));
  }

  /** Closes every socket of the pools, busy or idle. */
  destroy(): void {
    this.#http?.destroy();
    this.#https?.destroy();
  }
}
