// The public types of the GitHub stand-in (sandbox/github.ts re-exports them).
import type { FaultPlan, StandIn } from '../server.js';
import type { PermissionSet } from './permissions.js';

// ---------------------------------------------------------------------------------------------
// Public types

export interface GitHubStandInOptions {
  /** The one repository served, `owner/repo`; any other answers 404. Default `octo-org/preview-app`. */
  repository?: string;
  /** The GITHUB_TOKEN-like token; default `ghs_actions_stand_in_token`. */
  actionsToken?: string;
  /** The token allowed to manage environments; default `github_pat_stand_in_admin_token`. */
  adminToken?: string;
  /** A person's token (login `octocat`); default `github_pat_stand_in_user_token`. */
  userToken?: string;
  /** A fork pull request's read-only token; default `ghs_read_only_fork_token`. */
  readOnlyToken?: string;
  /** A fine-grained token not granted the repository; default `github_pat_stand_in_outsider_token`. */
  outsiderToken?: string;
  /** The repository is private; default false (public). */
  repositoryPrivate?: boolean;
  /**
   * The owner's plan; default `free`. Environments on a private repository need `pro`, `team` or
   * `enterprise` (GitHub docs, "Using environments for deployment").
   */
  plan?: GitHubPlan;
  /** The repository's default branch; default `main`. */
  defaultBranch?: string;
  /** Path prefix, e.g. `/api/v3` for GitHub Enterprise Server; default none. */
  basePath?: string;
  /** Web host used in `html_url`s; default `https://github.com`. */
  webUrl?: string;
  latencyMs?: number;
  faults?: FaultPlan;
  /** Validate every request against GitHub's OpenAPI description; default true. */
  checkRequests?: boolean;
  /** Let `auto_inactive` also retire transient deployments; default false (GitHub's description). */
  autoInactiveTransient?: boolean;
  /** Clock in epoch milliseconds; default `Date.now`. */
  now?: () => number;
}

export type GitHubPlan = 'free' | 'pro' | 'team' | 'enterprise';

/** A token `addToken` registers. */
export interface TokenInit {
  /**
   * Its fine-grained repository permissions (what a fine-grained PAT or a GitHub App installation
   * was granted). Metadata: read is implied, as GitHub adds it to every token granted a repository.
   */
  permissions: PermissionSet;
  /** The user (or bot) it acts as; default `token-user-<n>`. */
  login?: string;
  /**
   * `personal` (a fine-grained PAT: refusals say "personal access token") or `installation` (a
   * GitHub App or the workflow's GITHUB_TOKEN: refusals say "integration"). Default: `installation`
   * for tokens starting `ghs_`, else `personal`.
   */
  type?: 'personal' | 'installation';
  /** False for a token not granted the repository: every repository request answers 404. Default true. */
  repositoryAccess?: boolean;
}

/** A pull request as `setPullRequest` makes it. */
export interface PullRequestInit {
  state: 'open' | 'closed';
  headRef: string;
  /** Default 40 × `a`. */
  headSha?: string;
  /** The head repository `owner/name` (another one for a fork); default the repository itself. */
  headRepository?: string;
  /** Default the repository's default branch. */
  baseRef?: string;
  /** The author's login, e.g. `dependabot[bot]`; default `octocat`. */
  author?: string;
  /** Closed by merging; default false. */
  merged?: boolean;
}

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface DeploymentStatusView {
  id: number;
  state: DeploymentState;
  description: string;
  environmentUrl: string;
  logUrl: string;
  /** Login of the token's user, or `github` for statuses GitHub added (auto_inactive). */
  creator: string;
}

export interface DeploymentView {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string | null;
  transient: boolean;
  production: boolean;
  creator: string;
  /** The latest status's state, or `none` before the first status. */
  state: DeploymentState | 'none';
  /** Statuses, oldest first. */
  statuses: DeploymentStatusView[];
}

export interface EnvironmentView {
  id: number;
  name: string;
  /** Secret names, upper-case, sorted. */
  secretNames: string[];
  /** Variables by (upper-case) name. */
  variables: Record<string, string>;
}

export interface CommentView {
  id: number;
  issueNumber: number;
  body: string;
  creator: string;
}

export interface RateLimitPlan {
  /** How many requests in a row are refused; default 1. */
  times?: number;
  /** Seconds in `retry-after`; default 1. */
  retryAfterSeconds?: number;
  /** 403 (GitHub's usual answer) or 429; default 403. */
  status?: 403 | 429;
  /**
   * `secondary` (default): a secondary rate limit, waiting `retry-after`. `primary`: the hourly
   * limit used up, `x-ratelimit-remaining: 0` and `x-ratelimit-reset` `retryAfterSeconds` ahead,
   * no `retry-after`.
   */
  limit?: 'secondary' | 'primary';
  method?: string;
  /** Only requests whose path (without the base path) matches; default every request. */
  path?: RegExp;
}

export interface GitHubStandIn {
  /** Base URL for Octokit's `baseUrl` (includes `basePath`). */
  url: string;
  standIn: StandIn;
  /** `owner/repo` */
  repository: string;
  /**
   * The tokens it knows at start: `actions` the workflow's GITHUB_TOKEN (contents read; deployments,
   * issues, pull requests write; no Actions, Administration or Environments permission), `admin`
   * a fine-grained PAT with every permission, `user` a person's fine-grained PAT (like `actions`),
   * `readonly` a fork pull request's GITHUB_TOKEN (read only), `outsider` a fine-grained PAT not
   * granted the repository (every repository request answers 404).
   */
  tokens: { actions: string; admin: string; user: string; readonly: string; outsider: string };
  /** Registers a token with explicit fine-grained permissions. */
  addToken(token: string, init: TokenInit): void;
  environments(): EnvironmentView[];
  environment(name: string): EnvironmentView | undefined;
  /** The decrypted value of an environment secret, or undefined when there is none. */
  secretPlaintext(environment: string, name: string): string | undefined;
  /** The environment's variables by name (empty when the environment does not exist). */
  variables(environment: string): Record<string, string>;
  /** Deployments, oldest first; only those to `environment` (case-insensitive) when given. */
  deployments(environment?: string): DeploymentView[];
  comments(issueNumber?: number): CommentView[];
  /** Makes pull request `number` exist with this state and head branch (the sweep asks for it). */
  setPullRequest(number: number, pull: PullRequestInit): void;
  /** Forgets pull request `number`: GitHub then answers 404 for it. */
  removePullRequest(number: number): void;
  /** Creates an environment (and values) directly, as if someone had made it earlier. */
  seedEnvironment(name: string, values?: { secrets?: Record<string, string>; variables?: Record<string, string> }): EnvironmentView;
  /** Gives the environment a new key pair; a secret sealed with the old key is then refused. */
  rotateKey(environment: string): void;
  /** The next request(s) are refused as GitHub's secondary rate limit refuses them. */
  rateLimitNext(plan?: RateLimitPlan): void;
  stop(): Promise<void>;
}
