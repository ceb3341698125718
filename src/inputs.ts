// The only module that reads inputs (the event is read in event.ts). Every input is turned once into one typed,
// validated Settings object (each target reads its own inputs, see TargetDefinition); every bad
// value fails here, before any API call, with one line that names the input, says what is wrong
// and what is accepted. Tokens are masked as they are read.
import { getInput } from '@actions/core';
import { commandFor, headBranch, pullRequestNumber, readEvent, skipFor, type Command, type EventInfo, type PullRequestPayload, type Skip } from './event.js';
import { InputError, choice, hasControlCharacters, optional, parseBoolean, parseUrl, perPullRequest, renderTemplate, required, show, token } from './input-values.js';
import { TARGETS } from './targets/index.js';
import { configure, type ConfiguredTarget, type InputReader, type PullRequestRef, type TargetDefinition } from './targets/target.js';
import { DEFAULT_ENV_VARS, VARIABLE_SOURCES, type VariableSource, type VariableSpec } from './variables.js';

export { InputError } from './input-values.js';

export type { Command, EventInfo, Skip } from './event.js';

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
  /** On a create that reuses the branch, reset it to its parent's current state first. */
  resetOnPush: boolean;
}

export interface GitHubSettings {
  /** `github_token` (masked); empty when the workflow emptied it. */
  token: string;
  /** From GITHUB_API_URL, without a trailing slash. */
  apiUrl: string;
}

/** What every command needs: the platforms, the targets and the mapping. */
export interface CommonSettings {
  /** `owner/repo` */
  repository: string;
  variables: VariableSpec[];
  targets: ConfiguredTarget[];
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
  skippedTargets: { target: string; reason: string }[];
  /** Show the schema diff against the parent in the comment and the summary. */
  schemaDiff: boolean;
}

/** sweep: everything the action manages for the repository. */
export interface SweepSettings extends CommonSettings {
  command: 'sweep';
  neon: Pick<NeonSettings, 'apiKey' | 'projectId' | 'apiUrl'>;
}

/** A run that does nothing, and why (fork pull requests without secrets). */
const MAX_BRANCH_NAME = 256;
/** Postgres truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const MAX_POSTGRES_NAME_BYTES = 63;
const MAX_TTL_SECONDS = 30 * 24 * 3600;

export const DEFAULTS = {
  command: 'auto',
  neon_api_url: 'https://console.neon.tech/api/v2',
  branch_name: 'preview/pr-{pr}',
  branch_type: 'data',
  expires_in: '14d',
  suspend_timeout: '0',
  env_vars: DEFAULT_ENV_VARS,
  preview_password: 'rotate',
  fork_pull_requests: 'skip',
  timeout: '300',
} as const;

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

function parseEnvVars(text: string, prefix: string): VariableSpec[] {
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

/** The `targets` input: each word a registered target's name. */
function parseTargets(value: string, registry: readonly TargetDefinition[] = TARGETS): TargetDefinition[] {
  const words = value.split(/[\s,]+/).filter(Boolean);
  const chosen: TargetDefinition[] = [];
  for (const word of words) {
    const definition = registry.find((d) => d.name === word.toLowerCase());
    if (!definition) throw new InputError('targets', `unknown target ${show(word)}; expected any of ${registry.map((d) => d.name).join(', ')} separated by commas, spaces or newlines`);
    if (!chosen.includes(definition)) chosen.push(definition);
  }
  return chosen;
}

function parseName(input: string, value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (hasControlCharacters(value) || Buffer.byteLength(value, 'utf8') > MAX_POSTGRES_NAME_BYTES) {
    throw new InputError(input, `${show(value)} is not a ${what}; expected a Postgres name on one line of at most ${MAX_POSTGRES_NAME_BYTES} bytes (a non-ASCII letter takes 2 to 4)`);
  }
  return value;
}

function neonConnection(read: InputReader): SweepSettings['neon'] {
  const apiKey = token(read, 'neon_api_key', '(a Neon API key, e.g. `${{ secrets.NEON_API_KEY }}`; create one under Account settings → API keys in the Neon console)');
  const projectId = required(read, 'neon_project_id', '(the id of the Neon project, under Settings → General in the Neon console)');
  if (!/^[a-z0-9-]{1,60}$/.test(projectId)) {
    throw new InputError('neon_project_id', `${show(projectId)} is not a Neon project id; expected 1-60 lowercase letters, digits and hyphens (Settings → General in the Neon console)`);
  }
  return { apiKey, projectId, apiUrl: parseUrl(read, 'neon_api_url', DEFAULTS.neon_api_url) };
}

