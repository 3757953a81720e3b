/**
 * scripts/build-if-stale.mjs: `npm start` and `prepare` build only what
 * changed. Checked on a scratch repository whose "build tool" is a script
 * that counts its runs; and the playground's inputs hash is checked to be
 * the tests' own (test/playground/build-playground.ts), so the build made at
 * install is the one the tests reuse.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILDS, buildIfStale, inputsHash, type BuildSpec } from '../../scripts/build-if-stale.mjs';
import { inputsHash as testsPlaygroundHash } from '../playground/build-playground.js';

let root: string;
const runs = (): number => readFileSync(path.join(root, 'runs'), 'utf8').split('\n').filter(Boolean).length;

/** A build of src/ (minus src/skip) into out/result whose tool appends to `runs` and fails when src/fail exists. */
const fake: Record<string, BuildSpec> = {
  app: { inputs: ['src', 'config.json'], exclude: ['src/skip'], output: 'out/result', stamp: 'out/.stamp', bin: 'fake-build', args: [] },
};

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'build-if-stale-'));
  mkdirSync(path.join(root, 'src', 'skip'), { recursive: true });
  mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(root, 'config.json'), '{}\n');
  writeFileSync(path.join(root, 'runs'), '');
  const tool = path.join(root, 'node_modules', '.bin', 'fake-build');
  writeFileSync(tool, '#!/bin/sh\necho 1 >> runs\n[ -e src/fail ] && exit 3\nmkdir -p out && echo built > out/result\n');
  chmodSync(tool, 0o755);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('build-if-stale', () => {
  it('builds when there is no output, then not again until an input changes', () => {
    expect(buildIfStale(root, fake)).toEqual(['app']);
    expect(buildIfStale(root, fake)).toEqual([]);
    expect(runs()).toBe(1);

    writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 2;\n');
    expect(buildIfStale(root, fake)).toEqual(['app']);
    writeFileSync(path.join(root, 'src', 'b.ts'), 'export const b = 1;\n'); // a new file
    expect(buildIfStale(root, fake)).toEqual(['app']);
    writeFileSync(path.join(root, 'config.json'), '{"x":1}\n');
    expect(buildIfStale(root, fake)).toEqual(['app']);
    expect(runs()).toBe(4);
  });

  it('ignores excluded inputs and builds again when the output is gone or --force is given', () => {
    buildIfStale(root, fake);
    writeFileSync(path.join(root, 'src', 'skip', 'client.ts'), 'x');
    expect(buildIfStale(root, fake)).toEqual([]);
    rmSync(path.join(root, 'out', 'result'));
    expect(buildIfStale(root, fake)).toEqual(['app']);
    expect(buildIfStale(root, fake, { force: true })).toEqual(['app']);
    expect(runs()).toBe(3);
  });

  it('a failed build throws and is not taken as fresh next time', () => {
    buildIfStale(root, fake);
    writeFileSync(path.join(root, 'src', 'fail'), '');
    expect(() => buildIfStale(root, fake)).toThrow(/fake-build.*failed \(exit 3\)/);
    rmSync(path.join(root, 'src', 'fail'));
    // The inputs are back to those of the last good build, but that build's output may be half-overwritten.
    expect(buildIfStale(root, fake)).toEqual(['app']);
    expect(runs()).toBe(3);
  });

  it('without the tool: fails, except as `prepare` (dev dependencies omitted), which skips', () => {
    rmSync(path.join(root, 'node_modules'), { recursive: true });
    expect(() => buildIfStale(root, fake)).toThrow(/fake-build is not installed/);
    expect(buildIfStale(root, fake, { prepare: true })).toEqual([]);
  });

  it("hashes the playground's inputs exactly as the tests' playground build does (one shared stamp)", async () => {
    expect(BUILDS.playground.stamp).toBe('dist/playground/client.inputs-sha256');
    expect(inputsHash(BUILDS.playground)).toBe(await testsPlaygroundHash());
  });
});
