import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file gets its own process: cometd-nodejs-client installs a global `window`.
    pool: 'forks',
    reporters: process.env['CI'] ? ['default'] : ['default'],
  },
});
