// The only module that reads inputs and the event. Every input is turned once into one typed,
// validated Settings object; every bad value fails here, before any API call, with one line that
// names the input, says what is wrong and what is accepted. Tokens are masked as they are read.
import { getInput } from '@actions/core';
import { context } from '@actions/github';
import { registerSecret } from './secrets.js';
import { TARGET_LABELS, TARGET_NAMES, type PullRequestRef, type TargetName } from './targets/target.js';
import { DEFAULT_ENV_VARS, VARIABLE_SOURCES, type VariableSource, type VariableSpec } from './variables.js';

export type Command = 'create' | 'delete';

export interface NeonSettings {
  apiKey: string;
  projectId: string;
  /** Base URL without a trailing slash. */
  apiUrl: string;
  branchName: string;
  /** Parent branch name or id; undefined = the project's default branch. */
  parentBranch?: string;
  database?: string;
  role?: string;
  branchType: 'data' | 'schema-only';
  /** Branch time-to-live in seconds; 0 = no expiry. */
  expiresInSeconds: number;
  /** Seconds before the compute suspends; 0 = Neon's default. */
  suspendTimeoutSeconds: number;
  /** `rotate`: the preview's role gets its own password; `inherit`: it keeps the parent's. */
  previewPassword: 'rotate' | 'inherit';
}

export interface VercelSettings {
  token: string;
  project: string;
  team?: string;
  apiUrl: string;
  redeploy: boolean;
}

export interface NetlifySettings {
  token: string;
  siteId: string;
  apiUrl: string;
  redeploy: boolean;
}

export interface GitHubSettings {
  token: string;
  /** From GITHUB_API_URL, without a trailing slash. */
  apiUrl: string;
  /** The `github_environment` template; render it with `environmentName`. */
  environmentTemplate: string;
}

/** What every command needs: the platforms, the targets and the mapping. */
export interface CommonSettings {
  /** `owner/repo` */
  repository: string;
  variables: VariableSpec[];
  targets: TargetName[];
  vercel?: VercelSettings;
  netlify?: NetlifySettings;
  github: GitHubSettings;
  /** Keep the sticky PR comment up to date. */
  comment: boolean;
  timeoutMs: number;
}

/** create and delete: one pull request's preview. */
export interface Settings extends CommonSettings {
  command: Command;
  pr: PullRequestRef;
  neon: NeonSettings;
  /** Why targets the inputs name were left out for this pull request (a fork's branch-scoped ones). */
  skippedTargets: { target: TargetName; reason: string }[];
}

/** sweep: everything the action manages for the repository. */
export interface SweepSettings extends CommonSettings {
  command: 'sweep';
  neon: Pick<NeonSettings, 'apiKey' | 'projectId' | 'apiUrl'>;
}

/** A run that does nothing, and why (fork pull requests without secrets). */
export interface Skip {
  command: 'skip';
  reason: string;
}

/** The parts of the event the action uses. */
export interface EventInfo {
  eventName: string;
  /** `owner/repo` */
  repository: string;
  payload: Record<string, unknown>;
  /** GITHUB_API_URL */
  apiUrl: string;
  /** GITHUB_ACTOR: who triggered the run (`dependabot[bot]` for Dependabot's pull requests). */
  actor?: string;
}

/** A bad input. Its message is the one line the user sees. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(`Input \`${input}\`: ${problem}`);
  }
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);
const MAX_BRANCH_NAME = 256;
/** Pull request numbers are 32-bit integers on GitHub. */
const MAX_PR_NUMBER = 2_147_483_647;
/** Postgres truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const MAX_POSTGRES_NAME_BYTES = 63;
const DEPENDABOT = 'dependabot[bot]';
/** Targets whose values are scoped by the head branch's name: a fork's head names one of ours. */
const BRANCH_SCOPED: readonly TargetName[] = ['vercel', 'netlify'];
const MAX_TTL_SECONDS = 30 * 24 * 3600;

