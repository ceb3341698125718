// Checks the end-to-end files share.
import { expect } from 'vitest';
import type { RunResult } from '../../sandbox/action-runner.js';
import type { Platform } from '../../src/http/failure.js';

/** What the run counted itself for a platform in the job summary's closing line. */
export function summaryCount(result: RunResult, platform: Platform): number | undefined {
  const match = new RegExp(`${platform}: (\\d+) requests`).exec(result.summary);
  return match ? Number(match[1]) : undefined;
}

/** The run succeeded without an error or a warning. */
export function expectSuccess(result: RunResult): void {
  expect(result.code, result.stdout).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).not.toMatch(/^::(error|warning)::/m);
}

/** The values a create run must have published, from its own outputs (the default env_vars). */
export function expectedValues(result: RunResult): Record<string, string> {
  const o = result.outputs;
  return {
    DATABASE_URL: o.db_url_pooled!,
    DATABASE_URL_UNPOOLED: o.db_url!,
    PGHOST: o.db_host_pooled!,
    PGHOST_UNPOOLED: o.db_host!,
    PGUSER: o.role!,
    PGDATABASE: o.database!,
    PGPASSWORD: o.password!,
  };
}
