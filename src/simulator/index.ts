/**
 * The built-in GWS simulator: GWS REST (Basic auth, sessions, CSRF, the five
 * outbound record operations on an in-memory calling list) and a Bayeux
 * server that delivers each user's CometD events to that user only.
 * The gateway core never imports this module.
 */
export { DEMO_USERS, type DemoUser } from './demo-users.js';
export type { GwsSimulator, ReceivedOperation, ReplyFault, SimulatorOptions } from './types.js';
export { startSimulator } from './simulator.js';
