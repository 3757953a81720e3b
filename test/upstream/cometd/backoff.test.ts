import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/upstream/cometd/backoff.js';

describe('Backoff', () => {
  it('doubles the ceiling per failure up to the maximum, and draws below it', () => {
    const draws = [0.999, 0.5, 0, 0.999, 0.999, 0.999];
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000, random: () => draws.shift() ?? 0.999 });
    const ceilings: number[] = [];
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      ceilings.push(backoff.ceiling());
      delays.push(backoff.next());
    }
    expect(ceilings).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(delays).toEqual([99, 100, 0, 799, 999, 999]);
    expect(backoff.failures).toBe(6);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 80, random: () => 0.5 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.ceiling()).toBe(10);
    expect(backoff.next()).toBe(5);
  });

  it('stays finite however long the outage', () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 30_000, random: () => 0.999_999 });
    for (let i = 0; i < 10_000; i += 1) backoff.next();
    expect(backoff.next()).toBeLessThan(30_000);
  });

  it('defaults to 500 ms / 30 s and rejects nonsense', () => {
    expect(new Backoff().ceiling()).toBe(500);
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 100, maxMs: 50 })).toThrow(RangeError);
  });
});
