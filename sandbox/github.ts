// A stateful stand-in for the parts of GitHub's REST API the action uses: one repository with
// environments (their secrets, variables and public keys), deployments with statuses, and issue
// comments, served over HTTP on 127.0.0.1 through the common StandIn machinery (latency, faults,
// request log, check of every request against GitHub's published OpenAPI description).
//
// Point Octokit at it with `getOctokit(token, { baseUrl: gh.url })`. Paths are served at the root,
// as on api.github.com (`basePath: '/api/v3'` serves them as GitHub Enterprise Server does).
//
// What it models, as GitHub documents or answers it:
// - Tokens with fine-grained repository permissions (see github/permissions.ts for the table of
//   what each served endpoint requires, with its source). A request without the permission answers
//   403 "Resource not accessible by personal access token" (a fine-grained PAT) or "… by integration"
//   (a GitHub App installation token such as the workflow's GITHUB_TOKEN), the wordings GitHub
//   sends (e.g. RoamJS/roamjs-components#31, taiki-e/create-gh-release-action#13). Every answer to a
//   repository request carries `x-accepted-github-permissions`, the permission sets the endpoint
//   accepts (GitHub changelog 2023-08-10; docs "Permissions required for fine-grained personal
//   access tokens"). Built-in tokens: `tokens.actions` (GITHUB_TOKEN: no Actions, Administration or
//   Environments permission, so environments answer 403), `tokens.admin` (every permission),
//   `tokens.user` (a person's PAT, like `actions`), `tokens.readonly` (a fork PR's token, read only),
//   `tokens.outsider` (not granted the repository); `addToken()` adds others. Unknown → 401.
// - A token that cannot see the repository gets 404 "Not Found" for every /repos/{owner}/{repo}
//   request, never 403: "since we don't want to provide any information about private
//   repositories, the API returns a 404 error instead" (docs, REST API troubleshooting, "404 error
//   for an existing repository"); the body points at get-a-repository whatever the endpoint
//   (cli/cli#13350). GitHub would still answer a public repository's public reads; the stand-in
//   answers 404 there too (undocumented per endpoint; the reading harder on a client).
// - Environments on a private repository need GitHub Pro, Team or Enterprise ("Using environments
//   for deployment"; REST "deployment environments" page). On Free, every environment request
//   (environments, their secrets and variables) answers 403 "Upgrade to GitHub Pro or make this
//   repository public to enable this feature." GitHub documents no answer for environments; that
//   status and wording are what it sends for branch protection on a Free private repository
//   (ossf/allstar#37, iterative/cml#1229), and a 403 a client may take for a missing permission is
//   the reading harder on it. A deployment there records its environment name but creates none.
// - `GET /repos/{owner}/{repo}` answers the repository (full_name, private, visibility,
//   default_branch, permissions of the token's user). Pull requests (`setPullRequest`) are served
//   one by one and as a list filtered by state and head.
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
import { githubDescriptionCheck } from './github/description.js';
import { acceptedHeader, allows, ALL_WRITE, requirementOf, type PermissionSet, type Requirement } from './github/permissions.js';
import type { DeploymentState, EnvironmentView, GitHubStandIn, GitHubStandInOptions, PullRequestInit, TokenInit } from './github/types.js';
import { bearerToken, HttpError, StandIn, type StandInRequest, type StandInResponse } from './server.js';

export { servedDescription } from './github/description.js';
export type { Access, PermissionSet, RepositoryPermission } from './github/permissions.js';
export type * from './github/types.js';

// ---------------------------------------------------------------------------------------------
// State

/** The user (or bot) a token acts as. */
interface Actor {
  login: string;
  id: number;
  type: 'User' | 'Bot';
  /** Its role on the repository, for `permissions` and `author_association`. */
  role: 'admin' | 'write' | 'read' | 'none';
}

interface TokenRecord {
  actor: Actor;
  type: 'personal' | 'installation';
  permissions: PermissionSet;
  repositoryAccess: boolean;
}

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
  creator: Actor;
  createdAt: string;
  updatedAt: string;
  statuses: StatusState[];
}

interface CommentState {
  id: number;
  issueNumber: number;
  body: string;
  creator: Actor;
  createdAt: string;
  updatedAt: string;
}

