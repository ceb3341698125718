import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests that run src/ in-process print nothing to the workflow log, which would be vitest's
    // output: `@actions/core` records instead (see test/setup-actions-core.ts). The built action,
    // which the end-to-end tests run as a child process, uses the real one.
    alias: [{ find: /^@actions\/core$/, replacement: fileURLToPath(new URL('./test/setup-actions-core.ts', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end files start stand-in servers and child processes; two cores.
    maxWorkers: 2,
  },
});
