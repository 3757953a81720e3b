/**
 * The composition root: configuration, logger, the simulator when no GWS is
 * configured, the playground, and the gateway. main.ts runs it as a process;
 * tests run it in-process.
 */
import { loadConfig, type GatewayConfig } from './config/config.js';
import { createLogger, type Logger } from './logger.js';
import { startGateway, type Gateway } from './server/create-gateway.js';
import { cometdEventSources } from './upstream/cometd-event-source.js';
import { basicAuthorizationHeaders, playgroundRouter } from './playground/serve-playground.js';

/** What main.ts and the tests need of a running simulator (src/simulator is loaded only when used). */
interface RunningSimulator {
  readonly url: string;
  close(): Promise<void>;
}

export interface App {
  config: GatewayConfig;
  gateway: Gateway;
  /** Set when the gateway runs on the built-in simulator. */
  simulatorUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startApp(config: GatewayConfig = loadConfig(), logger: Logger = createLogger({ level: config.logLevel })): Promise<App> {
  // Loaded only when on: the SDK and its exporter are not needed otherwise.
  const tracing = config.tracing ? (await import('./observability/tracing-sdk.js')).startTracing() : undefined;
  let simulator: RunningSimulator | undefined;
  let gwsBaseUrl = config.gwsBaseUrl;
  let demoHeaders: Record<string, string> | undefined;
  if (!gwsBaseUrl) {
    // Loaded on demand: the gateway core never imports the simulator.
    const { startSimulator, DEMO_USERS } = await import('./simulator/index.js');
    simulator = await startSimulator({ port: config.simulatorPort, receivedMax: config.simulatorReceivedMax, logger });
    gwsBaseUrl = simulator.url;
    const demo = DEMO_USERS[0]!;
    demoHeaders = basicAuthorizationHeaders(demo.username, demo.password);
    logger.warn(
      { simulator: simulator.url, demoUsers: DEMO_USERS.map((u) => u.username) },
      'GWS_BASE_URL is unset: using the built-in GWS simulator (demo users and passwords are in the README)',
    );
  }
  try {
    const gateway = await startGateway({
      config,
      gwsBaseUrl,
      logger,
      openEventSource: cometdEventSources({ backoff: config.events.cometdBackoff, maxNetworkDelayMs: config.events.cometdMaxNetworkDelayMs }),
      ...(config.playground
        ? { playground: playgroundRouter(demoHeaders ? { defaultHeaders: demoHeaders } : {}) }
        : {}),
    });
    logger.info({ url: gateway.url, ws: gateway.wsUrl, upstream: gwsBaseUrl }, 'gateway listening');
    let stopping: Promise<void> | undefined;
    return {
      config,
      gateway,
      simulatorUrl: simulator?.url,
      stop: () =>
        (stopping ??= (async () => {
          await gateway.stop();
          await simulator?.close();
          await tracing?.shutdown();
        })()),
    };
  } catch (error) {
    await simulator?.close();
    await tracing?.shutdown();
    throw error;
  }
}
