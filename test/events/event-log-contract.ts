/**
 * The EventLog contract (src/events/event-log.ts), as one suite every
 * implementation runs: the memory log (test/events/memory-event-log.contract.test.ts)
 * and the Redis Streams log (test/cluster/redis-event-log.test.ts). Real time
 * only (Redis has its own clock), with margins that hold under load.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog, EventLogRead } from '../../src/events/event-log.js';
import type { OutboundRecordEventModel } from '../../src/events/outbound-record-event.js';

export interface EventLogSubject {
  log: EventLog;
  /** The same log in a new lifetime (memory: a restarted process; Redis: a Redis that lost its data). */
  restart(): Promise<EventLog>;
}

export interface EventLogFactory {
  create(options: { retentionMs: number; maxPerUser: number }): Promise<EventLogSubject>;
}

export const sampleEvent = (referenceId: string): OutboundRecordEventModel => ({
  notificationType: 'RECORD_REJECT_ACKNOWLEDGE',
  upstreamNotificationType: 'RecordRejectAcknowledge',
  messageType: 'OutboundRecordMessage',
  referenceId,
  record: { recordHandle: 1, applicationId: 134, campaignName: 'Campaign1', callingList: 'CallingList1', devicePath: null },
  userData: { GSW_CALL_RESULT: 33 },
  callResult: null,
  deviceId: null,
  receivedAt: new Date(1_700_000_000_000),
});

