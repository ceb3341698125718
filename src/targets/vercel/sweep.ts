// The sweep on Vercel: every preview value of the project marked `neon-preview <repository>#<n>`
// and scoped to a branch, found in one list of the whole project, and removed in batch deletes.
import type { ManagedEntry, ManagedGroup } from '../target.js';
import type { ListedValue } from './answers.js';
import { isPreview, markedPullRequest, uniqueSorted } from './ownership.js';

/** What `findManaged` hands `removeManaged`: value ids by `<pr>\0<branch>`. */
export type VercelListing = Map<string, string[]>;

export interface Found {
  entries: ManagedEntry[];
  listing: VercelListing;
  /** Marked values that apply to every preview branch: remove would never touch them, so they are left alone. */
  branchless: number;
}

const groupKey = (pr: number, branch: string): string => `${pr}\u0000${branch}`;

/**
 * One entry per (PR, branch) with the keys in the description, ordered by PR and branch. Values
 * whose names left the mapping and values of PRs whose Neon branch is gone are found too; every
 * value of another repository is left alone.
 */
export function findMarked(values: ListedValue[], repository: string): Found {
  const groups = new Map<string, { pr: number; headRef: string; keys: string[] }>();
  const listing: VercelListing = new Map();
  let branchless = 0;
  for (const value of values) {
    const pr = markedPullRequest(value.comment, repository);
    if (pr === undefined || value.id === undefined || !isPreview(value)) continue;
    if (value.gitBranch === undefined) {
      branchless++;
      continue;
    }
    const key = groupKey(pr, value.gitBranch);
    const group = groups.get(key) ?? groups.set(key, { pr, headRef: value.gitBranch, keys: [] }).get(key)!;
    group.keys.push(value.key);
    (listing.get(key) ?? listing.set(key, []).get(key)!).push(value.id);
  }
  const entries = [...groups.values()]
    .sort((a, b) => a.pr - b.pr || (a.headRef < b.headRef ? -1 : a.headRef > b.headRef ? 1 : 0))
    .map(({ pr, headRef, keys }) => ({ pr, headRef, description: `${uniqueSorted(keys).join(', ')} on ${headRef}` }));
  return { entries, listing, branchless };
}

/** The ids of the groups' (PR, branch) pairs: exactly the values `remove` would delete for them. */
export function idsOf(listing: VercelListing | undefined, groups: ManagedGroup[]): string[] {
  if (!listing) return [];
  const ids = groups.flatMap((g) => g.entries.flatMap((e) => (e.headRef === undefined ? [] : (listing.get(groupKey(e.pr ?? g.pr, e.headRef)) ?? []))));
  return [...new Set(ids)];
}
