/**
 * Prints the live outbound record events of one user, as a frontend would see
 * them: `npm run watch-events` (defaults to the simulator's agent1), or
 * `GATEWAY_WS_URL=ws://host:4000/graphql GWS_USER=u GWS_PASSWORD=p npm run watch-events`.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.env['GATEWAY_WS_URL'] ?? 'ws://localhost:4000/graphql';
const user = process.env['GWS_USER'] ?? 'agent1';
const password = process.env['GWS_PASSWORD'] ?? 'agent1pass';
const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization },
  retryAttempts: Infinity,
  shouldRetry: () => true,
  on: {
    connected: () => process.stdout.write(`connected to ${url} as ${user}; waiting for events (Ctrl-C to stop)\n`),
    closed: () => process.stdout.write('connection closed; reconnecting\n'),
  },
});

const query = /* GraphQL */ `
  subscription {
    outboundRecordEvents {
      notificationType
      upstreamNotificationType
      messageType
      referenceId
      record { recordHandle applicationId campaignName callingList devicePath }
      userData
      callResult
      deviceId
      receivedAt
    }
  }
`;

const stop = client.subscribe(
  { query },
  {
    next: (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    error: (error) => {
      process.stderr.write(`subscription error: ${JSON.stringify(error)}\n`);
      process.exitCode = 1;
    },
    complete: () => process.stdout.write('subscription complete\n'),
  },
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stop();
    void client.dispose();
  });
}
