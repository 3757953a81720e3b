/**
 * Builds the GraphiQL playground (src/playground/client) into
 * dist/playground/client: `vite build -c vite.playground.config.ts`.
 *
 * Not dist/playground itself: tsc writes the server-side playground modules
 * there (src/playground/*.ts), and Vite empties its outDir.
 *
 * `base: './'` keeps every URL relative; the server injects
 * `<base href="<endpoint>/playground-assets/">`, so the same build works under
 * any endpoint path. Dev server: `vite -c vite.playground.config.ts` proxies
 * /graphql (HTTP and WebSocket) to PLAYGROUND_PROXY_TARGET (default
 * http://localhost:4000).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./src/playground/client', import.meta.url)),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist/playground/client', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Monaco alone is a few MB; the page is served locally, not over the internet.
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // React libraries' "use client" / "use no memo" directives mean nothing in a bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  worker: {
    format: 'es',
  },
  server: {
    proxy: {
      '/graphql': {
        target: process.env.PLAYGROUND_PROXY_TARGET ?? 'http://localhost:4000',
        changeOrigin: true,
        ws: true,
      },
    },
  },
});
