// sweep: everything the action manages for this repository, on Neon and on every target, whose
// pull request is closed or gone, removed. What belongs to an open PR is never touched; what
// cannot be tied to a PR, or whose PR's state GitHub would not give, is reported and kept.
import type { Operation } from '@neondatabase/api-client';
import pLimit, { type LimitFunction } from 'p-limit';
import { started } from '../concurrency.js';
import type { SweepSettings } from '../inputs.js';
import type { FoundBranch, NeonClient } from '../neon/client.js';
import type { Phases } from '../phases.js';
import type { PullRequests, PullState } from '../github/pulls.js';
import type { ManagedEntry, Target } from '../targets/target.js';

/** Pull requests looked up at once (only those the list of open PRs does not have). */
const LOOKUP_CONCURRENCY = 32;
/** Closed pull requests whose targets are cleaned at once (their Neon deletions then queue at Neon's rate limit). */
const REMOVE_CONCURRENCY = 16;

export interface SweepRow {
  /** The pull request, when known. */
  pr?: number;
  state: PullState;
  /** What was found, e.g. "Neon branch preview/pr-7", "Vercel: DATABASE_URL on feat/x". */
  items: string[];
  outcome: 'removed' | 'kept' | 'failed';
  /** Why it was kept, or what failed. */
  note?: string;
}

export interface SweepResult {
  rows: SweepRow[];
}

interface Group {
  pr?: number;
  headRef?: string;
  branches: FoundBranch[];
  entries: { target: Target; entry: ManagedEntry }[];
  /** Set when the group cannot be tied to a pull request. */
  unknownReason?: string;
}

function describe(group: Group): string[] {
  return [...group.branches.map((b) => `Neon branch ${b.branch.name}`), ...group.entries.map(({ target, entry }) => `${target.label}: ${entry.description}`)];
}

/** How many pull requests Neon's branches name. */
function pullRequestsOf(branches: FoundBranch[]): number {
  return new Set(branches.map((b) => b.annotations['github-pr'])).size;
}

/** Groups what was found by pull request (or, for targets that only know it, by head branch). */
function groupFound(branches: FoundBranch[], found: { target: Target; entries: ManagedEntry[] }[]) {
  const byPr = new Map<number, Group>();
  const byHead = new Map<string, Group>();
  /** Which pull requests each head branch is known to belong to (Neon annotations, markers). */
  const prsOfHead = new Map<string, Set<number>>();
  const orphans: Group[] = [];
  const prGroup = (pr: number) => byPr.get(pr) ?? byPr.set(pr, { pr, branches: [], entries: [] }).get(pr)!;
  const link = (head: string | undefined, pr: number) => head && (prsOfHead.get(head) ?? prsOfHead.set(head, new Set()).get(head)!).add(pr);
  for (const branch of branches) {
    const pr = Number(branch.annotations['github-pr']);
    if (!Number.isInteger(pr) || pr <= 0) {
      orphans.push({ branches: [branch], entries: [], unknownReason: 'no valid github-pr annotation' });
      continue;
    }
    prGroup(pr).branches.push(branch);
    link(branch.annotations['github-head-ref'], pr);
  }
  for (const { target, entries } of found) {
    for (const entry of entries) {
      if (entry.pr !== undefined) {
        prGroup(entry.pr).entries.push({ target, entry });
        link(entry.headRef, entry.pr);
      } else if (entry.headRef) {
        const group = byHead.get(entry.headRef) ?? byHead.set(entry.headRef, { headRef: entry.headRef, branches: [], entries: [] }).get(entry.headRef)!;
        group.entries.push({ target, entry });
      } else orphans.push({ branches: [], entries: [{ target, entry }], unknownReason: 'names no pull request or branch' });
    }
  }
  return { byPr, byHead, prsOfHead, orphans };
}

