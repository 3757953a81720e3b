/**
 * /readyz: is GWS reachable? A cheap unauthenticated GET of /api/v2/me (any
 * HTTP answer, 401 included, means reachable), cached briefly so probes
 * cannot hammer GWS.
 */
import { got } from 'got';

export interface UpstreamReadiness {
  reachable: boolean;
  checkedAt: string;
  error?: string;
}

export function createReadiness(baseUrl: string, timeoutMs: number, cacheMs = 2_000): () => Promise<UpstreamReadiness> {
  let cached: { at: number; value: Promise<UpstreamReadiness> } | undefined;
  const probe = async (): Promise<UpstreamReadiness> => {
    const checkedAt = new Date().toISOString();
    try {
      await got(`${baseUrl}/api/v2/me`, { timeout: { request: timeoutMs }, retry: { limit: 0 }, throwHttpErrors: false });
      return { reachable: true, checkedAt };
    } catch (error) {
      return { reachable: false, checkedAt, error: (error as { code?: string }).code ?? 'unreachable' };
    }
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) cached = { at: now, value: probe() };
    return cached.value;
  };
}
