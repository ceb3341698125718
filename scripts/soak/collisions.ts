// `{head}` collisions (issue 16, point 2): with `branch_name: preview/{head}` two open PRs whose
// heads sanitise alike (`feat@x-N` and `feat#x-N`), or two PRs from one head branch, would share a
// Neon branch (and with `github_environment: pr-{head}` an environment; from one head, Netlify's
// branch values). The second PR's create must fail loudly naming the first (one `::error::` line
// with `pull request #<first>`) and change nothing of the first's. When the first closes, its
// things go (by its `closed` run, or, when that never comes, removed by the second's create
// first), and the second's re-run then succeeds; the second stays open, with its own values only.
import { newPull, setState, type Soak } from './context.js';
import { count } from './report.js';
import type { Runner } from './runner.js';
import { close } from './scenarios.js';
import { branchesOf, changes, holdings, publishedFor } from './state.js';
import type { Job, PullRequest } from './types.js';
import { refusalOf } from './runs.js';

/** Collision `i`: which heads, which environment template, whether the first's close is delivered. */
function variant(i: number) {
  const oneHead = i % 2 === 1;
  const heads = oneHead ? [`feat/one-${i}`, `feat/one-${i}`] : [`feat@x-${i}`, `feat#x-${i}`];
  const inputs: Record<string, string> = { branch_name: 'preview/{head}', ...(i % 4 >= 2 ? { github_environment: 'pr-{head}' } : {}) };
  return { heads: heads as [string, string], inputs, closeDelivered: i % 3 !== 2 };
}

export function collisions(soak: Soak, runner: Runner): Job[] {
  return Array.from({ length: soak.options.collisions }, (_, i) => {
    const { heads, inputs, closeDelivered } = variant(i);
    const first = newPull(soak, 'collision', { head: heads[0], inputs });
    const second = newPull(soak, 'collision', { head: heads[1], inputs });
    return {
      kind: 'collision',
      runs: closeDelivered ? 6 : 5,
      go: async () => {
        setState(soak, first, 'open');
        await runner.deliver(first, 'opened');
        await refusedWhileOpen(soak, runner, first, second);
        await runner.deliver(first, 'synchronize');
        if (closeDelivered) {
          await close(runner, soak, first);
          const left = branchesOf(soak, first).length + publishedFor(soak, first, false).filter((v) => v.where === 'Vercel').length;
          if (left > 0) soak.report.takeovers.push(`#${first.number}'s close left ${left} thing(s) of its own`);
        } else {
          setState(soak, first, 'closed'); // its close never comes: the second's create removes what it left
          count(soak.report, 'collision', "first's close undelivered");
        }
        const again = await runner.deliver(second, 'opened');
        if (again.code !== 0) return;
        count(soak.report, 'collision', 'second created once the first closed');
        if (branchesOf(soak, first).length > 0) soak.report.takeovers.push(`#${second.number} was created while #${first.number}'s Neon branch is still there`);
        await runner.deliver(second, 'synchronize');
      },
    };
  });
}

/** The second PR's create while the first is open: refused naming the first, nothing of the first's touched. */
async function refusedWhileOpen(soak: Soak, runner: Runner, first: PullRequest, second: PullRequest): Promise<void> {
  const before = holdings(soak, first);
  setState(soak, second, 'open');
  const result = await runner.deliver(second, 'opened', { refusedBy: first.number });
  const what = `#${second.number} (head ${second.head}) while #${first.number} (head ${first.head}) is open`;
  if (result.code === 0) soak.report.takeovers.push(`${what}: the create succeeded (branch ${result.outputs.branch_name ?? '?'})`);
  else if (refusalOf(result) === first.number) count(soak.report, 'collision', 'second refused naming the first');
  else if (refusalOf(result) !== undefined) soak.report.takeovers.push(`${what}: refused naming #${refusalOf(result)}, not #${first.number}`);
  const changed = changes(before, holdings(soak, first));
  if (changed) soak.report.takeovers.push(`${what}: the first's things changed: ${changed}`);
  const taken = branchesOf(soak, second).length + publishedFor(soak, second, false).filter((v) => v.where === 'Vercel').length;
  if (taken > 0) soak.report.takeovers.push(`${what}: the second holds ${taken} thing(s) of its own although it was refused`);
}
