/** A subscriber reading the in-memory event log: replay at its own pace, the seam to live, the live bound, gaps, return(). */
import { afterEach, describe, expect, it } from 'vitest';
import { LogSubscriber } from '../../src/events/log-subscriber.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import type { OutboundRecordEventModel } from '../../src/events/outbound-record-event.js';
import { isQueueEnd } from '../../src/events/stream-end.js';
import { silentLogger } from '../../src/logger.js';

const event = (referenceId: string, campaignName = 'Campaign1'): OutboundRecordEventModel => ({
  notificationType: 'RECORD_REJECT_ACKNOWLEDGE',
  upstreamNotificationType: 'RecordRejectAcknowledge',
  messageType: 'OutboundRecordMessage',
  referenceId,
  record: { recordHandle: 1, applicationId: 134, campaignName, callingList: 'CallingList1', devicePath: null },
  userData: null,
  callResult: null,
  deviceId: null,
  receivedAt: new Date(0),
});

let log: MemoryEventLog;
afterEach(() => log.dispose());

function subscriber(after: string, options: { resuming?: boolean; queueMax?: number; campaignName?: string } = {}) {
  let closed = 0;
  const sub = new LogSubscriber({
    log,
    userKey: 'u',
    after,
    resuming: options.resuming ?? true,
    queueMax: options.queueMax ?? 5,
    replayBatch: 7,
    filter: options.campaignName ? { campaignName: options.campaignName } : null,
    logger: silentLogger,
    onClose: () => closed++,
  });
  return { sub, closed: () => closed };
}

async function take(sub: LogSubscriber, n: number): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const { value, done } = await sub.next();
    if (done) break;
    items.push(isQueueEnd(value) ? { end: value.code } : value.referenceId);
  }
  return items;
}

describe('LogSubscriber', () => {
  it('replays more than its queue bound at its own pace, then goes live across the seam: none doubled, none skipped', async () => {
    log = new MemoryEventLog({ retentionMs: 60_000, maxPerUser: 10_000 });
    const start = await log.head('u');
    for (let i = 0; i < 40; i++) await log.append('u', event(`b${i}`));
    const { sub } = subscriber(start, { queueMax: 5 });
    const first = await take(sub, 10);
    // Appends while the replay is mid-way (more than the queue bound), then more once it is live.
    for (let i = 0; i < 20; i++) await log.append('u', event(`s${i}`));
    const rest = await take(sub, 50);
    await log.append('u', event('live'));
    const live = await take(sub, 1);
    expect([...first, ...rest, ...live]).toEqual([
      ...Array.from({ length: 40 }, (_, i) => `b${i}`),
      ...Array.from({ length: 20 }, (_, i) => `s${i}`),
      'live',
    ]);
    await sub.return();
  });

  it('ends a live reader that falls more than queueMax behind with SUBSCRIBER_TOO_SLOW, once', async () => {
    log = new MemoryEventLog({ retentionMs: 60_000, maxPerUser: 10_000 });
    const { sub, closed } = subscriber(await log.head('u'), { resuming: false, queueMax: 3 });
    for (let i = 0; i < 4; i++) await log.append('u', event(`e${i}`));
    await new Promise((r) => setTimeout(r, 0));
    expect(await take(sub, 10)).toEqual([{ end: 'SUBSCRIBER_TOO_SLOW' }]);
    expect(closed()).toBe(1);
    expect(log.stats().watchers).toBe(0);
  });

  it('a live reader keeps up with appends it reads between', async () => {
    log = new MemoryEventLog({ retentionMs: 60_000, maxPerUser: 10_000 });
    const { sub } = subscriber(await log.head('u'), { resuming: false, queueMax: 2 });
    const got: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      await log.append('u', event(`e${i}`));
      got.push(...(await take(sub, 1)));
    }
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));
    await sub.return();
  });

  it('a replay that meets a gap delivers what came before it, then ends with CURSOR_EXPIRED; a live reader skips gaps', async () => {
    log = new MemoryEventLog({ retentionMs: 60_000, maxPerUser: 10_000 });
    const start = await log.head('u');
    const liveOne = subscriber(start, { resuming: false, queueMax: 10 });
    await log.append('u', event('before'));
    await log.markGap('u', 're-handshake');
    await log.append('u', event('after'));
    expect(await take(subscriber(start).sub, 5)).toEqual(['before', { end: 'CURSOR_EXPIRED' }]);
    expect(await take(liveOne.sub, 2)).toEqual(['before', 'after']);
    await liveOne.sub.return();
  });

  it('filters the replay; return() releases the watch exactly once', async () => {
    log = new MemoryEventLog({ retentionMs: 60_000, maxPerUser: 10_000 });
    const start = await log.head('u');
    for (let i = 0; i < 10; i++) await log.append('u', event(`e${i}`, i % 3 === 0 ? 'Other' : 'Campaign1'));
    const { sub, closed } = subscriber(start, { campaignName: 'Other' });
    expect(await take(sub, 4)).toEqual(['e0', 'e3', 'e6', 'e9']);
    await sub.return();
    await sub.return();
    expect(closed()).toBe(1);
    expect(log.stats().watchers).toBe(0);
    expect(await sub.next()).toEqual({ value: undefined, done: true });
  });
});