export const DEFAULTS = {
  command: 'auto',
  neon_api_url: 'https://console.neon.tech/api/v2',
  branch_name: 'preview/pr-{pr}',
  branch_type: 'data',
  expires_in: '14d',
  suspend_timeout: '0',
  env_vars: DEFAULT_ENV_VARS,
  vercel_api_url: 'https://api.vercel.com',
  netlify_api_url: 'https://api.netlify.com/api/v1',
  github_environment: 'pr-{pr}',
  preview_password: 'rotate',
  fork_pull_requests: 'skip',
  timeout: '300',
} as const;

/** Shows a user's value in a message: quoted, one line, short. Never used for tokens. */
function show(value: string): string {
  const oneLine = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return oneLine;
}

/** Control and format characters, Unicode line breaks included (U+0085, U+2028, U+202E, ...). */
function hasControlCharacters(value: string): boolean {
  return /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value);
}

type Read = (name: string) => string;

function required(read: Read, name: string, why?: string): string {
  const value = read(name);
  if (!value) throw new InputError(name, `is required${why ? ` ${why}` : ''} but is empty`);
  return value;
}

/**
 * A token: masked at once, and refused with a line break or any other control character in it (a
 * secret pasted from a wrapped terminal), which an HTTP header cannot carry. Never shown.
 */
function token(read: Read, name: string, why?: string): string {
  const value = why === undefined ? read(name) : required(read, name, why);
  registerSecret(value);
  if (hasControlCharacters(value)) throw new InputError(name, 'contains a line break or another control character; copy the token again as one line');
  return value;
}

/** One of a few words (`what` they are, for the message); `fallback` when empty. */
function choice<T extends string>(read: Read, name: string, what: string, allowed: readonly T[], fallback: T): T {
  const value = read(name) || fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(name, `${show(value)} is not ${what}; expected ${allowed.join(' or ')}`);
  return value as T;
}

function optional(read: Read, name: string): string | undefined {
  return read(name) || undefined;
}

function parseBoolean(read: Read, name: string, fallback: boolean): boolean {
  const value = read(name);
  if (!value) return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(name, `${show(value)} is not a boolean; use true or false`);
}

function parseUrl(read: Read, name: string, fallback: string): string {
  const value = read(name) || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `${show(value)} is not a URL; expected an http(s) URL such as ${fallback}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(name, `${show(value)} must use https (or http for a local stand-in)`);
  if (url.username || url.password) throw new InputError(name, 'must not carry credentials; pass tokens in their own inputs');
  if (url.search || url.hash || value.includes('?') || value.includes('#')) throw new InputError(name, `${show(value)} must be a base URL without a query or fragment, such as ${fallback}`);
  return value.replace(/\/+$/, '');
}

/** `14d`, `36h` or `0` → seconds. */
export function parseExpiresIn(value: string): number {
  if (value === '0') return 0;
  const match = /^([1-9][0-9]{0,3})([hd])$/.exec(value);
  const problem = `${show(value)} is not a time-to-live; expected <n>h or <n>d of at most 30 days (e.g. 14d, 36h), or 0 for none`;
  if (!match) throw new InputError('expires_in', problem);
  const seconds = Number(match[1]) * (match[2] === 'd' ? 86_400 : 3_600);
  if (seconds > MAX_TTL_SECONDS) throw new InputError('expires_in', `${show(value)} is longer than Neon allows; expected at most 30d (720h), or 0 for none`);
  return seconds;
}

function parseSuspendTimeout(value: string): number {
  const problem = `${show(value)} is not a suspend timeout; expected 0 (Neon's default), -1 (never suspend) or whole seconds from 60 to 604800`;
  if (!/^-?[0-9]+$/.test(value)) throw new InputError('suspend_timeout', problem);
  const seconds = Number(value);
  if (seconds === 0 || seconds === -1 || (seconds >= 60 && seconds <= 604_800)) return seconds;
  throw new InputError('suspend_timeout', problem);
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || !(seconds > 0) || seconds > 21_600) {
    throw new InputError('timeout', `${show(value)} is not a positive number of seconds; expected e.g. 300 (at most 21600)`);
  }
  if (seconds < 5) throw new InputError('timeout', `${show(value)} seconds is too short to wait for any API; expected at least 5 (the default is 300)`);
  return Math.round(seconds * 1000);
}

/** The head branch as it may appear in a name: `[A-Za-z0-9._/-]`, anything else becomes `-`. */
export function sanitizeHead(head: string): string {
  return head.replace(/[^A-Za-z0-9._/-]/g, '-');
}

