import { defineConfig } from 'vitest/config';

// Built assets go to $OSPREY_UI_OUT (set by the CMake embedding step) or ./dist.
export default defineConfig({
  base: '/',
  esbuild: {
    jsx: 'automatic',
    jsxImportSource: 'preact',
  },
  build: {
    outDir: process.env.OSPREY_UI_OUT || 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    // codemirror-promql's "main" is CommonJS, which would load a second copy of
    // @codemirror/state under Node: tests use its ESM build, as the production bundle does.
    alias: { '@prometheus-io/codemirror-promql': '@prometheus-io/codemirror-promql/dist/esm/index.js' },
    server: { deps: { inline: [/@prometheus-io\//] } },
  },
});
