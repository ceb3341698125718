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
// Per sweep listing (findManaged) of e environments: ceil(e / 100) list requests, at least 1.
import { createOctokit, type Octokit } from '../../github/octokit.js';
import { ApiError, isRateLimited403, type ApiSession, type CallOptions } from '../../http/retry.js';
import { eachLimited, started } from '../../concurrency.js';
import { allPages } from '../../http/pages.js';
import { environmentName, type CommonSettings, type GitHubSettings } from '../../inputs.js';
import { note, type Note } from '../../note.js';
import { isSecretSource, type PublishedVariable } from '../../variables.js';
import { TARGET_LABELS, type Awaitable, type BranchRef, type Link, type ManagedEntry, type PullRequestRef, type Target, type TargetReport } from '../target.js';


/** Calls in flight at once (GitHub's secondary rate limit punishes bursts of writes). */
const CONCURRENCY = 4;
/** GitHub's largest page: 30 for environment variables, 100 elsewhere. */
const VARIABLES_PER_PAGE = 30;
const PER_PAGE = 100;
const MAX_PAGES = 100;
const DESCRIPTION_MAX = 140;
/** Times a deployment is marked inactive and deleted before a 422 on its delete is a failure. */
const RETIRE_ROUNDS = 3;

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

/**
 * libsodium, loaded on first use: only a run that writes a secret needs it, and loading it (with
 * its WebAssembly) costs tens of milliseconds the other runs do not pay.
 */
let sodiumLoading: Promise<typeof import('libsodium-wrappers').default> | undefined;
function loadSodium(): Promise<typeof import('libsodium-wrappers').default> {
  sodiumLoading ??= import('libsodium-wrappers').then(async ({ default: sodium }) => {
    await sodium.ready;
    return sodium;
  });
  return sodiumLoading;
}

/** Seals `value` for GitHub with the environment's public key (libsodium sealed box, base64). */
export async function sealSecret(value: string, publicKey: Uint8Array): Promise<string> {
  const sodium = await loadSodium();
  return sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), publicKey), sodium.base64_variants.ORIGINAL);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One call under the session's policy; a 401/403/404 that needs the user's action says which. */
async function callGitHub<T>(session: ApiSession, operation: string, spec: CallSpec, send: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const { scope, notFound, ...options } = spec;
  try {
    return await session.call({ platform: 'GitHub', operation, ...options }, send);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const failure = error.failure;
    let detail: string | undefined;
    if (failure.status === 401) detail = BAD_CREDENTIALS_HELP;
    else if (failure.status === 403 && !isRateLimited403(failure)) detail = scope === 'environment' ? ENVIRONMENT_PERMISSION_HELP : DEPLOYMENT_PERMISSION_HELP;
    else if (failure.status === 404 && notFound) detail = notFound;
    if (!detail) throw error;
    throw new ApiError(error.platform, error.operation, failure, error.attempts, error.outcomeUnknown, detail);
  }
}

/**
 * Every page of a list (see `allPages`: page 1, then the rest at once), each request under the
 * session's policy: one request per page.
 */
async function listAllPages<T>(
  session: ApiSession,
  operation: string,
  scope: Scope,
  fetchPage: (page: number, signal: AbortSignal) => Promise<{ items: T[]; link?: string }>,
  notFound?: string,
): Promise<T[]> {
  return allPages(
    async (page) => (await callGitHub(session, page === 1 ? operation : `${operation} (page ${page})`, { scope, notFound }, (signal) => fetchPage(page, signal)))!,
    { maxPages: MAX_PAGES, concurrency: CONCURRENCY },
  );
}

function repositoryHelp(owner: string, repo: string): string {
  return `GitHub answers 404 when the token in \`github_token\` cannot see ${owner}/${repo}; give it access to this repository`;
}

/** Publishes to and removes one named environment (the one `github_environment` gives a PR). */
class EnvironmentTarget {
  readonly name = 'github' as const;
  readonly label = TARGET_LABELS.github;

