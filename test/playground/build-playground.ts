/**
 * The playground build the tests serve: dist/playground/client, the same
 * directory `npm run build` writes and the gateway serves by default. Built
 * once (vite.playground.config.ts) when it is missing or stale, and reused by
 * every test file and run after that: a Vite build of GraphiQL and Monaco
 * takes about a minute.
 *
 * Stale means: the hash of the inputs (the client sources, the example
 * operations, the Vite config, package-lock.json) differs from the one
 * recorded next to the build. Test files run in parallel processes, so a lock
 * directory makes one of them build while the others wait.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { DEFAULT_PLAYGROUND_ASSETS_DIR } from '../../src/playground/serve-playground.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PLAYGROUND_VITE_CONFIG = path.join(ROOT, 'vite.playground.config.ts');

/** Milliseconds a `beforeAll` that may build should allow. */
export const BUILD_TIMEOUT_MS = 240_000;

const OUT_DIR = DEFAULT_PLAYGROUND_ASSETS_DIR;
const STAMP = `${OUT_DIR}.inputs-sha256`;
const LOCK = `${OUT_DIR}.building`;
const INPUTS = ['src/playground/client', 'src/playground/examples.ts', 'vite.playground.config.ts', 'package-lock.json'];

export interface PlaygroundBuild {
  /** index.html and assets/. */
  dir: string;
}

/** Files under a path (or the file itself), relative to the repository, sorted. */
async function inputFiles(relative: string): Promise<string[]> {
  const absolute = path.join(ROOT, relative);
  try {
    const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return [relative];
    throw error;
  }
}

/** The hash of the playground build's inputs (scripts/build-if-stale.mjs computes the same; a test checks it). */
export async function inputsHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of (await Promise.all(INPUTS.map(inputFiles))).flat()) {
    hash.update(file).update('\0').update(await readFile(path.join(ROOT, file))).update('\0');
  }
  return hash.digest('hex');
}

async function isFresh(expected: string): Promise<boolean> {
  if (!existsSync(path.join(OUT_DIR, 'index.html'))) return false;
  return (await readFile(STAMP, 'utf8').catch(() => '')) === expected;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the build lock, waiting while a live process holds it; a dead holder's lock is taken over. */
async function lock(): Promise<() => Promise<void>> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  // A fresh clone has no dist/ yet.
  await mkdir(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK, { recursive: false });
      await writeFile(path.join(LOCK, 'pid'), String(process.pid));
      return () => rm(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(path.join(LOCK, 'pid'), 'utf8').catch(() => ''));
    // No pid yet: the holder is between mkdir and writeFile; wait for it.
    if (holder > 0 && !processAlive(holder)) await rm(LOCK, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`timed out waiting for the playground build lock ${LOCK}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function viteBuild(outDir: string): Promise<void> {
  // vitest sets NODE_ENV=test, which would give React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: PLAYGROUND_VITE_CONFIG,
      mode: 'production',
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/** dist/playground/client, built first when missing or stale. */
export async function ensurePlaygroundBuild(): Promise<PlaygroundBuild> {
  const expected = await inputsHash();
  if (await isFresh(expected)) return { dir: OUT_DIR };
  const unlock = await lock();
  try {
    if (await isFresh(expected)) return { dir: OUT_DIR }; // another process built it while we waited
    // Built beside the target and swapped in, so the directory is never half-written.
    const staging = `${OUT_DIR}.staging-${process.pid}`;
    try {
      await viteBuild(staging);
      await rm(OUT_DIR, { recursive: true, force: true });
      await rename(staging, OUT_DIR);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    await writeFile(STAMP, expected);
    return { dir: OUT_DIR };
  } finally {
    await unlock();
  }
}
