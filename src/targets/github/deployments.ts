// The deployment that shows the environment on the pull request: one of the head commit, with a
// `success` status linking the Neon branch; every earlier one to the environment is marked
// inactive and deleted, so exactly one stays (GitHub's auto_inactive skips transient deployments).
// Two runs for one pull request at once converge on the newer deployment.
import { eachLimited } from '../../concurrency.js';
import { ApiError } from '../../http/failure.js';
import { note, type Note } from '../../note.js';
import type { BranchRef, PullRequestRef } from '../target.js';
import { CONCURRENCY, type GitHubApi, type Place } from './calls.js';

const PER_PAGE = 100;
const DESCRIPTION_MAX = 140;
/** Times a deployment is marked inactive and deleted before a 422 on its delete is a failure. */
const RETIRE_ROUNDS = 3;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Records a deployment of the head commit; its success status is set once `written` says the
 * values are in place, while every earlier deployment is retired. Listing after our own
 * deployment exists makes two runs at once converge on the newest. Returns notes.
 */
export async function recordDeployment(api: GitHubApi, at: Place, pr: PullRequestRef, branch: BranchRef, written: Promise<void>): Promise<Note[]> {
  const { owner, repo, environment: env } = at;
  const ref = pr.headSha || pr.headRef;
  if (!ref) return [note`No deployment recorded: the pull request's head commit is unknown (set ${'head_ref'}).`];
  const description = truncate(`Neon branch ${branch.name}`, DESCRIPTION_MAX);
  let response;
  try {
    // A repeated create is harmless: the extra deployment is older than ours and retired below.
    response = await api.must(at, 'create deployment', `create deployment to ${env}`, (signal) =>
      api.octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref,
        environment: env,
        transient_environment: true,
        production_environment: false,
        auto_merge: false,
        required_contexts: [],
        description,
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
      api.call(
        at,
        'set deployment status',
        `set status of deployment ${id}`,
        (signal) =>
          api.octokit.rest.repos.createDeploymentStatus({
            owner,
            repo,
            deployment_id: id,
            state: 'success',
            environment_url: branch.consoleUrl,
            description,
            auto_inactive: true,
            request: { signal },
          }),
        { acceptStatus: [404] },
      ),
    ),
    listDeployments(api, at).then(async (ids) => {
      const before = ids.filter((other) => other < id);
      await retireDeployments(api, at, before);
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
export async function listDeployments(api: GitHubApi, at: Place): Promise<number[]> {
  const { owner, repo, environment } = at;
  const ids = await api.list(at, 'list deployments', `list deployments to ${environment}`, async (page, signal) => {
    const { data, headers } = await api.octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: PER_PAGE, page, request: { signal } });
    return { items: data.map((d) => d.id), link: headers.link };
  });
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Retires every deployment in `ids`, a few at once. */
export function retireDeployments(api: GitHubApi, at: Place, ids: number[]): Promise<void> {
  return eachLimited(ids, CONCURRENCY, (id) => retireDeployment(api, at, id));
}

/**
 * Marks a deployment inactive, then deletes it (GitHub refuses to delete an active one). When the
 * run that created it sets its success status in between (two runs for one PR at once), GitHub
 * refuses the delete with 422: it is marked inactive again and deleted again; that run sets its
 * status only once, so the second round holds.
 */
async function retireDeployment(api: GitHubApi, at: Place, id: number): Promise<void> {
  const { owner, repo } = at;
  for (let round = 1; ; round++) {
    const marked = await api.call(
      at,
      'set deployment status',
      `mark deployment ${id} inactive`,
      (signal) => api.octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'inactive', request: { signal } }),
      { acceptStatus: [404] },
    );
    if (marked === undefined) return;
    try {
      await api.call(at, 'delete deployment', `delete deployment ${id}`, (signal) => api.octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: id, request: { signal } }), {
        acceptStatus: [404],
      });
      return;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 422) || round === RETIRE_ROUNDS) throw error;
    }
  }
}
