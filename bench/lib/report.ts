/**
 * Renders RESULTS.md from one run's results. The hand-written analysis
 * between the ANALYSIS markers of the previous RESULTS.md is kept, so that a
 * re-run refreshes the figures without losing the explanation of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { HTTP_PATHS, type BenchResults, type DeliveryRun, type HttpPathName, type HttpRun, type ProfileRef } from './results.js';
import { fanoutCometdVerdicts } from './fanout-cometd-targets.js';
import { fmt } from './stats.js';

export const ANALYSIS_BEGIN = '<!-- ANALYSIS:BEGIN (kept by bench/run.ts across runs; edit by hand) -->';
export const ANALYSIS_END = '<!-- ANALYSIS:END -->';

/** Targets from the briefs (issue 14 for the mutation path: against the got proxy, baseline b). */
export const TARGETS = {
  throughputRatio: 0.85,
  addedLatencyP50Ms: 0.3,
  gatewayCpuUsPerMutation: 700,
  startupMs: 3_000,
  fanoutSubscriptions: 10_000,
  fanoutP99Ms: 50,
  heapPerSubscriptionBytes: 10 * 1024,
} as const;

export interface TargetVerdict {
  target: string;
  measured: string;
  met: boolean | undefined;
}

const kb = (bytes: number): string => `${fmt(bytes / 1024, 1)} KB`;
const yes = (met: boolean | undefined): string => (met === undefined ? 'not measured' : met ? '**met**' : '**not met**');
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;

export function verdicts(r: BenchResults): TargetVerdict[] {
  const gw = r.http.paths.gateway;
  const base = r.http.paths['proxy-got'];
  const out: TargetVerdict[] = [];
  const c = r.http.concurrency;
  if (gw && base) {
    const ratio = gw.concurrent.throughput / base.concurrent.throughput;
    out.push({
      target: `gateway throughput >= ${TARGETS.throughputRatio} x the got proxy's (c=${c})`,
      measured: `${fmt(ratio, 2)} (${fmt(gw.concurrent.throughput, 0)} vs ${fmt(base.concurrent.throughput, 0)} req/s)`,
      met: ratio >= TARGETS.throughputRatio,
    });
    const added = gw.sequential.latency.p50 - base.sequential.latency.p50;
    out.push({
      target: `added median latency over the got proxy <= ${TARGETS.addedLatencyP50Ms} ms (sequential)`,
      measured: `${fmt(added, 3)} ms (${fmt(gw.sequential.latency.p50, 3)} - ${fmt(base.sequential.latency.p50, 3)}); p99 added ${fmt(gw.sequential.latency.p99 - base.sequential.latency.p99, 3)} ms`,
      met: added <= TARGETS.addedLatencyP50Ms,
    });
  } else {
    out.push({ target: `gateway throughput >= ${TARGETS.throughputRatio} x the got proxy's`, measured: '–', met: undefined });
    out.push({ target: `added median latency over the got proxy <= ${TARGETS.addedLatencyP50Ms} ms`, measured: '–', met: undefined });
  }
  const startup = r.startupMs && r.startupMs.length > 0 ? Math.max(...r.startupMs) : undefined;
  out.push({
    target: `npm start listening <= ${TARGETS.startupMs / 1000} s when nothing changed`,
    measured: startup === undefined ? '–' : `slowest of ${r.startupMs!.length}: ${fmt(startup / 1000)} s (${r.startupMs!.map((ms) => fmt(ms / 1000)).join(', ')} s)`,
    met: startup === undefined ? undefined : startup <= TARGETS.startupMs,
  });
  const cpu = gw?.concurrent.cpuUsPerRequest.server;
  out.push({
    target: `gateway CPU <= ${TARGETS.gatewayCpuUsPerMutation} µs per mutation (c=${c})`,
    measured: cpu === undefined ? '–' : `${fmt(cpu, 0)} µs (got proxy: ${fmt(base?.concurrent.cpuUsPerRequest.server, 0)} µs)`,
    met: cpu === undefined ? undefined : cpu <= TARGETS.gatewayCpuUsPerMutation,
  });
  const big = r.fanout.find((f) => f.subscriptions === TARGETS.fanoutSubscriptions);
  // Issue 14's fan-out and CometD-session targets (bench/lib/fanout-cometd-targets.ts).
  out.push(...fanoutCometdVerdicts(r));
  out.push({
    target: `<= ${TARGETS.heapPerSubscriptionBytes / 1024} KB heap per idle subscription (${TARGETS.fanoutSubscriptions.toLocaleString('en')})`,
    measured: big ? kb(big.memory.heapPerItem) : '–',
    met: big ? big.memory.heapPerItem <= TARGETS.heapPerSubscriptionBytes : undefined,
  });
  return out;
}

