// GitHub: the PR's own environment (named from `github_environment`) holds the branch's values,
// the secret ones as environment secrets (sealed with the environment's public key), the others as
// environment variables. A deployment of the head commit to that environment, with a `success`
// status linking the branch in the Neon console, shows the environment on the PR page. Every call
// goes through the run's ApiSession (the one retry policy, GitHub's secondary rate limit included).
//
// Requests per publish with n secrets, m variables (k of them changed) and s stale names:
// get environment (+ create it when missing), public key, list secrets, list variables (both
// skipped for a new environment), n secret writes, k variable writes, s deletes, create deployment,
// its status, list the environment's deployments, and 2 per earlier deployment (inactive, delete).
// Per remove with d deployments: delete environment, list deployments, 2 per deployment.
import { getOctokit } from '@actions/github';
import sodium from 'libsodium-wrappers';
import { ApiError, type ApiSession, type CallOptions } from '../http/retry.js';
import type { GitHubSettings, Settings } from '../inputs.js';
import type { PublishedVariable } from '../variables.js';
import { TARGET_LABELS, type BranchRef, type Link, type PullRequestRef, type Target, type TargetReport } from './target.js';

type Octokit = ReturnType<typeof getOctokit>;

/** Calls in flight at once (GitHub's secondary rate limit punishes bursts of writes). */
const CONCURRENCY = 4;
/** GitHub's largest page: 30 for environment variables, 100 elsewhere. */
const VARIABLES_PER_PAGE = 30;
const PER_PAGE = 100;
const MAX_PAGES = 100;
const DESCRIPTION_MAX = 140;

export const ENVIRONMENT_PERMISSION_HELP =
  "The token in `github_token` may not manage environments (the workflow's default GITHUB_TOKEN never can). " +
  'Use a fine-grained personal access token or a GitHub App token with the repository permissions Administration: write and Environments: write ' +
  '(a classic personal access token needs the repo scope), store it as a secret and pass it: `github_token: ${{ secrets.NEON_PREVIEW_GITHUB_TOKEN }}`';

export const DEPLOYMENT_PERMISSION_HELP =
  'The token in `github_token` may not create deployments: a fine-grained token or GitHub App needs Deployments: write, a classic token the repo or repo_deployment scope ' +
  '(for the default GITHUB_TOKEN, add `deployments: write` to the workflow\'s `permissions`)';

const BAD_CREDENTIALS_HELP = 'The token in `github_token` is not valid (expired, revoked or mistyped)';

type Scope = 'environment' | 'deployment';

interface CallSpec extends Omit<CallOptions, 'platform' | 'operation'> {
  scope: Scope;
  /** What a 404 means for this call, when it is a failure. */
  notFound?: string;
}

interface PublicKey {
  keyId: string;
  key: Uint8Array;
}

interface ExistingValues {
  /** Secret names as GitHub lists them (upper-case). */
  secrets: string[];
  /** Variable values by name as GitHub lists them (upper-case). */
  variables: Map<string, string>;
}

/** The web host of a GitHub API URL: github.com, `<sub>.ghe.com`, or a GitHub Enterprise Server. */
export function webUrlFor(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  if (url.hostname.startsWith('api.') && url.hostname.endsWith('.ghe.com')) return `${url.protocol}//${url.hostname.slice(4)}`;
  return `${url.protocol}//${url.host}`;
}

/** Seals `value` for GitHub with the environment's public key (libsodium sealed box, base64). */
export async function sealSecret(value: string, publicKey: Uint8Array): Promise<string> {
  await sodium.ready;
  return sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), publicKey), sodium.base64_variants.ORIGINAL);
}

/** Runs `tasks`, at most `limit` at once; after a failure no new task starts, and the first failure is thrown. */
async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && !failure) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure) throw failure.error;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

class GitHubTarget implements Target {
  readonly name = 'github' as const;
  readonly label = TARGET_LABELS.github;
  private readonly environment: string;

