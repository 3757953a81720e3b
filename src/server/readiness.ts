/**
 * /readyz: is GWS reachable? A cheap unauthenticated GET of /api/v2/me (any
 * HTTP answer, 401 included, means reachable), cached briefly so probes
 * cannot hammer GWS. The reply is bounded like every GWS reply: one over
 * `maxResponseBytes` is cut off and reported (RESPONSE_TOO_LARGE).
 */
import { got } from 'got';
import { limitResponseSize, RESPONSE_TOO_LARGE } from '../upstream/bounded-response.js';

export interface UpstreamReadiness {
  reachable: boolean;
  checkedAt: string;
  error?: string;
}

export function createReadiness(
  baseUrl: string,
  timeoutMs: number,
  maxResponseBytes: number,
  cacheMs = 2_000,
): () => Promise<UpstreamReadiness> {
  let cached: { at: number; value: Promise<UpstreamReadiness> } | undefined;
  const probe = async (): Promise<UpstreamReadiness> => {
    const checkedAt = new Date().toISOString();
    const request = got(`${baseUrl}/api/v2/me`, { timeout: { request: timeoutMs }, retry: { limit: 0 }, throwHttpErrors: false });
    const bound = limitResponseSize(request, maxResponseBytes);
    try {
      await request;
      return { reachable: true, checkedAt };
    } catch (error) {
      if (bound.exceeded()) return { reachable: false, checkedAt, error: RESPONSE_TOO_LARGE };
      return { reachable: false, checkedAt, error: (error as { code?: string }).code ?? 'unreachable' };
    }
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) cached = { at: now, value: probe() };
    return cached.value;
  };
}