/** Renders `{pr}` and `{head}` in a template; any other placeholder is an error. */
export function renderTemplate(input: string, template: string, pr: number, headRef: string): string {
  if (hasControlCharacters(template)) throw new InputError(input, 'must be one line without control characters');
  const unknown = template.match(/\{(?!pr\}|head\})[^}]*\}/);
  if (unknown) throw new InputError(input, `${show(template)} has an unknown placeholder ${unknown[0]}; the placeholders are {pr} and {head}`);
  if (template.includes('{head}') && !headRef) {
    throw new InputError(input, `${show(template)} uses {head} but the PR's head branch is unknown; set \`head_ref\``);
  }
  return template.replaceAll('{pr}', String(pr)).replaceAll('{head}', sanitizeHead(headRef));
}

/**
 * A name template must tell pull requests apart: a fixed name would give every PR the same branch
 * or environment, and one PR's close would delete another's.
 */
function perPullRequest(input: string, template: string): string {
  if (!template.includes('{pr}') && !template.includes('{head}')) {
    throw new InputError(input, `${show(template)} names the same thing for every pull request; include {pr} (or {head}), e.g. ${input === 'branch_name' ? 'preview/pr-{pr}' : 'pr-{pr}'}`);
  }
  return template;
}

export function parseEnvVars(text: string, prefix: string): VariableSpec[] {
  const specs: VariableSpec[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const where = `line ${index + 1}`;
    const eq = line.indexOf('=');
    if (eq < 0) throw new InputError('env_vars', `${where} ${show(line)} has no "="; expected NAME=source, e.g. DATABASE_URL=pooled_url`);
    const name = line.slice(0, eq).trim();
    const source = line.slice(eq + 1).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.length > 200) {
      throw new InputError('env_vars', `${where}: ${show(name)} is not a variable name; expected letters, digits and _, not starting with a digit`);
    }
    if (!(VARIABLE_SOURCES as readonly string[]).includes(source)) {
      throw new InputError('env_vars', `${where}: unknown source ${show(source)}; expected one of ${VARIABLE_SOURCES.join(', ')}`);
    }
    const full = `${prefix}${name}`;
    if (seen.has(full.toUpperCase())) throw new InputError('env_vars', `${where}: ${full} is listed twice`);
    seen.add(full.toUpperCase());
    specs.push({ name: full, source: source as VariableSource });
  }
  if (specs.length === 0) throw new InputError('env_vars', 'lists no variable; expected one NAME=source per line');
  return specs;
}

export function parseTargets(value: string): TargetName[] {
  const words = value.split(/[\s,]+/).filter(Boolean);
  const targets: TargetName[] = [];
  for (const word of words) {
    const name = word.toLowerCase();
    if (!(TARGET_NAMES as readonly string[]).includes(name)) {
      throw new InputError('targets', `unknown target ${show(word)}; expected any of ${TARGET_NAMES.join(', ')} separated by commas, spaces or newlines`);
    }
    if (!targets.includes(name as TargetName)) targets.push(name as TargetName);
  }
  return targets;
}

function parseName(input: string, value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (hasControlCharacters(value) || Buffer.byteLength(value, 'utf8') > MAX_POSTGRES_NAME_BYTES) {
    throw new InputError(input, `${show(value)} is not a ${what}; expected a Postgres name on one line of at most ${MAX_POSTGRES_NAME_BYTES} bytes (a non-ASCII letter takes 2 to 4)`);
  }
  return value;
}

