/**
 * Spans through @opentelemetry/api only: a no-op until tracing-sdk.ts
 * registers a provider (OTEL_TRACING=true). One span per record operation and
 * one per GWS request, never carrying credentials or request bodies.
 */
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';

export const tracer = trace.getTracer('outbound-graphql-gateway');

/** Runs `fn` in an active span, recording its failure (the error code only, no message details). */
export async function inSpan<T>(name: string, attributes: Record<string, string | number>, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}
