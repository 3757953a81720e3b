/**
 * The gateway process: reads the environment (and .env), starts, and shuts
 * down in order on SIGTERM/SIGINT with exit code 0 (1 if shutdown overran the
 * grace period or a second signal came).
 */
import { ConfigError, loadConfig, loadDotEnv } from './config/config.js';
import { createLogger } from './logger.js';
import { startApp } from './app.js';
import type { Logger } from './logger.js';

/**
 * Node's own diagnostics go through the logger, as JSON lines, not as text on
 * stderr: process warnings (MaxListeners, deprecations) and anything thrown or
 * rejected that nothing caught (logged at fatal, then exit 1).
 */
function routeProcessDiagnosticsToLogger(logger: Logger): void {
  // Node's default 'warning' listener prints to stderr; ours replaces it.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    logger.warn({ warning: { name: warning.name, message: warning.message, code: (warning as { code?: unknown }).code } }, 'process warning');
  });
  const fatal = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, kind);
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
}

async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  routeProcessDiagnosticsToLogger(logger);
  if (!process.env['NODE_ENV']) {
    logger.warn(
      { NODE_ENV: config.env, stackTraces: true, introspection: config.introspection, playground: config.playground },
      'NODE_ENV is not set: running in DEVELOPMENT mode (stack traces in error responses, introspection and the playground on). ' +
        'Set NODE_ENV=production for a deployment',
    );
  }
  // The handlers are in place before start-up, so a signal during it (after 'gateway listening' is logged) still shuts down in order.
  const appReady = startApp(config, logger);

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    const overrun = setTimeout(() => {
      logger.error('shutdown overran its grace period: exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 5_000);
    overrun.unref();
    appReady.then((app) => app.stop()).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  await appReady;
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
