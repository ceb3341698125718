// The sweep's plan, as pure functions of what was found and what GitHub says: which pull
// request's things go, and which stay and why. No request is made here.
import type { FoundBranch } from '../neon/client.js';
import { owningPullRequest } from '../neon/preview.js';
import type { PullState } from '../github/pulls.js';
import type { ManagedEntry } from '../targets/target.js';

/** One thing a target holds, with the target that holds it. */
export interface FoundEntry<T> {
  target: T;
  entry: ManagedEntry;
}

/** What belongs to one pull request (or, when only a head branch is known, to that head). */
export interface Group<T> {
  pr?: number;
  headRef?: string;
  branches: FoundBranch[];
  entries: FoundEntry<T>[];
}

/** What the sweep found, grouped, and what GitHub must be asked about. */
export interface Grouping<T> {
  byPr: Map<number, Group<T>>;
  /** Groups of head branches that no pull request number is known for. */
  byHead: Map<string, Group<T>>;
  /** The pull requests each head branch is known to belong to (Neon annotations, markers). */
  prsOfHead: Map<string, Set<number>>;
  /** What names no pull request or head branch, with the reason. */
  orphans: { group: Group<T>; reason: string }[];
  /** Pull requests whose state decides something. */
  prNumbers: number[];
  /** Head branches to look up by head (no pull request number is known for them). */
  unknownHeads: string[];
}

export interface PullInfo {
  state: PullState;
  headRef?: string;
  reason?: string;
}

export interface HeadInfo {
  state: PullState;
  /** The newest (or the open) pull request of the head. */
  number?: number;
  reason?: string;
}

export interface SweepRow {
  /** The pull request, when known. */
  pr?: number;
  state: PullState;
  /** What was found, e.g. "Neon branch preview/pr-7", "<target>: DATABASE_URL on feat/x". */
  items: string[];
  outcome: 'removed' | 'kept' | 'failed';
  /** Why it was kept, or what failed. */
  note?: string;
}

/** A group to remove, with its pull request's state and head branch (for targets that need it). */
export interface Removal<T> {
  group: Group<T>;
  state: PullState;
  headRef?: string;
}

export interface SweepPlan<T> {
  remove: Removal<T>[];
  /** Rows for what stays (open, unknown, or tied to no pull request). */
  kept: SweepRow[];
}

/** Groups what was found by pull request, or by head branch for targets that only know that. */
export function groupFound<T>(branches: FoundBranch[], found: { target: T; entries: ManagedEntry[] }[]): Grouping<T> {
  const byPr = new Map<number, Group<T>>();
  const byHead = new Map<string, Group<T>>();
  const prsOfHead = new Map<string, Set<number>>();
  const orphans: Grouping<T>['orphans'] = [];
  const prGroup = (pr: number) => byPr.get(pr) ?? byPr.set(pr, { pr, branches: [], entries: [] }).get(pr)!;
  const link = (head: string | undefined, pr: number) => head && (prsOfHead.get(head) ?? prsOfHead.set(head, new Set()).get(head)!).add(pr);
  for (const branch of branches) {
    const pr = owningPullRequest(branch);
    if (pr === undefined) {
      orphans.push({ group: { branches: [branch], entries: [] }, reason: 'no valid github-pr annotation' });
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
      } else orphans.push({ group: { branches: [], entries: [{ target, entry }] }, reason: 'names no pull request or branch' });
    }
  }
  const prNumbers = [...new Set([...byPr.keys(), ...[...byHead.keys()].flatMap((head) => [...(prsOfHead.get(head) ?? [])])])];
  const unknownHeads = [...byHead.keys()].filter((head) => !prsOfHead.has(head));
  return { byPr, byHead, prsOfHead, orphans, prNumbers, unknownHeads };
}

/**
 * Which groups go: those whose pull request GitHub says is closed or missing. A head branch that
 * several pull requests share goes only when all of them are done, together with the newest of
 * them; one of them open (or unknown) keeps it. `describe` names a group's things for its row.
 */
export function planSweep<T>(grouping: Grouping<T>, states: Map<number, PullInfo>, headStates: Map<string, HeadInfo>, describe: (group: Group<T>) => string[]): SweepPlan<T> {
  const byPr = new Map([...grouping.byPr].map(([n, g]) => [n, { ...g, entries: [...g.entries] }]));
  const kept: SweepRow[] = grouping.orphans.map(({ group, reason }) => ({ state: 'unknown', items: describe(group), outcome: 'kept', note: reason }));
  const decisions: { group: Group<T>; state: PullState; reason?: string; headRef?: string }[] = [];
  for (const group of grouping.byHead.values()) {
    const known = [...(grouping.prsOfHead.get(group.headRef!) ?? [])];
    if (known.length === 0) {
      const found = headStates.get(group.headRef!) ?? { state: 'unknown' as const, reason: 'not looked up' };
      decisions.push({ group: { ...group, pr: found.number }, state: found.state, reason: found.reason });
      continue;
    }
    const stateOf = (n: number) => states.get(n) ?? { state: 'unknown' as const, reason: 'not looked up' };
    const open = known.find((n) => stateOf(n).state === 'open');
    const unsure = known.find((n) => stateOf(n).state === 'unknown');
    if (open === undefined && unsure === undefined) {
      byPr.get(Math.max(...known))!.entries.push(...group.entries);
      continue;
    }
    decisions.push({ group: { ...group, pr: open ?? unsure! }, state: open !== undefined ? 'open' : 'unknown', reason: unsure !== undefined ? stateOf(unsure).reason : undefined });
  }
  for (const group of byPr.values()) {
    const found = states.get(group.pr!) ?? { state: 'unknown' as const, reason: 'not looked up' };
    decisions.push({ group, state: found.state, reason: found.reason, headRef: found.headRef });
  }
  const remove: Removal<T>[] = [];
  for (const { group, state, reason, headRef } of decisions) {
    if (state === 'open') kept.push({ pr: group.pr, state, items: describe(group), outcome: 'kept', note: 'pull request is open' });
    else if (state === 'unknown') kept.push({ pr: group.pr, state, items: describe(group), outcome: 'kept', note: reason ?? 'pull request state unknown' });
    else remove.push({ group, state, headRef });
  }
  return { remove, kept };
}