const BOT: Omit<Actor, 'role'> = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
/** What the workflow's GITHUB_TOKEN holds here: a `permissions:` block without actions (so no environment list). */
const WORKFLOW_PERMISSIONS: PermissionSet = { contents: 'read', deployments: 'write', issues: 'write', pull_requests: 'write', metadata: 'read' };
/** A fork pull request's GITHUB_TOKEN: read only (docs, "Automatic token authentication"). */
const FORK_PERMISSIONS: PermissionSet = { contents: 'read', deployments: 'read', issues: 'read', pull_requests: 'read', metadata: 'read' };

function userJson(actor: Actor): Record<string, unknown> {
  return { login: actor.login, id: actor.id, type: actor.type };
}

const DOCS = 'https://docs.github.com/rest';
const NAME_RULE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ACTIVE_STATES = new Set<DeploymentState | 'none'>(['success', 'pending', 'queued', 'in_progress', 'none']);
const STATES: DeploymentState[] = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

function githubError(status: number, message: string, documentationUrl = DOCS, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, { message, documentation_url: documentationUrl, status: String(status) }, headers);
}

function asObject(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------
// The stand-in

export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  await sodium.ready;
  const repository = options.repository ?? 'octo-org/preview-app';
  const [owner = 'octo-org', repoName = 'preview-app'] = repository.split('/');
  const repositoryPrivate = options.repositoryPrivate ?? false;
  const plan = options.plan ?? 'free';
  const defaultBranch = options.defaultBranch ?? 'main';
  const tokens = {
    actions: options.actionsToken ?? 'ghs_actions_stand_in_token',
    admin: options.adminToken ?? 'github_pat_stand_in_admin_token',
    user: options.userToken ?? 'github_pat_stand_in_user_token',
    readonly: options.readOnlyToken ?? 'ghs_read_only_fork_token',
    outsider: options.outsiderToken ?? 'github_pat_stand_in_outsider_token',
  };
  const known = new Map<string, TokenRecord>([
    [tokens.admin, { actor: { login: 'preview-admin', id: 583231, type: 'User', role: 'admin' }, type: 'personal', permissions: ALL_WRITE, repositoryAccess: true }],
    [tokens.actions, { actor: { ...BOT, role: 'write' }, type: 'installation', permissions: WORKFLOW_PERMISSIONS, repositoryAccess: true }],
    [tokens.user, { actor: { login: 'octocat', id: 583232, type: 'User', role: 'write' }, type: 'personal', permissions: WORKFLOW_PERMISSIONS, repositoryAccess: true }],
    [tokens.readonly, { actor: { ...BOT, role: 'read' }, type: 'installation', permissions: FORK_PERMISSIONS, repositoryAccess: true }],
    [tokens.outsider, { actor: { login: 'octo-outsider', id: 583239, type: 'User', role: 'none' }, type: 'personal', permissions: {}, repositoryAccess: false }],
  ]);
  let nextUserId = 600_000;
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
  const pulls = new Map<number, PullRequestInit>();
  let nextEnvironmentId = 161_088_000;
  let nextKeyId = 568_250_167_242_549;
  let nextDeploymentId = 1_000;
  let nextStatusId = 5_000;
  let nextCommentId = 9_000;

  const apiUrl = (): string => standIn.url;
  const repoApi = (): string => `${apiUrl()}/repos/${repository}`;

  // --- helpers -------------------------------------------------------------------------------

  function authenticate(req: StandInRequest): TokenRecord {
    const token = bearerToken(req.headers);
    if (!token) throw githubError(401, 'Requires authentication');
    return (
      known.get(token) ??
      (() => {
        throw githubError(401, 'Bad credentials');
      })()
    );
  }

  /** Environments need a paid plan on a private repository (docs, "Using environments for deployment"). */
  const environmentsAvailable = (): boolean => !repositoryPrivate || plan !== 'free';

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
      creator: userJson(d.creator),
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
      user: userJson(c.creator),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.creator.role === 'admin' ? 'OWNER' : 'NONE',
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

  /**
   * Serves `sub` under /repos/{owner}/{repo}: the token must see the repository (else 404) and hold
   * one of the permissions the endpoint accepts (else 403); every answer carries the accepted sets.
   */
  const on = (method: string, sub: string, handler: (req: StandInRequest, token: TokenRecord) => StandInResponse): void => {
    const requirement: Requirement = requirementOf(method, sub);
    const accepted = { 'x-accepted-github-permissions': acceptedHeader(requirement) };
    standIn.route(method, `/repos/{owner}/{repo}${sub}`, (req) => {
      const token = authenticate(req);
      const named = `${req.params.owner}/${req.params.repo}`.toLowerCase() === repository.toLowerCase();
      if (!named || !token.repositoryAccess) throw githubError(404, 'Not Found', `${DOCS}/repos/repos#get-a-repository`);
      if (!allows(token.permissions, requirement)) {
        const message = token.type === 'personal' ? 'Resource not accessible by personal access token' : 'Resource not accessible by integration';
        throw githubError(403, message, requirement.documentationUrl, accepted);
      }
      if (sub.startsWith('/environments') && !environmentsAvailable()) {
        throw githubError(403, 'Upgrade to GitHub Pro or make this repository public to enable this feature.', requirement.documentationUrl, accepted);
      }
      try {
        const response = handler(req, token);
        return { ...response, headers: { ...response.headers, ...accepted } };
      } catch (error) {
        if (error instanceof HttpError) throw new HttpError(error.status, error.body, { ...error.headers, ...accepted });
        throw error;
      }
    });
  };

  // The repository
  on('GET', '', (_req, token) => {
    const role = token.actor.role;
    const permissions = { admin: role === 'admin', maintain: role === 'admin', push: role === 'admin' || role === 'write', triage: role !== 'none' && role !== 'read', pull: role !== 'none' };
    const ownerJson = { login: owner, id: 9_919_000, type: 'Organization', url: `${apiUrl()}/users/${owner}`, html_url: `${webUrl}/${owner}` };
    return {
      status: 200,
      body: {
        id: 70_000_000,
        node_id: Buffer.from(`Repository${repository}`).toString('base64'),
        name: repoName,
        full_name: repository,
        private: repositoryPrivate,
        visibility: repositoryPrivate ? 'private' : 'public',
        owner: ownerJson,
        html_url: `${webUrl}/${repository}`,
        description: null,
        fork: false,
        url: repoApi(),
        default_branch: defaultBranch,
        archived: false,
        disabled: false,
        permissions,
        created_at: '2024-01-01T00:00:00Z',
        updated_at: iso(),
        pushed_at: iso(),
      },
    };
  });

  // Environments
  on('GET', '/environments', (req) => {
    const all = [...environments.values()].sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(req, all, 30, 100);
    return { status: 200, body: { total_count: all.length, environments: page.items.map(environmentJson) }, headers: page.headers };
  });
  on('GET', '/environments/{environment_name}', (req) => ({ status: 200, body: environmentJson(requireEnvironment(req.params.environment_name!)) }));
  on('PUT', '/environments/{environment_name}', (req) => {
    const existing = findEnvironment(req.params.environment_name!);
    if (existing) existing.updatedAt = iso();
    return { status: 200, body: environmentJson(existing ?? createEnvironment(req.params.environment_name!)) };
  });
  on('DELETE', '/environments/{environment_name}', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    environments.delete(environment.name.toLowerCase());
    return { status: 204 };
  });

  // Environment secrets (the public key route first: `public-key` would match `{secret_name}`)
  on('GET', '/environments/{environment_name}/secrets/public-key', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    return { status: 200, body: { key_id: environment.keyId, key: sodium.to_base64(environment.publicKey, sodium.base64_variants.ORIGINAL) } };
  });
  on('GET', '/environments/{environment_name}/secrets', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    const all = [...environment.secrets.values()].sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(req, all, 30, 100);
    return { status: 200, body: { total_count: all.length, secrets: page.items.map((s) => ({ name: s.name, created_at: s.createdAt, updated_at: s.updatedAt })) }, headers: page.headers };
  });
  on('GET', '/environments/{environment_name}/secrets/{secret_name}', (req) => {
    const secret = requireEnvironment(req.params.environment_name!).secrets.get(req.params.secret_name!.toUpperCase());
    if (!secret) throw githubError(404, 'Not Found');
    return { status: 200, body: { name: secret.name, created_at: secret.createdAt, updated_at: secret.updatedAt } };
  });
  on('PUT', '/environments/{environment_name}/secrets/{secret_name}', (req) => {
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
  on('DELETE', '/environments/{environment_name}/secrets/{secret_name}', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    if (!environment.secrets.delete(req.params.secret_name!.toUpperCase())) throw githubError(404, 'Not Found');
    return { status: 204 };
  });

  // Environment variables
  on('GET', '/environments/{environment_name}/variables', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    const all = [...environment.variables.values()].sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(req, all, 10, 30);
    return {
      status: 200,
      body: { total_count: all.length, variables: page.items.map((v) => ({ name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt })) },
      headers: page.headers,
    };
  });
  on('POST', '/environments/{environment_name}/variables', (req) => {
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
  on('GET', '/environments/{environment_name}/variables/{name}', (req) => {
    const variable = requireEnvironment(req.params.environment_name!).variables.get(req.params.name!.toUpperCase());
    if (!variable) throw githubError(404, 'Not Found');
    return { status: 200, body: { name: variable.name, value: variable.value, created_at: variable.createdAt, updated_at: variable.updatedAt } };
  });
  on('PATCH', '/environments/{environment_name}/variables/{name}', (req) => {
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
  on('DELETE', '/environments/{environment_name}/variables/{name}', (req) => {
    const environment = requireEnvironment(req.params.environment_name!);
    if (!environment.variables.delete(req.params.name!.toUpperCase())) throw githubError(404, 'Not Found');
    return { status: 204 };
  });

  // Deployments
  on('GET', '/deployments', (req) => {
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
  on('POST', '/deployments', (req, token) => {
    const body = asObject(req.body);
    if (typeof body.ref !== 'string' || !body.ref) throw githubError(422, 'Invalid request: ref is required');
    const ref = body.ref;
    if (body.auto_merge !== false) return { status: 202, body: { message: `Auto-merged main into ${ref} on deployment.` } };
    if (!Array.isArray(body.required_contexts)) throw githubError(409, `Conflict: Commit status checks failed for ${ref}.`, `${DOCS}/deployments/deployments#create-a-deployment`);
    const environment = typeof body.environment === 'string' && body.environment ? body.environment : 'production';
    // Without environments (a Free private repository) the deployment keeps the name only.
    const known = findEnvironment(environment) ?? (environmentsAvailable() ? createEnvironment(environment) : { name: environment });
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
      creator: token.actor,
      createdAt: at,
      updatedAt: at,
      statuses: [],
    };
    deployments.push(deployment);
    return { status: 201, body: deploymentJson(deployment) };
  });
  on('GET', '/deployments/{deployment_id}', (req) => ({ status: 200, body: deploymentJson(findDeployment(req.params.deployment_id!)) }));
  on('DELETE', '/deployments/{deployment_id}', (req) => {
    const deployment = findDeployment(req.params.deployment_id!);
    if (ACTIVE_STATES.has(stateOf(deployment)) && deployments.length > 1) {
      throw githubError(
        422,
        'We cannot delete an active deployment unless it is the only deployment in the repository. Mark it inactive first.',
        `${DOCS}/deployments/deployments#delete-a-deployment`,
      );
    }
    deployments.splice(deployments.indexOf(deployment), 1);
    return { status: 204 };
  });
  on('GET', '/deployments/{deployment_id}/statuses', (req) => {
    const deployment = findDeployment(req.params.deployment_id!);
    const page = paginate(req, [...deployment.statuses].reverse(), 30, 100);
    return { status: 200, body: page.items.map((s) => statusJson(deployment, s)), headers: page.headers };
  });
  on('POST', '/deployments/{deployment_id}/statuses', (req, token) => {
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
      creator: token.actor.login,
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

  // Pull requests: read by the sweep (Pull requests: read; one PR also with Contents: read).
  const pullJson = (number: number, pull: PullRequestInit): Record<string, unknown> => {
    const headRepository = pull.headRepository ?? repository;
    const [headOwner] = headRepository.split('/');
    const baseRef = pull.baseRef ?? defaultBranch;
    const closedAt = pull.state === 'closed' ? iso() : null;
    const repo = (fullName: string) => ({ full_name: fullName, name: fullName.split('/')[1], fork: fullName.toLowerCase() !== repository.toLowerCase(), url: `${apiUrl()}/repos/${fullName}` });
    return {
      url: `${repoApi()}/pulls/${number}`,
      id: 70_000 + number,
      number,
      state: pull.state,
      title: `Pull request ${number}`,
      html_url: `${webUrl}/${repository}/pull/${number}`,
      user: { login: pull.author ?? 'octocat', type: /\[bot\]$/.test(pull.author ?? '') ? 'Bot' : 'User' },
      draft: false,
      merged: pull.merged ?? false,
      merged_at: pull.merged ? closedAt : null,
      closed_at: closedAt,
      head: { ref: pull.headRef, label: `${headOwner}:${pull.headRef}`, sha: pull.headSha ?? 'a'.repeat(40), repo: repo(headRepository) },
      base: { ref: baseRef, label: `${owner}:${baseRef}`, sha: 'b'.repeat(40), repo: repo(repository) },
    };
  };
  on('GET', '/pulls/{pull_number}', (req) => {
    const number = Number(req.params.pull_number);
    const pull = pulls.get(number);
    if (!pull) throw githubError(404, 'Not Found', `${DOCS}/pulls/pulls#get-a-pull-request`);
    return { status: 200, body: pullJson(number, pull) };
  });
  on('GET', '/pulls', (req) => {
    const state = req.query.state ?? 'open';
    const head = req.query.head;
    const matching = [...pulls.entries()]
      .filter(([, p]) => state === 'all' || p.state === state)
      .filter(([, p]) => !head || `${(p.headRepository ?? repository).split('/')[0]}:${p.headRef}` === head)
      .sort(([a], [b]) => b - a)
      .map(([n, p]) => pullJson(n, p));
    const page = paginate(req, matching, 30, 100);
    return { status: 200, body: page.items, headers: page.headers };
  });

  // GraphQL: only the query the action makes, `query { viewer { login } }`, answered for the
  // token's own identity (installation tokens such as GITHUB_TOKEN included).
  standIn.route('POST', '/graphql', (req) => {
    const token = authenticate(req);
    const query = String(asObject(req.body).query ?? '')
      .replace(/\s+/g, ' ')
      .trim();
    if (!/^(query )?\{ ?viewer ?\{ ?login ?\} ?\}$/.test(query)) return { status: 200, body: { errors: [{ message: `The stand-in answers only { viewer { login } }, not: ${query}` }] } };
    return { status: 200, body: { data: { viewer: { login: token.actor.login } } } };
  });

  // Issue comments (a pull request is an issue)
  on('GET', '/issues/{issue_number}/comments', (req) => {
    const mine = comments.filter((c) => String(c.issueNumber) === req.params.issue_number);
    const page = paginate(req, mine, 30, 100);
    return { status: 200, body: page.items.map(commentJson), headers: page.headers };
  });
  on('POST', '/issues/{issue_number}/comments', (req, token) => {
    const body = asObject(req.body);
    if (typeof body.body !== 'string' || !body.body) throw githubError(422, 'Validation Failed: body is required');
    if (body.body.length > 65_536) throw githubError(422, 'Validation Failed: body is too long (maximum is 65536 characters)');
    const at = iso();
    const comment: CommentState = { id: nextCommentId++, issueNumber: Number(req.params.issue_number), body: body.body, creator: token.actor, createdAt: at, updatedAt: at };
    comments.push(comment);
    return { status: 201, body: commentJson(comment) };
  });
  on('GET', '/issues/comments/{comment_id}', (req) => ({ status: 200, body: commentJson(findComment(req.params.comment_id!)) }));
  on('PATCH', '/issues/comments/{comment_id}', (req) => {
    const comment = findComment(req.params.comment_id!);
    const body = asObject(req.body);
    if (typeof body.body !== 'string' || !body.body) throw githubError(422, 'Validation Failed: body is required');
    comment.body = body.body;
    comment.updatedAt = iso();
    return { status: 200, body: commentJson(comment) };
  });
  on('DELETE', '/issues/comments/{comment_id}', (req) => {
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
          creator: d.creator.login,
          state: stateOf(d),
          statuses: d.statuses.map((s) => ({ id: s.id, state: s.state, description: s.description, environmentUrl: s.environmentUrl, logUrl: s.logUrl, creator: s.creator })),
        })),
    setPullRequest: (number, pull) => void pulls.set(number, { ...pull }),
    addToken: (token, init: TokenInit) => {
      if (known.has(token)) throw new Error(`addToken: ${token} is already a token`);
      const login = init.login ?? `token-user-${nextUserId}`;
      const installation = init.type ? init.type === 'installation' : token.startsWith('ghs_');
      const repositoryAccess = init.repositoryAccess ?? true;
      // Every token granted a repository holds Metadata: read (docs, fine-grained permissions).
      const permissions: PermissionSet = repositoryAccess ? { metadata: 'read', ...init.permissions } : {};
      const role = !repositoryAccess ? 'none' : permissions.administration === 'write' ? 'admin' : Object.values(permissions).includes('write') ? 'write' : 'read';
      known.set(token, {
        actor: { login, id: nextUserId++, type: installation || /\[bot\]$/.test(login) ? 'Bot' : 'User', role },
        type: installation ? 'installation' : 'personal',
        permissions,
        repositoryAccess,
      });
    },
    removePullRequest: (number) => void pulls.delete(number),
    comments: (issueNumber) =>
      comments.filter((c) => issueNumber === undefined || c.issueNumber === issueNumber).map((c) => ({ id: c.id, issueNumber: c.issueNumber, body: c.body, creator: c.creator.login })),
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
