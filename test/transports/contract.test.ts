/**
 * The transport contract: every case of cases.ts against every transport
 * adapter in adapters/ (each `*.adapter.ts` is picked up by itself), on real
 * gateways (one per profile) over real sockets. A refused request must not
 * reach GWS, and nothing may be written to stderr outside the logger (no
 * "Internal error emitted on a WebSocket socket", no stack trace).
 */
/// <reference types="vite/client" />
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { CASES, PROFILES, type ContractCase, type Profile } from './cases.js';
import type { ContractAnswer, TransportAdapter } from './transport-adapter.js';

const modules = import.meta.glob<{ default: TransportAdapter }>('./adapters/*.adapter.ts', { eager: true });
const ADAPTERS = Object.values(modules).map((m) => m.default);

const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+/;

describe.each(Object.keys(PROFILES) as Profile[])('transport contract on the %s gateway', (profile) => {
  let stack: Stack;
  const stderr: string[] = [];
  beforeAll(async () => {
    stack = await startStack({ env: { ...PROFILES[profile], RATE_LIMIT_POINTS: '1000000' } });
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void stderr.push(args.map(String).join(' ')));
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void stderr.push(args.map(String).join(' ')));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await stack.stop();
  });

  it('finds the adapters of all five transports', () => {
    expect(ADAPTERS.map((a) => a.name)).toEqual(expect.arrayContaining(['HTTP POST', 'graphql-ws', 'SSE', 'multipart', 'legacy graphql-ws']));
  });

  const cases = CASES.filter((c) => c.profile === profile);
  const table = ADAPTERS.flatMap((adapter) => cases.filter((c) => c.appliesTo?.(adapter) ?? true).map((c) => [adapter.name, c.name, adapter, c] as const));

  it.each(table)('%s: %s', async (_transport, _name, adapter: TransportAdapter, contractCase: ContractCase) => {
    const { expected } = contractCase;
    const operations = stack.simulator.received.length;
    const printed = stderr.length;
    const answer = await adapter.send({ url: stack.gateway.url, wsUrl: stack.gateway.wsUrl }, contractCase.request);
    const shown = JSON.stringify(answer);
    if (expected.closeCode !== undefined && adapter.oversized === 'close') {
      expect(answer.closeCode, shown).toBe(expected.closeCode);
    } else {
      expect(answer.closeCode, shown).toBeUndefined();
      expect(codesOf(answer), shown).toEqual(expected.codes);
      if (adapter.statuses && expected.status !== undefined) expect(answer.status, shown).toBe(expected.status);
      for (const error of answer.errors) {
        if (expected.message) expect(error.message).toMatch(expected.message);
        if (expected.notMessage) expect(error.message).not.toMatch(expected.notMessage);
        expect(JSON.stringify(error)).not.toMatch(STACK_TRACE);
        expect(error.extensions ?? {}).not.toHaveProperty('stacktrace');
      }
      if (expected.noData ?? expected.codes.length > 0) expect(answer.data, shown).toBeUndefined();
      else expect(answer.data, shown).toBeDefined();
    }
    // None of these cases runs a record operation: nothing reaches GWS's outbound API.
    expect(stack.simulator.received.length).toBe(operations);
    expect(stderr.slice(printed)).toEqual([]);
  });
});

const codesOf = (answer: ContractAnswer): unknown[] => answer.errors.map((e) => e.extensions?.['code']);
