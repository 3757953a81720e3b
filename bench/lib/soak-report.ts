/** The soak's arithmetic (least-squares slope, a sparkline) and its Markdown report, bench/SOAK.md. */
import type { CodeCounts } from './soak-load.js';

export interface MemoryPoint {
  /** Seconds since the end of the warm-up. */
  t: number;
  heapUsed: number;
  rss: number;
}

/** Least-squares slope of y over t, in y units per second; NaN with fewer than two points. */
export function slopePerSecond(points: readonly { t: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.y - my);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled between the series' min and max. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  return values.map((v) => BARS[max === min ? 0 : Math.min(BARS.length - 1, Math.floor(((v - min) / (max - min)) * BARS.length))]).join('');
}

const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(2);

export interface SoakReport {
  label: string;
  startedAt: string;
  minutes: number;
  warmupSeconds: number;
  settings: Record<string, string | number>;
  memory: MemoryPoint[];
  phases: { at: number; what: string }[];
  accounting: ReturnType<import('./soak-load.js').SoakLoad['accounting']>;
  mutationCodes: CodeCounts;
  subscriptionCodes: CodeCounts;
  junkCodes: CodeCounts;
  actions: CodeCounts;
  targetMbPer10Min: number;
  notes: string[];
}

const table = (counts: CodeCounts): string =>
  Object.keys(counts).length === 0
    ? '(none)\n'
    : ['| code | count |', '| --- | ---: |', ...Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `| \`${k}\` | ${v} |`)].join('\n') + '\n';

export function renderSoakReport(r: SoakReport): { markdown: string; heapMbPer10Min: number; rssMbPer10Min: number; pass: boolean } {
  const heapSlope = slopePerSecond(r.memory.map((p) => ({ t: p.t, y: p.heapUsed })));
  const rssSlope = slopePerSecond(r.memory.map((p) => ({ t: p.t, y: p.rss })));
  const heapMbPer10Min = (heapSlope * 600) / 1_048_576;
  const rssMbPer10Min = (rssSlope * 600) / 1_048_576;
  const a = r.accounting;
  const heapOk = Number.isFinite(heapMbPer10Min) && heapMbPer10Min < r.targetMbPer10Min;
  const lostOk = a.lost === 0 && a.owed > 0;
  const pass = heapOk && lostOk;
  const junkAccepted = Object.entries(r.junkCodes).filter(([code]) => code.startsWith('no error')).reduce((n, [, v]) => n + v, 0);
  const junkTotal = Object.values(r.junkCodes).reduce((n, v) => n + v, 0);
  const measuredMinutes = r.minutes - r.warmupSeconds / 60;
  const lines = [
    `# Soak: ${r.label}`,
    '',
    `Written by \`npm run soak\` (bench/soak.ts) on ${r.startedAt}. Not part of CI.`,
    '',
    '## Verdict',
    '',
    `| check | target | measured | |`,
    `| --- | --- | --- | --- |`,
    `| heap growth after warm-up (least squares) | < ${r.targetMbPer10Min} MB / 10 min | ${heapMbPer10Min.toFixed(3)} MB / 10 min | ${heapOk ? 'pass' : 'FAIL'} |`,
    `| RSS growth after warm-up (least squares) | (shown) | ${rssMbPer10Min.toFixed(3)} MB / 10 min | |`,
    `| events lost to connected subscribers | 0 | ${a.lost} of ${a.owed} owed | ${lostOk ? 'pass' : 'FAIL'} |`,
    `| junk credentials answered without an error (shown, not judged here) | 0 | ${junkAccepted} of ${junkTotal} | ${junkAccepted === 0 ? 'pass' : 'FAIL'} |`,
    '',
    ...(measuredMinutes < 20
      ? [
          `**${measuredMinutes.toFixed(1)} measured minutes are too few to judge the slope**: a sample varies by a few MB with the requests in flight at that moment (see the table), which over minutes dwarfs any real growth. The heap verdict is the 30-minute run's.`,
          '',
        ]
      : []),
    '## Run',
    '',
    `- Length ${r.minutes} min, of which ${r.warmupSeconds} s warm-up (not sampled); heap and RSS of the gateway process sampled every 10 s after full GCs (\`--expose-gc\`, 4 collections per sample).`,
    ...Object.entries(r.settings).map(([k, v]) => `- ${k}: ${v}`),
    ...r.notes.map((n) => `- ${n}`),
    '',
    '## Memory after warm-up',
    '',
    `heap \`${sparkline(r.memory.map((p) => p.heapUsed))}\``,
    '',
    `rss  \`${sparkline(r.memory.map((p) => p.rss))}\``,
    '',
    '| t (s after warm-up) | heapUsed (MB) | rss (MB) | phase |',
    '| ---: | ---: | ---: | --- |',
    ...r.memory.map((p) => {
      const phase = r.phases.filter((ph) => ph.at <= p.t && ph.at > p.t - 10).map((ph) => ph.what).join('; ');
      return `| ${p.t.toFixed(0)} | ${mb(p.heapUsed)} | ${mb(p.rss)} | ${phase} |`;
    }),
    '',
    '## Events',
    '',
    `- Mutations sent: ${a.mutations}, succeeded: ${a.succeeded}.`,
    `- Subscribers over the run: ${a.subscribers}. An event is **owed** to a subscriber when its user's mutation was sent after the subscriber's first event arrived and answered at least 5 s before the subscriber ended.`,
    `- Owed outside disturbances: ${a.owed}; **lost: ${a.lost}**.`,
    `- Owed inside a disturbance (a Bayeux session drop or the misbehaving-upstream phase, from its start until the user's next event arrived; GWS itself may lose these): ${a.inDisturbance.owed}, not received: ${a.inDisturbance.missed}.`,
    `- Disturbances: ${a.disturbances.count}, never recovered: ${a.disturbances.unrecovered}, longest recovery after the disturbance ended: ${(a.disturbances.maxRecoveryMs / 1000).toFixed(1)} s.`,
    ...(a.lostSamples.length > 0 ? ['', 'Lost (first 10):', '', ...a.lostSamples.map((s) => `- ${s}`)] : []),
    '',
    '## What was done to it',
    '',
    table(r.actions),
    '## Errors by code',
    '',
    'Mutations of the real users (`ok` = statusCode 0; errors are expected during the misbehaving-upstream phase):',
    '',
    table(r.mutationCodes),
    'Subscriptions (closes the soak caused itself, e.g. `CLOSE_1006` for a dropped socket, included):',
    '',
    table(r.subscriptionCodes),
    'Junk credentials (every one must be refused):',
    '',
    table(r.junkCodes),
  ];
  return { markdown: lines.join('\n'), heapMbPer10Min, rssMbPer10Min, pass };
}
