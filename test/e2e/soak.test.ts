// The soak's short version (the full one is `npm run soak`): the built action through a dozen PR
// lifecycles, undelivered closes, double creates, create/close races, `{head}` collisions and fork
// PRs under `pull_request_target`, with 15% of every platform's requests failing transiently (slow
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
      forks: 2,
      allowedForks: 2,
      // A fork beside the repository's own PR of the same head: see the test below.
      forkOverlap: 0,
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
    // Every failure was loud (exit 1, one ::error:: line naming the platform), and re-runs converged.
    expect(report.silentFailures).toEqual([]);
    expect(report.vagueFailures).toEqual([]);
    expect(report.unrecovered).toEqual([]);
    expect(report.hung).toEqual([]);
    expect(report.ok).toBe(true);

    // The faults did happen, every kind of them, and the action retried through them.
    expect(report.runs).toBeGreaterThanOrEqual(12 * 3 + 3 * 2 + 2 * 2 * 2 + 3 * 5 + 2 * 3 + 2 * 3 + 2);
    for (const kind of ['429', '423', '500', '502', '503', 'reset', 'slow']) expect(report.faultKinds[kind], kind).toBeGreaterThan(0);
    for (const platform of platforms) {
      expect(report.faults[platform as keyof typeof report.faults], platform).toBeGreaterThan(0);
      expect(report.retries[platform as keyof typeof report.retries], platform).toBeGreaterThan(0);
    }
    // Every create run was checked against its parent's password.
    expect(report.parentPasswords.checked).toBeGreaterThanOrEqual(12 * 2 + 3 * 2 + 2 * 2);
    // The undelivered closes were the sweep's to clean up (nothing of them is left: no leaks); the
    // open PRs stayed: 2 double creates, 3 second PRs of collisions, 2 own PRs beside allowed forks
    // and the one allowed fork left open.
    expect(report.sweeps.closedHolding).toBeGreaterThanOrEqual(3);
    expect(report.sweeps.firstRemoved + report.sweeps.secondRemoved).toBeGreaterThan(0);
    expect(report.openPullRequests).toBe(2 + 3 + 2 + 1);
    // Each collision's second PR was refused naming the first while it was open, then created.
    expect(report.scenarios.collision?.counts['second refused naming the first']).toBe(3);
    expect(report.scenarios.collision?.counts['second created once the first closed']).toBe(3);
    // Skipped forks' runs all skipped; allowed forks' creates got their branch and environment only.
    expect(report.scenarios['fork-skipped']?.counts['runs skipped']).toBe(2 * 3);
    expect(report.scenarios['fork-allowed']?.counts['fork runs with branch and environment only']).toBe(2 * 2);
  }, 900_000);

  // Fails on the action of 96c7142: a fork PR (fork_pull_requests: allow) holds the Netlify
  // values of its head's name, which are the repository's own branch's. The repository's PR of
  // that head is refused while the fork is open ("cannot have the same Netlify values: they
  // belong to pull request #<fork>"), and its close leaves its Netlify values behind (the sweep
  // keeps them: the fork is open). Make this `it` once a fork no longer holds branch-scoped names.
  it.fails("a fork PR takes nothing from the repository's own PR of the same head", async () => {
    const report = await runSoak({
      ...{ lifecycles: 0, undelivered: 0, pairs: 0, collisions: 0, forks: 0, allowedForks: 0 },
      forkOverlap: 2,
      faultRate: 0,
      seed: 7,
      timeoutSeconds: 12,
      operationMs: 100,
      progressSeconds: 10,
      log,
    });
    console.log(formatReport(report));
    expect(report.forkProblems).toEqual([]);
    expect(report.unexpectedRefusals).toEqual([]);
    expect(report.leakDetails).toEqual([]);
    expect(report.ok).toBe(true);
  }, 600_000);
});
