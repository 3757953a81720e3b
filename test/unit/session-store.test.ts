import { describe, expect, it } from 'vitest';
import { SessionStore, type StoredSession } from '../../src/upstream/session-store.js';

class FakeSession implements StoredSession {
  busy = false;
  usable = true;
  disposed = 0;
  constructor(readonly authorization: string) {}
  isBusy(): boolean {
    return this.busy;
  }
  isUsable(): boolean {
    return this.usable;
  }
  dispose(): void {
    this.disposed++;
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Verify = (s: FakeSession) => Promise<void>;
const accept: Verify = () => Promise.resolve();
const store = (max: number, idleTtlMs = 60_000, verify: Verify = accept, maxPending = 10) =>
  new SessionStore<FakeSession>({ max, idleTtlMs, maxPending, verify, create: (a) => new FakeSession(a) });

describe('SessionStore', () => {
  it('gives each verified credential its own session, keyed by a hash', async () => {
    const s = store(10);
    const a = await s.admit('Basic YQ==');
    expect(await s.admit('Basic YQ==')).toBe(a);
    expect(await s.admit('Basic Yg==')).not.toBe(a);
    expect(s.peek('Basic Yw==')).toBeUndefined();
    expect(s.get('Basic Yw==')).toBeUndefined();
    expect(s.size).toBe(2);
  });

  it('keeps nothing for a credential whose verification fails, and disposes what it made', async () => {
    const made: FakeSession[] = [];
    const s = new SessionStore<FakeSession>({
      max: 10,
      idleTtlMs: 60_000,
      maxPending: 10,
      verify: () => Promise.reject(new Error('refused')),
      create: (a) => {
        const session = new FakeSession(a);
        made.push(session);
        return session;
      },
    });
    await expect(s.admit('Basic bm8=')).rejects.toThrow('refused');
    expect(s.size).toBe(0);
    expect(made.map((m) => m.disposed)).toEqual([1]);
  });

  it('shares one verification between concurrent requests of a credential, and bounds the verifications in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const s = store(10, 60_000, () => {
      calls++;
      return gate;
    }, 2);
    const first = s.admit('Basic MQ==');
    const again = s.admit('Basic MQ==');
    const second = s.admit('Basic Mg==');
    await expect(s.admit('Basic Mw==')).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(calls).toBe(2);
    release();
    expect(await first).toBe(await again);
    await second;
    expect(s.pendingCount).toBe(0);
  });

  it('disposes idle sessions after the TTL but keeps busy ones', async () => {
    const s = store(10, 40);
    const idle = await s.admit('Basic aWRsZQ==');
    const busy = await s.admit('Basic YnVzeQ==');
    busy.busy = true;
    await wait(150);
    expect(idle.disposed).toBe(1);
    expect(s.peek('Basic aWRsZQ==')).toBeUndefined();
    expect(busy.disposed).toBe(0);
    expect(s.peek('Basic YnVzeQ==')).toBe(busy);
    busy.busy = false;
    await wait(150);
    expect(busy.disposed).toBe(1);
    expect(s.size).toBe(0);
  });

  it('is bounded: the least recently used idle session goes first, a busy one never', async () => {
    const s = store(2);
    const first = await s.admit('Basic MQ==');
    const second = await s.admit('Basic Mg==');
    second.busy = true;
    s.get('Basic Mg==');
    // first is the idle one, so it goes although second was used less recently.
    await s.admit('Basic Mw==');
    expect(first.disposed).toBe(1);
    expect(second.disposed).toBe(0);
    expect(s.size).toBe(2);
  });

  it('refuses a new credential with RATE_LIMITED when every cached session is busy', async () => {
    const s = store(2);
    const a = await s.admit('Basic MQ==');
    const b = await s.admit('Basic Mg==');
    a.busy = true;
    b.busy = true;
    await expect(s.admit('Basic Mw==')).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 30 } });
    expect([a.disposed, b.disposed]).toEqual([0, 0]);
    expect(s.peek('Basic Mw==')).toBeUndefined();
  });

  it('drops a session that became unusable (refused credentials) and verifies the credential again', async () => {
    let verifications = 0;
    const s = store(10, 60_000, () => {
      verifications++;
      return Promise.resolve();
    });
    const a = await s.admit('Basic YQ==');
    a.usable = false;
    expect(s.get('Basic YQ==')).toBeUndefined();
    const again = await s.admit('Basic YQ==');
    expect(again).not.toBe(a);
    expect(verifications).toBe(2);
  });

  it('clear() disposes every session once, and whatever finishes verifying after it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = store(10, 60_000, (session) => (session.authorization === 'Basic bGF0ZQ==' ? gate : Promise.resolve()));
    const sessions = [await s.admit('Basic MQ=='), await s.admit('Basic Mg==')];
    const late = s.admit('Basic bGF0ZQ==');
    late.catch(() => undefined);
    const cleared = s.clear();
    release();
    await cleared;
    expect(sessions.map((x) => x.disposed)).toEqual([1, 1]);
    await expect(late).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(s.size).toBe(0);
  });
});
