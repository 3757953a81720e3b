/**
 * The one door to the CometD JavaScript client. `cometd-nodejs-client`'s
 * `adapt()` installs a global `window` (XMLHttpRequest, WebSocket, timers)
 * that the client needs, and must run once per process before any CometD
 * instance is created: everything else imports CometD from here.
 */
import { adapt } from 'cometd-nodejs-client';

// A process-wide mark rather than a module variable: a test runner that
// re-evaluates modules per test file must still adapt only once.
const ADAPTED = Symbol.for('outbound-graphql-gateway.cometd.adapted');
const processGlobal = globalThis as typeof globalThis & { [ADAPTED]?: true };

if (processGlobal[ADAPTED] !== true) {
  const consoleDebug = console.debug;
  adapt();
  // adapt() also aliases console.debug to console.log for the whole process;
  // the client logs through our own hooks, so give the process its console back.
  console.debug = consoleDebug;
  processGlobal[ADAPTED] = true;
}

export { CometD, LongPollingTransport } from 'cometd';
export type {
  Configuration,
  FailureInfo,
  Message,
  MetaMessage,
  TransportFailure,
  XhrLike,
  XhrSendPacket,
} from 'cometd';

/** `XMLHttpRequest.readyState` values the CometD transport compares against. */
export const XHR_STATE = { UNSENT: 0, OPENED: 1, DONE: 4 } as const;