/**
 * Why `name` is not a branch name git accepts (the rules of `git check-ref-format --branch`), or
 * undefined when it is one.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name.length > 250) return 'is longer than 250 characters';
  if (/[\s~^:?*[\\]/.test(name) || hasControlCharacters(name)) return 'has a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return 'has "..", "@{" or "//"';
  if (name === '@' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.startsWith('-')) return 'starts with "/" or "-", ends with "/" or ".", or is "@"';
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return 'has a part that starts with "." or ends with ".lock"';
  return undefined;
}

interface PullRequestPayload {
  number?: number;
  user?: { login?: string } | null;
  head?: { ref?: string; sha?: string; repo?: { full_name?: string } | null };
  base?: { repo?: { full_name?: string } };
}

/** The command `auto` stands for on this event. */
function commandFor(event: EventInfo, requested: string): Command | 'sweep' {
  if (requested === 'create' || requested === 'delete' || requested === 'sweep') return requested;
  if (requested !== 'auto') throw new InputError('command', `${show(requested)} is not a command; expected auto, create, delete or sweep`);
  if (PR_EVENTS.has(event.eventName)) return event.payload.action === 'closed' ? 'delete' : 'create';
  if (event.eventName === 'schedule') return 'sweep';
  throw new InputError('command', `is auto, but a ${show(event.eventName)} event is neither a pull request event nor a schedule; set \`command\` to create or delete (with \`pr_number\`), or sweep`);
}

/** The environment name `github_environment` gives a pull request. */
export function environmentName(template: string, pr: number, headRef: string): string {
  return renderTemplate('github_environment', template, pr, headRef);
}

function neonConnection(read: Read): SweepSettings['neon'] {
  const apiKey = token(read, 'neon_api_key', '(a Neon API key, e.g. `${{ secrets.NEON_API_KEY }}`; create one under Account settings → API keys in the Neon console)');
  const projectId = required(read, 'neon_project_id', '(the id of the Neon project, under Settings → General in the Neon console)');
  if (!/^[a-z0-9-]{1,60}$/.test(projectId)) {
    throw new InputError('neon_project_id', `${show(projectId)} is not a Neon project id; expected 1-60 lowercase letters, digits and hyphens (Settings → General in the Neon console)`);
  }
  return { apiKey, projectId, apiUrl: parseUrl(read, 'neon_api_url', DEFAULTS.neon_api_url) };
}

/** Targets, their platforms, the mapping and the rest that does not depend on a pull request. */
function commonSettings(read: Read, event: EventInfo, headRef: string | undefined): CommonSettings {
  const prefix = read('env_prefix');
  if (prefix && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(prefix)) throw new InputError('env_prefix', `${show(prefix)} is not a variable-name prefix; expected letters, digits and _, not starting with a digit`);
  const variables = parseEnvVars(read('env_vars') || DEFAULTS.env_vars, prefix);
  const targets = parseTargets(read('targets'));
  const needsHead = targets.filter((t) => t === 'vercel' || t === 'netlify');
  if (headRef !== undefined && needsHead.length > 0 && !headRef) {
    throw new InputError('head_ref', `is empty and the event names no head branch; ${needsHead.map((t) => TARGET_LABELS[t]).join(' and ')} scope values by branch, so set \`head_ref\``);
  }

  const timeoutMs = parseTimeout(read('timeout') || DEFAULTS.timeout);

  let vercel: VercelSettings | undefined;
  if (targets.includes('vercel')) {
    const vercelToken = token(read, 'vercel_token', "when `targets` has vercel (a Vercel access token, from the account's Tokens page)");
    const project = required(read, 'vercel_project', 'when `targets` has vercel (the project id prj_… or its name)');
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(project)) throw new InputError('vercel_project', `${show(project)} is not a Vercel project id or name`);
    const team = optional(read, 'vercel_team');
    if (team !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(team)) throw new InputError('vercel_team', `${show(team)} is not a Vercel team id (team_…) or slug`);
    vercel = { token: vercelToken, project, team, apiUrl: parseUrl(read, 'vercel_api_url', DEFAULTS.vercel_api_url), redeploy: parseBoolean(read, 'vercel_redeploy', false) };
  }

  let netlify: NetlifySettings | undefined;
  if (targets.includes('netlify')) {
    const netlifyToken = token(read, 'netlify_token', 'when `targets` has netlify (a Netlify personal access token)');
    const siteId = required(read, 'netlify_site_id', 'when `targets` has netlify (Site configuration → Site ID)');
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(siteId)) throw new InputError('netlify_site_id', `${show(siteId)} is not a Netlify site id`);
    netlify = { token: netlifyToken, siteId, apiUrl: parseUrl(read, 'netlify_api_url', DEFAULTS.netlify_api_url), redeploy: parseBoolean(read, 'netlify_redeploy', false) };
  }

  const githubToken = token(read, 'github_token');
  if (targets.includes('github') && !githubToken) throw new InputError('github_token', 'is required when `targets` has github (a token allowed to manage environments)');
  const environmentTemplate = perPullRequest('github_environment', read('github_environment') || DEFAULTS.github_environment);
  // Checks the template's placeholders whatever the command.
  renderTemplate('github_environment', environmentTemplate, 1, 'head');
  if (targets.includes('github')) {
    const reserved = variables.find((v) => /^GITHUB_/i.test(v.name));
    if (reserved) throw new InputError('env_vars', `${reserved.name}: GitHub reserves names starting with GITHUB_; rename it or set \`env_prefix\``);
  }
  const github: GitHubSettings = { token: githubToken, apiUrl: event.apiUrl.replace(/\/+$/, ''), environmentTemplate };
  // The token defaults to the workflow's; someone who empties it gets no comment rather than an error.
  const comment = parseBoolean(read, 'comment', true) && Boolean(githubToken);
  return { repository: event.repository, variables, targets, vercel, netlify, github, comment, timeoutMs };
}

