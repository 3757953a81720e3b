/**
 * The OpenTelemetry SDK, loaded only when OTEL_TRACING=true: an OTLP/HTTP
 * exporter configured by the standard OTEL_EXPORTER_OTLP_* variables.
 */
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { setSpansRecorded } from './tracing.js';

export interface Tracing {
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
  /** Flushes and stops. */
  shutdown(): Promise<void>;
}

/** Starts the SDK and registers it as the global tracer provider. */
export function startTracing(options: { serviceName?: string; exporter?: SpanExporter } = {}): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName ?? 'outbound-graphql-gateway' }),
    spanProcessors: [new BatchSpanProcessor(options.exporter ?? new OTLPTraceExporter())],
  });
  provider.register();
  setSpansRecorded(true);
  return {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      setSpansRecorded(false);
      await provider.shutdown();
      trace.disable();
    },
  };
}

