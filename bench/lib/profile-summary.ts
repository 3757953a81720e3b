/**
 * Reads a .cpuprofile or a sampling .heapprofile (Chrome DevTools formats) and
 * says where the time or the retained bytes went: by function (self), and by
 * package or source file (inclusive: a sample counts for every package on its
 * stack once), which is what points at a hot spot in src/ or a dependency.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}

interface HeapNode {
  id: number;
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

export interface Share {
  name: string;
  /** ms for CPU profiles, bytes for heap profiles. */
  value: number;
  /** Share of the total (busy time, or sampled bytes). */
  pct: number;
}

export interface ProfileSummary {
  /** CPU: busy ms (idle excluded); heap: sampled live bytes. */
  total: number;
  self: Share[];
  /** Self time (or bytes) summed per package or file: the shares add up to 100%. */
  selfByPackage: Share[];
  inclusive: Share[];
}

const ROOT = process.cwd();

/** A short, stable place name: package/path for dependencies, src/... for ours. */
function place(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  if (path.startsWith(`${ROOT}/`)) return path.slice(ROOT.length + 1);
  return path;
}

/** What a frame is counted under for inclusive shares. */
export function categoryOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const p = place(url);
  if (url.includes('/node_modules/')) {
    const parts = p.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (p.startsWith('node:')) return p.replace('node:internal/', 'node:');
  return p; // src/... or bench/...
}

const frameName = (f: CallFrame): string =>
  f.url ? `${f.functionName || '(anonymous)'} ${place(f.url)}:${f.lineNumber + 1}` : f.functionName || '(native)';

function top(map: Map<string, number>, total: number, n: number): Share[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, value]) => ({ name, value, pct: total > 0 ? (100 * value) / total : 0 }));
}

/** Self and inclusive time of a .cpuprofile, idle time left out. */
export function summarizeCpuProfile(file: string, n = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Categories on each node's stack, computed once per node.
  const stackCats = new Map<number, string[]>();
  const catsOf = (id: number): string[] => {
    const known = stackCats.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const up = parent.get(id);
    const cats = new Set(up === undefined ? [] : catsOf(up));
    if (node.callFrame.functionName !== '(root)') cats.add(categoryOf(node.callFrame));
    const list = [...cats];
    stackCats.set(id, list);
    return list;
  };

  const self = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i + 1] is the time from this sample to the next one: the time this stack was seen.
    const ms = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(samples[i]!)!;
    if (node.callFrame.functionName === '(idle)') continue;
    total += ms;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + ms);
    const cat = categoryOf(node.callFrame);
    selfByPackage.set(cat, (selfByPackage.get(cat) ?? 0) + ms);
    for (const cat of catsOf(node.id)) inclusive.set(cat, (inclusive.get(cat) ?? 0) + ms);
  }
  return { total, self: top(self, total, n), selfByPackage: top(selfByPackage, total, n), inclusive: top(inclusive, total, n) };
}

/** Live bytes by allocating function (self) and by package on the allocation stack (inclusive). */
export function summarizeHeapProfile(file: string, n = 15): ProfileSummary {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const self = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode, cats: ReadonlySet<string>): void => {
    const here = new Set(cats);
    if (node.callFrame.functionName !== '(root)') here.add(categoryOf(node.callFrame));
    if (node.selfSize > 0) {
      total += node.selfSize;
      const name = frameName(node.callFrame);
      self.set(name, (self.get(name) ?? 0) + node.selfSize);
      const cat = categoryOf(node.callFrame);
      selfByPackage.set(cat, (selfByPackage.get(cat) ?? 0) + node.selfSize);
      for (const cat of here) inclusive.set(cat, (inclusive.get(cat) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, new Set());
  return { total, self: top(self, total, n), selfByPackage: top(selfByPackage, total, n), inclusive: top(inclusive, total, n) };
}
