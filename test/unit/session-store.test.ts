import { describe, expect, it } from 'vitest';
import { SessionStore, type StoredSession } from '../../src/upstream/session-store.js';

class FakeSession implements StoredSession {
  busy = false;
  disposed = 0;
  constructor(readonly authorization: string) {}
  isBusy(): boolean {
    return this.busy;
  }
  dispose(): void {
    this.disposed++;
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SessionStore', () => {
  it('gives each credential its own session, keyed by a hash', () => {
    const store = new SessionStore({ max: 10, idleTtlMs: 60_000, create: (a) => new FakeSession(a) });
    const a = store.get('Basic YQ==');
    expect(store.get('Basic YQ==')).toBe(a);
    expect(store.get('Basic Yg==')).not.toBe(a);
    expect(store.peek('Basic Yw==')).toBeUndefined();
    expect(store.size).toBe(2);
  });

  it('disposes idle sessions after the TTL but keeps busy ones', async () => {
    const store = new SessionStore({ max: 10, idleTtlMs: 40, create: (a) => new FakeSession(a) });
    const idle = store.get('Basic aWRsZQ==');
    const busy = store.get('Basic YnVzeQ==');
    busy.busy = true;
    await wait(150);
    expect(idle.disposed).toBe(1);
    expect(store.peek('Basic aWRsZQ==')).toBeUndefined();
    expect(busy.disposed).toBe(0);
    expect(store.peek('Basic YnVzeQ==')).toBe(busy);
    busy.busy = false;
    await wait(150);
    expect(busy.disposed).toBe(1);
    expect(store.size).toBe(0);
  });

  it('is bounded: the least recently used goes first', () => {
    const store = new SessionStore({ max: 2, idleTtlMs: 60_000, create: (a) => new FakeSession(a) });
    const first = store.get('Basic MQ==');
    store.get('Basic Mg==');
    store.get('Basic MQ==');
    store.get('Basic Mw==');
    expect(store.size).toBe(2);
    expect(store.peek('Basic MQ==')).toBe(first);
    expect(store.peek('Basic Mg==')).toBeUndefined();
  });

  it('clear() disposes every session once', async () => {
    const store = new SessionStore({ max: 10, idleTtlMs: 60_000, create: (a) => new FakeSession(a) });
    const sessions = [store.get('Basic MQ=='), store.get('Basic Mg==')];
    await store.clear();
    expect(sessions.map((s) => s.disposed)).toEqual([1, 1]);
    expect(store.size).toBe(0);
  });
});
