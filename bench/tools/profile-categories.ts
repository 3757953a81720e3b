/**
 * Where the time of a CPU profile goes, per request: `npx tsx bench/tools/profile-categories.ts FILE REQUESTS`.
 * Each sample goes to the package or file of its nearest JavaScript frame
 * (native frames such as writev count for the JavaScript that called them),
 * node: internals grouped by module; the table is in µs per request.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
const [file, requestsArg] = process.argv.slice(2);
if (!file || !requestsArg) throw new Error('usage: profile-categories FILE REQUESTS');
const requests = Number(requestsArg);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function category(url: string): string | undefined {
  if (!url) return undefined;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const m = /\/(src|bench)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

const totals = new Map<string, number>();
let busy = 0;
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const leaf = byId.get(id)!;
  if (leaf.callFrame.functionName === '(idle)') return;
  busy += dt;
  let name: string | undefined;
  if (leaf.callFrame.functionName === '(garbage collector)') name = '(garbage collector)';
  for (let at: number | undefined = id; !name && at !== undefined; at = parent.get(at)) name = category(byId.get(at)!.callFrame.url);
  name ??= `(${leaf.callFrame.functionName})`;
  totals.set(name, (totals.get(name) ?? 0) + dt);
});
console.log(`busy ${busy.toFixed(0)} ms over ${requests} requests: ${((busy * 1000) / requests).toFixed(0)} µs per request`);
for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 30))) {
  console.log(`${name.padEnd(48)} ${((ms * 1000) / requests).toFixed(0).padStart(6)} µs ${((100 * ms) / busy).toFixed(1).padStart(5)}%`);
}