  constructor(
    private readonly octokit: Octokit,
    private readonly session: ApiSession,
    private readonly settings: GitHubSettings,
  ) {
    this.environment = settings.environment;
  }

  async publish(pr: PullRequestRef, variables: PublishedVariable[], branch: BranchRef): Promise<TargetReport> {
    const { owner, repo } = splitRepository(pr.repository);
    const env = this.environment;
    const notes: string[] = [];

    const existing = await this.getEnvironment(owner, repo);
    const environment = existing ?? (await this.createEnvironment(owner, repo));
    if (!existing) notes.push(`Created environment ${env}.`);

    const secrets = variables.filter((v) => v.secret);
    const plain = variables.filter((v) => !v.secret);
    // A new environment holds nothing yet: no need to list it.
    const [publicKey, current] = await Promise.all([
      secrets.length > 0 ? this.publicKey(owner, repo) : Promise.resolve(undefined),
      existing ? this.listValues(owner, repo) : Promise.resolve<ExistingValues>({ secrets: [], variables: new Map() }),
    ]);

    const tasks: Array<() => Promise<void>> = [];
    let key = publicKey;
    let freshKey: Promise<PublicKey> | undefined;
    for (const secret of secrets) {
      tasks.push(async () => {
        const used = key!;
        try {
          await this.putSecret(owner, repo, secret, used);
        } catch (error) {
          // The key was rotated since we read it: read it again (once per run) and seal again.
          if (!(error instanceof ApiError) || error.status !== 422) throw error;
          freshKey ??= this.publicKey(owner, repo);
          const fresh = await freshKey;
          if (fresh.keyId === used.keyId) throw error;
          key = fresh;
          await this.putSecret(owner, repo, secret, fresh);
        }
      });
    }
    let unchanged = 0;
    for (const variable of plain) {
      const before = current.variables.get(variable.name.toUpperCase());
      if (before === variable.value) {
        unchanged++;
        continue;
      }
      tasks.push(() => this.writeVariable(owner, repo, variable, before !== undefined));
    }
    const secretNames = new Set(secrets.map((v) => v.name.toUpperCase()));
    const plainNames = new Set(plain.map((v) => v.name.toUpperCase()));
    const mapped = new Set(variables.map((v) => v.name.toUpperCase()));
    const removedNames: string[] = [];
    for (const name of current.secrets) {
      if (secretNames.has(name.toUpperCase())) continue;
      if (!mapped.has(name.toUpperCase())) removedNames.push(name);
      tasks.push(() => this.deleteSecret(owner, repo, name));
    }
    for (const name of current.variables.keys()) {
      if (plainNames.has(name.toUpperCase())) continue;
      if (!mapped.has(name.toUpperCase()) && !removedNames.includes(name)) removedNames.push(name);
      tasks.push(() => this.deleteVariable(owner, repo, name));
    }
    await runLimited(tasks, CONCURRENCY);
    if (unchanged > 0) notes.push(`${unchanged} variable${unchanged === 1 ? '' : 's'} already had ${unchanged === 1 ? 'its' : 'their'} value.`);

    notes.push(...(await this.recordDeployment(owner, repo, pr, branch)));

    const web = originOf(environment.html_url) ?? webUrlFor(this.settings.apiUrl);
    const links: Link[] = [
      { label: `Environment ${env} (settings)`, url: `${web}/${owner}/${repo}/settings/environments/${environment.id}/edit` },
      { label: `Deployments to ${env}`, url: environment.html_url ?? `${web}/${owner}/${repo}/deployments/activity_log?environments_filter=${encodeURIComponent(env)}` },
    ];
    return { target: this.name, label: this.label, names: variables.map((v) => v.name), removedNames, links, notes };
  }

