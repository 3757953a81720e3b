/**
 * Who calls a hot function: `npx tsx bench/tools/profile-callers.ts FILE.cpuprofile NAME [DEPTH]`
 * prints the call stacks (DEPTH frames up, default 6) under which samples of
 * functions named NAME ran, heaviest first, in ms of self time. Also
 * `... FILE inclusive PATTERN`: ms of samples with a frame whose
 * "function url" matches PATTERN anywhere on the stack.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, name, depthArg] = process.argv.slice(2);
if (!file || !name) throw new Error('usage: profile-callers FILE NAME [DEPTH] | FILE inclusive PATTERN');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node): string => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const stack = (id: number): Node[] => {
  const out: Node[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.push(byId.get(at)!);
  return out;
};
const ms = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const s = stack(id);
  if (s[0]!.callFrame.functionName === '(idle)') return;
  total += dt;
  if (name === 'inclusive') {
    const re = new RegExp(depthArg ?? '.');
    if (s.some((n) => re.test(`${n.callFrame.functionName} ${n.callFrame.url}`))) ms.set('matching', (ms.get('matching') ?? 0) + dt);
    return;
  }
  if (s[0]!.callFrame.functionName !== name) return;
  const key = s.slice(1, 1 + Number(depthArg ?? 6)).map(label).join('\n    <- ');
  ms.set(key, (ms.get(key) ?? 0) + dt);
});
console.log(`busy ${total.toFixed(0)} ms`);
for (const [key, v] of [...ms].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${v.toFixed(0)} ms (${((100 * v) / total).toFixed(1)}%)\n    ${key}`);
