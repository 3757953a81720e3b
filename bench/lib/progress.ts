/** Progress lines on stderr (stdout stays clean), each with the seconds since start. */
const started = performance.now();

export function progress(message: string): void {
  process.stderr.write(`[bench +${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
}

/** Polls `check` until it returns a value, or throws after `timeoutMs` with `what` and the last state. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  describe?: () => Promise<string> | string,
  intervalMs = 100,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `: ${await describe()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