  async remove(pr: PullRequestRef, names: string[]): Promise<TargetReport> {
    const { owner, repo } = splitRepository(pr.repository);
    const env = this.environment;
    // The environment first: a token that may not delete it fails before anything changed.
    const deleted = await this.call(`delete environment ${env}`, { scope: 'environment', acceptStatus: [404] }, (signal) =>
      this.octokit.rest.repos.deleteAnEnvironment({ owner, repo, environment_name: env, request: { signal } }),
    );
    const deployments = await this.listDeployments(owner, repo);
    await runLimited(
      deployments.map((id) => () => this.retireDeployment(owner, repo, id)),
      CONCURRENCY,
    );
    const notes = [deleted ? `Deleted environment ${env} with its secrets and variables.` : `Environment ${env} did not exist (already deleted).`];
    if (deployments.length > 0) notes.push(`Marked ${deployments.length} deployment${deployments.length === 1 ? '' : 's'} inactive and deleted ${deployments.length === 1 ? 'it' : 'them'}.`);
    return { target: this.name, label: this.label, names, links: [], notes };
  }

  // --- calls ---------------------------------------------------------------------------------

  /** One call under the session's policy; a 401/403/404 that needs the user's action says which. */
  private async call<T>(operation: string, spec: CallSpec, send: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const { scope, notFound, ...options } = spec;
    try {
      return await this.session.call({ platform: 'GitHub', operation, ...options }, send);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const failure = error.failure;
      const rateLimited = failure.headers['retry-after'] !== undefined || failure.headers['x-ratelimit-remaining'] === '0';
      let detail: string | undefined;
      if (failure.status === 401) detail = BAD_CREDENTIALS_HELP;
      else if (failure.status === 403 && !rateLimited) detail = scope === 'environment' ? ENVIRONMENT_PERMISSION_HELP : DEPLOYMENT_PERMISSION_HELP;
      else if (failure.status === 404 && notFound) detail = notFound;
      if (!detail) throw error;
      throw new ApiError(error.platform, error.operation, failure, error.attempts, error.outcomeUnknown, detail);
    }
  }

  /** A call whose answer is needed: it never resolves empty. */
  private async must<T>(operation: string, spec: CallSpec, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return (await this.call(operation, spec, send)) as T;
  }

  private repositoryHelp(owner: string, repo: string): string {
    return `GitHub answers 404 when the token in \`github_token\` cannot see ${owner}/${repo}; give it access to this repository`;
  }

  private async getEnvironment(owner: string, repo: string): Promise<{ id: number; html_url?: string } | undefined> {
    const response = await this.call(`get environment ${this.environment}`, { scope: 'environment', acceptStatus: [404] }, (signal) =>
      this.octokit.rest.repos.getEnvironment({ owner, repo, environment_name: this.environment, request: { signal } }),
    );
    return response?.data;
  }

  private async createEnvironment(owner: string, repo: string): Promise<{ id: number; html_url?: string }> {
    const { data } = await this.must(`create environment ${this.environment}`, { scope: 'environment', notFound: this.repositoryHelp(owner, repo) }, (signal) =>
      this.octokit.rest.repos.createOrUpdateEnvironment({ owner, repo, environment_name: this.environment, request: { signal } }),
    );
    return data;
  }

  private async publicKey(owner: string, repo: string): Promise<PublicKey> {
    const { data } = await this.must(`get public key of environment ${this.environment}`, { scope: 'environment' }, (signal) =>
      this.octokit.rest.actions.getEnvironmentPublicKey({ owner, repo, environment_name: this.environment, request: { signal } }),
    );
    await sodium.ready;
    return { keyId: data.key_id, key: sodium.from_base64(data.key, sodium.base64_variants.ORIGINAL) };
  }