/** A memory log that counts reads: the shared live tail reads each append once for all its members. */
class CountingLog extends MemoryEventLog {
  reads = 0;
  override read(userKey: string, after: string, limit: number) {
    this.reads++;
    return super.read(userKey, after, limit);
  }
}

describe('the shared live tail', () => {
  it('20 live subscribers of one user: one log read per append for all of them, each gets every event in order, its own filter applied', async () => {
    const counting = new CountingLog({ retentionMs: 60_000, maxPerUser: 10_000 });
    log = counting;
    const head = await log.head('u');
    const subs = Array.from({ length: 20 }, (_, i) => subscriber(head, { resuming: false, queueMax: 50, ...(i === 0 ? { campaignName: 'Other' } : {}) }));
    await new Promise((r) => setTimeout(r, 0));
    const before = counting.reads;
    for (let i = 0; i < 10; i++) await log.append('u', event(`e${i}`, i % 2 === 0 ? 'Other' : 'Campaign1'));
    await new Promise((r) => setTimeout(r, 0));
    // Without the tail: 20 reads per append (200).
    expect(counting.reads - before).toBeLessThanOrEqual(10);
    expect(await take(subs[0]!.sub, 5)).toEqual(['e0', 'e2', 'e4', 'e6', 'e8']);
    for (const { sub } of subs.slice(1)) expect(await take(sub, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
    for (const { sub } of subs) await sub.return();
    expect(log.stats().watchers).toBe(0);
  });

  it('a subscriber elsewhere in the log (a resume, a later head) reads on its own, then joins the tail where it meets it: none doubled, none skipped', async () => {
    const counting = new CountingLog({ retentionMs: 60_000, maxPerUser: 10_000 });
    log = counting;
    const start = await log.head('u');
    const live = subscriber(start, { resuming: false, queueMax: 100 });
    for (let i = 0; i < 30; i++) await log.append('u', event(`a${i}`));
    // Another user's append moves the shared sequence: this head is another string than the tail's position.
    await log.append('other', event('x'));
    const later = subscriber(await log.head('u'), { resuming: false, queueMax: 100 });
    const resumed = subscriber(start, { resuming: true, queueMax: 20 });
    const replayed = await take(resumed.sub, 30);
    for (let i = 0; i < 10; i++) await log.append('u', event(`b${i}`));
    await new Promise((r) => setTimeout(r, 0));
    const b = Array.from({ length: 10 }, (_, i) => `b${i}`);
    expect([...replayed, ...(await take(resumed.sub, 10))]).toEqual([...Array.from({ length: 30 }, (_, i) => `a${i}`), ...b]);
    expect(await take(later.sub, 10)).toEqual(b);
    expect(await take(live.sub, 40)).toEqual([...Array.from({ length: 30 }, (_, i) => `a${i}`), ...b]);
    // All three on the tail now: one read per append.
    const before = counting.reads;
    for (let i = 0; i < 5; i++) await log.append('u', event(`c${i}`));
    await new Promise((r) => setTimeout(r, 0));
    expect(counting.reads - before).toBeLessThanOrEqual(5);
    const c = Array.from({ length: 5 }, (_, i) => `c${i}`);
    for (const s of [live, later, resumed]) expect(await take(s.sub, 5)).toEqual(c);
    for (const s of [live, later, resumed]) await s.sub.return();
    expect(log.stats().watchers).toBe(0);
  });

  it('a member that falls behind is ended with SUBSCRIBER_TOO_SLOW; the other members go on, and a new subscriber starts a new tail once all left', async () => {
    log = new MemoryEventLog({ retentionMs: 60_000, maxPerUser: 10_000 });
    const head = await log.head('u');
    const slow = subscriber(head, { resuming: false, queueMax: 3 });
    const fast = subscriber(head, { resuming: false, queueMax: 3 });
    const got: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      await log.append('u', event(`e${i}`));
      got.push(...(await take(fast.sub, 1)));
    }
    expect(got).toEqual(Array.from({ length: 6 }, (_, i) => `e${i}`));
    expect(await take(slow.sub, 10)).toEqual([{ end: 'SUBSCRIBER_TOO_SLOW' }]);
    expect(slow.closed()).toBe(1);
    await fast.sub.return();
    expect(log.stats().watchers).toBe(0);
    const next = subscriber(await log.head('u'), { resuming: false, queueMax: 3 });
    await log.append('u', event('again'));
    expect(await take(next.sub, 1)).toEqual(['again']);
    await next.sub.return();
    expect(log.stats().watchers).toBe(0);
  });
});
