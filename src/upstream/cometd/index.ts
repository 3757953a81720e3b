/**
 * Per-user upstream CometD sessions with GWS: the public surface of this
 * folder. The transport, the client subclass and the adapter stay internal.
 */
export { CometdSession, type CometdSessionOptions, type CometdSessionState } from './cometd-session.js';
export { CometdSessionError, type CometdSessionErrorCode } from './session-error.js';
export { BayeuxAgents } from './bayeux-agents.js';
