/**
 * Builds the playground with vite.playground.config.ts into a temporary
 * directory, so a test never depends on (or clobbers) dist/.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const PLAYGROUND_VITE_CONFIG = fileURLToPath(new URL('../../vite.playground.config.ts', import.meta.url));

/** Milliseconds a `beforeAll` that builds should allow. */
export const BUILD_TIMEOUT_MS = 240_000;

export interface PlaygroundBuild {
  /** The outDir: index.html and assets/. */
  dir: string;
  dispose(): Promise<void>;
}

export async function buildPlayground(): Promise<PlaygroundBuild> {
  const dir = await mkdtemp(path.join(tmpdir(), 'playground-build-'));
  // vitest sets NODE_ENV=test, which would give React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: PLAYGROUND_VITE_CONFIG,
      mode: 'production',
      logLevel: 'error',
      build: { outDir: dir, emptyOutDir: true },
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}
