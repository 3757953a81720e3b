#!/usr/bin/env node
/**
 * Builds what is out of date, and only that: the server (tsc -> dist/) and
 * the playground (vite -> dist/playground/client). `npm start` runs it before
 * starting, `npm install`/`npm ci` run it as `prepare`, `npm run build` runs
 * it with --force.
 *
 * Out of date means: the SHA-256 of a build's inputs (file names and
 * contents, not mtimes, which a checkout or a copy changes) differs from the
 * one recorded next to its output after the last successful build. Hashing
 * the ~200 input files takes milliseconds; a tsc build takes ~10 s and a Vite
 * build of GraphiQL and Monaco ~30-60 s.
 *
 * The playground's inputs and stamp are the ones test/playground/build-playground.ts
 * uses (a test checks they agree), so a build made here is reused by the
 * tests, and one made by the tests is reused here.
 *
 * Flags: --force builds both whatever the stamps say; --prepare (the npm
 * `prepare` hook) skips with a note instead of failing when the build tools
 * are not installed (`npm ci --omit=dev`); --print-hashes prints the input
 * hashes as JSON and builds nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = new Set(process.argv.slice(2));

/** What each build reads and where it records the hash of what it read. */
export const BUILDS = {
  server: {
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    // The playground client is Vite's, not tsc's (tsconfig.build.json excludes it).
    exclude: ['src/playground/client'],
    output: 'dist/main.js',
    stamp: 'dist/.server-inputs-sha256',
    bin: 'tsc',
    args: ['-p', 'tsconfig.build.json'],
  },
  playground: {
    inputs: ['src/playground/client', 'src/playground/examples.ts', 'vite.playground.config.ts', 'package-lock.json'],
    exclude: [],
    output: 'dist/playground/client/index.html',
    stamp: 'dist/playground/client.inputs-sha256',
    bin: 'vite',
    args: ['build', '-c', 'vite.playground.config.ts'],
  },
};

/** Files under a path (or the file itself), relative to the root, sorted. */
function inputFiles(root, relative, exclude) {
  const absolute = path.join(root, relative);
  let entries;
  try {
    entries = readdirSync(absolute, { recursive: true, withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOTDIR') return [relative];
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((file) => !exclude.some((x) => file === x || file.startsWith(`${x}${path.sep}`)))
    .sort();
}

/** The hash of a build's inputs: each file's relative name and content, in a stable order. */
export function inputsHash(build, root = ROOT) {
  const hash = createHash('sha256');
  for (const file of build.inputs.flatMap((input) => inputFiles(root, input, build.exclude))) {
    hash.update(file).update('\0').update(readFileSync(path.join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

function isFresh(root, build, expected) {
  if (!existsSync(path.join(root, build.output))) return false;
  try {
    return readFileSync(path.join(root, build.stamp), 'utf8') === expected;
  } catch {
    return false;
  }
}

function run(root, name, build, prepare) {
  const bin = path.join(root, 'node_modules', '.bin', build.bin);
  if (!existsSync(bin)) {
    if (prepare) {
      process.stderr.write(`build-if-stale: ${build.bin} is not installed (dev dependencies omitted?): not building ${name}\n`);
      return false;
    }
    throw new Error(`${build.bin} is not installed: run npm install first`);
  }
  // Removed first: a build that fails halfway must not look fresh next time.
  rmSync(path.join(root, build.stamp), { force: true });
  const started = performance.now();
  process.stderr.write(`build-if-stale: building ${name} (${build.bin} ${build.args.join(' ')})\n`);
  // Vite gives React's development build unless NODE_ENV is production; tsc does not care.
  const result = spawnSync(bin, build.args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error(`${build.bin} ${build.args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  process.stderr.write(`build-if-stale: built ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return true;
}

/**
 * Builds each of `builds` whose inputs under `root` changed since its last
 * successful build (all of them with `force`); returns the names it built.
 * With `prepare`, a build whose tool is not installed is skipped with a note.
 */
export function buildIfStale(root, builds, { force = false, prepare = false } = {}) {
  const built = [];
  for (const [name, build] of Object.entries(builds)) {
    const expected = inputsHash(build, root);
    if (!force && isFresh(root, build, expected)) continue;
    if (!run(root, name, build, prepare)) continue;
    mkdirSync(path.dirname(path.join(root, build.stamp)), { recursive: true });
    writeFileSync(path.join(root, build.stamp), expected);
    built.push(name);
  }
  return built;
}

function main() {
  if (args.has('--print-hashes')) {
    const hashes = Object.fromEntries(Object.entries(BUILDS).map(([name, build]) => [name, inputsHash(build)]));
    process.stdout.write(`${JSON.stringify(hashes)}\n`);
    return;
  }
  buildIfStale(ROOT, BUILDS, { force: args.has('--force'), prepare: args.has('--prepare') });
}

// Run as a script, not when imported (a test imports BUILDS and inputsHash).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`build-if-stale: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
