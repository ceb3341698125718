// sweep: everything the action manages for this repository, on Neon and on every target, whose
// pull request is closed or gone, removed. What belongs to an open PR is never touched; what
// cannot be tied to a PR, or whose PR's state GitHub would not give, is reported and kept. The
// plan (what goes) is sweep-plan.ts's; here are the requests.
import type { Operation } from '@neondatabase/api-client';
import pLimit, { type LimitFunction } from 'p-limit';
import { started } from '../concurrency.js';
import type { PullRequests } from '../github/pulls.js';
import type { SweepSettings } from '../inputs.js';
import type { NeonClient } from '../neon/client.js';
import { isFinished } from '../neon/operations.js';
import type { Phases } from '../phases.js';
import type { Target } from '../targets/target.js';
import { groupFound, planSweep, type Group, type HeadInfo, type PullInfo, type Removal, type SweepRow } from './sweep-plan.js';

export type { SweepRow } from './sweep-plan.js';

/** Pull requests looked up at once (only those the list of open PRs does not have). */
const LOOKUP_CONCURRENCY = 32;
/** Closed pull requests whose targets are cleaned at once (their Neon deletions then queue at Neon's rate limit). */
const REMOVE_CONCURRENCY = 16;

export interface SweepResult {
  rows: SweepRow[];
}

function describe(group: Group<Target>): string[] {
  return [...group.branches.map((b) => `Neon branch ${b.branch.name}`), ...group.entries.map(({ target, entry }) => `${target.label}: ${entry.description}`)];
}

export interface SweepContext {
  neon: NeonClient;
  /** The targets, while their clients load. */
  targets: Promise<Target[]>;
  /** Pull request states, once the GitHub client has loaded. */
  pulls: Promise<PullRequests>;
  phases: Phases;
}

export async function sweepRepository(settings: SweepSettings, { neon, targets: loadingTargets, pulls: loadingPulls, phases }: SweepContext): Promise<SweepResult> {
  const names = settings.variables.map((v) => v.name);
  // Everything is listed at once. With more pull requests to ask about than one round of lookups
  // takes, the open ones are listed too (a page per 100 open PRs instead of a request per PR); the
  // list starts as soon as Neon's branches tell how many there are.
  const listing = started(neon.listManagedBranches(settings.repository));
  const openListing = started(
    Promise.all([listing, loadingPulls]).then(([found, pulls]) => (new Set(found.map((b) => b.annotations['github-pr'])).size > LOOKUP_CONCURRENCY ? pulls.openPullRequests() : undefined)),
  );
  const finding = started(loadingTargets.then((targets) => Promise.all(targets.map((t) => t.findManaged(settings.repository, names)))));
  const [branches, targets, managed] = await phases.run(
    'Find what neon-preview manages',
    () => Promise.all([listing, loadingTargets, finding]),
    ([b, t, m]) => [`${b.length} Neon branches`, ...t.map((target, i) => `${target.label}: ${m[i]!.entries.length}`)].join(', '),
  );
  const pulls = await loadingPulls;
  const grouping = groupFound(
    branches,
    targets.map((target, i) => ({ target, entries: managed[i]!.entries })),
  );
  let openPulls = await openListing;
  if (!openPulls && grouping.prNumbers.length + grouping.unknownHeads.length > LOOKUP_CONCURRENCY)
    openPulls = await phases.run(
      'Open pull requests',
      () => pulls.openPullRequests(),
      (open) => (open ? `${open.size} open` : 'GitHub did not give the whole list'),
    );
  const [states, headStates] = await phases.run(
    'Pull request states',
    () => lookUpStates(pulls, grouping.prNumbers, grouping.unknownHeads, openPulls),
    ([byNumber, byHead]) => {
      const tally = new Map<string, number>();
      for (const s of [...byNumber.values(), ...byHead.values()]) tally.set(s.state, (tally.get(s.state) ?? 0) + 1);
      return [...tally].map(([state, n]) => `${n} ${state}`).join(', ') || 'none to ask about';
    },
  );
  const plan = planSweep(grouping, states, headStates, describe);

  const rows = [...plan.kept];
  await phases.run(
    'Remove what belongs to closed pull requests',
    async () => {
      // Targets with a batch removal get every closed group at once, from their listing; the others
      // one `remove` per group and head branch, at most REMOVE_CONCURRENCY groups at a time. Each
      // group's Neon branches go as soon as its targets are done (their deletions queue at Neon's
      // rate limit); their operations are waited for together at the end.
      const batched = new Map<Target, Promise<void>[]>();
      targets.forEach((target, i) => {
        if (!target.removeManaged) return;
        const groups = plan.remove.map(({ group }) => ({ pr: group.pr ?? 0, entries: group.entries.filter((e) => e.target === target).map((e) => e.entry) }));
        batched.set(target, target.removeManaged(managed[i]!.listing, groups, names));
      });
      const limit = pLimit(REMOVE_CONCURRENCY);
      const outcomes = await Promise.all(plan.remove.map((removal, index) => removeGroup(settings.repository, removal, names, neon, limit, (t) => batched.get(t)?.[index])));
      const failedOperations = await settled(
        neon,
        outcomes.flatMap((o) => o.operations),
      );
      plan.remove.forEach(({ group, state }, index) => {
        const { failures, operations } = outcomes[index]!;
        for (const message of new Set(operations.flatMap((op) => failedOperations.get(op.id)?.message ?? []))) failures.push(message);
        const items = describe(group);
        rows.push(failures.length > 0 ? { pr: group.pr, state, items, outcome: 'failed', note: failures.join(' | ') } : { pr: group.pr, state, items, outcome: 'removed' });
      });
    },
    () => `${rows.filter((r) => r.outcome === 'removed').length} removed, ${rows.filter((r) => r.outcome === 'failed').length} failed`,
  );
  rows.sort((a, b) => (a.pr ?? Infinity) - (b.pr ?? Infinity));
  return { rows };
}

