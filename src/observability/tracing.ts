/**
 * Spans through @opentelemetry/api only: a no-op until tracing-sdk.ts
 * registers a provider (OTEL_TRACING=true). One span per record operation and
 * one per GWS request, never carrying credentials or request bodies.
 *
 * With tracing off (the default) `inSpan` calls its function straight away
 * with a non-recording span: no span object, attributes or context per call
 * on the mutation path.
 */
import { INVALID_SPAN_CONTEXT, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

export const tracer = trace.getTracer('outbound-graphql-gateway');

/** Set by tracing-sdk.ts while its provider is registered. */
let recording = false;

/** Tells inSpan whether a tracer provider is registered (tracing-sdk.ts calls it). */
export function setSpansRecorded(on: boolean): void {
  recording = on;
}

/** What `fn` gets when tracing is off: accepts attributes and status, records nothing. */
const NOT_RECORDED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Runs `fn` in an active span, recording its failure (the error code only, no message details). */
export async function inSpan<T>(name: string, attributes: Record<string, string | number>, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!recording) return fn(NOT_RECORDED);
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
