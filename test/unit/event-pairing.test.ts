import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventPairer } from '../../src/events/event-pairing.js';
import type { OutboundRecordEventModel } from '../../src/events/outbound-record-event.js';
import { readSeed } from '../support/seeds.js';

const SEEDS = ['reschedule-record.txt', 'reject-record.txt', 'update-record.txt', 'cancel-record-with-phone-number.txt', 'complete-record.txt'];

function pairer(windowMs = 100) {
  const out: OutboundRecordEventModel[] = [];
  const p = new EventPairer({ windowMs, emit: (e) => out.push(e) });
  return { p, out };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EventPairer', () => {
  it.each(SEEDS)('pairs the two CometD messages of %s in seed order', (file) => {
    const seed = readSeed(file);
    const { p, out } = pairer();
    for (const m of seed.cometd) p.add(m.channel, m.data);
    expect(out).toHaveLength(1);
    const ack = seed.cometd.find((m) => m.channel === '/v2/me/outbound')!.data!;
    const internal = seed.cometd.find((m) => m.channel === '/me/internal')!.data!;
    const event = out[0]!;
    expect(event.upstreamNotificationType).toBe(ack['notificationType']);
    expect(event.notificationType).not.toBe('UNKNOWN');
    expect(event.referenceId).toBe(ack['referenceId']);
    expect(event.userData).toEqual(internal['userData']);
    expect(event.deviceId).toBe(internal['deviceId']);
    // Cancel by phone: the handle comes from the user event.
    expect(event.record.recordHandle).toBe((internal['userData'] as Record<string, unknown>)['GSW_RECORD_HANDLE']);
    p.dispose();
  });

  it('pairs when the user event comes first', () => {
    const seed = readSeed('reject-record.txt');
    const { p, out } = pairer();
    for (const m of [...seed.cometd].reverse()) p.add(m.channel, m.data);
    expect(out).toHaveLength(1);
    expect(out[0]!.userData).not.toBeNull();
    p.dispose();
  });

  it('sends an acknowledgement without userData once the window passes', () => {
    vi.useFakeTimers();
    const seed = readSeed('complete-record.txt');
    const { p, out } = pairer(50);
    p.add('/v2/me/outbound', seed.cometd[0]!.data);
    expect(out).toHaveLength(0);
    vi.advanceTimersByTime(51);
    expect(out).toHaveLength(1);
    expect(out[0]!.userData).toBeNull();
    expect(out[0]!.record.recordHandle).toBe(12);
    p.dispose();
  });

  it('keeps acknowledgement order even when a later one pairs first', () => {
    vi.useFakeTimers();
    const a = readSeed('reject-record.txt');
    const b = readSeed('complete-record.txt');
    const { p, out } = pairer(50);
    p.add('/v2/me/outbound', a.cometd[0]!.data);
    p.add('/v2/me/outbound', b.cometd[0]!.data);
    p.add('/me/internal', b.cometd[1]!.data);
    expect(out).toHaveLength(0);
    p.add('/me/internal', a.cometd[1]!.data);
    expect(out.map((e) => e.upstreamNotificationType)).toEqual(['RecordRejectAcknowledge', 'RecordProcessedAcknowledge']);
    p.dispose();
  });

  it('does not pair a user event of another record or device', () => {
    const seed = readSeed('reject-record.txt');
    const ack = seed.cometd[0]!.data!;
    const internal = structuredClone(seed.cometd[1]!.data!) as { userData: Record<string, unknown>; deviceId: string };
    internal.userData['GSW_RECORD_HANDLE'] = 10;
    const { p, out } = pairer(0);
    p.add('/me/internal', internal);
    p.add('/v2/me/outbound', ack);
    p.dispose();
    expect(out).toHaveLength(1);
    expect(out[0]!.userData).toBeNull();
  });

  it('maps unknown notification types to UNKNOWN and ignores junk', () => {
    const { p, out } = pairer(0);
    p.add('/v2/me/outbound', { notificationType: 'SomethingNew', messageType: 'OutboundRecordMessage', record: {} });
    p.add('/v2/me/outbound', 'junk');
    p.add('/v2/me/outbound', null);
    p.add('/me/internal', { nothing: true });
    p.add('/v2/me/calls', { notificationType: 'X' });
    p.dispose();
    expect(out).toHaveLength(1);
    expect(out[0]!.notificationType).toBe('UNKNOWN');
    expect(out[0]!.upstreamNotificationType).toBe('SomethingNew');
  });

  it('bounds what it buffers', () => {
    const { p } = pairer(60_000);
    for (let i = 0; i < 5_000; i++) p.add('/me/internal', { userData: { GSW_USER_EVENT: 'X', GSW_RECORD_HANDLE: i }, deviceId: 'd' });
    expect(p.pending).toBeLessThanOrEqual(1_000);
    p.dispose();
    expect(p.pending).toBe(0);
  });
});