/**
 * Every PR's state: open when the list of open PRs has it; otherwise (closed, missing, or opened
 * since the list was read) GitHub is asked about that PR. A head branch no PR number is known for
 * is open when an open PR has it as its head, else looked up by head.
 */
async function lookUpStates(pulls: PullRequests, prNumbers: number[], heads: string[], openPulls: Map<number, string> | undefined): Promise<[Map<number, PullInfo>, Map<string, HeadInfo>]> {
  const lookups = pLimit(LOOKUP_CONCURRENCY);
  const openHeads = new Set(openPulls?.values() ?? []);
  const states = Promise.all(
    prNumbers.map((n) => {
      const openHead = openPulls?.get(n);
      if (openHead !== undefined) return [n, { state: 'open' as const, headRef: openHead }] as const;
      return lookups(async () => [n, await pulls.state(n)] as const);
    }),
  );
  const headStates = Promise.all(
    heads.map((head) => {
      if (openHeads.has(head)) return [head, { state: 'open' as const }] as const;
      return lookups(async () => [head, await pulls.stateOfHead(head)] as const);
    }),
  );
  const [a, b] = await Promise.all([states, headStates]);
  return [new Map<number, PullInfo>(a), new Map<string, HeadInfo>(b)];
}

/** How each deletion's operations ended in error; when the wait itself failed (the run's timeout), every unfinished one did. */
async function settled(neon: NeonClient, operations: Operation[]): Promise<Map<string, Error>> {
  try {
    return await neon.operations.settle(operations);
  } catch (error) {
    const unsure = error instanceof Error ? error : new Error(String(error));
    return new Map(operations.filter((op) => !isFinished(op)).map((op) => [op.id, unsure] as const));
  }
}

/**
 * Targets first, then the Neon branches, as delete does; a target's failure does not keep the
 * branches (a later sweep finds what the target kept). Returns what failed and the deletions'
 * operations (not waited for here).
 */
async function removeGroup(
  repository: string,
  { group, headRef: prHeadRef }: Removal<Target>,
  names: string[],
  neon: NeonClient,
  limit: LimitFunction,
  batchOf: (target: Target) => Promise<void> | undefined,
): Promise<{ failures: string[]; operations: Operation[] }> {
  const removals = new Map<string, { target: Target; headRef: string }>();
  const batches = new Set<Promise<void>>();
  for (const { target, entry } of group.entries) {
    const batch = batchOf(target);
    if (batch) batches.add(batch);
    else {
      const headRef = entry.headRef ?? prHeadRef ?? '';
      removals.set(`${target.name}\u0000${headRef}`, { target, headRef });
    }
  }
  const [fromBatches, fromRemovals] = await Promise.all([
    Promise.allSettled(batches),
    removals.size === 0 ? [] : limit(() => Promise.allSettled([...removals.values()].map(({ target, headRef }) => target.remove({ repository, number: group.pr ?? 0, headRef }, names)))),
  ]);
  const failures = [...fromBatches, ...fromRemovals].flatMap((s) => (s.status === 'rejected' ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : []));
  const operations: Operation[] = [];
  await Promise.all(
    group.branches.map(async (b) => {
      try {
        operations.push(...(await neon.startDelete(b.branch.id)).operations);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }),
  );
  return { failures, operations };
}