  constructor(
    private readonly octokit: Octokit,
    private readonly session: ApiSession,
    private readonly settings: GitHubSettings,
    private readonly environment: string,
    /** The `env_vars` mapping has secrets: the public key is worth reading before the values arrive. */
    private readonly mappingHasSecrets: boolean,
  ) {}

  async publish(pr: PullRequestRef, values: Awaitable<PublishedVariable[]>, branchRef: Awaitable<BranchRef>): Promise<TargetReport> {
    const { owner, repo } = splitRepository(pr.repository);
    const env = this.environment;
    const notes: Note[] = [];

    // Reads start at once, while the values may still be on their way: the environment and, when
    // it exists, its public key (when the mapping has secrets) and what it holds. A new
    // environment holds nothing yet: no need to list it. Nothing is written before the values are there.
    const lookup = started(this.getEnvironment(owner, repo));
    const reads = started(
      lookup.then((existing) =>
        existing
          ? Promise.all([this.mappingHasSecrets ? started(this.publicKey(owner, repo)) : undefined, this.listValues(owner, repo)])
          : undefined,
      ),
    );
    const [variables, branch] = await Promise.all([values, branchRef]);
    const existing = await lookup;
    const environment = existing ?? (await this.createEnvironment(owner, repo));
    if (!existing) notes.push(note`Created environment ${env}.`);
    // The deployment is recorded while the values are written; it gets its success status once they are.
    const writing = started(this.writeValues(owner, repo, variables, reads));
    // (`written` is awaited only once the deployment exists: a failed write must not be unhandled meanwhile.)
    const recording = started(this.recordDeployment(owner, repo, pr, branch, started(writing.then(() => undefined))));
    const { notes: written, removedNames } = await writing;
    notes.push(...written, ...(await recording));

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
    await eachLimited(deployments, CONCURRENCY, (id) => this.retireDeployment(owner, repo, id));
    const notes = [deleted ? note`Deleted environment ${env} with its secrets and variables.` : note`Environment ${env} did not exist (already deleted).`];
    if (deployments.length > 0) notes.push(deployments.length === 1 ? note`Marked 1 deployment inactive and deleted it.` : note`Marked ${deployments.length} deployments inactive and deleted them.`);
    return { target: this.name, label: this.label, names, links: [], notes };
  }

