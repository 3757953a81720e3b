/**
 * The gateway's settings for the benchmark; RESULTS.md ("Set-up") says why
 * each differs from the default. The parent forks the gateway child with
 * these in its environment (NODE_ENV=production for real, as libraries read
 * it from process.env) and the child builds its configuration from them.
 */
export const GATEWAY_ENV = {
  NODE_ENV: 'production',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  // Our acks come without a /me/internal user event: do not hold them back waiting for one.
  EVENT_PAIRING_WINDOW_MS: '0',
  // Close a user's CometD session soon after its last subscriber, so phases start from the same state.
  COMETD_IDLE_GRACE_MS: '200',
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '20',
  // (e) holds up to 20 (quick) HTTP streams per user: room for them.
  HTTP_MAX_STREAMS_PER_CREDENTIAL: '100',
  // One credential sends thousands of mutations a second here: keep the limiter in the path but never refusing.
  RATE_LIMIT_POINTS: '1000000000',
} as const;
