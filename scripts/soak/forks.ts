// Fork PRs under `pull_request_target` (issue 16, point 4), the repository's secrets present:
// - skipped (the default `fork_pull_requests: skip`): every run exits 0 with `command=skip` and a
//   notice, and nothing is created anywhere (no branch, value, environment or comment);
// - allowed (`fork_pull_requests: allow`), the fork's head named like the head of the
//   repository's own open PR: the fork gets a Neon branch, outputs and its GitHub environment,
//   never a Vercel or Netlify value, and the own PR's things stay exactly as they were;
// - overlapping: an allowed fork open while the repository's own PR of the same head opens (it must
//   get its preview) or closes (its values must all go).
import { describePull, newPull, setState, type Soak } from './context.js';
import { count } from './report.js';
import type { Runner } from './runner.js';
import { close } from './scenarios.js';
import { branchesOf, changes, environmentValues, holdings, netlifyValues, publishedFor, whatIsHeld } from './state.js';
import type { EventAction, Job, PullRequest } from './types.js';
import { refusalOf } from './runs.js';

const ALLOW = { fork_pull_requests: 'allow' };

export function skippedForks(soak: Soak, runner: Runner): Job[] {
  return Array.from({ length: soak.options.forks }, (_, i) => {
    const fork = newPull(soak, 'fork-skipped', { head: `patch-${i + 1}`, fork: `contrib-${i}/shop` });
    return {
      kind: fork.kind,
      runs: 3,
      go: async () => {
        for (const action of ['opened', 'synchronize', 'closed'] as EventAction[]) {
          setState(soak, fork, action === 'closed' ? 'closed' : 'open');
          const result = await runner.deliver(fork, action);
          if (result.code === 0 && result.outputs.command === 'skip') count(soak.report, 'fork-skipped', 'runs skipped');
          const held = whatIsHeld(holdings(soak, fork, true));
          const comments = soak.platforms.github.comments(fork.number).length;
          if (held || comments > 0) soak.report.forkProblems.push(`${describePull(fork)} ${action}: skipped fork has ${[held, comments ? `${comments} comment(s)` : ''].filter(Boolean).join(', ')}`);
        }
      },
    };
  });
}

/** After a fork's run: it has no branch-scoped value, and the own PR's things are as they were. */
function checkFork(soak: Soak, fork: PullRequest, own: PullRequest, before: ReturnType<typeof holdings>, action: EventAction, code: number): void {
  const problems = soak.report.forkProblems;
  const what = `${describePull(fork)} ${action}`;
  const scoped = publishedFor(soak, fork, false).filter((v) => v.where !== 'GitHub');
  if (scoped.length > 0) problems.push(`${what}: the fork has ${scoped.length} Vercel value(s)`);
  const changed = changes(before, holdings(soak, own));
  if (changed) problems.push(`${what}: #${own.number}'s things changed: ${changed}`);
  if (code !== 0) return;
  const branches = branchesOf(soak, fork).length;
  const env = environmentValues(soak, fork.environment)?.length ?? 0;
  if (action !== 'closed' && (branches !== 1 || env === 0)) problems.push(`${what}: the fork has ${branches} Neon branch(es) and ${env} value(s) in ${fork.environment}`);
  if (action === 'closed' && (branches > 0 || env > 0)) problems.push(`${what}: the fork's close left ${branches} Neon branch(es) and ${env} environment value(s)`);
  if (action !== 'closed' && branches === 1 && env > 0) count(soak.report, fork.kind, 'fork runs with branch and environment only');
}

export function allowedForks(soak: Soak, runner: Runner): Job[] {
  return Array.from({ length: soak.options.allowedForks }, (_, i) => {
    const head = `feature/shared-${i}`;
    const own = newPull(soak, 'fork-allowed', { head });
    const fork = newPull(soak, 'fork-allowed', { head, fork: `outsider-${i}/shop`, inputs: ALLOW });
    const closes = i % 2 === 0;
    return {
      kind: 'fork-allowed',
      runs: closes ? 4 : 3,
      go: async () => {
        setState(soak, own, 'open');
        await runner.deliver(own, 'opened');
        const before = holdings(soak, own);
        setState(soak, fork, 'open');
        for (const action of ['opened', 'synchronize'] as EventAction[]) checkFork(soak, fork, own, before, action, (await runner.deliver(fork, action)).code);
        if (closes) checkFork(soak, fork, own, before, 'closed', (await close(runner, soak, fork)).code);
      },
    };
  });
}

/**
 * An allowed fork open while the repository's own PR of the same head opens (even `i`) or closes
 * (odd `i`): the own PR gets its preview as if the fork were not there, and its close leaves none
 * of its values. The fork stays open.
 */
export function overlappingForks(soak: Soak, runner: Runner): Job[] {
  return Array.from({ length: soak.options.forkOverlap }, (_, i) => {
    const head = `feature/both-${i}`;
    const fork = newPull(soak, 'fork-overlap', { head, fork: `visitor-${i}/shop`, inputs: ALLOW });
    const own = newPull(soak, 'fork-overlap', { head });
    const forkFirst = i % 2 === 0;
    return {
      kind: 'fork-overlap',
      runs: 4,
      go: async () => {
        if (!forkFirst) await openOwn(soak, runner, own, fork);
        setState(soak, fork, 'open');
        await runner.deliver(fork, 'opened');
        if (forkFirst) await openOwn(soak, runner, own, fork);
        await runner.deliver(fork, 'synchronize');
        const closed = await close(runner, soak, own);
        const left = netlifyValues(soak, head).length + publishedFor(soak, own, false).length;
        if (closed.code === 0 && left > 0) soak.report.forkProblems.push(`${describePull(own)} closed while fork #${fork.number} (same head) is open: ${left} value(s) of its own left behind`);
        else if (closed.code === 0) count(soak.report, 'fork-overlap', 'own PR closed cleanly beside the fork');
      },
    };
  });
}

async function openOwn(soak: Soak, runner: Runner, own: PullRequest, fork: PullRequest): Promise<void> {
  setState(soak, own, 'open');
  const result = await runner.deliver(own, 'opened');
  if (result.code === 0) return count(soak.report, 'fork-overlap', 'own PR created beside the fork');
  if (refusalOf(result) === fork.number) soak.report.forkProblems.push(`${describePull(own)} opened while fork #${fork.number} (same head) is open: refused, the fork holds its head's names`);
}