/** The short name of the process in the middle of each path, for the CPU columns. */
const SERVER_LABEL: Record<HttpPathName, string> = { direct: '', 'proxy-got': 'proxy', 'proxy-undici': 'proxy', gateway: 'gw', 'gateway-b': 'gw-b' };

function httpRows(name: HttpPathName, run: HttpRun, mode: string): string {
  const l = run.latency;
  const server = SERVER_LABEL[name];
  const cores = `${run.cores.server !== undefined ? `${server} ${fmt(run.cores.server)} / ` : ''}sim ${fmt(run.cores.simulator)} / load ${fmt(run.cores.loadGenerator)} / other ${fmt(run.cores.others)}`;
  const perReq = `${run.cpuUsPerRequest.server !== undefined ? `${server} ${fmt(run.cpuUsPerRequest.server, 0)} / ` : ''}sim ${fmt(run.cpuUsPerRequest.simulator, 0)}`;
  return row([name, mode, run.completed, run.errors, fmt(run.throughput, 0), fmt(l.p50, 3), fmt(l.p90, 3), fmt(l.p99, 3), fmt(l.max, 2), cores, perReq]);
}

function deliveryRows(d: DeliveryRun): string {
  return row([
    d.label,
    d.rounds,
    d.roundMs > 0 ? `${d.roundMs} ms` : 'burst',
    d.published,
    d.expected,
    d.received,
    d.lost,
    fmt(d.latency.p50),
    fmt(d.latency.p99),
    fmt(d.latency.max),
    fmt(d.publisherMaxLagMs, 1),
    `gw ${fmt(d.cores.gateway)} / sim ${fmt(d.cores.simulator)} / load ${fmt(d.cores.loadGenerator)} / other ${fmt(d.cores.others)}`,
    fmt(d.gatewayUsPerDelivery, 0),
  ]);
}

function profileSection(p: ProfileRef): string[] {
  const unit = p.kind === 'cpu' ? 'ms' : 'KB';
  const value = (v: number): string => (p.kind === 'cpu' ? fmt(v, 0) : fmt(v / 1024, 0));
  const total = p.kind === 'cpu' ? `${fmt(p.summary.total, 0)} ms busy` : `${fmt(p.summary.total / 1024 / 1024, 1)} MiB sampled live`;
  const lines = [`### ${p.title}`, '', `\`${p.file}\` (${total})`, ''];
  const table = (caption: string, head: string, shares: readonly { name: string; value: number; pct: number }[]): void => {
    lines.push(caption, '', row([head, unit, '%']), row(['---', '---:', '---:']));
    for (const s of shares) lines.push(row([`\`${s.name}\``, value(s.value), fmt(s.pct, 1)]));
    lines.push('');
  };
  table('Self, by package or source file (adds up to 100%):', 'package / file', p.summary.selfByPackage);
  table('Inclusive, by package or source file (a sample counts once for each package on its stack):', 'package / file', p.summary.inclusive);
  table('Self, by function:', 'function', p.summary.self);
  return lines;
}

function keptAnalysis(path: string): string {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8');
  const begin = text.indexOf(ANALYSIS_BEGIN);
  const end = text.indexOf(ANALYSIS_END);
  return begin >= 0 && end > begin ? text.slice(begin + ANALYSIS_BEGIN.length, end).trim() : '';
}

