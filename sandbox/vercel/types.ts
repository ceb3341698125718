// The public types of the Vercel stand-in (sandbox/vercel.ts re-exports them).
import type { FaultPlan, StandIn } from '../server.js';

// ---------------------------------------------------------------------------------------------
// Public types

export type EnvTarget = 'production' | 'preview' | 'development';
export type EnvType = 'plain' | 'encrypted' | 'sensitive' | 'system';

/** A team: its id (`team_…`), its slug, and the tokens that belong to its members. */
export interface VercelTeamInit {
  id: string;
  slug: string;
  /** Tokens allowed to act for the team; default: every token. */
  members?: string[];
}

/** A project's connected Git repository (GitHub). */
export interface VercelGitLinkInit {
  /** The repository, `owner/name` (or `name`, owned by the project's account). */
  repo: string;
  /** Default `main`. */
  productionBranch?: string;
  /** The branches that exist in the repository; default: every branch exists. */
  branches?: string[];
}

export interface AddProjectInit {
  name: string;
  /** Default `prj_` + random characters. */
  id?: string;
  /** Owning team (id or slug); default: the personal account. */
  team?: string;
  /**
   * The connected Git repository, or null for a project deployed with the CLI (no Git link).
   * Default: a GitHub repository named like the project, production branch `main`, every branch existing.
   */
  link?: VercelGitLinkInit | null;
}

export interface VercelStandInOptions {
  /** Accepted bearer tokens; default `['vercel-test-token']`. */
  tokens?: string[];
  /** Teams; a project names its team in `addProject`. Default none. */
  teams?: VercelTeamInit[];
  /** Projects to create at start; default one personal project `preview-app` (`prj_previewapp`). */
  projects?: AddProjectInit[];
  /** The personal account's username (its dashboard slug); default `preview-user`. */
  username?: string;
  latencyMs?: number;
  faults?: FaultPlan;
  /**
   * How long one variable write (create, delete) holds its project; a write to the same project
   * in that time answers 400 "an env update is already happening". Default 0 (writes never overlap).
   */
  writeMs?: number;
  /** Start in drift mode (see `setDrift`); default false. */
  drift?: boolean;
}

export interface StandInProject {
  id: string;
  name: string;
  /** The owning team, or undefined for the personal account. */
  team?: { id: string; slug: string };
  /** The user's or the team's id. */
  ownerId: string;
  /** The connected Git repository, or null when there is none. */
  link: { org: string; repo: string; productionBranch: string; branches?: string[] } | null;
}

/** A stored variable, with its value in the clear (the API never shows it like this). */
export interface StandInEnv {
  id: string;
  key: string;
  value: string;
  type: EnvType;
  target: EnvTarget[];
  gitBranch?: string;
  comment?: string;
  createdAt: number;
  updatedAt: number;
}

export interface AddEnvInit {
  key: string;
  value: string;
  /** Default `encrypted`. */
  type?: EnvType;
  /** Default `['preview']`. */
  target?: EnvTarget[];
  gitBranch?: string;
  comment?: string;
}

export type DeploymentState = 'BUILDING' | 'ERROR' | 'INITIALIZING' | 'QUEUED' | 'READY' | 'CANCELED';

export interface StandInDeployment {
  uid: string;
  /** The project's name, as Vercel names deployments. */
  name: string;
  projectId: string;
  url: string;
  inspectorUrl: string;
  createdAt: number;
  readyState: DeploymentState;
  /** `null` is a preview deployment. */
  target: 'production' | null;
  meta: Record<string, string>;
}

export interface AddDeploymentInit {
  /** The Git branch (`meta.githubCommitRef`). */
  branch: string;
  sha?: string;
  /** Default `null` (preview). */
  target?: 'production' | null;
  /** Default `READY`. */
  readyState?: DeploymentState;
  /** Default now (later deployments are newer). */
  createdAt?: number;
}

/** One `POST /v13/deployments` that redeployed an existing deployment. */
export interface StandInRedeploy {
  /** The new deployment. */
  deployment: StandInDeployment;
  fromDeploymentId: string;
  /** The request body's `name`, `project`, `target` and `withLatestCommit`, as sent. */
  name: string;
  project?: string;
  target?: string;
  withLatestCommit?: boolean;
  /** The query, as sent (`teamId`, `slug`, `forceNew`, `skipAutoDetectionConfirmation`). */
  query: Record<string, string>;
  /** The variables the new build sees, by key, in the clear (branch values win over branch-less ones). */
  env: Record<string, string>;
}

export interface VercelStandIn {
  standIn: StandIn;
  /** `serverURL` for `@vercel/sdk`. */
  url: string;
  /** The personal account's username. */
  username: string;
  projects(): StandInProject[];
  /** Creates a project (personal, or in a team given by id or slug). */
  addProject(init: AddProjectInit): StandInProject;
  /** A project's stored variables, oldest first, values in the clear. Id or name. */
  envs(projectIdOrName: string): StandInEnv[];
  /** Stores a variable directly (no checks, no write lock). */
  addEnv(projectIdOrName: string, init: AddEnvInit): StandInEnv;
  /** Records a Git deployment of a branch. */
  addDeployment(projectIdOrName: string, init: AddDeploymentInit): StandInDeployment;
  /** A project's deployments, newest first. */
  deployments(projectIdOrName: string): StandInDeployment[];
  /** Every redeploy, oldest first. */
  redeploys(): StandInRedeploy[];
  /**
   * The next variable list answers only its `size` oldest values, with `pagination.next` the last
   * one's `createdAt` (the cursor shape of Vercel's paginated lists). Vercel's project list does
   * not do this; it is for testing how a client treats a cursor it has no parameter to follow.
   */
  truncateNextEnvList(size: number): void;
  /** Connects a project to a Git repository, or (null) disconnects it. */
  setLink(projectIdOrName: string, link: VercelGitLinkInit | null): void;
  /**
   * Drift mode: answers drift from the SDK's schemas as Vercel's live answers do (vercel/sdk#104,
   * #30, #175, #206). The variable list carries other variables with `type` and `target` values
   * the SDK's enums lack and fields it does not know, with its pagination numbers as strings; an
   * upsert's 201 leaves out `failed` (which the SDK's schema requires) and adds unknown fields;
   * the project lacks `alias` and has an empty `security.managedRules` and a new `framework`; the
   * deployments list and a redeploy's answer carry enum values the SDK lacks. The writes themselves
   * happen. Drifted answers are not counted in `standIn.violations`.
   */
  setDrift(on: boolean): void;
  /** The next `count` (default 1) variable writes answer 400 "an env update is already happening". */
  busyNextEnvWrites(count?: number): void;
  /**
   * The next `times` (default 1) requests matching `path` (default any) answer 429 with
   * `X-RateLimit-Reset` `seconds` (default 0) from now, as Vercel's rate limiter does.
   */
  rateLimitNext(options?: { path?: RegExp; method?: string; seconds?: number; times?: number }): void;
  stop(): Promise<void>;
}
