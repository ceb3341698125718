// Which other pull requests' previews share a name with this one's. The Neon branches are the
// registry: each is annotated with its pull request and head branch when it is made. Templates
// with `{head}` can give two pull requests one Neon branch name (`feat@x` and `feat#x` sanitise
// alike) or one environment name, and two pull requests from one head branch share a target's
// branch-scoped values; whatever one of them holds, the other must neither reuse nor delete.
import type { FoundBranch } from './neon/client.js';
import { isManagedFor, owningPullRequest } from './neon/preview.js';
import type { ConfiguredTarget, PullRequestRef } from './targets/target.js';

/** Another pull request's preview that shares something with this one's. */
export interface Conflict {
  /** The other pull request, with the head branch its Neon branch records. */
  other: PullRequestRef;
  /** Its Neon branch (the registry entry). */
  branch: FoundBranch;
  /** Its Neon branch has this run's branch name. */
  sameBranchName: boolean;
  /** Targets on which it addresses the same values as this pull request. */
  targets: ConfiguredTarget[];
}

/** What the conflict shares, for messages: "the Neon branch preview/x and the GitHub environment's values". */
export function sharedThings(conflict: Conflict): string {
  const things = [...(conflict.sameBranchName ? [`the Neon branch ${conflict.branch.branch.name}`] : []), ...conflict.targets.map((t) => `the same ${t.definition.label} values`)];
  return things.join(' and ');
}

/**
 * The other pull requests of this repository whose previews (as Neon's branches record them)
 * share this pull request's Neon branch name or its values on one of `targets`.
 */
export function conflictsOf(pr: PullRequestRef, branchName: string, branches: FoundBranch[], targets: ConfiguredTarget[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const found of branches) {
    const number = owningPullRequest(found);
    if (!isManagedFor(found, pr.repository) || number === undefined || number === pr.number) continue;
    const headRepository = found.annotations['github-head-repo'];
    const other: PullRequestRef = { repository: pr.repository, number, headRef: found.annotations['github-head-ref'] ?? '', ...(headRepository ? { headRepository } : {}) };
    const sameBranchName = found.branch.name === branchName;
    const shared = targets.filter((t) => t.collides(pr, other));
    if (sameBranchName || shared.length > 0) conflicts.push({ other, branch: found, sameBranchName, targets: shared });
  }
  return conflicts.sort((a, b) => a.other.number - b.other.number);
}
