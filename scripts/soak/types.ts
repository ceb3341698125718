// The soak's shared types: platforms, pull requests and what the scenarios run.
import type { RunResult } from '../../sandbox/action-runner.js';
import type { GitHubStandIn } from '../../sandbox/github.js';
import type { NeonStandIn } from '../../sandbox/neon.js';
import type { NetlifyStandIn } from '../../sandbox/netlify.js';
import type { Platforms } from '../../sandbox/platforms.js';
import type { VercelStandIn } from '../../sandbox/vercel.js';

/** A platform by the name its stand-in has; the list itself is `Object.keys(platforms.standIns)`. */
export type Platform = keyof Platforms['standIns'];
export type PerPlatform = Record<Platform, number>;
/** A platform the action publishes to (a target). */
export type TargetPlatform = Exclude<Platform, 'Neon'>;

export interface StandIns {
  neon: NeonStandIn;
  vercel: VercelStandIn;
  netlify: NetlifyStandIn;
  github: GitHubStandIn;
}

export type JobKind = 'lifecycle' | 'undelivered' | 'double-create' | 'race' | 'collision' | 'collision-leftovers' | 'fork-skipped' | 'fork-allowed' | 'fork-overlap';
export type EventAction = 'opened' | 'synchronize' | 'closed' | 'sweep';

export interface PullRequest {
  number: number;
  head: string;
  kind: JobKind;
  /** Open on GitHub (at the end: open at the end). */
  open: boolean;
  /** The head repository of a fork PR (its events are `pull_request_target`). */
  fork?: string;
  /** Its workflow's inputs beyond the soak's common ones (the same for every run of the PR). */
  inputs: Record<string, string>;
  /** The targets that get its values (a fork's: no branch-scoped one). */
  targets: TargetPlatform[];
  /** Its GitHub environment's name, as the action renders `github_environment`. */
  environment: string;
  /** The Neon branch its preview is made from (`parent_branch`); undefined: the default branch. */
  parent?: string;
  /** Its `closed` run was delivered (and succeeded). */
  closeDelivered: boolean;
  /** Every URL and password any of its runs output, or its branches' roles had: value → what it is. */
  secrets: Map<string, string>;
  /** Its runs' visible output, for the secret search. */
  results: RunResult[];
}

/** A scenario's unit of work and the runs it makes (without re-runs): longer ones start first. */
export interface Job {
  kind: JobKind;
  runs: number;
  go: () => Promise<void>;
}