export function renderReport(r: BenchResults, previousPath: string): string {
  const m = r.machine;
  const L: string[] = [];
  L.push('# Benchmark results', '');
  L.push(
    `Written by \`npm run bench\` (bench/run.ts) on ${r.date}; the run took ${fmt(r.durationS, 0)} s. ` +
      `Other processes on the machine used **${fmt(r.backgroundCores)} cores** on average during the run (of ${r.machine.cores}); ` +
      'the "other" CPU columns show it per measurement. Figures from a shared machine are noisy: compare ratios and CPU per request/delivery rather than absolute latencies.',
    '',
  );
  L.push('## Machine', '');
  L.push(row(['CPU', 'cores', 'memory', 'Node', 'OS']), row(['---', '---', '---', '---', '---']));
  L.push(row([m.cpuModel, m.cores, `${fmt(m.memoryGiB, 1)} GiB`, m.node, m.os]), '');
  L.push('## Packages (installed versions)', '');
  L.push(row(['package', 'version']), row(['---', '---']));
  for (const [name, version] of Object.entries(r.packages)) L.push(row([name, version]));
  L.push('');

  L.push('## Targets', '');
  L.push(row(['target', 'measured', 'verdict']), row(['---', '---', '---']));
  for (const v of verdicts(r)) L.push(row([v.target, v.measured, yes(v.met)]));
  L.push('');
  if (r.failures.length > 0) {
    L.push('**Phases that failed in this run:**', '');
    for (const f of r.failures) L.push(`- ${f.split('\n')[0]}`);
    L.push('');
  }

  L.push('## Set-up', '');
  L.push(
    '- **Separate processes.** The load generator (this script) forks the GWS simulator, the gateway and the baseline proxies into one child process each, ' +
      'every child with `NODE_ENV=production` in its environment. ' +
      'The load generator in its own process keeps its CPU work (JSON, 10,000 subscriptions on the client side) from delaying the gateway it measures; ' +
      'the gateway alone in its process makes its heap and RSS figures its own (the simulator keeps per-user HTTP and Bayeux state that would otherwise count as gateway memory) ' +
      'and lets each process report its own CPU time (`process.cpuUsage()`). The cost: on 2 cores three busy processes compete, which the CPU columns below make visible.',
    '- All traffic is on 127.0.0.1. The load generator uses Node\'s `http.Agent` with keep-alive for every path (1 socket sequential, 32 sockets at c=32); ' +
      'the gateway\'s own upstream client (got) uses Node 20\'s default keep-alive agent.',
    `- (a) sends the update seed's UpdateRecord as agent1 four ways. **direct**: \`POST /api/v2/me/outbound-records/6\` to the simulator with the body the gateway builds for the same variables ` +
      '(`buildUpstreamRequest`), Basic auth, the JSESSIONID cookie and the CSRF header from one `GET /api/v2/me`. ' +
      '**proxy-got** (baseline b) and **proxy-undici** (c): the same POST with Basic auth only, to a minimal `node:http` proxy (bench/proxy-child.ts) that adds the session cookie and CSRF token ' +
      '(its own `GET /api/v2/me` per credential, the cookie replaced on `Set-Cookie`, one re-bootstrap on 401/403) and forwards it with got 14 (one `got.extend` instance, with the fix of its per-request native options that the gateway has too, src/upstream/got-native-options.ts, so that both pay the same got) or undici (`request` on an `Agent`), ' +
      'and the answer back as it came: no GraphQL, no validation, no logging. ' +
      '**gateway**: `mutation updateRecord(recordHandle: 6, input: {...seed}) { operationName referenceId statusCode }` ' +
      '(acknowledgement not selected, so no CometD session is involved). Every response is checked for statusCode 0. ' +
      `Sequential: ${r.http.sequentialCount} requests per path after a warm-up; concurrent: ${r.http.concurrency} loops for ${r.http.durationMs / 1000} s per path after a warm-up; ` +
      `each split into ${r.http.rounds} round(s) with the paths taking turns, so that a change in the machine's load hits every path alike.`,
    '- (b) and (c): subscribers are real `graphql-ws` clients over `ws` (10 subscriptions per socket, one user per socket) subscribing to ' +
      '`outboundRecordEvents { referenceId notificationType record { recordHandle } }`. The simulator publishes an UpdateRecord acknowledgement on `/v2/me/outbound` ' +
      'with `simulator.publish(user, ...)`, on its own timer, and writes its send time into the referenceId; receipt latency = receive time - send time, ' +
      `clocks of the two processes aligned by IPC ping (offset ${fmt(r.clock?.offsetMs, 3)} ms, error <= ${fmt(r.clock?.errorMs, 3)} ms). ` +
      '"Paced": each user gets one event per round, the users\' events spread evenly over the round (1 event/s per user = 200 upstream events/s = 10,000 deliveries/s at 10,000 subscriptions). "Burst": one event for every user at the same instant.',
    '- (s): `npm start` after the build is brought up to date, three times, from spawn to its "gateway listening" log line (the gateway on its built-in simulator, PORT=0); /healthz checked each time.',
    '- **EVENT_PAIRING_WINDOW_MS=0**: the acks are published without a `/me/internal` user event, and a window of 0 lets each ack out at once instead of holding it 300 ms for a partner. ' +
      'COMETD_IDLE_GRACE_MS=200 so that a user\'s CometD session closes soon after its last subscriber and phases start alike. Logging is silent.',
    '- Memory: in the gateway process, `heapUsed` and RSS after four `gc()` calls (`--expose-gc`), before the sockets open and once all are subscribed and idle; ' +
      'the delta divided by the number of subscriptions (b) or users (c). It includes everything the subscriptions brought: sockets, graphql-ws state, per-user sessions and their CometD clients.',
    '',
    'Gateway environment:',
    '',
    '```',
    ...Object.entries(r.gatewayEnv).map(([k, v]) => `${k}=${v}`),
    '```',
    '',
  );

  L.push('## (a) Record mutations: gateway vs baselines', '');
  L.push(row(['path', 'mode', 'ok', 'errors', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'CPU (cores)', 'CPU µs/request']));
  L.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---']));
  const paths = r.http.paths;
  for (const name of HTTP_PATHS) {
    const p = paths[name];
    if (p) L.push(httpRows(name, p.sequential, 'sequential'), httpRows(name, p.concurrent, `c=${r.http.concurrency}`));
  }
  L.push('');
  const { gateway } = paths;
  if (gateway) {
    L.push(row(['gateway against', `throughput ratio (c=${r.http.concurrency})`, 'added p50 ms (sequential)', 'added p99 ms (sequential)', `added p50 ms (c=${r.http.concurrency})`, `CPU µs/request of the middle process (c=${r.http.concurrency})`]));
    L.push(row(['---', '---:', '---:', '---:', '---:', '---:']));
    for (const name of HTTP_PATHS.filter((n) => n !== 'gateway' && n !== 'gateway-b')) {
      const b = paths[name];
      if (!b) continue;
      L.push(row([
        name === 'proxy-got' ? '**proxy-got (b)**' : name,
        fmt(gateway.concurrent.throughput / b.concurrent.throughput, 2),
        fmt(gateway.sequential.latency.p50 - b.sequential.latency.p50, 3),
        fmt(gateway.sequential.latency.p99 - b.sequential.latency.p99, 3),
        fmt(gateway.concurrent.latency.p50 - b.concurrent.latency.p50, 3),
        `${fmt(gateway.concurrent.cpuUsPerRequest.server, 0)} vs ${b.concurrent.cpuUsPerRequest.server === undefined ? '–' : fmt(b.concurrent.cpuUsPerRequest.server, 0)}`,
      ]));
    }
    L.push('');
  }
  for (const name of HTTP_PATHS) {
    const p = paths[name];
    for (const run of p ? [p.sequential, p.concurrent] : []) {
      for (const e of run.errorSamples) L.push(`- error sample (${name}): \`${e.replace(/`/g, "'")}\``);
    }
  }
  L.push('');

  L.push('## (b) Fan-out over graphql-ws', '');
  for (const f of r.fanout) {
    L.push(`### ${f.subscriptions.toLocaleString('en')} subscriptions`, '');
    L.push(
      `${f.users} users, ${f.connections} sockets, ${f.subscriptions / f.users} subscriptions per user; all subscribed and upstream-connected in ${fmt(f.setupMs / 1000, 1)} s. ` +
        `Subscription errors: ${f.subscriptionErrors}, ended by the server: ${f.subscriptionEnds}. ` +
        `Bayeux clients left at the simulator 5 s after the gateway closed its CometD sessions (lost /meta/disconnect): ${f.lingeringBayeuxClients}.`,
      '',
    );
    L.push(row(['run', 'rounds', 'round', 'published', 'expected', 'received', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'publisher lag ms', 'CPU (cores)', 'gateway CPU µs/delivery']));
    L.push(row(['---', '---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:']));
    for (const d of f.deliveries) L.push(deliveryRows(d));
    L.push('');
    const mem = f.memory;
    L.push(
      `Gateway memory: heap ${fmt(mem.heapBeforeMiB, 1)} -> ${fmt(mem.heapAfterMiB, 1)} MiB, RSS ${fmt(mem.rssBeforeMiB, 1)} -> ${fmt(mem.rssAfterMiB, 1)} MiB: ` +
        `**${kb(mem.heapPerItem)} heap** and ${kb(mem.rssPerItem)} RSS per idle subscription.`,
      '',
    );
    for (const e of f.errorSamples) L.push(`- error sample: \`${e.replace(/`/g, "'")}\``);
  }
  if (r.fanout.length === 2) {
    const [a, b] = r.fanout as [typeof r.fanout[0], typeof r.fanout[0]];
    const marginal = ((b.memory.heapAfterMiB - b.memory.heapBeforeMiB) - (a.memory.heapAfterMiB - a.memory.heapBeforeMiB)) * 2 ** 20 / (b.subscriptions - a.subscriptions);
    L.push(
      `Marginal heap per subscription between the two runs (same ${a.users} users and CometD sessions, so per-user costs cancel; ` +
        `${b.connections - a.connections} more sockets): ${kb(marginal)}.`,
      '',
    );
  }

  L.push('## (c) Concurrent upstream CometD sessions', '');
  L.push('One user per socket, one subscription per user, each user with its own CometD session to the simulator (fresh users, not those of (b)).', '');
  L.push(row(['users', 'Bayeux clients at the simulator', 'setup s', 'heap before MiB', 'heap after MiB', 'heap per user', 'RSS per user', 'check: lost', 'check: p99 ms', 'lost disconnects']));
  L.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const s of r.sessions) {
    L.push(row([s.users, s.bayeuxClients, fmt(s.setupMs / 1000, 1), fmt(s.memory.heapBeforeMiB, 1), fmt(s.memory.heapAfterMiB, 1), kb(s.memory.heapPerItem), kb(s.memory.rssPerItem), `${s.check.lost} of ${s.check.expected}`, fmt(s.check.latency.p99), s.lingeringBayeuxClients]));
  }
  L.push('', '"Heap per user" is everything one user brings: its socket and subscription, its gateway session (cookie jar, CSRF token), and its CometD client with its long-polling transport and keep-alive agent.', '');

  if (r.resume) {
    const d = r.resume;
    L.push('## (d) Resumable event streams', '');
    L.push(
      'A gateway child of its own with the default retention (EVENT_RETENTION_SECONDS=300, and no COMETD_IDLE_GRACE_MS: upstream sessions stay open 300 s after the last subscriber). ' +
        `One user's ${d.events} events (acks without userData) are appended while one subscriber holds the stream live; then a second subscriber resumes with \`after\` the cursor before them. ` +
        'Replay time: from its subscribe to its last event received over graphql-ws. Heap per retained event: the gateway heap after the events were appended (and delivered live once) minus before, per event. ' +
        `Idle users: ${d.idleUsers} users subscribe once and leave; what the gateway keeps for each during the retention (session, CometD session, event log) is the heap delta per user.`,
      '',
    );
    L.push(row(['events replayed', 'replay p50 ms', 'replay max ms', 'rounds', 'heap per retained event', 'idle users', 'heap per idle user', 'RSS per idle user', 'Bayeux clients held', 'CONNECTED sessions']));
    L.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
    L.push(row([d.events, fmt(d.replay.p50, 1), fmt(d.replay.max, 1), d.replay.count, `${fmt(d.heapPerRetainedEvent, 0)} B`, d.idleUsers, kb(d.heapPerIdleUser), kb(d.rssPerIdleUser), d.bayeuxClientsHeld, d.connectedSessions]), '');
  }

  L.push(...transportSection(r));

  L.push('## (f) Two instances on Redis', '');
  L.push(
    'Two gateway processes with the same REDIS_URL in front of the same simulator; every user has half of its subscriptions on each instance (the first one more when the count is odd), so ' +
      'one instance gets each event from its CometD session (it holds the user\'s lease) and the other through Redis (append, pub/sub notice, read). ' +
      'Latency is publish at the simulator → receipt at the client over both fleets; compare with (b) at the same count (one instance, in process). ' +
      'CPU: both gateways together; "other" includes redis-server.',
    '',
  );
  for (const c of r.cluster) {
    L.push(`### ${c.subscriptions.toLocaleString('en')} subscriptions over ${c.instances} instances`, '');
    L.push(
      `${c.users} users, ${c.subscriptions / c.users} subscriptions per user (half on each instance); live in ${fmt(c.setupMs / 1000, 1)} s. ` +
        `Subscription errors: ${c.subscriptionErrors}, ended by the server: ${c.subscriptionEnds}.`,
      '',
    );
    L.push(row(['run', 'rounds', 'round', 'published', 'expected', 'received', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'publisher lag ms', 'CPU (cores)', 'gateways CPU µs/delivery']));
    L.push(row(['---', '---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:']));
    for (const d of c.deliveries) L.push(deliveryRows(d));
    L.push('');
    const inProcess = r.fanout.find((f) => f.subscriptions === c.subscriptions)?.deliveries[0];
    const overRedis = c.deliveries[0];
    if (inProcess && overRedis) {
      L.push(
        `First paced run, in process (b) vs through Redis (f): p50 ${fmt(inProcess.latency.p50)} → ${fmt(overRedis.latency.p50)} ms, ` +
          `p99 ${fmt(inProcess.latency.p99)} → ${fmt(overRedis.latency.p99)} ms, gateway CPU per delivery ${fmt(inProcess.gatewayUsPerDelivery, 0)} → ${fmt(overRedis.gatewayUsPerDelivery, 0)} µs (both instances).`,
        '',
      );
    }
    L.push(
      `Redis: ${fmt(c.redis.usedMemoryMiB, 1)} MiB used after ${c.redis.retainedEvents} retained events; **${fmt(c.redis.bytesPerRetainedEvent, 0)} B per retained event** ` +
        `(stream entry with the event's JSON) and **${fmt(c.redis.bytesPerUser, 0)} B per user** (log meta, lease and state keys, the takeover gap) before any event.`,
      '',
    );
    for (const e of c.errorSamples) L.push(`- error sample: \`${e.replace(/`/g, "'")}\``);
  }

  L.push('## Profiles (evidence)', '');
  L.push('Taken in the gateway process with node:inspector during extra, unmeasured passes (profiling slows the process down). Files are under bench/profiles/ (git-ignored); open them in Chrome DevTools or speedscope.', '');
  for (const p of r.profiles) L.push(...profileSection(p));

  L.push('## Analysis', '');
  L.push(ANALYSIS_BEGIN);
  const kept = keptAnalysis(previousPath);
  L.push(kept || '_Not written yet._');
  L.push(ANALYSIS_END, '');

  if (r.failures.length > 0) {
    L.push('## Failures (details)', '', '```');
    for (const f of r.failures) L.push(f);
    L.push('```', '');
  }
  return L.join('\n');
}

