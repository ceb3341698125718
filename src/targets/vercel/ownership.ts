// Which of a project's values are a pull request's: a preview value scoped to its head branch
// whose comment is the action's marker for it.
import type { PullRequestRef } from '../target.js';
import type { ListedValue } from './answers.js';

/** The comment that marks a value as this PR's: `neon-preview <owner/repo>#<n>`. */
export function ownershipComment(pr: PullRequestRef): string {
  return `neon-preview ${pr.repository}#${pr.number}`;
}

/**
 * The PR number a value's comment marks it with for `repository`, or undefined when the comment is
 * not exactly `neon-preview <repository>#<n>` with `n` a positive integer (another repository's
 * marker, a hand-written comment, none).
 */
export function markedPullRequest(comment: string | undefined, repository: string): number | undefined {
  const prefix = `neon-preview ${repository}#`;
  if (comment === undefined || !comment.startsWith(prefix)) return undefined;
  const digits = comment.slice(prefix.length);
  if (!/^[1-9][0-9]*$/.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function isPreview(value: ListedValue): boolean {
  return value.targets.includes('preview');
}

/** This PR's value: exactly its branch, a preview value, its marker. */
export function isOwned(value: ListedValue, head: string, marker: string): value is ListedValue & { id: string } {
  return value.id !== undefined && value.gitBranch === head && isPreview(value) && value.comment === marker;
}

export function uniqueSorted(names: string[]): string[] {
  return [...new Set(names)].sort();
}

/** The PR's head branch, which Vercel scopes its values by. */
export function headOf(pr: PullRequestRef): string {
  if (!pr.headRef) throw new Error("Vercel: the pull request's head branch is unknown, and Vercel scopes values by branch; set `head_ref`");
  return pr.headRef;
}
