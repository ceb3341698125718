// What a publishing target is to the rest of the action. A target is a folder,
// `src/targets/<name>/`, whose `index.ts` exports a TargetDefinition (its name, label, platform,
// inputs) and loads the rest on `create`; the registry (`index.ts` here) lists the definitions.
// Commands loop over the targets and never know a platform's details; they own every promise:
// a target gets plain values.
import type { Octokit } from '../github/octokit.js';
import type { ApiSession } from '../http/retry.js';
import type { Note } from '../note.js';
import type { PublishedVariable, VariableSpec } from '../variables.js';

/** The pull request whose values a target publishes or removes. */
export interface PullRequestRef {
  /** `owner/repo` */
  repository: string;
  number: number;
  /** The PR's head git branch; empty when the event did not carry one and no `head_ref` was given. */
  headRef: string;
  /** The PR's head commit, when known. */
  headSha?: string;
  /** `owner/repo` of the head when it is a fork (its head branch is named in the fork, not here). */
  headRepository?: string;
}

/**
 * Whether a target that scopes values by the head branch's name addresses the same values for both
 * pull requests: two of this repository's from one head branch. A fork's pull request gets none.
 */
export function shareHeadBranch(a: PullRequestRef, b: PullRequestRef): boolean {
  return a.headRef !== '' && a.headRef === b.headRef && !a.headRepository && !b.headRepository;
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
  /** The target's name (as in `targets`). */
  target: string;
  /** Human name, e.g. "GitHub environment". */
  label: string;
  /** Variable names written (publish) or removed (remove). */
  names: string[];
  /** Names of this PR's earlier values removed because they left the mapping (publish only). */
  removedNames?: string[];
  links: Link[];
  /** Anything the user should know (a redeploy started, nothing to redeploy, ...). */
  notes: Note[];
}

/** What a step after the branch is ready adds to the report. */
export interface ReportAddition {
  links: Link[];
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

/** What the sweep removes for one closed pull request on one target. */
export interface ManagedGroup {
  pr: number;
  entries: ManagedEntry[];
}

/** What `findManaged` found: the entries, and the listing `removeManaged` removes them from. */
export interface Managed<L = unknown> {
  entries: ManagedEntry[];
  listing?: L;
}

/**
 * A target's behaviour. `P` is what `prepare` read for a publish, `L` what `findManaged` listed for
 * the sweep; both are the target's own, handed back to it as they were.
 */
export interface Target<P = unknown, L = unknown> {
  /** As in `targets`. */
  readonly name: string;
  /** Human name, e.g. "GitHub environment". */
  readonly label: string;
  /** The platform its errors name, e.g. "GitHub" (its definition's). */
  readonly platform: string;
  /** The reads a publish needs, started as the run starts (before the values exist); writes nothing. */
  prepare(pr: PullRequestRef): Promise<P>;
  /**
   * Publishes the PR's variables: writes every value in place, and removes this PR's earlier values
   * whose names are no longer in `variables`.
   */
  publish(prepared: P, pr: PullRequestRef, variables: PublishedVariable[], branch: BranchRef): Promise<TargetReport>;
  /** Optional, once the Neon branch's operations have ended: what makes a deployment use the values (a redeploy, a build). */
  afterReady?(prepared: P, pr: PullRequestRef): Promise<ReportAddition>;
  /**
   * Removes everything this target holds for the PR. Anything already gone counts as removed;
   * values the action does not own are never touched. `names` are the current mapping's names.
   */
  remove(pr: PullRequestRef, names: string[]): Promise<TargetReport>;
  /** Sweep: everything this target holds for `repository` under the action's markers (every page). */
  findManaged(repository: string, names: string[]): Promise<Managed<L>>;
  /**
   * Sweep, optional: removes each group's entries from `listing` (what `findManaged` returned), with
   * the platform's batch requests where it has them: no new read per pull request. One promise per
   * group, in order. Without it the sweep calls `remove` per pull request and head branch.
   */
  removeManaged?(listing: L | undefined, groups: ManagedGroup[], names: string[]): Promise<void>[];
}

/** An input's value, trimmed; '' when unset. */
export type InputReader = (name: string) => string;

/** What a target's settings may depend on besides its own inputs. */
export interface TargetInputs {
  variables: VariableSpec[];
  /** The `github_token` input (masked). */
  githubToken: string;
  /** The pull request (create, delete); undefined for the sweep. */
  pr?: PullRequestRef;
}

/** What a target is built with. */
export interface TargetContext {
  session: ApiSession;
  /** The run's GitHub client, while it loads, when there is a `github_token`. */
  octokit?: Promise<Octokit>;
  /** GITHUB_API_URL, without a trailing slash. */
  githubApiUrl: string;
  variables: VariableSpec[];
}

/** A target as the registry knows it. `S` is its parsed settings. */
export interface TargetDefinition<S = unknown> {
  /** As written in `targets`. */
  name: string;
  /** Human name, e.g. "GitHub environment". */
  label: string;
  /** The platform its requests go to, for errors and request counts, e.g. "GitHub". */
  platform: string;
  /** Values are scoped by the head branch's name: it needs one, and a fork's pull request gets none. */
  scopedByBranch: boolean;
  /** Reads and checks the target's own inputs; a bad one throws an InputError naming it. */
  readSettings(read: InputReader, common: TargetInputs): S;
  /**
   * Whether the target addresses the same values for pull request `a` as for `b` (the same
   * environment name, the same head branch): then only one of them may hold them. Absent when
   * every pull request's values have names of their own.
   */
  collides?(settings: S, a: PullRequestRef, b: PullRequestRef): boolean;
  /** Its `remove` touches only values marked with the pull request's own marker, whoever shares their names. */
  removesOnlyMarked?: boolean;
  /** The target, its client loaded on demand. */
  create(settings: S, context: TargetContext): Promise<Target>;
}

/** A definition with its settings read: what a run creates its targets from, and how its names collide. */
export interface ConfiguredTarget {
  definition: TargetDefinition;
  /** See `TargetDefinition.collides`; false when the definition has none. */
  collides(a: PullRequestRef, b: PullRequestRef): boolean;
  create(context: TargetContext): Promise<Target>;
}

export function configure<S>(definition: TargetDefinition<S>, settings: S): ConfiguredTarget {
  return {
    definition: definition as TargetDefinition,
    collides: (a, b) => definition.collides?.(settings, a, b) ?? false,
    create: (context) => definition.create(settings, context),
  };
}
