import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Files that measure the heap with the real collector: run with --expose-gc. */
const WITH_GC = ['test/persisted-queries/document-flood.test.ts'];

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports": Node resolves it to its CommonJS build, while Vite
    // would pick the "module" (ESM) build for our sources. Two graphql instances in one
    // process break instanceof checks ("another module or realm"), so resolve as Node does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file gets its own process: cometd-nodejs-client installs a global `window`.
    pool: 'forks',
    projects: [
      // `include` only here: a project that extends the root config would add the root's `include` to its own.
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...WITH_GC] } },
      { extends: true, test: { name: 'expose-gc', include: WITH_GC, execArgv: ['--expose-gc'] } },
    ],
  },
});
