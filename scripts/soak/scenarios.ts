// The pull requests of one repository and their workflow runs:
// - lifecycles: opened, 1-3 synchronize, closed (one in four made from `parent_branch: staging`);
// - undelivered: opened, 1-3 synchronize, then the PR is closed on GitHub but its `closed` run
//   never comes (the sweep must remove what it left);
// - double creates: two `opened` runs of one PR started together; the PR stays open;
// - create/close races without a concurrency group: an `opened` and a `closed` run of one PR
//   started together, the PR closed on GitHub first (as it is by the time GitHub sends `closed`).
//   The create asks GitHub at its end and removes what it made; when it fails instead (it is not
//   re-run: its PR is closed), what it left is for a re-delivered close (every other race) or the
//   sweep. None of its runs may fail silently, and a create that exits 0 saying `create` must say
//   it could not confirm the PR's state. (A create may fail loudly for no injected fault: the close
//   it races can delete its branch under it; counted apart.)
import type { RunResult } from '../../sandbox/action-runner.js';
import { newPull, setState, STAGING, type Soak } from './context.js';
import { count } from './report.js';
import type { Runner } from './runner.js';
import { errorLines, isTransient } from './runs.js';
import { holdings, whatIsHeld } from './state.js';
import type { Job, PullRequest } from './types.js';

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const syncCount = (soak: Soak) => 1 + Math.floor(soak.random() * 3);

/** opened, then `syncs` synchronize runs. */
async function openAndPush(runner: Runner, soak: Soak, pr: PullRequest, syncs: number): Promise<void> {
  setState(soak, pr, 'open');
  await runner.deliver(pr, 'opened');
  for (let s = 0; s < syncs; s++) await runner.deliver(pr, 'synchronize');
}

/** Closes the PR on GitHub, then delivers its `closed` run. */
export async function close(runner: Runner, soak: Soak, pr: PullRequest): Promise<RunResult> {
  setState(soak, pr, 'closed');
  pr.closeDelivered = true;
  return runner.deliver(pr, 'closed');
}

export function lifecycles(soak: Soak, runner: Runner): Job[] {
  return times(soak.options.lifecycles, (i) => {
    const pr = newPull(soak, 'lifecycle', i % 4 === 3 ? { parent: STAGING } : {});
    const syncs = syncCount(soak);
    return {
      kind: pr.kind,
      runs: syncs + 2,
      go: async () => {
        await openAndPush(runner, soak, pr, syncs);
        await close(runner, soak, pr);
      },
    };
  });
}

export function undelivered(soak: Soak, runner: Runner): Job[] {
  return times(soak.options.undelivered, () => {
    const pr = newPull(soak, 'undelivered');
    const syncs = syncCount(soak);
    return {
      kind: pr.kind,
      runs: syncs + 1,
      go: async () => {
        await openAndPush(runner, soak, pr, syncs);
        setState(soak, pr, 'closed'); // ... and its closed run never comes.
      },
    };
  });
}

export function doubleCreates(soak: Soak, runner: Runner): Job[] {
  return times(soak.options.pairs, () => {
    const pr = newPull(soak, 'double-create');
    return {
      kind: pr.kind,
      runs: 2,
      go: async () => {
        setState(soak, pr, 'open');
        const [a, b] = await runner.deliverTogether(pr, 'opened', true, 'opened');
        if (a.code === 0 && b.code === 0 && a.outputs.branch_id !== b.outputs.branch_id) {
          soak.report.duplicates.push(`#${pr.number}: two create runs started together reported branches ${a.outputs.branch_id} and ${b.outputs.branch_id}`);
        }
      },
    };
  });
}

export function races(soak: Soak, runner: Runner): Job[] {
  return times(soak.options.pairs, (i) => {
    const pr = newPull(soak, 'race');
    const redeliver = i % 2 === 0;
    return {
      kind: pr.kind,
      runs: 2,
      go: async () => {
        setState(soak, pr, 'closed');
        pr.closeDelivered = true;
        // The create is not re-run when it fails: its PR is closed.
        const [create] = await runner.deliverTogether(pr, 'opened', false, 'closed');
        judgeRaceCreate(soak, pr, create);
        const left = whatIsHeld(holdings(soak, pr));
        if (!left) return;
        if (!redeliver) return count(soak.report, 'race', 'left for the sweep');
        count(soak.report, 'race', 'left for a re-delivered close');
        await runner.deliver(pr, 'closed');
      },
    };
  });
}

function judgeRaceCreate(soak: Soak, pr: PullRequest, create: RunResult): void {
  if (create.code !== 0) return count(soak.report, 'race', isTransient(errorLines(create)[0] ?? '') ? 'create failed (an injected fault)' : 'create failed, no injected fault (see failed runs)');
  if (create.outputs.command === 'delete') return count(soak.report, 'race', 'create removed what it made');
  if (/Could not confirm that pull request #\d+ is still open/.test(create.stdout)) return count(soak.report, 'race', 'create could not confirm the state');
  soak.report.silentFailures.push(
    `#${pr.number} opened (race): exit 0, command=${create.outputs.command}, though GitHub said the PR was closed and the run neither removed its preview nor said it could not confirm`,
  );
}
