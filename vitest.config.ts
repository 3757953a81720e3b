import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports": Node resolves it to its CommonJS build, while Vite
    // would pick the "module" (ESM) build for our sources. Two graphql instances in one
    // process break instanceof checks ("another module or realm"), so resolve as Node does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file gets its own process: cometd-nodejs-client installs a global `window`.
    pool: 'forks',
  },
});
