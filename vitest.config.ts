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
    // Guards against a hang only: no test's outcome depends on how fast it runs, and an end-to-end
    // test that takes 30 s on an idle machine takes several times that while others load both
    // cores.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // End-to-end files start stand-in servers and child processes; two cores.
    maxWorkers: 2,
  },
});
