/**
 * `npm run simulator`: runs the GWS simulator standalone on SIMULATOR_PORT
 * (default 8090) until SIGINT/SIGTERM.
 */
import { createLogger } from '../logger.js';
import { DEMO_USERS, startSimulator } from './index.js';

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return 8090;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SIMULATOR_PORT must be a port number (0-65535), got "${value}"`);
  }
  return port;
}

const simulator = await startSimulator({
  port: portFromEnv(process.env['SIMULATOR_PORT']),
  host: process.env['SIMULATOR_HOST'] ?? '127.0.0.1',
  logger: createLogger({ name: 'gws-simulator' }),
});

// Plain stdout, not the logger: this is the banner a developer reads.
process.stdout.write(
  `GWS simulator at ${simulator.url} (CometD: ${simulator.url}/api/v2/notifications)\n` +
    `Users:\n${DEMO_USERS.map((u) => `  ${u.username} / ${u.password}  devices ${u.deviceIds.join(', ')}`).join('\n')}\n`,
);

const stop = (signal: string): void => {
  process.stdout.write(`${signal}: stopping the simulator\n`);
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