/**
 * Whether this run is for a pull request that must be skipped: from a fork (unless
 * `fork_pull_requests: allow`), or one GitHub runs without secrets (a fork's or Dependabot's under
 * `pull_request`). Undefined when the run goes on; the fork flag tells a run that goes on for a fork.
 */
function skipFor(read: Read, event: EventInfo, pullRequest: PullRequestPayload | undefined): { skip?: Skip; fork: boolean } {
  if (!pullRequest) return { fork: false };
  const forks = choice(read, 'fork_pull_requests', 'a way to treat fork pull requests', ['skip', 'allow'] as const, DEFAULTS.fork_pull_requests);
  const headRepo = pullRequest.head?.repo?.full_name;
  const baseRepo = pullRequest.base?.repo?.full_name ?? event.repository;
  const fork = headRepo !== baseRepo;
  const dependabot = event.actor === DEPENDABOT || pullRequest.user?.login === DEPENDABOT;
  const from = fork ? `a fork (${headRepo ?? 'a deleted repository'})` : DEPENDABOT;
  if (!read('neon_api_key') && (fork || dependabot)) {
    return { fork, skip: { command: 'skip', reason: `Pull request from ${from}: GitHub runs it without the repository's secrets, so there is no Neon API key. Nothing was done.` } };
  }
  if (fork && forks === 'skip') {
    return {
      fork,
      skip: {
        command: 'skip',
        reason: `Pull request from ${from}: skipped, as \`fork_pull_requests: skip\` (the default) says; its code is an outsider's. Set \`fork_pull_requests: allow\` to give forks a branch of your data. Nothing was done.`,
      },
    };
  }
  return { fork };
}

/** The pull request's number: `pr_number`, else the event's. */
function pullRequestNumber(read: Read, event: EventInfo, pullRequest: PullRequestPayload | undefined): number {
  const prInput = read('pr_number');
  if (prInput) {
    if (!/^[1-9][0-9]{0,9}$/.test(prInput) || Number(prInput) > MAX_PR_NUMBER) throw new InputError('pr_number', `${show(prInput)} is not a pull request number; expected a whole number from 1 to ${MAX_PR_NUMBER}`);
    return Number(prInput);
  }
  const fromEvent = pullRequest?.number ?? (typeof event.payload.number === 'number' ? event.payload.number : undefined);
  if (!fromEvent || !Number.isInteger(fromEvent) || fromEvent <= 0) {
    throw new InputError('pr_number', `is empty and the ${show(event.eventName)} event carries no pull request number; set \`pr_number\``);
  }
  return fromEvent;
}

/** The head branch: `head_ref`, else the event's; refused when git would not accept it as a branch name. */
function headBranch(read: Read, pullRequest: PullRequestPayload | undefined): string {
  const headInput = read('head_ref');
  const headRef = headInput || pullRequest?.head?.ref || '';
  const problem = headRef ? branchNameProblem(headRef) : undefined;
  if (problem) throw new InputError(headInput ? 'head_ref' : 'head_ref (from the event)', `${show(headRef)} is not a git branch name: it ${problem}`);
  return headRef;
}

