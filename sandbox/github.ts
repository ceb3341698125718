// A stateful stand-in for the parts of GitHub's REST API the action uses: one repository with
// environments (their secrets, variables and public keys), deployments with statuses, and issue
// comments, served over HTTP on 127.0.0.1 through the common StandIn machinery (latency, faults,
// request log, check of every request against GitHub's published OpenAPI description).
//
// Point Octokit at it with `getOctokit(token, { baseUrl: gh.url })`. Paths are served at the root,
// as on api.github.com (`basePath: '/api/v3'` serves them as GitHub Enterprise Server does).
//
// What it models, as GitHub documents or answers it:
// - Two kinds of token. `tokens.actions` is like the workflow's GITHUB_TOKEN: it may create
//   deployments, statuses and comments, but environments, environment secrets and environment
//   variables answer 403 "Resource not accessible by integration". `tokens.admin` may do
//   everything (a token with Administration: write and Environments: write). Anything else → 401.
// - Environments, names case-insensitive. Deleting one deletes its secrets and variables (not
//   its deployments). Creating a deployment to an environment that does not exist creates it.
// - Environment secrets: each environment has a real X25519 key pair (libsodium); `PUT` must
//   carry the current `key_id` and a sealed box that opens with the private key, else 422.
//   `secretPlaintext()` returns what was decrypted.
// - Environment variables: `POST` of an existing name → 409, `PATCH`/`DELETE` of a missing one →
//   404. Secret and variable names are stored upper-case and matched case-insensitively.
// - Deployments: the repository's default branch is always ahead of the PR head and the head has
//   a failing status check, so a deployment request without `auto_merge: false` is answered 202
//   (auto-merged, no deployment) and one without `required_contexts: []` 409. A `success` status
//   with `auto_inactive` (default true) adds an `inactive` status to every prior deployment to the
//   same environment whose state is `success` and that is non-transient and non-production, as
//   GitHub's description says (`autoInactiveTransient: true` extends it to transient ones).
//   `DELETE` of an active deployment (latest state success / pending / queued / in_progress, or
//   no status yet) → 422 unless it is the repository's only deployment.
// - List endpoints paginate with `per_page` / `page` and a `Link` header (rel next/last/...).
// - Errors are `{ message, documentation_url, status }`. `rateLimitNext()` answers the next
//   requests as GitHub's secondary rate limit does (403 with `retry-after`).
import { createHash } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import { DescriptionCheck, readPackagedDescription } from './api-description.js';
import { bearerToken, HttpError, StandIn, type FaultPlan, type StandInRequest, type StandInResponse } from './server.js';

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
  tokens: { actions: string; admin: string; user: string; readonly: string };
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
  setPullRequest(number: number, pull: { state: 'open' | 'closed'; headRef: string }): void;
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

// ---------------------------------------------------------------------------------------------
// The API description, cut down to the operations served (the full file is 13 MB; matching a
// request against all of it costs ~8 ms, against this cut ~1 ms). Loaded once per process.

const SERVED_PATH_PREFIXES = ['/repos/{owner}/{repo}/pulls', '/repos/{owner}/{repo}/environments', '/repos/{owner}/{repo}/deployments', '/repos/{owner}/{repo}/issues/{issue_number}/comments', '/repos/{owner}/{repo}/issues/comments/'];

let descriptionCheck: Promise<DescriptionCheck> | undefined;

/** The served part of `@octokit/openapi`'s api.github.com.json: its paths and every component they reference. */
export function servedDescription(): Record<string, unknown> {
  const full = readPackagedDescription('@octokit/openapi/generated/api.github.com.json') as {
    openapi: string;
    info: unknown;
    paths: Record<string, unknown>;
    components: Record<string, Record<string, unknown>>;
  };
  const paths = Object.fromEntries(Object.entries(full.paths).filter(([path]) => SERVED_PATH_PREFIXES.some((prefix) => path.startsWith(prefix))));
  const components: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (seen.has(value) || !value.startsWith('#/components/')) continue;
        seen.add(value);
        const [, , section, name] = value.split('/') as [string, string, string, string];
        const target = full.components[section]?.[name];
        (components[section] ??= {})[name] = target;
        walk(target);
      } else walk(value);
    }
  };
  walk(paths);
  return { openapi: full.openapi, info: full.info, paths, components };
}

