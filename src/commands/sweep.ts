// sweep: everything the action manages for this repository, on Neon and on every target, whose
// pull request is closed or gone, removed. What belongs to an open PR is never touched; what
// cannot be tied to a PR, or whose PR's state GitHub would not give, is reported and kept.
import pLimit from 'p-limit';
import type { SweepSettings } from '../inputs.js';
import type { FoundBranch, NeonClient } from '../neon.js';
import type { Phases } from '../phases.js';
import type { PullRequests, PullState } from '../pulls.js';
import type { ManagedEntry, Target } from '../targets/target.js';

/** PRs looked up and removed at once: well under GitHub's and Neon's limits. */
const CONCURRENCY = 8;

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
  const [branches, ...perTarget] = await phases.run('Find what neon-preview manages', () =>
    Promise.all([neon.listManagedBranches(settings.repository), ...targets.map((t) => t.findManaged(settings.repository, names))]),
  );
  const { byPr, byHead, prsOfHead, orphans } = groupFound(
    branches,
    targets.map((target, i) => ({ target, entries: perTarget[i]! })),
  );

  const limit = pLimit(CONCURRENCY);
  const rows: SweepRow[] = orphans.map((g) => ({ state: 'unknown', items: describe(g), outcome: 'kept', note: g.unknownReason }));

  // Every PR's state, from GitHub; a head branch no PR number is known for is looked up by head.
  const prNumbers = new Set([...byPr.keys(), ...[...byHead.keys()].flatMap((head) => [...(prsOfHead.get(head) ?? [])])]);
  const unknownHeads = [...byHead.keys()].filter((head) => !prsOfHead.has(head));
  const [states, headStates] = await phases.run('Pull request states', () =>
    Promise.all([
      Promise.all([...prNumbers].map((n) => limit(async () => [n, await pulls.state(n)] as const))).then((pairs) => new Map(pairs)),
      Promise.all(unknownHeads.map((head) => limit(async () => [head, await pulls.stateOfHead(head)] as const))).then((pairs) => new Map(pairs)),
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

  await phases.run('Remove what belongs to closed pull requests', () =>
    Promise.all(
      decisions.map(({ group, state, reason, headRef }) =>
        limit(async () => {
          const items = describe(group);
          if (state === 'open') return rows.push({ pr: group.pr, state, items, outcome: 'kept', note: 'pull request is open' });
          if (state === 'unknown') return rows.push({ pr: group.pr, state, items, outcome: 'kept', note: reason ?? 'pull request state unknown' });
          try {
            await removeGroup(settings.repository, group, headRef, names, neon);
            rows.push({ pr: group.pr, state, items, outcome: 'removed' });
          } catch (error) {
            rows.push({ pr: group.pr, state, items, outcome: 'failed', note: error instanceof Error ? error.message : String(error) });
          }
        }),
      ),
    ),
  );
  rows.sort((a, b) => (a.pr ?? Infinity) - (b.pr ?? Infinity));
  return { rows };
}

/** Targets first, then the Neon branches, as delete does. */
async function removeGroup(repository: string, group: Group, prHeadRef: string | undefined, names: string[], neon: NeonClient): Promise<void> {
  const removals = new Map<string, { target: Target; headRef: string }>();
  for (const { target, entry } of group.entries) {
    const headRef = entry.headRef ?? prHeadRef ?? '';
    removals.set(`${target.name}\u0000${headRef}`, { target, headRef });
  }
  const settled = await Promise.allSettled([...removals.values()].map(({ target, headRef }) => target.remove({ repository, number: group.pr ?? 0, headRef }, names)));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : []));
  await Promise.all(group.branches.map((b) => neon.deleteById(b.branch.id)));
  if (failures.length > 0) throw new Error(failures.join(' | '));
}
