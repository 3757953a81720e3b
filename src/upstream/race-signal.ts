/** Lets one caller stop waiting for shared work without stopping the work. */
import { ErrorCode, gatewayError } from '../errors.js';

/** Settles like `work`, or rejects (UPSTREAM_UNAVAILABLE, cancelled) as soon as `signal` aborts. */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  const cancelled = (): Error => gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The request to GWS was cancelled');
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