  private async listValues(owner: string, repo: string): Promise<ExistingValues> {
    const env = this.environment;
    const [secrets, variables] = await Promise.all([
      this.listAll(`list secrets of environment ${env}`, 'environment', async (page, signal) => {
        const { data, headers } = await this.octokit.rest.actions.listEnvironmentSecrets({ owner, repo, environment_name: env, per_page: PER_PAGE, page, request: { signal } });
        return { items: data.secrets.map((s) => s.name), link: headers.link };
      }),
      this.listAll(`list variables of environment ${env}`, 'environment', async (page, signal) => {
        const { data, headers } = await this.octokit.rest.actions.listEnvironmentVariables({ owner, repo, environment_name: env, per_page: VARIABLES_PER_PAGE, page, request: { signal } });
        return { items: data.variables.map((v) => [v.name, v.value] as const), link: headers.link };
      }),
    ]);
    return { secrets, variables: new Map(variables) };
  }

  /** Every page of a list, following GitHub's `Link: <…>; rel="next"`. */
  private async listAll<T>(operation: string, scope: Scope, fetchPage: (page: number, signal: AbortSignal) => Promise<{ items: T[]; link?: string }>): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const result = await this.must(page === 1 ? operation : `${operation} (page ${page})`, { scope }, (signal) => fetchPage(page, signal));
      items.push(...result.items);
      if (!result.link || !/rel="next"/.test(result.link) || result.items.length === 0) break;
    }
    return items;
  }

  private async putSecret(owner: string, repo: string, secret: PublishedVariable, key: PublicKey): Promise<void> {
    const encrypted = await sealSecret(secret.value, key.key);
    await this.call(`set secret ${secret.name} in environment ${this.environment}`, { scope: 'environment' }, (signal) =>
      this.octokit.rest.actions.createOrUpdateEnvironmentSecret({
        owner,
        repo,
        environment_name: this.environment,
        secret_name: secret.name,
        encrypted_value: encrypted,
        key_id: key.keyId,
        request: { signal },
      }),
    );
  }

  /** Updates (PATCH) or creates (POST) a variable; each falls back to the other when GitHub disagrees. */
  private async writeVariable(owner: string, repo: string, variable: PublishedVariable, exists: boolean): Promise<void> {
    const env = this.environment;
    const update = (): Promise<unknown> =>
      this.call(`update variable ${variable.name} in environment ${env}`, { scope: 'environment', acceptStatus: [404] }, (signal) =>
        this.octokit.rest.actions.updateEnvironmentVariable({ owner, repo, environment_name: env, name: variable.name, value: variable.value, request: { signal } }),
      );
    const create = (): Promise<unknown> =>
      this.call(`create variable ${variable.name} in environment ${env}`, { scope: 'environment', acceptStatus: [409] }, (signal) =>
        this.octokit.rest.actions.createEnvironmentVariable({ owner, repo, environment_name: env, name: variable.name, value: variable.value, request: { signal } }),
      );
    for (let attempt = 0; attempt < 3; attempt++) {
      // undefined: 404 on update (gone since the listing) or 409 on create (made meanwhile).
      if ((exists ? await update() : await create()) !== undefined) return;
      exists = !exists;
    }
    throw new Error(`GitHub: variable ${variable.name} in environment ${env} kept changing between existing and missing; run again`);
  }

  private async deleteSecret(owner: string, repo: string, name: string): Promise<void> {
    await this.call(`delete secret ${name} from environment ${this.environment}`, { scope: 'environment', acceptStatus: [404] }, (signal) =>
      this.octokit.rest.actions.deleteEnvironmentSecret({ owner, repo, environment_name: this.environment, secret_name: name, request: { signal } }),
    );
  }

  private async deleteVariable(owner: string, repo: string, name: string): Promise<void> {
    await this.call(`delete variable ${name} from environment ${this.environment}`, { scope: 'environment', acceptStatus: [404] }, (signal) =>
      this.octokit.rest.actions.deleteEnvironmentVariable({ owner, repo, environment_name: this.environment, name, request: { signal } }),
    );
  }

  /**
   * A deployment of the head commit with a success status linking the Neon branch; then every
   * earlier deployment to the environment is marked inactive and deleted, so exactly one stays
   * (GitHub's auto_inactive skips transient deployments). Listing after our own deployment exists
   * makes two concurrent runs converge on the newest. Returns notes.
   */
  private async recordDeployment(owner: string, repo: string, pr: PullRequestRef, branch: BranchRef): Promise<string[]> {
    const env = this.environment;
    const ref = pr.headSha || pr.headRef;
    if (!ref) return [`No deployment recorded: the pull request's head commit is unknown (set \`head_ref\`).`];
    let response;
    try {
      // A repeated create is harmless: the extra deployment is older than ours and retired below.
      response = await this.must(`create deployment to ${env}`, { scope: 'deployment' }, (signal) =>
        this.octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref,
          environment: env,
          transient_environment: true,
          production_environment: false,
          auto_merge: false,
          required_contexts: [],
          description: truncate(`Neon branch ${branch.name}`, DESCRIPTION_MAX),
          request: { signal },
        }),
      );
    } catch (error) {
      // The values are in place; a ref GitHub cannot deploy only costs the PR page its link.
      if (error instanceof ApiError && (error.status === 409 || error.status === 422)) return [`No deployment recorded: ${error.message}`];
      throw error;
    }
    const data = response.data as { id?: number; message?: string };
    if (response.status !== 201 || typeof data.id !== 'number') return [`No deployment recorded: GitHub answered ${response.status}${data.message ? ` (${data.message})` : ''}.`];
    const id = data.id;
    await this.call(`set status of deployment ${id}`, { scope: 'deployment' }, (signal) =>
      this.octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: 'success',
        environment_url: branch.consoleUrl,
        description: truncate(`Neon branch ${branch.name}`, DESCRIPTION_MAX),
        auto_inactive: true,
        request: { signal },
      }),
    );
    const earlier = (await this.listDeployments(owner, repo)).filter((other) => other < id);
    await runLimited(
      earlier.map((other) => () => this.retireDeployment(owner, repo, other)),
      CONCURRENCY,
    );
    const short = /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref;
    return [`Recorded deployment ${id} of ${short} to ${env}${earlier.length ? `; retired ${earlier.length} earlier deployment${earlier.length === 1 ? '' : 's'}` : ''}.`];
  }

  /** Ids of the environment's deployments, oldest first. */
  private async listDeployments(owner: string, repo: string): Promise<number[]> {
    const env = this.environment;
    const ids = await this.listAll(`list deployments to ${env}`, 'deployment', async (page, signal) => {
      const { data, headers } = await this.octokit.rest.repos.listDeployments({ owner, repo, environment: env, per_page: PER_PAGE, page, request: { signal } });
      return { items: data.map((d) => d.id), link: headers.link };
    });
    return [...new Set(ids)].sort((a, b) => a - b);
  }

  /** Marks a deployment inactive, then deletes it (GitHub refuses to delete an active one). */
  private async retireDeployment(owner: string, repo: string, id: number): Promise<void> {
    const marked = await this.call(`mark deployment ${id} inactive`, { scope: 'deployment', acceptStatus: [404] }, (signal) =>
      this.octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'inactive', request: { signal } }),
    );
    if (marked === undefined) return;
    await this.call(`delete deployment ${id}`, { scope: 'deployment', acceptStatus: [404] }, (signal) =>
      this.octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: id, request: { signal } }),
    );
  }
}

function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) throw new Error(`GitHub: "${repository}" is not an owner/repo repository name`);
  return { owner, repo };
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The `github` target: the PR's GitHub environment. */
export function createGitHubTarget(settings: Settings, session: ApiSession): Target {
  // No client-side timeout or retries: each attempt's limit and every retry come from the session.
  const octokit = getOctokit(settings.github.token, { baseUrl: settings.github.apiUrl, userAgent: 'neon-preview' });
  return new GitHubTarget(octokit, session, settings.github);
}
