// The soak's short version (the full one is `npm run soak`): the built action through a dozen PR
// lifecycles, undelivered closes, double creates and create/delete races, with 15% of every
// platform's requests failing transiently (slow answers included, cut by a short attempt limit),
// then the sweep. Nothing may be left behind a closed PR, nothing duplicated for an open one, no
// request refused by an API description, no secret in any output or comment.
import { describe, expect, it } from 'vitest';
import { formatReport, runSoak } from '../../scripts/soak.js';

describe('soak (short)', () => {
  it('leaves nothing behind, duplicates nothing, leaks no secret, under 15% transient faults', async () => {
    const report = await runSoak({
      lifecycles: 12,
      undelivered: 3,
      pairs: 2,
      concurrency: 8,
      faultRate: 0.15,
      seed: 7,
      // Attempts of 3 s; a slow answer takes 3.5 s, so it is always cut and retried.
      timeoutSeconds: 12,
      slowMs: 3500,
      operationMs: 100,
    });
    console.log(formatReport(report));

    expect(report.leaks).toEqual({ Neon: 0, Vercel: 0, Netlify: 0, GitHub: 0 });
    expect(report.leakDetails).toEqual([]);
    expect(report.duplicates).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.stale).toEqual([]);
    expect(report.secrets).toEqual([]);
    expect(report.violations).toEqual([]);
    // Every failure was loud (exit 1, one ::error:: line naming the platform), and re-runs converged.
    expect(report.silentFailures).toEqual([]);
    expect(report.vagueFailures).toEqual([]);
    expect(report.unrecovered).toEqual([]);
    expect(report.hung).toEqual([]);
    expect(report.ok).toBe(true);

    // The faults did happen, every kind of them, and the action retried through them.
    expect(report.runs).toBeGreaterThanOrEqual(12 * 3 + 3 * 2 + 2 * 2 * 2 + 2);
    for (const kind of ['429', '423', '500', '502', '503', 'reset', 'slow']) expect(report.faultKinds[kind], kind).toBeGreaterThan(0);
    for (const platform of ['Neon', 'Vercel', 'Netlify', 'GitHub'] as const) {
      expect(report.faults[platform], platform).toBeGreaterThan(0);
      expect(report.retries[platform], platform).toBeGreaterThan(0);
    }
    // The undelivered closes were the sweep's to clean up; the open PRs stayed.
    expect(report.sweeps.firstRemoved + report.sweeps.secondRemoved).toBeGreaterThanOrEqual(3);
    expect(report.openPullRequests).toBe(2);
  }, 900_000);
});
