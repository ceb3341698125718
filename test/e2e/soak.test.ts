// The soak's short version (the full one is `npm run soak`): the built action through a dozen PR
// lifecycles, undelivered closes, double creates, create/close races, `{head}` collisions (one
// whose first PR's close never comes) and fork PRs under `pull_request_target` (skipped, allowed,
// beside the repository's own PR of the same head), with 15% of every platform's requests failing transiently (slow
// answers included, cut by a short attempt limit), then the sweep. Nothing may be left behind a
// closed PR, nothing duplicated or stale for an open one, no create run may publish its parent's
// password, no request refused by an API description, no secret in any output or comment.
// A progress line comes every 10 seconds (the soak takes minutes on a busy machine).
import { describe, expect, it } from 'vitest';
import { formatReport, runSoak } from '../../scripts/soak.js';

const log = (line: string) => console.log(`soak: ${line}`);

describe('soak (short)', () => {
  it('leaves nothing behind, duplicates nothing, takes nothing, leaks no secret, under 15% transient faults', async () => {
    const report = await runSoak({
      lifecycles: 12,
      undelivered: 3,
      pairs: 2,
      collisions: 3,
      collisionLeftovers: 1,
      forks: 2,
      allowedForks: 2,
      forkOverlap: 2,
      concurrency: 8,
      faultRate: 0.15,
      seed: 7,
      // Attempts of 3 s; a slow answer takes 3.5 s, so it is always cut and retried.
      timeoutSeconds: 12,
      slowMs: 3500,
      operationMs: 100,
      progressSeconds: 10,
      log,
    });
    console.log(formatReport(report));

    const platforms = Object.keys(report.requests);
    expect(report.leaks).toEqual(Object.fromEntries(platforms.map((p) => [p, 0])));
    expect(report.leakDetails).toEqual([]);
    expect(report.duplicates).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.stale).toEqual([]);
    expect(report.secrets).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(report.parentPasswords.runs).toEqual([]);
    expect(report.readyComments).toEqual([]);
    expect(report.takeovers).toEqual([]);
    expect(report.forkProblems).toEqual([]);
    expect(report.unexpectedRefusals).toEqual([]);
    // Every failure was loud (exit 1, one ::error:: line naming the platform), for a reason an
    // injected fault explains, and re-runs converged.
    expect(report.unexplainedFailures).toEqual([]);
    expect(report.silentFailures).toEqual([]);
    expect(report.vagueFailures).toEqual([]);
    expect(report.unrecovered).toEqual([]);
    expect(report.hung).toEqual([]);
    expect(report.ok).toBe(true);

    // The faults did happen, every kind of them, and the action retried through them.
    expect(report.runs).toBeGreaterThanOrEqual(12 * 3 + 3 * 2 + 2 * 2 * 2 + 3 * 5 + 5 + 2 * 3 + 2 * 3 + 2 * 4 + 2);
    for (const kind of ['429', '423', '500', '502', '503', 'reset', 'slow']) expect(report.faultKinds[kind], kind).toBeGreaterThan(0);
    for (const platform of platforms) {
      expect(report.faults[platform as keyof typeof report.faults], platform).toBeGreaterThan(0);
      expect(report.retries[platform as keyof typeof report.retries], platform).toBeGreaterThan(0);
    }
    // Every create run was checked against its parent's password.
    expect(report.parentPasswords.checked).toBeGreaterThanOrEqual(12 * 2 + 3 * 2 + 2 * 2);
    // The undelivered closes were the sweep's to clean up (nothing of them is left: no leaks); the
    // open PRs stayed: 2 double creates, one PR of each collision (4), 2 own PRs beside allowed
    // forks and the one allowed fork left open, and the 2 forks beside the repository's own PRs.
    // (How many the sweep reports removed is not counted: a try that fails after its deletions
    // were accepted leaves the next try nothing to remove.)
    expect(report.sweeps.closedHolding).toBeGreaterThanOrEqual(3);
    expect(report.openPullRequests).toBe(2 + 4 + 2 + 1 + 2);
    // Each collision's second PR was refused naming the first while it was open; then the first
    // closed and the second was created (heads alike, default environment; one head, pr-{head}),
    // or the second closed and left the first's things alone (one head, default names, Vercel
    // without Netlify); when the first's close never came, the second's create removed what it
    // left and made its own in one run (no failure but injected faults: see unexplainedFailures).
    expect(report.scenarios.collision?.counts).toEqual({
      'second refused naming the first': 3,
      'second created once the first closed': 2,
      "second closed, the first's things untouched": 1,
    });
    expect(report.scenarios['collision-leftovers']?.counts).toEqual({ 'second refused naming the first': 1, 'second created once the first closed': 1 });
    // Skipped forks' runs all skipped; allowed forks' creates got their branch and environment only.
    expect(report.scenarios['fork-skipped']?.counts['runs skipped']).toBe(2 * 3);
    expect(report.scenarios['fork-allowed']?.counts['fork runs with branch and environment only']).toBe(2 * 2);
    // A fork open while the repository's own PR of its head opened (and closed) took nothing from it.
    expect(report.scenarios['fork-overlap']?.counts).toEqual({ 'own PR created beside the fork': 2, 'own PR closed cleanly beside the fork': 2 });
  }, 900_000);
});
