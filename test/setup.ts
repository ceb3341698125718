// Runs before every test file (vitest.config.ts): what `@actions/core` recorded in one test is
// gone before the next (see setup-actions-core.ts), and a file that runs the built action fails
// at once, with what to do, when dist/ was built from other sources (rather than in a test that
// waits for a request the action never makes).
import { beforeAll, beforeEach, expect } from 'vitest';
import { checkDistIsCurrent } from '../sandbox/action-runner.js';
import { clearCoreLog } from './setup-actions-core.js';

beforeAll(async () => {
  if (/[\\/]test[\\/]e2e[\\/]/.test(expect.getState().testPath ?? '') && !process.env.NEON_PREVIEW_ENTRY) await checkDistIsCurrent();
});

beforeEach(() => {
  clearCoreLog();
});
