/** The in-memory event log and its cursors: order, retention by age and count, epochs, users, gaps, watchers. */
import { afterEach, describe, expect, it } from 'vitest';
import { CursorCodec, CursorExpiredError, InvalidCursorError } from '../../src/events/cursor.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import type { OutboundRecordEventModel } from '../../src/events/outbound-record-event.js';

const event = (referenceId: string): OutboundRecordEventModel => ({
  notificationType: 'RECORD_REJECT_ACKNOWLEDGE',
  upstreamNotificationType: 'RecordRejectAcknowledge',
  messageType: 'OutboundRecordMessage',
  referenceId,
  record: { recordHandle: 1, applicationId: 134, campaignName: 'Campaign1', callingList: 'CallingList1', devicePath: null },
  userData: null,
  callResult: null,
  deviceId: null,
  receivedAt: new Date(0),
});

let clock = 0;
const logs: MemoryEventLog[] = [];
function memoryLog(options: { retentionMs?: number; maxPerUser?: number; codec?: CursorCodec } = {}): MemoryEventLog {
  const log = new MemoryEventLog({ retentionMs: options.retentionMs ?? 1_000, maxPerUser: options.maxPerUser ?? 100, now: () => clock, ...(options.codec ? { codec: options.codec } : {}) });
  logs.push(log);
  return log;
}
afterEach(async () => {
  clock = 0;
  await Promise.all(logs.splice(0).map((l) => l.dispose()));
});

const refs = (read: { entries: { kind: string; event?: OutboundRecordEventModel }[] }) =>
  read.entries.map((e) => (e.kind === 'event' ? e.event!.referenceId : 'gap'));