/** Targets (each reading its own inputs), the mapping and the rest that does not depend on a pull request's state. */
function commonSettings(read: InputReader, event: EventInfo, registry: readonly TargetDefinition[], pr?: PullRequestRef): CommonSettings {
  const prefix = read('env_prefix');
  if (prefix && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(prefix))
    throw new InputError('env_prefix', `${show(prefix)} is not a variable-name prefix; expected letters, digits and _, not starting with a digit`);
  const variables = parseEnvVars(read('env_vars') || DEFAULTS.env_vars, prefix);
  const definitions = parseTargets(read('targets'), registry);
  const byBranch = definitions.filter((d) => d.scopedByBranch);
  if (pr && byBranch.length > 0 && !pr.headRef) {
    throw new InputError('head_ref', `is empty and the event names no head branch; ${byBranch.map((d) => d.label).join(' and ')} scope values by branch, so set \`head_ref\``);
  }
  const timeoutMs = parseTimeout(read('timeout') || DEFAULTS.timeout);
  const githubToken = token(read, 'github_token');
  const targets = definitions.map((d) => configure(d, d.readSettings(read, { variables, githubToken, pr })));
  const github: GitHubSettings = { token: githubToken, apiUrl: event.apiUrl.replace(/\/+$/, '') };
  // The token defaults to the workflow's; someone who empties it gets no comment rather than an error.
  const comment = parseBoolean(read, 'comment', true) && Boolean(githubToken);
  return { repository: event.repository, variables, targets, github, comment, timeoutMs };
}

/**
 * Parses every input and the event into settings for the command, or a Skip. `read` returns an
 * input's value (trimmed, '' when unset); `registry` the targets `targets` may name.
 */
export function parseSettings(read: InputReader, event: EventInfo, registry: readonly TargetDefinition[] = TARGETS): Settings | SweepSettings | Skip {
  const pullRequest = (event.payload.pull_request ?? undefined) as PullRequestPayload | undefined;
  const requested = read('command') || DEFAULTS.command;
  const command = commandFor(event, requested);

  const forks = choice(read, 'fork_pull_requests', 'a way to treat fork pull requests', ['skip', 'allow'] as const, DEFAULTS.fork_pull_requests);
  const { skip, fork } = skipFor(read, event, pullRequest, forks);
  if (skip) return skip;

  if (command === 'sweep') {
    const neon = neonConnection(read);
    const common = commonSettings(read, event, registry);
    // The sweep asks GitHub which pull requests are closed: without a token it could tell none.
    if (!common.github.token)
      throw new InputError('github_token', 'is required for sweep (it reads the state of pull requests); the default `${{ github.token }}` does, with `permissions: pull-requests: read`');
    return { ...common, command, neon };
  }
  const connection = neonConnection(read);
  const prNumber = pullRequestNumber(read, event, pullRequest);
  const headRef = headBranch(read, pullRequest);
  const headRepository = fork ? (pullRequest?.head?.repo?.full_name ?? 'a deleted fork') : undefined;
  const pr: PullRequestRef = { repository: event.repository, number: prNumber, headRef, headSha: pullRequest?.head?.sha, ...(headRepository ? { headRepository } : {}) };

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
    resetOnPush: parseBoolean(read, 'reset_on_push', false),
  };

  const common = commonSettings(read, event, registry, pr);
  // A fork's head branch is named in the fork: a value scoped to that name would land on one of ours.
  const left = fork ? common.targets.filter((t) => t.definition.scopedByBranch) : [];
  const skippedTargets = left.map(({ definition: d }) => ({
    target: d.name,
    reason: `${d.label} gets no values for a pull request from a fork: they would be scoped to a branch name that belongs to this repository`,
  }));
  const schemaDiff = parseBoolean(read, 'schema_diff', true);
  return { ...common, targets: common.targets.filter((t) => !left.includes(t)), command, pr, neon, skippedTargets, schemaDiff };
}

/** Reads the action's inputs and the event from the runner's environment. */
export function readSettings(registry: readonly TargetDefinition[] = TARGETS): Settings | SweepSettings | Skip {
  return parseSettings((name) => getInput(name), readEvent(), registry);
}