/** (e): the same fan-out over each transport, side by side. */
function transportSection(r: BenchResults): string[] {
  const runs = r.transports ?? [];
  if (runs.length === 0) return [];
  const L: string[] = ['## (e) Fan-out by transport: graphql-ws, server-sent events, multipart', ''];
  L.push(
    'The same users and events as (b), 1,000 subscriptions, once per transport: graphql-ws (10 subscriptions per socket), ' +
      'SSE and multipart (one HTTP response per subscription). Latency is from the simulator publishing to the load generator parsing the frame.',
    '',
  );
  L.push(row(['transport', 'connections', 'run', 'received', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'gateway cores', 'gateway CPU µs/delivery', 'errors', 'heap per idle subscription']));
  L.push(row(['---', '---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const f of runs) {
    for (const d of f.deliveries) {
      L.push(row([f.transport ?? 'graphql-ws', f.connections, d.label, `${d.received} of ${d.expected}`, d.lost, fmt(d.latency.p50), fmt(d.latency.p99), fmt(d.latency.max), fmt(d.cores.gateway), fmt(d.gatewayUsPerDelivery, 1), f.subscriptionErrors, kb(f.memory.heapPerItem)]));
    }
  }
  L.push('');
  for (const f of runs) for (const e of f.errorSamples) L.push(`- error sample (${f.transport}): \`${e.replace(/`/g, "'")}\``);
  L.push('');
  return L;
}
