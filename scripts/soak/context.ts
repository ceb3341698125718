// The soak's shared state: the stand-ins, the pull requests, the inputs every run gets, the report.
import type { Platforms } from '../../sandbox/platforms.js';
import type { Options } from './options.js';
import { scenario, type SoakReport } from './report.js';
import type { JobKind, Platform, PullRequest, TargetPlatform } from './types.js';

export const NEON_KEY = 'napi_soak_key_00000000000000000000';
export const VERCEL_TOKEN = 'vercel_soak_token_000000000000';
export const NETLIFY_TOKEN = 'netlify_soak_token_00000000000';
export const VERCEL_PROJECT = 'shop-web';
/** A branch some previews are made from (`parent_branch: staging`), seeded at the start. */
export const STAGING = 'staging';
/** The sticky comment's marker (src/comment.ts COMMENT_MARKER). */
export const COMMENT_MARKER = '<!-- neon-preview:sticky-comment -->';

export interface Soak {
  options: Options;
  platforms: Platforms;
  /** The platforms, as the stand-ins name them. */
  names: Platform[];
  report: SoakReport;
  pulls: Map<number, PullRequest>;
  random: () => number;
  /** The inputs every run has; a PR's own inputs are added to them. */
  inputs: Record<string, string>;
  /** The published variable names (env_vars' default). */
  keys: string[];
  /** Every token the runs are given: value → what it is. */
  tokens: Map<string, string>;
  /** Neon branches that are no preview (the default branch, staging). */
  seeded: Set<string>;
  log: (line: string) => void;
  /** When the soak began (epoch ms): times in logs and evidence are counted from it. */
  startedAt: number;
}

/** How the action turns a head branch into a name (src/inputs.ts sanitizeHead). */
export function sanitizeHead(head: string): string {
  return head.replace(/[^A-Za-z0-9._/-]/g, '-');
}

export interface PullInit {
  head?: string;
  /** A fork's head repository. */
  fork?: string;
  inputs?: Record<string, string>;
  parent?: string;
}

/** A new pull request of a scenario (not yet on GitHub). */
export function newPull(soak: Soak, kind: JobKind, init: PullInit = {}): PullRequest {
  const number = soak.pulls.size + 1;
  const head = init.head ?? [`feature/soak-${number}`, `fix/issue-${number}`, `soak-${number}`, `deps/bump.${number}`][number % 4]!;
  const inputs: Record<string, string> = { ...init.inputs, ...(init.parent ? { parent_branch: init.parent } : {}) };
  const template = inputs.github_environment ?? 'pr-{pr}';
  const named = (inputs.targets ?? soak.inputs.targets ?? '').toLowerCase().split(/[\s,]+/);
  // A fork's values are never scoped to a branch name, which names one of the repository's branches.
  const targets = soak.names.filter((n): n is TargetPlatform => n !== 'Neon' && named.includes(n.toLowerCase()) && (!init.fork || n === 'GitHub'));
  const environment = template.replaceAll('{pr}', String(number)).replaceAll('{head}', sanitizeHead(head));
  const pr: PullRequest = { number, head, kind, open: false, fork: init.fork, inputs, targets, environment, parent: init.parent, closeDelivered: false, secrets: new Map(), results: [] };
  soak.pulls.set(number, pr);
  scenario(soak.report, kind).prs++;
  return pr;
}

/** Opens or closes the pull request on GitHub (before the run GitHub sends for it). */
export function setState(soak: Soak, pr: PullRequest, state: 'open' | 'closed'): void {
  soak.platforms.github.setPullRequest(pr.number, { state, headRef: pr.head, ...(pr.fork ? { headRepository: pr.fork } : {}) });
  pr.open = state === 'open';
}

export function describePull(pr: PullRequest): string {
  return `#${pr.number} (${pr.kind}${pr.fork ? ` from ${pr.fork}` : ''}, head ${pr.head})`;
}
