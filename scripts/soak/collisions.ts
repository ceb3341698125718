// `{head}` collisions (issue 16, point 2): with `branch_name: preview/{head}` two open PRs whose
// heads sanitise alike (`feat@x-N` and `feat#x-N`), or two PRs from one head branch, would share a
// Neon branch (and with `github_environment: pr-{head}` an environment; from one head, Netlify's
// branch values); and two PRs from one head branch with the default names but without Netlify
// share only Vercel's values (scoped to the head). The second PR's create must fail loudly naming
// the first (one `::error::` line with `pull request #<first>`), before it makes anything, and
// change nothing of the first's. Then either
// - the first closes, its `closed` run delivered: its things go, and the second's re-run succeeds
//   and stays open with its own values only; or
// - the refused second PR closes while the first is open: its delete leaves the first's things
//   (the shared Neon branch name, Netlify values, environment) alone; or
// - (`collisionLeftovers`) the first closes and its `closed` run never comes: the second's re-run
//   removes what the first left, then makes its own, in that one run.
import { newPull, setState, type Soak } from './context.js';
import { count } from './report.js';
import type { Runner } from './runner.js';
import { errorLines, refusalOf } from './runs.js';
import { close } from './scenarios.js';
import { branchesOf, changes, holdings, publishedFor } from './state.js';
import type { Job, JobKind, PullRequest } from './types.js';

type Ending = 'first closes' | 'second closes' | "first's close lost";

interface Variant {
  oneHead: boolean;
  environmentByHead: boolean;
  /** `branch_name: preview/{head}`; else the default `preview/pr-{pr}`. */
  branchByHead: boolean;
  /** The `targets` input, when not every target (the soak's default). */
  targets?: string;
}

/**
 * In turn: heads alike or one head, the default environment or `pr-{head}`; and one head with
 * the default names and without Netlify, where only Vercel's values (scoped to the head, marked
 * with the PR) are shared.
 */
const VARIANTS: Variant[] = [
  { oneHead: false, environmentByHead: false, branchByHead: true },
  { oneHead: true, environmentByHead: true, branchByHead: true },
  { oneHead: true, environmentByHead: false, branchByHead: false, targets: 'vercel github' },
  { oneHead: true, environmentByHead: false, branchByHead: true },
  { oneHead: false, environmentByHead: true, branchByHead: true },
];

function pair(soak: Soak, kind: JobKind, i: number): [PullRequest, PullRequest] {
  const { oneHead, environmentByHead, branchByHead, targets } = VARIANTS[i % VARIANTS.length]!;
  const heads = oneHead ? [`feat/one-${kind}-${i}`, `feat/one-${kind}-${i}`] : [`feat@x-${kind}-${i}`, `feat#x-${kind}-${i}`];
  const inputs: Record<string, string> = {
    ...(branchByHead ? { branch_name: 'preview/{head}' } : {}),
    ...(environmentByHead ? { github_environment: 'pr-{head}' } : {}),
    ...(targets ? { targets } : {}),
  };
  return [newPull(soak, kind, { head: heads[0], inputs }), newPull(soak, kind, { head: heads[1], inputs })];
}

function job(soak: Soak, runner: Runner, kind: JobKind, i: number, ending: Ending): Job {
  const [first, second] = pair(soak, kind, i);
  return {
    kind,
    runs: ending === "first's close lost" ? 5 : 6,
    go: async () => {
      setState(soak, first, 'open');
      await runner.deliver(first, 'opened');
      await refusedWhileOpen(soak, runner, first, second);
      if (ending === 'second closes') return secondCloses(soak, runner, first, second);
      await runner.deliver(first, 'synchronize');
      await firstCloses(soak, runner, first, ending);
      const again = await runner.deliver(second, 'opened');
      if (again.code !== 0) return;
      count(soak.report, kind, 'second created once the first closed');
      if (branchesOf(soak, first).length > 0) soak.report.takeovers.push(`#${second.number} was created while #${first.number}'s Neon branch is still there`);
      await runner.deliver(second, 'synchronize');
    },
  };
}

/** The first closes, or (every third) the refused second does. */
export function collisions(soak: Soak, runner: Runner): Job[] {
  return Array.from({ length: soak.options.collisions }, (_, i) => job(soak, runner, 'collision', i, i % 3 === 2 ? 'second closes' : 'first closes'));
}

export function collisionLeftovers(soak: Soak, runner: Runner): Job[] {
  return Array.from({ length: soak.options.collisionLeftovers }, (_, i) => job(soak, runner, 'collision-leftovers', i + 1, "first's close lost"));
}

/** The first PR closes; its close is delivered (and must leave nothing of its own), or never comes. */
async function firstCloses(soak: Soak, runner: Runner, first: PullRequest, ending: Ending): Promise<void> {
  if (ending === "first's close lost") return setState(soak, first, 'closed'); // the second's create removes what it left
  await close(runner, soak, first);
  const left = branchesOf(soak, first).length + publishedFor(soak, first, false).filter((v) => v.where === 'Vercel').length;
  if (left > 0) soak.report.takeovers.push(`#${first.number}'s close left ${left} thing(s) of its own`);
}

/** The refused second PR closes while the first is open: its delete leaves the first's things alone. */
async function secondCloses(soak: Soak, runner: Runner, first: PullRequest, second: PullRequest): Promise<void> {
  const before = holdings(soak, first);
  const result = await close(runner, soak, second);
  const changed = changes(before, holdings(soak, first));
  if (changed) soak.report.takeovers.push(`#${second.number}'s close while #${first.number} is open changed the first's things: ${changed}`);
  else if (result.code === 0) count(soak.report, first.kind, "second closed, the first's things untouched");
  await runner.deliver(first, 'synchronize');
}

/** The second PR's create while the first is open: refused naming the first, nothing of the first's touched. */
async function refusedWhileOpen(soak: Soak, runner: Runner, first: PullRequest, second: PullRequest): Promise<void> {
  const before = holdings(soak, first);
  setState(soak, second, 'open');
  const result = await runner.deliver(second, 'opened', { refusedBy: first.number });
  const what = `#${second.number} (head ${second.head}) while #${first.number} (head ${first.head}) is open`;
  if (result.code === 0) soak.report.takeovers.push(`${what}: the create succeeded (branch ${result.outputs.branch_name ?? '?'})`);
  else if (refusalOf(result) === first.number) count(soak.report, first.kind, 'second refused naming the first');
  else if (refusalOf(result) !== undefined) soak.report.takeovers.push(`${what}: refused naming #${refusalOf(result)}, not #${first.number}`);
  else soak.report.takeovers.push(`${what}: failed without naming #${first.number}: ${errorLines(result)[0]?.slice(0, 300) ?? `exit ${result.code}`}`);
  const changed = changes(before, holdings(soak, first));
  if (changed) soak.report.takeovers.push(`${what}: the first's things changed: ${changed}`);
  const taken = branchesOf(soak, second).length + publishedFor(soak, second, false).filter((v) => v.where === 'Vercel').length;
  if (taken > 0) soak.report.takeovers.push(`${what}: the second holds ${taken} thing(s) of its own although it was refused`);
}