describe('MemoryEventLog', () => {
  it('reads after a cursor in order, with a limit, and continues from `next`', async () => {
    const log = memoryLog();
    const start = await log.head('u');
    const cursors = [];
    for (let i = 0; i < 5; i++) cursors.push(await log.append('u', event(`e${i}`)));
    // Cursors are opaque strings, all different; reading after each gives the rest.
    expect(new Set(cursors).size).toBe(5);
    const first = await log.read('u', start, 2);
    expect(refs(first)).toEqual(['e0', 'e1']);
    expect(first.next).toBe(cursors[1]);
    expect(refs(await log.read('u', first.next, 10))).toEqual(['e2', 'e3', 'e4']);
    expect(refs(await log.read('u', cursors[4]!, 10))).toEqual([]);
    expect((await log.read('u', cursors[4]!, 10)).next).toBe(cursors[4]);
    expect(refs(await log.read('u', await log.head('u'), 10))).toEqual([]);
  });

  it('keeps users apart: positions interleave, each reads only its own', async () => {
    const log = memoryLog();
    const a0 = await log.head('a');
    const b0 = await log.head('b');
    await log.append('a', event('a1'));
    await log.append('b', event('b1'));
    await log.append('a', event('a2'));
    expect(refs(await log.read('a', a0, 10))).toEqual(['a1', 'a2']);
    expect(refs(await log.read('b', b0, 10))).toEqual(['b1']);
  });

  it("treats another user's cursor as expired, never as a position in this user's log", async () => {
    const log = memoryLog();
    await log.append('b', event('b-before'));
    const cursorOfA = await log.append('a', event('a1'));
    await log.append('b', event('b-after'));
    await expect(log.read('b', cursorOfA, 10)).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it('answers a cursor of another log lifetime (a restart) with CURSOR_EXPIRED', async () => {
    const before = memoryLog();
    const cursor = await before.append('u', event('e'));
    const after = memoryLog();
    await after.append('u', event('e'));
    await expect(after.read('u', cursor, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
  });

  it('answers strings that are not cursors with BAD_USER_INPUT', async () => {
    const log = memoryLog();
    const cursor = await log.append('u', event('e'));
    const tampered = Buffer.from(cursor, 'base64url');
    tampered[0] = 9; // an unknown version
    for (const bad of ['', 'not a cursor', 'abc', 'x'.repeat(500), tampered.toString('base64url'), `${cursor}AA`]) {
      const failure = log.read('u', bad, 10);
      await expect(failure, bad).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(failure).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  it('detects a tampered sequence (the tag covers it)', async () => {
    const log = memoryLog();
    const cursor = await log.append('u', event('e'));
    const bytes = Buffer.from(cursor, 'base64url');
    bytes[16] = bytes[16]! ^ 1;
    await expect(log.read('u', bytes.toString('base64url'), 10)).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it('trims by age: a cursor before a trimmed entry is expired, one after it is not', async () => {
    const log = memoryLog({ retentionMs: 1_000 });
    const start = await log.head('u');
    const c1 = await log.append('u', event('old'));
    clock = 600;
    const c2 = await log.append('u', event('newer'));
    clock = 1_001; // 'old' is past the retention
    await expect(log.read('u', start, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    expect(refs(await log.read('u', c1, 10))).toEqual(['newer']);
    expect(refs(await log.read('u', c2, 10))).toEqual([]);
    clock = 1_601;
    await expect(log.read('u', c1, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    expect(refs(await log.read('u', c2, 10))).toEqual([]);
  });

  it('trims by count per user, the oldest first', async () => {
    const log = memoryLog({ maxPerUser: 3 });
    const start = await log.head('u');
    const cursors = [];
    for (let i = 0; i < 5; i++) cursors.push(await log.append('u', event(`e${i}`)));
    await expect(log.read('u', start, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    await expect(log.read('u', cursors[0]!, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    expect(refs(await log.read('u', cursors[1]!, 10))).toEqual(['e2', 'e3', 'e4']);
    // Another user's entries are not counted against this one.
    await log.append('v', event('v0'));
    expect(log.stats().entries).toBe(4);
  });

  it('keeps gaps in order; a reader sees them as entries', async () => {
    const log = memoryLog();
    const start = await log.head('u');
    await log.append('u', event('e0'));
    await log.markGap('u', 're-handshake');
    await log.append('u', event('e1'));
    const read = await log.read('u', start, 10);
    expect(refs(read)).toEqual(['e0', 'gap', 'e1']);
    expect(read.entries[1]).toMatchObject({ kind: 'gap', reason: 're-handshake' });
  });

  it('calls watchers on every append of their user only, until unwatched', async () => {
    const log = memoryLog();
    let calls = 0;
    const unwatch = log.watch('u', () => calls++);
    await log.append('u', event('e0'));
    await log.markGap('u', 'x');
    await log.append('v', event('v0'));
    expect(calls).toBe(2);
    expect(log.stats().watchers).toBe(1);
    unwatch();
    await log.append('u', event('e1'));
    expect(calls).toBe(2);
    expect(log.stats().watchers).toBe(0);
  });

  it('forgets a user with nothing kept and no watcher a retention later; their old cursors are then expired', async () => {
    const log = memoryLog({ retentionMs: 1_000 });
    const cursor = await log.append('u', event('e0'));
    clock = 900;
    await log.read('u', cursor, 10); // touched
    clock = 1_500;
    log.sweep(); // e0 trimmed, but the user was touched 0.6 s ago: kept for now
    expect(log.stats()).toMatchObject({ users: 1, entries: 0 });
    expect(refs(await log.read('u', cursor, 10))).toEqual([]);
    clock = 2_600;
    log.sweep();
    expect(log.stats().users).toBe(0);
    await log.append('other', event('o'));
    await expect(log.read('u', cursor, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
  });

  it('keeps a watched user while it has nothing retained, so its position stays valid', async () => {
    const log = memoryLog({ retentionMs: 1_000 });
    const cursor = await log.append('u', event('e0'));
    const unwatch = log.watch('u', () => undefined);
    clock = 5_000;
    log.sweep();
    expect(log.stats().users).toBe(1);
    expect(refs(await log.read('u', cursor, 10))).toEqual([]);
    unwatch();
  });
});

describe('CursorCodec', () => {
  it('round-trips sequences of one user and epoch', () => {
    const codec = new CursorCodec();
    for (const n of [0, 1, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) expect(codec.decode('u', codec.encode('u', n))).toBe(n);
    expect(codec.encode('u', 1)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('does not reveal the user: the same position of two users differs, and a codec with another secret rejects it', () => {
    const epoch = Buffer.alloc(8, 1);
    const a = new CursorCodec({ epoch, secret: Buffer.alloc(32, 1) });
    const b = new CursorCodec({ epoch, secret: Buffer.alloc(32, 2) });
    expect(a.encode('u', 7)).not.toBe(a.encode('v', 7));
    expect(() => b.decode('u', a.encode('u', 7))).toThrow(CursorExpiredError);
  });

  it('a cursor it made or checked for one user (remembered, no HMAC on the next read) is still foreign to another user', () => {
    const codec = new CursorCodec();
    const made = codec.encode('u', 7);
    expect(codec.decode('u', made)).toBe(7);
    expect(() => codec.decode('v', made)).toThrow(CursorExpiredError);
    // Checked once for its own user, then offered for another: refused every time.
    const other = new CursorCodec({ secret: Buffer.alloc(32, 3) });
    expect(codec.decode('u', made)).toBe(7);
    expect(() => codec.decode('v', made)).toThrow(CursorExpiredError);
    expect(() => other.decode('u', made)).toThrow(CursorExpiredError);
    // Many users later (the memory of cursors is bounded), the first is checked again and still valid.
    for (let i = 0; i < 10_000; i++) codec.encode(`w${i}`, i);
    expect(codec.decode('u', made)).toBe(7);
    expect(() => codec.decode('v', made)).toThrow(CursorExpiredError);
  });
});