const refs = (read: EventLogRead): string[] => read.entries.map((e) => (e.kind === 'event' ? e.event.referenceId ?? '?' : 'gap'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

/** Registers the contract suite for one implementation. */
export function defineEventLogContract(name: string, factory: EventLogFactory): void {
  describe(`EventLog contract: ${name}`, () => {
    const logs: EventLog[] = [];
    const subject = async (options: { retentionMs?: number; maxPerUser?: number } = {}): Promise<EventLogSubject> => {
      const s = await factory.create({ retentionMs: options.retentionMs ?? 60_000, maxPerUser: options.maxPerUser ?? 100 });
      logs.push(s.log);
      return {
        log: s.log,
        restart: async () => {
          const next = await s.restart();
          logs.push(next);
          return next;
        },
      };
    };
    afterEach(async () => {
      await Promise.allSettled(logs.splice(0).map((l) => l.dispose()));
    });

    it('reads after a cursor in order, with a limit, and continues from `next`', async () => {
      const { log } = await subject();
      const start = await log.head('u');
      const cursors: string[] = [];
      for (let i = 0; i < 5; i++) cursors.push(await log.append('u', sampleEvent(`e${i}`)));
      expect(new Set(cursors).size).toBe(5);
      const first = await log.read('u', start, 2);
      expect(refs(first)).toEqual(['e0', 'e1']);
      expect(first.next).toBe(cursors[1]);
      expect(first.entries.map((e) => e.cursor)).toEqual(cursors.slice(0, 2));
      expect(refs(await log.read('u', first.next, 10))).toEqual(['e2', 'e3', 'e4']);
      const end = await log.read('u', cursors[4]!, 10);
      expect(refs(end)).toEqual([]);
      expect(end.next).toBe(cursors[4]);
      expect(refs(await log.read('u', await log.head('u'), 10))).toEqual([]);
      // A limit of 0 only checks the cursor.
      expect(refs(await log.read('u', start, 0))).toEqual([]);
    });

    it('gives back the event as appended (dates included)', async () => {
      const { log } = await subject();
      const start = await log.head('u');
      await log.append('u', sampleEvent('e0'));
      const [entry] = (await log.read('u', start, 1)).entries;
      expect(entry).toMatchObject({ kind: 'event', event: sampleEvent('e0') });
      expect(entry?.kind === 'event' && entry.event.receivedAt).toBeInstanceOf(Date);
    });

    it('keeps users apart: each reads only its own', async () => {
      const { log } = await subject();
      const a0 = await log.head('a');
      const b0 = await log.head('b');
      await log.append('a', sampleEvent('a1'));
      await log.append('b', sampleEvent('b1'));
      await log.append('a', sampleEvent('a2'));
      expect(refs(await log.read('a', a0, 10))).toEqual(['a1', 'a2']);
      expect(refs(await log.read('b', b0, 10))).toEqual(['b1']);
    });

    it("treats another user's cursor as expired, never as a position in this user's log", async () => {
      const { log } = await subject();
      await log.append('b', sampleEvent('b-before'));
      const cursorOfA = await log.append('a', sampleEvent('a1'));
      await log.append('b', sampleEvent('b-after'));
      await expect(log.read('b', cursorOfA, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    });

    it('answers a cursor of another lifetime of the log with CURSOR_EXPIRED', async () => {
      const s = await subject();
      const cursor = await s.log.append('u', sampleEvent('e'));
      const after = await s.restart();
      await after.append('u', sampleEvent('e'));
      await expect(after.read('u', cursor, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    });

    it('answers strings that are not cursors with BAD_USER_INPUT', async () => {
      const { log } = await subject();
      const cursor = await log.append('u', sampleEvent('e'));
      const tampered = Buffer.from(cursor, 'base64url');
      tampered[0] = 9; // an unknown version
      for (const bad of ['', 'not a cursor', 'abc', 'x'.repeat(500), tampered.toString('base64url'), `${cursor}AA`]) {
        await expect(log.read('u', bad, 10), bad).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      }
    });

    it('detects a tampered position', async () => {
      const { log } = await subject();
      const cursor = await log.append('u', sampleEvent('e'));
      const bytes = Buffer.from(cursor, 'base64url');
      bytes[16] = bytes[16]! ^ 1;
      await expect(log.read('u', bytes.toString('base64url'), 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    });

    it('trims by age: a cursor before a trimmed entry is expired, one after it is not', async () => {
      const retentionMs = 2_000;
      const { log } = await subject({ retentionMs });
      const start = await log.head('u');
      const c1 = await log.append('u', sampleEvent('old'));
      const oldAt = Date.now();
      await sleep(1_000);
      const c2 = await log.append('u', sampleEvent('newer'));
      const newerAt = Date.now();
      await sleep(Math.max(0, oldAt + retentionMs + 100 - Date.now()));
      // 'old' is past the retention, 'newer' is not (unless this machine stalled for most of a second).
      await expect(log.read('u', start, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
      if (Date.now() < newerAt + retentionMs - 50) expect(refs(await log.read('u', c1, 10))).toEqual(['newer']);
      expect(refs(await log.read('u', c2, 10))).toEqual([]);
      await sleep(Math.max(0, newerAt + retentionMs + 100 - Date.now()));
      await expect(log.read('u', c1, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
      expect(refs(await log.read('u', c2, 10))).toEqual([]);
    });

    it('trims by count per user, the oldest first', async () => {
      const { log } = await subject({ maxPerUser: 3 });
      const start = await log.head('u');
      const cursors: string[] = [];
      for (let i = 0; i < 5; i++) cursors.push(await log.append('u', sampleEvent(`e${i}`)));
      await expect(log.read('u', start, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
      await expect(log.read('u', cursors[0]!, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
      expect(refs(await log.read('u', cursors[1]!, 10))).toEqual(['e2', 'e3', 'e4']);
      // Another user's entries are not counted against this one.
      const v0 = await log.head('v');
      await log.append('v', sampleEvent('v0'));
      expect(refs(await log.read('v', v0, 10))).toEqual(['v0']);
      expect(refs(await log.read('u', cursors[1]!, 10))).toEqual(['e2', 'e3', 'e4']);
    });

    it('keeps gaps in order; a reader sees them as entries', async () => {
      const { log } = await subject();
      const start = await log.head('u');
      await log.append('u', sampleEvent('e0'));
      await log.markGap('u', 're-handshake');
      await log.append('u', sampleEvent('e1'));
      const read = await log.read('u', start, 10);
      expect(refs(read)).toEqual(['e0', 'gap', 'e1']);
      expect(read.entries[1]).toMatchObject({ kind: 'gap', reason: 're-handshake' });
    });

    it('calls watchers on every append of their user only, until unwatched', async () => {
      const { log } = await subject();
      let calls = 0;
      let sentinel = 0;
      const unwatch = log.watch('u', () => calls++);
      log.watch('w', () => sentinel++);
      await sleep(50); // a watch may need a moment to be in place (Redis: SUBSCRIBE)
      await log.append('u', sampleEvent('e0'));
      await log.markGap('u', 'x');
      await log.append('v', sampleEvent('v0'));
      await log.append('w', sampleEvent('w0'));
      await eventually(() => sentinel === 1, 'the sentinel watcher was called');
      expect(calls).toBe(2);
      unwatch();
      await log.append('u', sampleEvent('e1'));
      await log.append('w', sampleEvent('w1'));
      await eventually(() => sentinel === 2, 'the sentinel watcher was called again');
      expect(calls).toBe(2);
    });

    it('forgets a user with nothing kept and no watcher a retention later; their old cursors are then expired', async () => {
      const retentionMs = 500;
      const { log } = await subject({ retentionMs });
      const cursor = await log.append('u', sampleEvent('e0'));
      await sleep(retentionMs * 4);
      await log.append('other', sampleEvent('o'));
      await expect(log.read('u', cursor, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    });

    it('keeps a watched user while it has nothing retained, so its position stays valid', async () => {
      const retentionMs = 500;
      const { log } = await subject({ retentionMs });
      const cursor = await log.append('u', sampleEvent('e0'));
      const unwatch = log.watch('u', () => undefined);
      await sleep(retentionMs * 4);
      expect(refs(await log.read('u', cursor, 10))).toEqual([]);
      const next = await log.append('u', sampleEvent('e1'));
      expect((await log.read('u', cursor, 10)).next).toBe(next);
      unwatch();
    });
  });
}
