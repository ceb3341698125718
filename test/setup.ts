// Runs before every test file (vitest.config.ts): what `@actions/core` recorded in one test is
// gone before the next (see setup-actions-core.ts).
import { beforeEach } from 'vitest';
import { clearCoreLog } from './setup-actions-core.js';

beforeEach(() => {
  clearCoreLog();
});
