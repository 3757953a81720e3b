import { describe, expect, it } from 'vitest';
import { isQueueEnd, SubscriberQueue } from '../../src/events/subscriber-queue.js';

describe('SubscriberQueue', () => {
  it('delivers in order to a waiting and a late reader', async () => {
    const q = new SubscriberQueue<number>(10);
    const first = q.next();
    q.push(1);
    q.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
  });

  it('ends a reader that falls behind with SUBSCRIBER_TOO_SLOW and frees what it held', async () => {
    let closed = 0;
    const q = new SubscriberQueue<number>(3, () => closed++);
    expect([q.push(1), q.push(2), q.push(3)]).toEqual([true, true, true]);
    expect(q.push(4)).toBe(false);
    expect(q.push(5)).toBe(false);
    expect(closed).toBe(1);
    const last = await q.next();
    expect(isQueueEnd(last.value)).toBe(true);
    expect(last.value).toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW' });
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(q.size).toBe(0);
  });

  it('return() ends a pending next() and runs cleanup exactly once', async () => {
    let closed = 0;
    const q = new SubscriberQueue<number>(3, () => closed++);
    const pending = q.next();
    await q.return();
    await q.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
    expect(q.push(1)).toBe(false);
  });

  it('end() drains what is queued, then completes', async () => {
    const q = new SubscriberQueue<number>(5);
    q.push(1);
    q.end();
    expect(await q.next()).toEqual({ value: 1, done: false });
    expect((await q.next()).done).toBe(true);
  });
});
