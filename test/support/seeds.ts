/**
 * Reads the GWS seed pages (../shared/seeds) so the contract tests compare
 * against the pages themselves, not against a copy typed into a test.
 * The pages write JSON with single quotes and Python's True.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SEEDS_DIR = process.env['GWS_SEEDS_DIR'] ?? fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

export interface SeedSample {
  /** The request path of the sample, e.g. /api/v2/me/outbound-records/9 */
  path: string;
  recordHandle: number | undefined;
  request: Record<string, unknown>;
  /** The CometD messages of the sample response. */
  cometd: { channel: string; data?: Record<string, unknown>; [key: string]: unknown }[];
}

function pyJson(text: string): unknown {
  // The reschedule page's sample is split by a page break rendered as a code fence.
  const unfenced = text.replace(/^\s*```\s*$/gm, '');
  return JSON.parse(unfenced.replace(/'/g, '"').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false'));
}

/** The balanced {...} or [...] starting at index `from`. */
function balanced(text: string, from: number, open: string, close: string): string {
  const start = text.indexOf(open, from);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unbalanced ${open}${close} in seed`);
}

export function readSeed(file: string): SeedSample {
  const text = readFileSync(`${SEEDS_DIR}/${file}`, 'utf8');
  const post = /POST (\/api\/v2\/me\/outbound-records(?:\/(\d+))?)/.exec(text);
  if (!post) throw new Error(`no sample request in ${file}`);
  const request = pyJson(balanced(text, post.index, '{', '}')) as Record<string, unknown>;
  // The CometD sample is the first [...] after the request that holds a channel.
  let at = post.index;
  let cometd: SeedSample['cometd'] | undefined;
  while (!cometd) {
    const next = text.indexOf('[', at + 1);
    if (next < 0) throw new Error(`no CometD sample in ${file}`);
    const candidate = balanced(text, next, '[', ']');
    if (candidate.includes("'channel'")) cometd = pyJson(candidate) as SeedSample['cometd'];
    at = next;
  }
  return { path: post[1]!, recordHandle: post[2] ? Number(post[2]) : undefined, request, cometd };
}
