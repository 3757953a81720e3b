/**
 * Issue 14's targets for the fan-out (phase b) and the upstream CometD
 * sessions (phase c), and their verdicts from a run's results. Judged on the
 * shared fan-out's runs; the old path's runs (sharing off, same fleet, same
 * run) are quoted next to them as the ratio.
 */
import type { BenchResults, DeliveryRun } from './results.js';
import { fmt } from './stats.js';

export const FANOUT_TARGETS = {
  subscriptions: 10_000,
  users: 200,
  pacedP99Ms: 30,
  burstP99Ms: 100,
  cpuUsPerDelivery: 20,
  oneUserSubscriptions: 1_000,
  oneUserP99Ms: 30,
  sessionHeapBytes: 30 * 1024,
  sessionsHeld: 5_000,
  setupSessions: 1_000,
  setupMs: 3_000,
} as const;

interface Verdict {
  target: string;
  measured: string;
  met: boolean | undefined;
}

const isOld = (d: DeliveryRun): boolean => d.label.includes('old path');
const oldTwin = (runs: readonly DeliveryRun[], d: DeliveryRun): DeliveryRun | undefined =>
  runs.find((o) => isOld(o) && o.roundMs === d.roundMs && o.label.replace(/ \(old path.*\)$/, '') === d.label.replace(/ \(shared\)$/, ''));
const vsOld = (runs: readonly DeliveryRun[], d: DeliveryRun, pick: (r: DeliveryRun) => number, unit: string): string => {
  const old = oldTwin(runs, d);
  return old ? ` (old path ${fmt(pick(old), 1)} ${unit}, ratio ${fmt(pick(d) / Math.max(1e-9, pick(old)), 2)})` : '';
};

/** The fan-out and CometD-session verdicts of a run. */
export function fanoutCometdVerdicts(r: BenchResults): Verdict[] {
  const T = FANOUT_TARGETS;
  const out: Verdict[] = [];
  const big = r.fanout.find((f) => f.subscriptions === T.subscriptions && f.users === T.users && (f.transport ?? 'graphql-ws') === 'graphql-ws');
  const runs = big?.deliveries ?? [];
  const paced = runs.find((d) => !isOld(d) && d.roundMs === 1_000);
  const burst = runs.find((d) => !isOld(d) && d.roundMs === 0);
  const n = T.subscriptions.toLocaleString('en');
  out.push({
    target: `${n} subscriptions, 1 event/s per user: p99 <= ${T.pacedP99Ms} ms and 0 lost`,
    measured: paced ? `p99 ${fmt(paced.latency.p99)} ms, ${paced.lost} lost of ${paced.expected}${vsOld(runs, paced, (d) => d.latency.p99, 'ms')}` : '–',
    met: paced ? paced.latency.p99 <= T.pacedP99Ms && paced.lost === 0 : undefined,
  });
  out.push({
    target: `${n} subscriptions, a burst of one event per user: p99 <= ${T.burstP99Ms} ms and 0 lost`,
    measured: burst ? `p99 ${fmt(burst.latency.p99)} ms, ${burst.lost} lost of ${burst.expected}${vsOld(runs, burst, (d) => d.latency.p99, 'ms')}` : '–',
    met: burst ? burst.latency.p99 <= T.burstP99Ms && burst.lost === 0 : undefined,
  });
  out.push({
    target: `${n} subscriptions: gateway CPU <= ${T.cpuUsPerDelivery} µs per delivery (paced, 1 event/s per user)`,
    measured: paced ? `${fmt(paced.gatewayUsPerDelivery, 0)} µs${vsOld(runs, paced, (d) => d.gatewayUsPerDelivery, 'µs')}` : '–',
    met: paced ? paced.gatewayUsPerDelivery <= T.cpuUsPerDelivery : undefined,
  });
  const one = r.fanout.find((f) => f.users === 1 && f.subscriptions === T.oneUserSubscriptions);
  const oneRun = one?.deliveries.find((d) => !isOld(d));
  out.push({
    target: `${T.oneUserSubscriptions.toLocaleString('en')} subscriptions of one user, 50 events 20 ms apart: p99 <= ${T.oneUserP99Ms} ms`,
    measured: oneRun && one ? `p99 ${fmt(oneRun.latency.p99)} ms, ${oneRun.lost} lost, ${fmt(oneRun.gatewayUsPerDelivery, 0)} µs/delivery${vsOld(one.deliveries, oneRun, (d) => d.latency.p99, 'ms')}` : '–',
    met: oneRun ? oneRun.latency.p99 <= T.oneUserP99Ms && oneRun.lost === 0 : undefined,
  });
  const largest = [...r.sessions].sort((a, b) => b.users - a.users)[0];
  out.push({
    target: `<= ${T.sessionHeapBytes / 1024} KB heap per idle user session (socket, subscription, GWS session, CometD session)`,
    measured: largest ? `${fmt(largest.memory.heapPerItem / 1024, 1)} KB at ${largest.users.toLocaleString('en')} users` : '–',
    met: largest ? largest.memory.heapPerItem <= T.sessionHeapBytes : undefined,
  });
  const held = r.sessions.find((s) => s.users >= T.sessionsHeld);
  out.push({
    target: `${T.sessionsHeld.toLocaleString('en')} concurrent user sessions held by one instance`,
    measured: held ? `${held.bayeuxClients} Bayeux clients, check ${held.check.lost} lost of ${held.check.expected}` : '–',
    met: held ? held.bayeuxClients >= T.sessionsHeld && held.check.lost === 0 : undefined,
  });
  const setup = r.sessions.find((s) => s.users === T.setupSessions);
  out.push({
    target: `${T.setupSessions.toLocaleString('en')} user sessions set up in <= ${T.setupMs / 1000} s`,
    measured: setup ? `${fmt(setup.setupMs / 1000, 1)} s` : '–',
    met: setup ? setup.setupMs <= T.setupMs : undefined,
  });
  return out;
}
