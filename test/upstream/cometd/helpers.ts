/**
 * Small helpers for the CometD session tests: cookie jars holding a fixture
 * session, a recorder of what a session reports, and polling without sleeps
 * of fixed length.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CookieJar } from 'tough-cookie';
import { CometdSession, type CometdSessionOptions, type CometdSessionState } from '../../../src/upstream/cometd/index.js';
import type { BayeuxFixture } from './bayeux-fixture.js';

/** A jar holding a fresh fixture session of `user` (or no session). */
export async function jarFor(fixture: BayeuxFixture, user?: string): Promise<{ jar: CookieJar; sessionId?: string }> {
  const jar = new CookieJar();
  if (user === undefined) return { jar };
  const sessionId = fixture.createSession(user);
  await jar.setCookie(`JSESSIONID=${sessionId}; Path=/`, fixture.origin);
  return { jar, sessionId };
}

/** The JSESSIONID a jar would send to the fixture. */
export async function sessionIdIn(jar: CookieJar, fixture: BayeuxFixture): Promise<string | undefined> {
  const cookies = await jar.getCookies(fixture.url);
  return cookies.find((cookie) => cookie.key === 'JSESSIONID')?.value;
}

/** What one session reported. */
export interface Recorded {
  session: CometdSession;
  messages: { channel: string; data: unknown }[];
  states: { state: CometdSessionState; error?: Error }[];
}

/** Creates a session whose messages and states are recorded; disposed by `sessions.disposeAll()`. */
export class SessionPool {
  readonly #sessions: CometdSession[] = [];

  create(options: Omit<CometdSessionOptions, 'onMessage' | 'onStateChange'>): Recorded {
    const recorded: Recorded = { session: undefined as unknown as CometdSession, messages: [], states: [] };
    recorded.session = new CometdSession({
      backoff: { initialMs: 20, maxMs: 100 },
      ...options,
      onMessage: (channel, data) => recorded.messages.push({ channel, data }),
      onStateChange: (state, error) => recorded.states.push(error ? { state, error } : { state }),
    });
    this.#sessions.push(recorded.session);
    return recorded;
  }

  async disposeAll(): Promise<void> {
    await Promise.all(this.#sessions.splice(0).map((session) => session.dispose()));
  }
}

/** Polls `check` every 10 ms until it returns true; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Counts of the active handles that could outlive a session: timers and TCP sockets. */
export function activeHandles(): { timers: number; sockets: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    timers: resources.filter((name) => name === 'Timeout').length,
    sockets: resources.filter((name) => name === 'TCPSocketWrap').length,
  };
}