export async function sweepRepository(settings: SweepSettings, neon: NeonClient, targets: Target[], pulls: PullRequests, phases: Phases): Promise<SweepResult> {
  const names = settings.variables.map((v) => v.name);
  // Everything is listed at once. With more pull requests to ask about than one round of lookups
  // takes, the open ones are listed too (a page per 100 open PRs instead of a request per PR); the
  // list starts as soon as Neon's branches tell how many there are.
  const listing = started(neon.listManagedBranches(settings.repository));
  const openListing = started(listing.then((found) => (pullRequestsOf(found) > LOOKUP_CONCURRENCY ? pulls.openPullRequests() : undefined)));
  const [branches, ...perTarget] = await phases.run('Find what neon-preview manages', () => Promise.all([listing, ...targets.map((t) => t.findManaged(settings.repository, names))]));
  const { byPr, byHead, prsOfHead, orphans } = groupFound(
    branches,
    targets.map((target, i) => ({ target, entries: perTarget[i]! })),
  );
  const prNumbers = new Set([...byPr.keys(), ...[...byHead.keys()].flatMap((head) => [...(prsOfHead.get(head) ?? [])])]);
  const unknownHeads = [...byHead.keys()].filter((head) => !prsOfHead.has(head));
  let openPulls = await openListing;
  if (!openPulls && prNumbers.size + unknownHeads.length > LOOKUP_CONCURRENCY) openPulls = await phases.run('Open pull requests', () => pulls.openPullRequests());

  const lookups = pLimit(LOOKUP_CONCURRENCY);
  const rows: SweepRow[] = orphans.map((g) => ({ state: 'unknown', items: describe(g), outcome: 'kept', note: g.unknownReason }));

  // Every PR's state: open when the list of open PRs has it; otherwise (closed, missing, or opened
  // since the list was read) GitHub is asked about that PR. A head branch no PR number is known
  // for is open when an open PR has it as its head, else looked up by head.
  const openHeads = new Set(openPulls?.values() ?? []);
  const [states, headStates] = await phases.run('Pull request states', () =>
    Promise.all([
      Promise.all(
        [...prNumbers].map((n) => {
          const openHead = openPulls?.get(n);
          if (openHead !== undefined) return [n, { state: 'open' as const, headRef: openHead }] as const;
          return lookups(async () => [n, await pulls.state(n)] as const);
        }),
      ).then((pairs) => new Map<number, { state: PullState; headRef?: string; reason?: string }>(pairs)),
      Promise.all(
        unknownHeads.map((head) => {
          if (openHeads.has(head)) return [head, { state: 'open' as const }] as const;
          return lookups(async () => [head, await pulls.stateOfHead(head)] as const);
        }),
      ).then((pairs) => new Map<string, { state: PullState; number?: number; reason?: string }>(pairs)),
    ]),
  );

  const decisions: { group: Group; state: PullState; reason?: string; headRef?: string }[] = [];
  for (const group of byHead.values()) {
    const known = [...(prsOfHead.get(group.headRef!) ?? [])];
    if (known.length === 0) {
      const found = headStates.get(group.headRef!)!;
      decisions.push({ group: { ...group, pr: found.number }, state: found.state, reason: found.reason });
      continue;
    }
    // A head branch can belong to several pull requests: it goes only when all of them are done,
    // together with the newest of them (one row per pull request in the table).
    const open = known.find((n) => states.get(n)!.state === 'open');
    const unsure = known.find((n) => states.get(n)!.state === 'unknown');
    if (open === undefined && unsure === undefined) {
      byPr.get(Math.max(...known))!.entries.push(...group.entries);
      continue;
    }
    const pr = open ?? unsure!;
    decisions.push({ group: { ...group, pr }, state: open !== undefined ? 'open' : 'unknown', reason: unsure !== undefined ? states.get(unsure)!.reason : undefined });
  }
  for (const group of byPr.values()) {
    const found = states.get(group.pr!)!;
    decisions.push({ group, state: found.state, reason: found.reason, headRef: found.headRef });
  }

  const closed: { group: Group; headRef?: string; state: PullState }[] = [];
  for (const { group, state, reason, headRef } of decisions) {
    const items = describe(group);
    if (state === 'open') rows.push({ pr: group.pr, state, items, outcome: 'kept', note: 'pull request is open' });
    else if (state === 'unknown') rows.push({ pr: group.pr, state, items, outcome: 'kept', note: reason ?? 'pull request state unknown' });
    else closed.push({ group, headRef, state });
  }

  await phases.run('Remove what belongs to closed pull requests', async () => {
    // Targets with a batch removal get every closed group at once; the others one `remove` per
    // group and head branch, at most REMOVE_CONCURRENCY groups at a time. Each group's Neon
    // branches go as soon as its targets are done (their deletions queue at Neon's rate limit);
    // their operations are waited for together at the end.
    const batched = new Map<Target, Promise<void>[]>();
    for (const target of targets) {
      if (!target.removeManaged) continue;
      const groups = closed.map(({ group }) => ({ pr: group.pr ?? 0, entries: group.entries.filter((e) => e.target === target).map((e) => e.entry) }));
      batched.set(target, target.removeManaged(groups, names));
    }
    const removals = pLimit(REMOVE_CONCURRENCY);
    const outcomes = await Promise.all(
      closed.map(({ group, headRef }, index) =>
        removeGroup(settings.repository, group, headRef, names, neon, removals, (target) => batched.get(target)?.[index]),
      ),
    );
    let failedOperations: Map<string, Error>;
    try {
      failedOperations = await neon.operations.settle(outcomes.flatMap((o) => o.operations));
    } catch (error) {
      // Not known how they ended (e.g. the run's timeout): every deletion still running is a failure.
      const unsure = error instanceof Error ? error : new Error(String(error));
      const ended = new Set(['finished', 'skipped', 'cancelled']);
      failedOperations = new Map(outcomes.flatMap((o) => o.operations.filter((op) => !ended.has(op.status)).map((op) => [op.id, unsure] as const)));
    }
    closed.forEach(({ group, state }, index) => {
      const { failures, operations } = outcomes[index]!;
      for (const message of new Set(operations.flatMap((op) => failedOperations.get(op.id)?.message ?? []))) failures.push(message);
      const items = describe(group);
      rows.push(failures.length > 0 ? { pr: group.pr, state, items, outcome: 'failed', note: failures.join(' | ') } : { pr: group.pr, state, items, outcome: 'removed' });
    });
  });
  rows.sort((a, b) => (a.pr ?? Infinity) - (b.pr ?? Infinity));
  return { rows };
}

/**
 * Targets first, then the Neon branches, as delete does; a target's failure does not keep the
 * branches (a later sweep finds what the target kept). Returns what failed and the deletions'
 * operations (not waited for here).
 */
async function removeGroup(
  repository: string,
  group: Group,
  prHeadRef: string | undefined,
  names: string[],
  neon: NeonClient,
  limit: LimitFunction,
  batchOf: (target: Target) => Promise<void> | undefined,
): Promise<{ failures: string[]; operations: Operation[] }> {
  const removals = new Map<string, { target: Target; headRef: string }>();
  const batches = new Set<Promise<void>>();
  for (const { target, entry } of group.entries) {
    const batch = batchOf(target);
    if (batch) {
      batches.add(batch);
      continue;
    }
    const headRef = entry.headRef ?? prHeadRef ?? '';
    removals.set(`${target.name}\u0000${headRef}`, { target, headRef });
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
