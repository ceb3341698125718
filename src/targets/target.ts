// The one small interface every publishing target implements. create/delete only ever see this;
// a platform's details stay in its own file (vercel.ts, netlify.ts, github.ts).
import type { Note } from '../note.js';
import type { PublishedVariable } from '../variables.js';

export const TARGET_NAMES = ['vercel', 'netlify', 'github'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** A value, or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** The pull request whose values a target publishes or removes. */
export interface PullRequestRef {
  /** `owner/repo` */
  repository: string;
  number: number;
  /** The PR's head git branch; empty when the event did not carry one and no `head_ref` was given. */
  headRef: string;
  /** The PR's head commit, when known. */
  headSha?: string;
}

/** The Neon branch the values come from, for links and descriptions. */
export interface BranchRef {
  id: string;
  name: string;
  /** The branch in the Neon console. */
  consoleUrl: string;
}

export interface Link {
  label: string;
  url: string;
}

/** What a target did, for the job summary and the PR comment. Never holds a value. */
export interface TargetReport {
  target: TargetName;
  /** Human name, e.g. "Vercel". */
  label: string;
  /** Variable names written (publish) or removed (remove). */
  names: string[];
  /** Names of this PR's earlier values removed because they left the mapping (publish only). */
  removedNames?: string[];
  links: Link[];
  /** Anything the user should know (a redeploy started, nothing to redeploy, ...). */
  notes: Note[];
}

/** One thing a target holds under the action's marker, found by the sweep. Never holds a value. */
export interface ManagedEntry {
  /** The pull request it belongs to, when the target's marker names it. */
  pr?: number;
  /** The PR's head branch, when the target scopes values by branch. */
  headRef?: string;
  /** What it is, for the sweep's table, e.g. "DATABASE_URL on feature/x". */
  description: string;
}

export interface Target {
  readonly name: TargetName;
  readonly label: string;
  /**
   * Whether this target would address the same values for pull request `a` as for `b` (the same
   * environment name, the same head branch): then only one of them may hold them. Absent when the
   * target tells every pull request's values apart by a marker of its own.
   */
  collides?(a: PullRequestRef, b: PullRequestRef): boolean;
  /**
   * Publishes the PR's variables (create and every later create): writes every value in place,
   * and removes this PR's earlier values whose names are no longer in `variables`.
   *
   * `variables` and `branch` may still be on their way (the Neon branch and its URLs): a target
   * starts its reads at once and writes nothing before both have arrived; when either fails, it
   * fails with that error and has changed nothing. `ready` settles when the Neon branch's
   * operations have ended: anything that makes a deployment use the values (a redeploy, a build)
   * waits for it.
   */
  publish(pr: PullRequestRef, variables: Awaitable<PublishedVariable[]>, branch: Awaitable<BranchRef>, ready?: Promise<void>): Promise<TargetReport>;
  /**
   * Removes everything this target holds for the PR (delete). Anything already gone counts as
   * removed; values the action does not own are never touched. `names` are the variable names of
   * the current mapping.
   */
  remove(pr: PullRequestRef, names: string[]): Promise<TargetReport>;
  /**
   * Sweep: everything this target holds for `repository` under the action's markers (every page),
   * each with the PR or head branch it belongs to, so the sweep can call `remove` for closed ones.
   * `names` are the variable names of the current mapping.
   */
  findManaged(repository: string, names: string[]): Promise<ManagedEntry[]>;
  /**
   * Sweep, optional: removes what this target's last `findManaged` found for each group (a pull
   * request and its entries, as `findManaged` returned them), from that listing, with the
   * platform's batch requests where it has them: no new read per pull request. Returns one
   * promise per group, in the same order, settling when that group's part is removed. The sweep
   * calls `remove` per pull request and head branch for a target without it.
   */
  removeManaged?(groups: ManagedGroup[], names: string[]): Promise<void>[];
}

/** What the sweep removes for one closed pull request on one target. */
export interface ManagedGroup {
  pr: number;
  entries: ManagedEntry[];
}

/** Label for messages, e.g. "Vercel". */
export const TARGET_LABELS: Record<TargetName, string> = { vercel: 'Vercel', netlify: 'Netlify', github: 'GitHub environment' };