function githubDescriptionCheck(): Promise<DescriptionCheck> {
  // GraphQL is described by its own schema, not the REST description.
  descriptionCheck ??= DescriptionCheck.create(servedDescription(), { undocumented: [/^POST \/graphql$/] });
  return descriptionCheck;
}

// ---------------------------------------------------------------------------------------------
// State

type TokenKind = 'actions' | 'admin' | 'user' | 'readonly';

interface Valued {
  name: string;
  createdAt: string;
  updatedAt: string;
}
interface SecretState extends Valued {
  plaintext: string;
}
interface VariableState extends Valued {
  value: string;
}

interface EnvironmentState {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  secrets: Map<string, SecretState>;
  variables: Map<string, VariableState>;
}

interface StatusState {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  creator: string;
  createdAt: string;
}

interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  transient: boolean;
  production: boolean;
  creator: TokenKind;
  createdAt: string;
  updatedAt: string;
  statuses: StatusState[];
}

interface CommentState {
  id: number;
  issueNumber: number;
  body: string;
  creator: TokenKind;
  createdAt: string;
  updatedAt: string;
}

const USERS: Record<TokenKind, { login: string; id: number; type: string }> = {
  actions: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
  admin: { login: 'preview-admin', id: 583231, type: 'User' },
  user: { login: 'octocat', id: 583232, type: 'User' },
  readonly: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
};

const DOCS = 'https://docs.github.com/rest';
const NAME_RULE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ACTIVE_STATES = new Set<DeploymentState | 'none'>(['success', 'pending', 'queued', 'in_progress', 'none']);
const STATES: DeploymentState[] = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

function githubError(status: number, message: string, documentationUrl = DOCS): HttpError {
  return new HttpError(status, { message, documentation_url: documentationUrl, status: String(status) });
}