/**
 * Parses every input and the event into settings for the command, or a Skip. `read` returns an
 * input's value (trimmed, '' when unset).
 */
export function parseSettings(read: Read, event: EventInfo): Settings | SweepSettings | Skip {
  const pullRequest = (event.payload.pull_request ?? undefined) as PullRequestPayload | undefined;
  const requested = read('command') || DEFAULTS.command;
  const command = commandFor(event, requested);

  const { skip, fork } = skipFor(read, event, pullRequest);
  if (skip) return skip;

  if (command === 'sweep') {
    const neon = neonConnection(read);
    const common = commonSettings(read, event, undefined);
    // The sweep asks GitHub which pull requests are closed: without a token it could tell none.
    if (!common.github.token) throw new InputError('github_token', 'is required for sweep (it reads the state of pull requests); the default `${{ github.token }}` does, with `permissions: pull-requests: read`');
    return { ...common, command, neon };
  }
  const connection = neonConnection(read);
  const prNumber = pullRequestNumber(read, event, pullRequest);
  const headRef = headBranch(read, pullRequest);
  const pr: PullRequestRef = { repository: event.repository, number: prNumber, headRef, headSha: pullRequest?.head?.sha };

  const branchName = renderTemplate('branch_name', perPullRequest('branch_name', read('branch_name') || DEFAULTS.branch_name), prNumber, headRef);
  if (!branchName.trim()) throw new InputError('branch_name', 'renders to an empty name; expected a template such as preview/pr-{pr}');
  if (branchName.length > MAX_BRANCH_NAME) throw new InputError('branch_name', `renders to ${branchName.length} characters; Neon allows at most ${MAX_BRANCH_NAME}`);

  const branchType = choice(read, 'branch_type', 'a branch type', ['data', 'schema-only'] as const, DEFAULTS.branch_type);
  const parentBranch = optional(read, 'parent_branch');
  if (parentBranch !== undefined && (hasControlCharacters(parentBranch) || parentBranch.length > MAX_BRANCH_NAME)) {
    throw new InputError('parent_branch', 'must be a Neon branch name or id on one line, at most 256 characters');
  }

  const neon: NeonSettings = {
    ...connection,
    branchName,
    parentBranch,
    database: parseName('database', optional(read, 'database'), 'database name'),
    role: parseName('role', optional(read, 'role'), 'role name'),
    branchType,
    expiresInSeconds: parseExpiresIn(read('expires_in') || DEFAULTS.expires_in),
    suspendTimeoutSeconds: parseSuspendTimeout(read('suspend_timeout') || DEFAULTS.suspend_timeout),
    previewPassword: choice(read, 'preview_password', 'a password policy', ['rotate', 'inherit'] as const, DEFAULTS.preview_password),
  };

  const common = commonSettings(read, event, headRef);
  if (common.targets.includes('github')) {
    const environment = environmentName(common.github.environmentTemplate, prNumber, headRef);
    if (!/^[A-Za-z0-9._/-]{1,255}$/.test(environment)) throw new InputError('github_environment', `renders to ${show(environment)}; expected at most 255 letters, digits, . _ - /`);
  }
  // A fork's head branch is named in the fork: on Vercel and Netlify that name is one of ours.
  const skippedTargets = fork
    ? common.targets.filter((t) => BRANCH_SCOPED.includes(t)).map((target) => ({ target, reason: `${TARGET_LABELS[target]} gets no values for a pull request from a fork: they would be scoped to a branch name that belongs to this repository` }))
    : [];
  const targets = common.targets.filter((t) => !skippedTargets.some((s) => s.target === t));
  return { ...common, targets, command, pr, neon, skippedTargets };
}

/** Reads the action's inputs and the event from the runner's environment. */
export function readSettings(): Settings | SweepSettings | Skip {
  const event: EventInfo = {
    eventName: context.eventName,
    repository: process.env.GITHUB_REPOSITORY ?? '',
    payload: context.payload as Record<string, unknown>,
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    actor: process.env.GITHUB_ACTOR,
  };
  if (!/^[^/\s]+\/[^/\s]+$/.test(event.repository)) throw new Error('GITHUB_REPOSITORY is not set: run this action in a GitHub Actions workflow');
  return parseSettings((name) => getInput(name), event);
}
