/**
 * The gateway's Prometheus metrics (prom-client), on a registry of its own so
 * several gateways (tests) never mix their figures. Gauges that mirror state
 * are computed when scraped, from the objects that own that state.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsSources {
  wsConnections(): number;
  /** Subscriptions served, and upstream CometD sessions by state. */
  sessions(): { subscriptions: number; cometdByState: Record<string, number> };
  /** Open connections (HTTP streams count as one each) and subscriptions, by transport. */
  transports(): Record<string, { connections: number; subscriptions?: number }>;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly operations = new Counter({
    name: 'gateway_record_operations_total',
    help: 'Record operations by GWS operationName and outcome (ok or the error code)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'gateway_upstream_request_duration_seconds',
    help: 'GWS HTTP request latency by method and outcome (HTTP status or error code)',
    labelNames: ['method', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly eventsReceived = new Counter({
    name: 'gateway_events_received_total',
    help: 'Outbound record events received from GWS (after pairing)',
    registers: [this.registry],
  });
  readonly eventsDelivered = new Counter({
    name: 'gateway_events_delivered_total',
    help: 'Events queued to subscribers',
    registers: [this.registry],
  });
  readonly eventsDropped = new Counter({
    name: 'gateway_events_dropped_total',
    help: 'Events dropped because a subscriber fell too far behind (its subscription is ended)',
    registers: [this.registry],
  });
  readonly ackWait = new Histogram({
    name: 'gateway_acknowledgement_wait_seconds',
    help: 'Time from sending a record operation to its CometD acknowledgement, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Operations refused with RATE_LIMITED',
    registers: [this.registry],
  });

  #sources: Partial<MetricsSources> = {};

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
    // collect() runs with the gauge as `this`; read our sources through a closure.
    const sources = (): Partial<MetricsSources> => this.#sources;
    new Gauge({
      name: 'gateway_ws_connections',
      help: 'Open graphql-ws connections',
      registers: [this.registry],
      collect() {
        this.set(sources().wsConnections?.() ?? 0);
      },
    });
    new Gauge({
      name: 'gateway_subscriptions',
      help: 'Open outboundRecordEvents subscriptions',
      registers: [this.registry],
      collect() {
        this.set(sources().sessions?.().subscriptions ?? 0);
      },
    });
    new Gauge({
      name: 'gateway_transport_connections',
      help: 'Open client connections by transport (graphql-transport-ws, graphql-ws, sse, multipart; an HTTP stream is one)',
      labelNames: ['transport'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [transport, n] of Object.entries(sources().transports?.() ?? {})) this.set({ transport }, n.connections);
      },
    });
    new Gauge({
      name: 'gateway_transport_subscriptions',
      help: 'Open subscription operations by transport',
      labelNames: ['transport'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [transport, n] of Object.entries(sources().transports?.() ?? {})) {
          if (n.subscriptions !== undefined) this.set({ transport }, n.subscriptions);
        }
      },
    });
    new Gauge({
      name: 'gateway_cometd_sessions',
      help: 'Upstream CometD sessions by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(sources().sessions?.().cometdByState ?? {})) this.set({ state }, n);
      },
    });
  }

  /** Connects the state gauges to their owners once those exist. */
  attach(sources: Partial<MetricsSources>): void {
    this.#sources = { ...this.#sources, ...sources };
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
