// GitHub: the PR's own environment (named from `github_environment`) holds the branch's values,
// the secret ones as environment secrets (sealed with the environment's public key), the others as
// environment variables. A deployment of the head commit to that environment, with a `success`
// status linking the branch in the Neon console, shows the environment on the PR page.
//
// Requests per publish with n secrets, m variables (k of them changed) and s stale names:
// prepare: get environment, and when it exists its public key (when the mapping has secrets), list
// secrets, list variables; publish: create the environment when it was missing (+ its public key),
// n secret writes, k variable writes, s deletes, create deployment, its status, list the
// environment's deployments, and 2 per earlier deployment (inactive, delete).
// Per remove with d deployments: list deployments, 2 per deployment, delete environment.
// Per sweep listing (findManaged) of e environments: ceil(e / 100) list requests, at least 1.
import type { Octokit } from '../../github/octokit.js';
import type { ApiSession } from '../../http/retry.js';
import { started } from '../../concurrency.js';
import { note, type Note } from '../../note.js';
import type { PublishedVariable } from '../../variables.js';
import type { BranchRef, Link, Managed, PullRequestRef, Target, TargetReport } from '../target.js';
import { GitHubApi, repositoryHelp, splitRepository, type Place } from './calls.js';
import { listDeployments, recordDeployment, retireDeployments } from './deployments.js';
import { environmentName, github, type GitHubEnvironmentSettings } from './index.js';
import { managedEntries } from './names.js';
import { listValues, readPublicKey, writeValues, type ExistingValues, type PublicKey } from './values.js';

const PER_PAGE = 100;

interface Environment {
  id: number;
  html_url?: string;
}

/** What `prepare` read: the environment as the run started, and when it existed, what it holds. */
export interface PreparedEnvironment {
  environment?: Environment;
  publicKey?: PublicKey;
  existing?: ExistingValues;
}

/** The web host of a GitHub API URL: github.com, `<sub>.ghe.com`, or a GitHub Enterprise Server. */
export function webUrlFor(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  if (url.hostname.startsWith('api.') && url.hostname.endsWith('.ghe.com')) return `${url.protocol}//${url.hostname.slice(4)}`;
  return `${url.protocol}//${url.host}`;
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
export class GitHubTarget implements Target<PreparedEnvironment> {
  readonly name = github.name;
  readonly label = github.label;
  readonly platform = github.platform;
  private readonly api: GitHubApi;

  constructor(
    octokit: Octokit,
    session: ApiSession,
    private readonly settings: GitHubEnvironmentSettings,
    /** GITHUB_API_URL: the web host of the links when GitHub's answer names none. */
    private readonly apiUrl: string,
  ) {
    this.api = new GitHubApi(octokit, session);
  }

  private environmentOf(pr: PullRequestRef): string {
    return environmentName(this.settings.environmentTemplate, pr.number, pr.headRef);
  }

  private placeOf(pr: PullRequestRef): Place {
    return { ...splitRepository(pr.repository), environment: this.environmentOf(pr) };
  }

  /** The environment and, when it exists, its public key (when the mapping has secrets) and what it holds. Writes nothing. */
  async prepare(pr: PullRequestRef): Promise<PreparedEnvironment> {
    const at = this.placeOf(pr);
    const { owner, repo, environment: env } = at;
    const response = await this.api.call(
      at,
      'get environment',
      `get environment ${env}`,
      (signal) => this.api.octokit.rest.repos.getEnvironment({ owner, repo, environment_name: env, request: { signal } }),
      { acceptStatus: [404] },
    );
    const environment = response?.data;
    // A new environment holds nothing: no need to list it.
    if (!environment) return {};
    const [publicKey, existing] = await Promise.all([this.settings.mappingHasSecrets ? readPublicKey(this.api, at) : undefined, listValues(this.api, at)]);
    return { environment, publicKey, existing };
  }

  async publish(prepared: PreparedEnvironment, pr: PullRequestRef, variables: PublishedVariable[], branch: BranchRef): Promise<TargetReport> {
    const at = this.placeOf(pr);
    const { owner, repo, environment: env } = at;
    const notes: Note[] = [];
    let environment = prepared.environment;
    if (!environment) {
      environment = (
        await this.api.must(
          at,
          'create environment',
          `create environment ${env}`,
          (signal) => this.api.octokit.rest.repos.createOrUpdateEnvironment({ owner, repo, environment_name: env, request: { signal } }),
          { notFound: repositoryHelp(owner, repo) },
        )
      ).data;
      notes.push(note`Created environment ${env}.`);
    }
    // The deployment is recorded while the values are written; it gets its success status once they are.
    const writing = started(writeValues(this.api, at, variables, prepared));
    const recording = started(recordDeployment(this.api, at, pr, branch, started(writing.then(() => undefined))));
    const { notes: written, removedNames } = await writing;
    notes.push(...written, ...(await recording));

    const web = originOf(environment.html_url) ?? webUrlFor(this.apiUrl);
    const links: Link[] = [
      { label: `Environment ${env} (settings)`, url: `${web}/${owner}/${repo}/settings/environments/${environment.id}/edit` },
      { label: `Deployments to ${env}`, url: environment.html_url ?? `${web}/${owner}/${repo}/deployments/activity_log?environments_filter=${encodeURIComponent(env)}` },
    ];
    return { target: this.name, label: this.label, names: variables.map((v) => v.name), removedNames, links, notes };
  }

  async remove(pr: PullRequestRef, names: string[]): Promise<TargetReport> {
    const at = this.placeOf(pr);
    const { owner, repo, environment: env } = at;
    // The deployments first: the environment is what the sweep finds a pull request's things by,
    // so it goes last (a run that fails before then leaves it for a re-run or the sweep).
    const deployments = await listDeployments(this.api, at);
    await retireDeployments(this.api, at, deployments);
    const deleted = await this.api.call(
      at,
      'delete environment',
      `delete environment ${env}`,
      (signal) => this.api.octokit.rest.repos.deleteAnEnvironment({ owner, repo, environment_name: env, request: { signal } }),
      { acceptStatus: [404] },
    );
    const notes = [deleted ? note`Deleted environment ${env} with its secrets and variables.` : note`Environment ${env} did not exist (already deleted).`];
    if (deployments.length > 0) notes.push(deployments.length === 1 ? note`Marked 1 deployment inactive and deleted it.` : note`Marked ${deployments.length} deployments inactive and deleted them.`);
    // An environment that did not exist held none of the names.
    return { target: this.name, label: this.label, names: deleted ? names : [], links: [], notes };
  }

  /**
   * Sweep: the repository's environments whose names the template could have given (see
   * `managedEntries`). A template with neither placeholder names one environment shared by every
   * PR, which belongs to no PR: nothing is returned and nothing is requested. One request per page
   * of 100 environments.
   */
  async findManaged(repository: string): Promise<Managed> {
    const template = this.settings.environmentTemplate;
    if (!template.includes('{pr}') && !template.includes('{head}')) return { entries: [] };
    const at = splitRepository(repository);
    const { owner, repo } = at;
    const names = await this.api.list(
      at,
      'list environments',
      'list environments',
      async (page, signal) => {
        const { data, headers } = await this.api.octokit.rest.repos.getAllEnvironments({ owner, repo, per_page: PER_PAGE, page, request: { signal } });
        return { items: (data.environments ?? []).map((e) => e.name), link: headers.link };
      },
      { notFound: repositoryHelp(owner, repo) },
    );
    return { entries: managedEntries(template, names) };
  }
}