  /**
   * Writes the values into the (existing) environment: every secret (GitHub never shows them), the
   * variables whose value changed, and deletes what left the mapping. `reads` has the public key
   * and what the environment holds, when it existed before this run. Returns notes and the names
   * removed.
   */
  private async writeValues(
    owner: string,
    repo: string,
    variables: PublishedVariable[],
    reads: Promise<[PublicKey | undefined, ExistingValues] | undefined>,
  ): Promise<{ notes: Note[]; removedNames: string[] }> {
    const secrets = variables.filter((v) => v.secret);
    const plain = variables.filter((v) => !v.secret);
    const read = await reads;
    const [publicKey, current] = await Promise.all([
      secrets.length === 0 ? undefined : (read?.[0] ?? this.publicKey(owner, repo)),
      read?.[1] ?? ({ secrets: [], variables: new Map() } satisfies ExistingValues),
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
    await eachLimited(tasks, CONCURRENCY, (task) => task());
    const notes: Note[] = [];
    if (unchanged > 0) notes.push(unchanged === 1 ? note`1 variable already had its value.` : note`${unchanged} variables already had their value.`);

    return { notes, removedNames };
  }

  // --- calls ---------------------------------------------------------------------------------

  private call<T>(operation: string, spec: CallSpec, send: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    return callGitHub(this.session, operation, spec, send);
  }

  /** A call whose answer is needed: it never resolves empty. */
  private async must<T>(operation: string, spec: CallSpec, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return (await this.call(operation, spec, send)) as T;
  }

  private async getEnvironment(owner: string, repo: string): Promise<{ id: number; html_url?: string } | undefined> {
    const response = await this.call(`get environment ${this.environment}`, { scope: 'environment', acceptStatus: [404] }, (signal) =>
      this.octokit.rest.repos.getEnvironment({ owner, repo, environment_name: this.environment, request: { signal } }),
    );
    return response?.data;
  }

  private async createEnvironment(owner: string, repo: string): Promise<{ id: number; html_url?: string }> {
    const { data } = await this.must(`create environment ${this.environment}`, { scope: 'environment', notFound: repositoryHelp(owner, repo) }, (signal) =>
      this.octokit.rest.repos.createOrUpdateEnvironment({ owner, repo, environment_name: this.environment, request: { signal } }),
    );
    return data;
  }

  private async publicKey(owner: string, repo: string): Promise<PublicKey> {
    const { data } = await this.must(`get public key of environment ${this.environment}`, { scope: 'environment' }, (signal) =>
      this.octokit.rest.actions.getEnvironmentPublicKey({ owner, repo, environment_name: this.environment, request: { signal } }),
    );
    const sodium = await loadSodium();
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

  private listAll<T>(operation: string, scope: Scope, fetchPage: (page: number, signal: AbortSignal) => Promise<{ items: T[]; link?: string }>): Promise<T[]> {
    return listAllPages(this.session, operation, scope, fetchPage);
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
   * A deployment of the head commit with a success status linking the Neon branch, set once
   * `written` says the values are in place; meanwhile every earlier deployment to the environment
   * is marked inactive and deleted, so exactly one stays (GitHub's auto_inactive skips transient
   * deployments). Listing after our own deployment exists makes two concurrent runs converge on
   * the newest. Returns notes.
   */
  private async recordDeployment(owner: string, repo: string, pr: PullRequestRef, branch: BranchRef, written: Promise<void>): Promise<Note[]> {
    const env = this.environment;
    const ref = pr.headSha || pr.headRef;
    if (!ref) return [note`No deployment recorded: the pull request's head commit is unknown (set ${'head_ref'}).`];
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
      if (error instanceof ApiError && (error.status === 409 || error.status === 422)) return [note`No deployment recorded: ${error.message}`];
      throw error;
    }
    const data = response.data as { id?: number; message?: string };
    if (response.status !== 201 || typeof data.id !== 'number') return [note`No deployment recorded: GitHub answered ${response.status} (${data.message ?? 'no deployment'}).`];
    const id = data.id;
    const [status, earlier] = await Promise.all([
      // 404: another run for this PR at the same time (a newer create, or a delete) already retired it.
      written.then(() =>
        this.call(`set status of deployment ${id}`, { scope: 'deployment', acceptStatus: [404] }, (signal) =>
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
        ),
      ),
      this.listDeployments(owner, repo).then(async (ids) => {
        const before = ids.filter((other) => other < id);
        await eachLimited(before, CONCURRENCY, (other) => this.retireDeployment(owner, repo, other));
        return before;
      }),
    ]);
    const short = /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref;
    if (status === undefined) return [note`Deployment ${id} of ${short} to ${env} was retired meanwhile by another run for this pull request (a newer create keeps its own).`];
    if (earlier.length === 0) return [note`Recorded deployment ${id} of ${short} to ${env}.`];
    if (earlier.length === 1) return [note`Recorded deployment ${id} of ${short} to ${env}; retired 1 earlier deployment.`];
    return [note`Recorded deployment ${id} of ${short} to ${env}; retired ${earlier.length} earlier deployments.`];
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

  /**
   * Marks a deployment inactive, then deletes it (GitHub refuses to delete an active one). When
   * the run that created it sets its success status in between (two runs for one PR at once),
   * GitHub refuses the delete with 422: it is marked inactive again and deleted again; that run
   * sets its status only once, so the second round holds.
   */
  private async retireDeployment(owner: string, repo: string, id: number): Promise<void> {
    for (let round = 1; ; round++) {
      const marked = await this.call(`mark deployment ${id} inactive`, { scope: 'deployment', acceptStatus: [404] }, (signal) =>
        this.octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'inactive', request: { signal } }),
      );
      if (marked === undefined) return;
      try {
        await this.call(`delete deployment ${id}`, { scope: 'deployment', acceptStatus: [404] }, (signal) =>
          this.octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: id, request: { signal } }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 422) || round === RETIRE_ROUNDS) throw error;
      }
    }
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

/** The github target: each pull request's environment is named from the `github_environment` template. */
class GitHubTarget implements Target {
  readonly name = 'github' as const;
  readonly label = TARGET_LABELS.github;

  constructor(
    private readonly octokit: Octokit,
    private readonly session: ApiSession,
    private readonly settings: GitHubSettings,
    private readonly mappingHasSecrets: boolean,
  ) {}

  /** The environment is named from the template: two pull requests can get one name (case aside). */
  collides(a: PullRequestRef, b: PullRequestRef): boolean {
    const name = (pr: PullRequestRef) => {
      try {
        return environmentName(this.settings.environmentTemplate, pr.number, pr.headRef).toLowerCase();
      } catch {
        return undefined;
      }
    };
    const ours = name(a);
    return ours !== undefined && ours === name(b);
  }

  private environmentOf(pr: PullRequestRef): EnvironmentTarget {
    return new EnvironmentTarget(this.octokit, this.session, this.settings, environmentName(this.settings.environmentTemplate, pr.number, pr.headRef), this.mappingHasSecrets);
  }

  publish(pr: PullRequestRef, variables: Awaitable<PublishedVariable[]>, branch: Awaitable<BranchRef>): Promise<TargetReport> {
    return this.environmentOf(pr).publish(pr, variables, branch);
  }

  remove(pr: PullRequestRef, names: string[]): Promise<TargetReport> {
    return this.environmentOf(pr).remove(pr, names);
  }

  /**
   * Sweep: the repository's environments whose names the `github_environment` template could have
   * given (see `environmentMatcher`), each with the PR number (and head, when the template has
   * `{head}`) that renders back to its name, so `remove` deletes exactly that environment. The
   * name is the only marker: an environment someone made by hand that fits the template counts as
   * the action's. A template without `{pr}` gives entries with only `headRef` (the sweep asks
   * GitHub which PR has that head); one with neither placeholder names one environment shared by
   * every PR, which belongs to no PR: nothing is returned and nothing is requested. A name that
   * fits the template in more than one way (e.g. `{head}{pr}`: is `fix12` PR 12 or PR 2?) is
   * returned without PR or head, so the sweep reports it and keeps it.
   * Requests: one per page of 100 environments.
   */
  async findManaged(repository: string): Promise<ManagedEntry[]> {
    const template = this.settings.environmentTemplate;
    const match = environmentMatcher(template);
    if (!match) return [];
    const { owner, repo } = splitRepository(repository);
    const names = await listAllPages(
      this.session,
      'list environments',
      'environment',
      async (page, signal) => {
        const { data, headers } = await this.octokit.rest.repos.getAllEnvironments({ owner, repo, per_page: PER_PAGE, page, request: { signal } });
        return { items: (data.environments ?? []).map((e) => e.name), link: headers.link };
      },
      repositoryHelp(owner, repo),
    );
    const entries: ManagedEntry[] = [];
    // An environment created or deleted between two pages shifts the rest: a name may come twice.
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      const found = match(name);
      if (!found) continue;
      if (found.ambiguous) {
        entries.push({ description: `environment ${name} (fits \`github_environment\` ${template} in more than one way, so its pull request is unknown)` });
        continue;
      }
      const entry: ManagedEntry = { description: `environment ${name}` };
      if (found.pr !== undefined) entry.pr = found.pr;
      if (found.headRef !== undefined) entry.headRef = found.headRef;
      entries.push(entry);
    }
    return entries;
  }
}

/** What an environment's name says about its pull request. */
export interface EnvironmentNameMatch {
  /** Set when the template has `{pr}`. */
  pr?: number;
  /** The sanitised head as it stands in the name; set when the template has `{head}`. */
  headRef?: string;
  /** The name fits the template in more than one way; `pr` and `headRef` are then unset. */
  ambiguous?: boolean;
}

/** `text` as a regular expression that matches exactly it. */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * `template` (`github_environment`) as an anchored, case-insensitive pattern (GitHub's environment
 * names are case-insensitive): `{pr}` a positive integer without leading zeros, `{head}` one or more
 * of the characters a sanitised head keeps (`sanitizeHead`); a placeholder used twice must repeat
 * the same text. `lazy` makes the placeholders match as little as they can instead of as much.
 */
function templatePattern(template: string, lazy: boolean): RegExp {
  const seen = new Set<string>();
  const more = lazy ? '?' : '';
  const source = template
    .split(/(\{pr\}|\{head\})/)
    .map((part) => {
      if (part !== '{pr}' && part !== '{head}') return escapeRegExp(part);
      const name = part === '{pr}' ? 'pr' : 'head';
      if (seen.has(name)) return `\\k<${name}>`;
      seen.add(name);
      return name === 'pr' ? `(?<pr>[1-9][0-9]*${more})` : `(?<head>[A-Za-z0-9._/-]+${more})`;
    })
    .join('');
  // No `u` flag: with it, `[A-Za-z]` would also match the Kelvin sign and the long s, which
  // case-fold to k and s but which sanitizeHead replaces.
  return new RegExp(`^${source}$`, 'i');
}

/**
 * A function telling whether an environment name is one `template` gives some pull request, and
 * which; undefined when the template has neither `{pr}` nor `{head}` (it names no pull request).
 *
 * A match is kept only when rendering its values with the template (`environmentName`) gives the
 * name back (case aside), so that `remove` for that PR deletes exactly this environment. The
 * pattern is built so this always holds: `{pr}` takes no leading zeros and `{head}` only
 * characters that `sanitizeHead` leaves alone, so sanitising the matched head changes nothing.
 * What sanitising cannot give back is the PR's real head branch when it had other characters
 * (`feat/a b` is named `feat/a-b`): `headRef` is then not the branch name, and a sweep that looks
 * the PR up by head (a template without `{pr}`) finds no PR, or one whose head really is `feat/a-b`.
 *
 * Ambiguity: of all the ways a name can be read, the greedy pattern gives the one whose captured
 * placeholders are longest (the first one first, then the second), the lazy pattern the shortest;
 * every reading sorts between those two (later uses of a placeholder repeat its first), so when
 * they agree the name has exactly one reading.
 */
export function environmentMatcher(template: string): ((name: string) => EnvironmentNameMatch | undefined) | undefined {
  const hasPr = template.includes('{pr}');
  const hasHead = template.includes('{head}');
  if (!hasPr && !hasHead) return undefined;
  const greedy = templatePattern(template, false);
  const lazy = templatePattern(template, true);
  return (name) => {
    const longest = greedy.exec(name)?.groups;
    if (!longest) return undefined;
    const shortest = lazy.exec(name)?.groups ?? {};
    if (longest.pr !== shortest.pr || longest.head !== shortest.head) return { ambiguous: true };
    const pr = hasPr ? Number(longest.pr) : undefined;
    // More digits than a safe integer holds do not render back (and are no pull request).
    if (pr !== undefined && !Number.isSafeInteger(pr)) return undefined;
    const headRef = hasHead ? longest.head : undefined;
    const rendered = environmentName(template, pr ?? 0, headRef ?? '');
    if (!new RegExp(`^${escapeRegExp(rendered)}$`, 'i').test(name)) return undefined;
    return { ...(pr !== undefined && { pr }), ...(headRef !== undefined && { headRef }) };
  };
}

export function createGitHubTarget(settings: CommonSettings, session: ApiSession): Target {
  const octokit = createOctokit(settings.github.token, settings.github.apiUrl);
  return new GitHubTarget(octokit, session, settings.github, settings.variables.some((v) => isSecretSource(v.source)));
}