function asObject(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------
// The stand-in

export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  await sodium.ready;
  const repository = options.repository ?? 'octo-org/preview-app';
  const tokens = {
    actions: options.actionsToken ?? 'ghs_actions_stand_in_token',
    admin: options.adminToken ?? 'github_pat_stand_in_admin_token',
    user: options.userToken ?? 'github_pat_stand_in_user_token',
    readonly: options.readOnlyToken ?? 'ghs_read_only_fork_token',
  };
  const webUrl = (options.webUrl ?? 'https://github.com').replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const iso = (): string => new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const check = options.checkRequests === false ? undefined : await githubDescriptionCheck();

  const standIn = new StandIn('GitHub', {
    latencyMs: options.latencyMs,
    faults: options.faults,
    basePath: options.basePath,
    requestCheck: check,
    errorBody: (status, message) => ({ message, documentation_url: DOCS, status: String(status) }),
    rateLimitHeaders: (seconds) => ({ 'retry-after': String(seconds), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(now() / 1000) + seconds) }),
  });

  const environments = new Map<string, EnvironmentState>();
  const deployments: DeploymentRecord[] = [];
  const comments: CommentState[] = [];
  const pulls = new Map<number, { state: 'open' | 'closed'; headRef: string }>();
  let nextEnvironmentId = 161_088_000;
  let nextKeyId = 568_250_167_242_549;
  let nextDeploymentId = 1_000;
  let nextStatusId = 5_000;
  let nextCommentId = 9_000;

  const apiUrl = (): string => standIn.url;
  const repoApi = (): string => `${apiUrl()}/repos/${repository}`;

  // --- helpers -------------------------------------------------------------------------------

  function authenticate(req: StandInRequest): TokenKind {
    const token = bearerToken(req.headers);
    if (!token) throw githubError(401, 'Requires authentication');
    if (token === tokens.admin) return 'admin';
    if (token === tokens.actions) return 'actions';
    if (token === tokens.user) return 'user';
    if (token === tokens.readonly) return 'readonly';
    throw githubError(401, 'Bad credentials');
  }

  function newKeyPair(): Pick<EnvironmentState, 'keyId' | 'publicKey' | 'privateKey'> {
    const pair = sodium.crypto_box_keypair();
    return { keyId: String(nextKeyId++), publicKey: pair.publicKey, privateKey: pair.privateKey };
  }

  function findEnvironment(name: string): EnvironmentState | undefined {
    return environments.get(name.toLowerCase());
  }

  function requireEnvironment(name: string): EnvironmentState {
    const environment = findEnvironment(name);
    if (!environment) throw githubError(404, 'Not Found', `${DOCS}/deployments/environments#get-an-environment`);
    return environment;
  }

  function createEnvironment(name: string): EnvironmentState {
    if (!name || name.length > 255) throw githubError(422, 'Validation Failed: environment name must be 1 to 255 characters');
    const at = iso();
    const environment: EnvironmentState = { id: nextEnvironmentId++, name, createdAt: at, updatedAt: at, ...newKeyPair(), secrets: new Map(), variables: new Map() };
    environments.set(name.toLowerCase(), environment);
    return environment;
  }

  function environmentJson(e: EnvironmentState): Record<string, unknown> {
    return {
      id: e.id,
      node_id: Buffer.from(`Environment${e.id}`).toString('base64'),
      name: e.name,
      url: `${repoApi()}/environments/${encodeURIComponent(e.name)}`,
      html_url: `${webUrl}/${repository}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
      created_at: e.createdAt,
      updated_at: e.updatedAt,
      protection_rules: [],
      deployment_branch_policy: null,
    };
  }

  function checkValueName(name: string, what: 'secret' | 'variable'): void {
    if (!NAME_RULE.test(name) || /^GITHUB_/i.test(name)) {
      throw githubError(422, `Invalid ${what} name: names may contain only letters, digits and underscores, must not start with a digit and must not start with GITHUB_`);
    }
  }

  /** One page of `items` by `per_page` / `page`, with GitHub's Link header. */
  function paginate<T>(req: StandInRequest, items: T[], defaultPerPage: number, maxPerPage: number): { items: T[]; headers: Record<string, string> } {
    const asked = Number(req.query.per_page);
    const perPage = Number.isInteger(asked) && asked > 0 ? Math.min(asked, maxPerPage) : defaultPerPage;
    const askedPage = Number(req.query.page);
    const page = Number.isInteger(askedPage) && askedPage > 0 ? askedPage : 1;
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number): string => {
      const params = new URLSearchParams(req.queryAll);
      params.set('per_page', String(perPage));
      params.set('page', String(n));
      return `${apiUrl()}${req.path}?${params.toString()}`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(`<${link(page - 1)}>; rel="prev"`, `<${link(1)}>; rel="first"`);
    if (page < last) parts.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    return { items: items.slice((page - 1) * perPage, page * perPage), headers: parts.length ? { link: parts.join(', ') } : {} };
  }

  function stateOf(d: DeploymentRecord): DeploymentState | 'none' {
    return d.statuses.at(-1)?.state ?? 'none';
  }

  function deploymentJson(d: DeploymentRecord): Record<string, unknown> {
    const url = `${repoApi()}/deployments/${d.id}`;
    return {
      url,
      id: d.id,
      node_id: Buffer.from(`Deployment${d.id}`).toString('base64'),
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.originalEnvironment,
      environment: d.environment,
      description: d.description,
      creator: USERS[d.creator],
      created_at: d.createdAt,
      updated_at: d.updatedAt,
      statuses_url: `${url}/statuses`,
      repository_url: repoApi(),
      transient_environment: d.transient,
      production_environment: d.production,
      performed_via_github_app: null,
    };
  }

  function statusJson(d: DeploymentRecord, s: StatusState): Record<string, unknown> {
    const deploymentUrl = `${repoApi()}/deployments/${d.id}`;
    return {
      url: `${deploymentUrl}/statuses/${s.id}`,
      id: s.id,
      node_id: Buffer.from(`DeploymentStatus${s.id}`).toString('base64'),
      state: s.state,
      creator: s.creator === 'github' ? null : { login: s.creator },
      description: s.description,
      environment: s.environment,
      target_url: s.logUrl,
      log_url: s.logUrl,
      environment_url: s.environmentUrl,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: deploymentUrl,
      repository_url: repoApi(),
      performed_via_github_app: null,
    };
  }

  function commentJson(c: CommentState): Record<string, unknown> {
    return {
      id: c.id,
      node_id: Buffer.from(`IssueComment${c.id}`).toString('base64'),
      url: `${repoApi()}/issues/comments/${c.id}`,
      html_url: `${webUrl}/${repository}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${repoApi()}/issues/${c.issueNumber}`,
      body: c.body,
      user: USERS[c.creator],
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.creator === 'admin' ? 'OWNER' : 'NONE',
    };
  }

  function findDeployment(id: string): DeploymentRecord {
    const deployment = deployments.find((d) => String(d.id) === id);
    if (!deployment) throw githubError(404, 'Not Found', `${DOCS}/deployments/deployments#get-a-deployment`);
    return deployment;
  }

  function findComment(id: string): CommentState {
    const comment = comments.find((c) => String(c.id) === id);
    if (!comment) throw githubError(404, 'Not Found', `${DOCS}/issues/comments#get-an-issue-comment`);
    return comment;
  }

  // --- routing -------------------------------------------------------------------------------

  type Scope = 'environments' | 'deployments' | 'issues' | 'pulls';
  const on = (method: string, sub: string, scope: Scope, handler: (req: StandInRequest, who: TokenKind) => StandInResponse): void => {
    standIn.route(method, `/repos/{owner}/{repo}${sub}`, (req) => {
      const who = authenticate(req);
      if (`${req.params.owner}/${req.params.repo}`.toLowerCase() !== repository.toLowerCase()) throw githubError(404, 'Not Found', `${DOCS}/repos/repos#get-a-repository`);
      if (scope === 'environments' && who !== 'admin') throw githubError(403, 'Resource not accessible by integration', `${DOCS}/deployments/environments`);
      // A fork pull request's token may read but not write.
      if (who === 'readonly' && req.method !== 'GET') throw githubError(403, 'Resource not accessible by integration', `${DOCS}/issues/comments`);
      return handler(req, who);
    });
  };

  // Environments
  on('GET', '/environments', 'environments', (req) => {
    const all = [...environments.values()].sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(req, all, 30, 100);
    return { status: 200, body: { total_count: all.length, environments: page.items.map(environmentJson) }, headers: page.headers };
  });
  on('GET', '/environments/{environment_name}', 'environments', (req) => ({ status: 200, body: environmentJson(requireEnvironment(req.params.environment_name!)) }));
  on('PUT', '/environments/{environment_name}', 'environments', (req) => {
    const existing = findEnvironment(req.params.environment_name!);
    if (existing) existing.updatedAt = iso();
    return { status: 200, body: environmentJson(existing ?? createEnvironment(req.params.environment_name!)) };
  });
  on('DELETE', '/environments/{environment_name}', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    environments.delete(environment.name.toLowerCase());
    return { status: 204 };
  });

  // Environment secrets (the public key route first: `public-key` would match `{secret_name}`)
  on('GET', '/environments/{environment_name}/secrets/public-key', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    return { status: 200, body: { key_id: environment.keyId, key: sodium.to_base64(environment.publicKey, sodium.base64_variants.ORIGINAL) } };
  });
  on('GET', '/environments/{environment_name}/secrets', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    const all = [...environment.secrets.values()].sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(req, all, 30, 100);
    return { status: 200, body: { total_count: all.length, secrets: page.items.map((s) => ({ name: s.name, created_at: s.createdAt, updated_at: s.updatedAt })) }, headers: page.headers };
  });
  on('GET', '/environments/{environment_name}/secrets/{secret_name}', 'environments', (req) => {
    const secret = requireEnvironment(req.params.environment_name!).secrets.get(req.params.secret_name!.toUpperCase());
    if (!secret) throw githubError(404, 'Not Found');
    return { status: 200, body: { name: secret.name, created_at: secret.createdAt, updated_at: secret.updatedAt } };
  });
  on('PUT', '/environments/{environment_name}/secrets/{secret_name}', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    const name = req.params.secret_name!;
    checkValueName(name, 'secret');
    const body = asObject(req.body);
    if (typeof body.encrypted_value !== 'string' || typeof body.key_id !== 'string') throw githubError(422, 'Invalid request: encrypted_value and key_id are required');
    if (body.key_id !== environment.keyId) throw githubError(422, `Bad request: key_id ${body.key_id} is not the environment's current public key`);
    let plaintext: string;
    try {
      plaintext = sodium.to_string(sodium.crypto_box_seal_open(sodium.from_base64(body.encrypted_value, sodium.base64_variants.ORIGINAL), environment.publicKey, environment.privateKey));
    } catch {
      throw githubError(422, 'Bad request: encrypted_value could not be decrypted with the public key');
    }
    const key = name.toUpperCase();
    const existing = environment.secrets.get(key);
    const at = iso();
    if (existing) {
      Object.assign(existing, { plaintext, updatedAt: at });
      return { status: 204 };
    }
    environment.secrets.set(key, { name: key, plaintext, createdAt: at, updatedAt: at });
    return { status: 201, body: {} };
  });
  on('DELETE', '/environments/{environment_name}/secrets/{secret_name}', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    if (!environment.secrets.delete(req.params.secret_name!.toUpperCase())) throw githubError(404, 'Not Found');
    return { status: 204 };
  });

  // Environment variables
  on('GET', '/environments/{environment_name}/variables', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    const all = [...environment.variables.values()].sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(req, all, 10, 30);
    return {
      status: 200,
      body: { total_count: all.length, variables: page.items.map((v) => ({ name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt })) },
      headers: page.headers,
    };
  });
  on('POST', '/environments/{environment_name}/variables', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    const body = asObject(req.body);
    if (typeof body.name !== 'string' || typeof body.value !== 'string') throw githubError(422, 'Invalid request: name and value are required');
    checkValueName(body.name, 'variable');
    const key = body.name.toUpperCase();
    if (environment.variables.has(key)) throw githubError(409, 'Already exists - Variable already exists');
    const at = iso();
    environment.variables.set(key, { name: key, value: body.value, createdAt: at, updatedAt: at });
    return { status: 201, body: {} };
  });
  on('GET', '/environments/{environment_name}/variables/{name}', 'environments', (req) => {
    const variable = requireEnvironment(req.params.environment_name!).variables.get(req.params.name!.toUpperCase());
    if (!variable) throw githubError(404, 'Not Found');
    return { status: 200, body: { name: variable.name, value: variable.value, created_at: variable.createdAt, updated_at: variable.updatedAt } };
  });
  on('PATCH', '/environments/{environment_name}/variables/{name}', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    const key = req.params.name!.toUpperCase();
    const variable = environment.variables.get(key);
    if (!variable) throw githubError(404, 'Not Found');
    const body = asObject(req.body);
    if (typeof body.name === 'string' && body.name.toUpperCase() !== key) {
      checkValueName(body.name, 'variable');
      if (environment.variables.has(body.name.toUpperCase())) throw githubError(409, 'Already exists - Variable already exists');
      environment.variables.delete(key);
      variable.name = body.name.toUpperCase();
      environment.variables.set(variable.name, variable);
    }
    if (typeof body.value === 'string') variable.value = body.value;
    variable.updatedAt = iso();
    return { status: 204 };
  });
  on('DELETE', '/environments/{environment_name}/variables/{name}', 'environments', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    if (!environment.variables.delete(req.params.name!.toUpperCase())) throw githubError(404, 'Not Found');
    return { status: 204 };
  });

  // Deployments
  on('GET', '/deployments', 'deployments', (req) => {
    const q = req.query;
    const matching = deployments
      .filter(
        (d) =>
          (q.environment === undefined || d.environment.toLowerCase() === q.environment.toLowerCase()) &&
          (q.ref === undefined || d.ref === q.ref) &&
          (q.sha === undefined || d.sha === q.sha) &&
          (q.task === undefined || d.task === q.task),
      )
      .reverse();
    const page = paginate(req, matching, 30, 100);
    return { status: 200, body: page.items.map(deploymentJson), headers: page.headers };
  });
  on('POST', '/deployments', 'deployments', (req, who) => {
    const body = asObject(req.body);
    if (typeof body.ref !== 'string' || !body.ref) throw githubError(422, 'Invalid request: ref is required');
    const ref = body.ref;
    if (body.auto_merge !== false) return { status: 202, body: { message: `Auto-merged main into ${ref} on deployment.` } };
    if (!Array.isArray(body.required_contexts)) throw githubError(409, `Conflict: Commit status checks failed for ${ref}.`, `${DOCS}/deployments/deployments#create-a-deployment`);
    const environment = typeof body.environment === 'string' && body.environment ? body.environment : 'production';
    const known = findEnvironment(environment) ?? createEnvironment(environment);
    const at = iso();
    const deployment: DeploymentRecord = {
      id: nextDeploymentId++,
      sha: /^[0-9a-f]{40}$/.test(ref) ? ref : createHash('sha1').update(`${repository}:${ref}`).digest('hex'),
      ref,
      task: typeof body.task === 'string' ? body.task : 'deploy',
      payload: body.payload ?? {},
      environment: known.name,
      originalEnvironment: known.name,
      description: typeof body.description === 'string' ? body.description : null,
      transient: body.transient_environment === true,
      production: typeof body.production_environment === 'boolean' ? body.production_environment : environment === 'production',
      creator: who,
      createdAt: at,
      updatedAt: at,
      statuses: [],
    };
    deployments.push(deployment);
    return { status: 201, body: deploymentJson(deployment) };
  });
  on('GET', '/deployments/{deployment_id}', 'deployments', (req) => ({ status: 200, body: deploymentJson(findDeployment(req.params.deployment_id!)) }));
  on('DELETE', '/deployments/{deployment_id}', 'deployments', (req) => {
    const deployment = findDeployment(req.params.deployment_id!);
    if (ACTIVE_STATES.has(stateOf(deployment)) && deployments.length > 1) {
      throw githubError(422, 'We cannot delete an active deployment unless it is the only deployment in the repository. Mark it inactive first.', `${DOCS}/deployments/deployments#delete-a-deployment`);
    }
    deployments.splice(deployments.indexOf(deployment), 1);
    return { status: 204 };
  });
  on('GET', '/deployments/{deployment_id}/statuses', 'deployments', (req) => {
    const deployment = findDeployment(req.params.deployment_id!);
    const page = paginate(req, [...deployment.statuses].reverse(), 30, 100);
    return { status: 200, body: page.items.map((s) => statusJson(deployment, s)), headers: page.headers };
  });
  on('POST', '/deployments/{deployment_id}/statuses', 'deployments', (req, who) => {
    const deployment = findDeployment(req.params.deployment_id!);
    const body = asObject(req.body);
    const state = body.state as DeploymentState;
    if (!STATES.includes(state)) throw githubError(422, `Validation Failed: state ${JSON.stringify(body.state)} is not one of ${STATES.join(', ')}`);
    const description = typeof body.description === 'string' ? body.description : '';
    if (description.length > 140) throw githubError(422, 'Validation Failed: description is too long (maximum is 140 characters)');
    if (typeof body.environment === 'string' && body.environment) deployment.environment = body.environment;
    const logUrl = typeof body.log_url === 'string' ? body.log_url : typeof body.target_url === 'string' ? body.target_url : '';
    const at = iso();
    const status: StatusState = {
      id: nextStatusId++,
      state,
      description,
      environment: deployment.environment,
      environmentUrl: typeof body.environment_url === 'string' ? body.environment_url : '',
      logUrl,
      creator: USERS[who].login,
      createdAt: at,
    };
    deployment.statuses.push(status);
    deployment.updatedAt = at;
    if (state === 'success' && body.auto_inactive !== false) {
      for (const prior of deployments) {
        if (prior.id >= deployment.id || prior.environment.toLowerCase() !== deployment.environment.toLowerCase()) continue;
        if (prior.production || (prior.transient && !options.autoInactiveTransient) || stateOf(prior) !== 'success') continue;
        prior.statuses.push({ id: nextStatusId++, state: 'inactive', description: '', environment: prior.environment, environmentUrl: '', logUrl: '', creator: 'github', createdAt: at });
        prior.updatedAt = at;
      }
    }
    return { status: 201, body: statusJson(deployment, status) };
  });

  // Pull requests: read by the sweep, with any token that may read the repository.
  const pullJson = (number: number, pull: { state: 'open' | 'closed'; headRef: string }) => {
    const [owner] = repository.split('/');
    return {
      url: `${repoApi()}/pulls/${number}`,
      id: 70_000 + number,
      number,
      state: pull.state,
      title: `Pull request ${number}`,
      html_url: `${webUrl}/${repository}/pull/${number}`,
      head: { ref: pull.headRef, label: `${owner}:${pull.headRef}`, sha: 'a'.repeat(40) },
      base: { ref: 'main', label: `${owner}:main`, sha: 'b'.repeat(40) },
    };
  };
  on('GET', '/pulls/{pull_number}', 'pulls', (req) => {
    const number = Number(req.params.pull_number);
    const pull = pulls.get(number);
    if (!pull) throw githubError(404, 'Not Found', `${DOCS}/pulls/pulls#get-a-pull-request`);
    return { status: 200, body: pullJson(number, pull) };
  });
  on('GET', '/pulls', 'pulls', (req) => {
    const state = req.query.state ?? 'open';
    const head = req.query.head;
    const matching = [...pulls.entries()]
      .filter(([, p]) => state === 'all' || p.state === state)
      .filter(([, p]) => !head || `${repository.split('/')[0]}:${p.headRef}` === head)
      .sort(([a], [b]) => b - a)
      .map(([n, p]) => pullJson(n, p));
    const page = paginate(req, matching, 30, 100);
    return { status: 200, body: page.items, headers: page.headers };
  });

  // GraphQL: only the query the action makes, `query { viewer { login } }`, answered for the
  // token's own identity (installation tokens such as GITHUB_TOKEN included).
  standIn.route('POST', '/graphql', (req) => {
    const who = authenticate(req);
    const query = String(asObject(req.body).query ?? '').replace(/\s+/g, ' ').trim();
    if (!/^(query )?\{ ?viewer ?\{ ?login ?\} ?\}$/.test(query)) return { status: 200, body: { errors: [{ message: `The stand-in answers only { viewer { login } }, not: ${query}` }] } };
    return { status: 200, body: { data: { viewer: { login: USERS[who].login } } } };
  });

  // Issue comments (a pull request is an issue)
  on('GET', '/issues/{issue_number}/comments', 'issues', (req) => {
    const mine = comments.filter((c) => String(c.issueNumber) === req.params.issue_number);
    const page = paginate(req, mine, 30, 100);
    return { status: 200, body: page.items.map(commentJson), headers: page.headers };
  });
  on('POST', '/issues/{issue_number}/comments', 'issues', (req, who) => {
    const body = asObject(req.body);
    if (typeof body.body !== 'string' || !body.body) throw githubError(422, 'Validation Failed: body is required');
    if (body.body.length > 65_536) throw githubError(422, 'Validation Failed: body is too long (maximum is 65536 characters)');
    const at = iso();
    const comment: CommentState = { id: nextCommentId++, issueNumber: Number(req.params.issue_number), body: body.body, creator: who, createdAt: at, updatedAt: at };
    comments.push(comment);
    return { status: 201, body: commentJson(comment) };
  });
  on('GET', '/issues/comments/{comment_id}', 'issues', (req) => ({ status: 200, body: commentJson(findComment(req.params.comment_id!)) }));
  on('PATCH', '/issues/comments/{comment_id}', 'issues', (req) => {
    const comment = findComment(req.params.comment_id!);
    const body = asObject(req.body);
    if (typeof body.body !== 'string' || !body.body) throw githubError(422, 'Validation Failed: body is required');
    comment.body = body.body;
    comment.updatedAt = iso();
    return { status: 200, body: commentJson(comment) };
  });
  on('DELETE', '/issues/comments/{comment_id}', 'issues', (req) => {
    const comment = findComment(req.params.comment_id!);
    comments.splice(comments.indexOf(comment), 1);
    return { status: 204 };
  });

  const url = await standIn.start();

  // --- the test's view -----------------------------------------------------------------------

  const environmentView = (e: EnvironmentState): EnvironmentView => ({
    id: e.id,
    name: e.name,
    secretNames: [...e.secrets.keys()].sort(),
    variables: Object.fromEntries([...e.variables.values()].map((v) => [v.name, v.value])),
  });

  return {
    url,
    standIn,
    repository,
    tokens,
    environments: () => [...environments.values()].map(environmentView),
    environment: (name) => {
      const e = findEnvironment(name);
      return e && environmentView(e);
    },
    secretPlaintext: (environment, name) => findEnvironment(environment)?.secrets.get(name.toUpperCase())?.plaintext,
    variables: (environment) => {
      const e = findEnvironment(environment);
      return e ? environmentView(e).variables : {};
    },
    deployments: (environment) =>
      deployments
        .filter((d) => environment === undefined || d.environment.toLowerCase() === environment.toLowerCase())
        .map((d) => ({
          id: d.id,
          ref: d.ref,
          sha: d.sha,
          task: d.task,
          environment: d.environment,
          description: d.description,
          transient: d.transient,
          production: d.production,
          creator: USERS[d.creator].login,
          state: stateOf(d),
          statuses: d.statuses.map((s) => ({ id: s.id, state: s.state, description: s.description, environmentUrl: s.environmentUrl, logUrl: s.logUrl, creator: s.creator })),
        })),
    setPullRequest: (number, pull) => void pulls.set(number, { ...pull }),
    removePullRequest: (number) => void pulls.delete(number),
    comments: (issueNumber) =>
      comments.filter((c) => issueNumber === undefined || c.issueNumber === issueNumber).map((c) => ({ id: c.id, issueNumber: c.issueNumber, body: c.body, creator: USERS[c.creator].login })),
    seedEnvironment: (name, values = {}) => {
      const e = findEnvironment(name) ?? createEnvironment(name);
      const at = iso();
      for (const [key, plaintext] of Object.entries(values.secrets ?? {})) e.secrets.set(key.toUpperCase(), { name: key.toUpperCase(), plaintext, createdAt: at, updatedAt: at });
      for (const [key, value] of Object.entries(values.variables ?? {})) e.variables.set(key.toUpperCase(), { name: key.toUpperCase(), value, createdAt: at, updatedAt: at });
      return environmentView(e);
    },
    rotateKey: (environment) => {
      const e = findEnvironment(environment);
      if (!e) throw new Error(`no environment ${environment}`);
      Object.assign(e, newKeyPair());
    },
    rateLimitNext: (plan = {}) => {
      const seconds = plan.retryAfterSeconds ?? 1;
      const primary = plan.limit === 'primary';
      standIn.failNext({
        method: plan.method,
        path: plan.path ?? /./,
        status: plan.status ?? 403,
        times: plan.times ?? 1,
        headers: primary
          ? { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil((now() + seconds * 1000) / 1000)), 'x-ratelimit-resource': 'core' }
          : { 'retry-after': String(seconds), 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4990', 'x-ratelimit-resource': 'core' },
        body: {
          message: primary
            ? 'API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID.'
            : 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url: `https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#${primary ? 'about-primary-rate-limits' : 'about-secondary-rate-limits'}`,
          status: String(plan.status ?? 403),
        },
      });
    },
    stop: () => standIn.stop(),
  };
}
