/**
 * An A/B run of the fan-out (phase b's deliveries) on two trees in one run:
 * one simulator, this tree's gateway (A) and another checkout's (B,
 * BENCH_GATEWAY_B), the same fleets and events, A and B alternating round
 * by round (the order swapped every round), so that a busy machine weighs on
 * both alike. Prints the CPU per delivery and the latency of each run.
 *
 *   BENCH_GATEWAY_B=/work/main npx tsx bench/tools/fanout-ab.ts [rounds]
 */
import { calibrateClock, startGatewayChild, startSimulatorChild } from '../lib/children.js';
import { primeUsers, runFanout, runOneUserFanout, type EventsContext } from '../lib/phase-events.js';
import type { DeliveryRun } from '../lib/results.js';
import { benchUsers } from '../lib/users.js';

const treeB = process.env['BENCH_GATEWAY_B'];
if (!treeB) throw new Error('BENCH_GATEWAY_B (the other tree) is not set');
const rounds = Number(process.argv[2] ?? 2);
const users = benchUsers(1, 200);

const sim = startSimulatorChild();
const simInfo = await sim.rpc.call('info', undefined, 60_000);
const gateways = { A: startGatewayChild(simInfo.url), B: startGatewayChild(simInfo.url, {}, treeB) };
const rows: { round: number; gateway: string; run: DeliveryRun }[] = [];
try {
  const clock = await calibrateClock(sim.rpc);
  const ctxs: Record<string, EventsContext> = {};
  for (const [name, child] of Object.entries(gateways)) {
    const info = await child.rpc.call('info', undefined, 60_000);
    ctxs[name] = { gatewayUrl: info.url, wsUrl: info.wsUrl, gw: child.rpc, sim: sim.rpc, offsetMs: clock.offsetMs };
    await primeUsers(info.url, users);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const name of round % 2 === 1 ? ['A', 'B'] : ['B', 'A']) {
      const ctx = ctxs[name]!;
      const fan = await runFanout(ctx, { users, subscriptions: 10_000, paced: [{ label: 'paced, 1 event/s per user', rounds: 5, roundMs: 1_000 }], bursts: 2 });
      for (const run of fan.run.deliveries) rows.push({ round, gateway: name, run: { ...run, label: `10,000: ${run.label}` } });
      const one = await runOneUserFanout(ctx, { user: users[0]!, subscriptions: 1_000, events: 50, intervalMs: 20 });
      for (const run of one.run.deliveries) rows.push({ round, gateway: name, run: { ...run, label: `1 user x 1,000: ${run.label}` } });
    }
  }
} finally {
  await Promise.all(Object.values(gateways).map((g) => g.rpc.call('stop', undefined, 30_000).catch(() => undefined)));
  await sim.rpc.call('close', undefined, 30_000).catch(() => undefined);
  await Promise.all([...Object.values(gateways).map((g) => g.exited(5_000)), sim.exited(5_000)]);
}
console.log('| round | gateway | run | received | lost | p50 ms | p99 ms | gateway cores | other cores | gateway µs/delivery |');
console.log('| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { round, gateway, run } of rows) {
  console.log(
    `| ${round} | ${gateway} | ${run.label} | ${run.received}/${run.expected} | ${run.lost} | ${run.latency.p50.toFixed(1)} | ${run.latency.p99.toFixed(1)} | ${run.cores.gateway.toFixed(2)} | ${run.cores.others?.toFixed(2) ?? '?'} | ${run.gatewayUsPerDelivery.toFixed(1)} |`,
  );
}
process.exit(0);
