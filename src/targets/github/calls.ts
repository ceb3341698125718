// Calling GitHub for the target: each request under the run's session (the one retry policy,
// GitHub's rate limits included), named by what it does, and a refusal the user must act on
// explained in the same line: the token (401), the permission this request needs (403), the plan
// (403 on environments of a private repository on GitHub Free), what a 404 means.
import type { Octokit } from '../../github/octokit.js';
import { allPages } from '../../http/pages.js';
import { ApiError, isRateLimited403, type CallOptions } from '../../http/failure.js';
import type { ApiSession } from '../../http/retry.js';
import { github } from './index.js';
import { BAD_CREDENTIALS_HELP, forbiddenHelp, isPlanRefusal, planHelp, type RequestName } from './permissions.js';

/** Calls in flight at once (GitHub's secondary rate limit punishes bursts of writes). */
export const CONCURRENCY = 4;
const MAX_PAGES = 100;

/** Where one pull request's environment lives. */
export interface Place {
  owner: string;
  repo: string;
  environment: string;
}

interface CallSpec extends Pick<CallOptions, 'acceptStatus' | 'idempotent'> {
  /** What a 404 means for this call, when it is a failure. */
  notFound?: string;
}

export function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) throw new Error(`GitHub: "${repository}" is not an owner/repo repository name`);
  return { owner, repo };
}

export function repositoryHelp(owner: string, repo: string): string {
  return `GitHub answers 404 when the token in \`github_token\` cannot see ${owner}/${repo}: give it access to this repository`;
}

/** The repository a request goes to. */
type Repository = Pick<Place, 'owner' | 'repo'>;

/** The run's Octokit under the run's session. */
export class GitHubApi {
  constructor(
    readonly octokit: Octokit,
    private readonly session: ApiSession,
  ) {}

  /**
   * One request to `at`: `request` names it in the permission table, `operation` in the log and
   * errors. Resolves undefined for a status in `acceptStatus`.
   */
  async call<T>(at: Repository, request: RequestName, operation: string, send: (signal: AbortSignal) => Promise<T>, spec: CallSpec = {}): Promise<T | undefined> {
    const { notFound, ...options } = spec;
    try {
      return await this.session.call({ platform: github.platform, operation, ...options }, send);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const failure = error.failure;
      let detail: string | undefined;
      if (failure.status === 401) detail = BAD_CREDENTIALS_HELP;
      else if (isPlanRefusal(failure)) detail = planHelp(`${at.owner}/${at.repo}`);
      else if (failure.status === 403 && !isRateLimited403(failure)) detail = forbiddenHelp(request, failure);
      else if (failure.status === 404 && notFound) detail = notFound;
      if (!detail) throw error;
      throw new ApiError(error.platform, error.operation, failure, error.attempts, error.outcomeUnknown, detail);
    }
  }

  /** A request whose answer is needed (no `acceptStatus`): it never resolves empty. */
  async must<T>(at: Repository, request: RequestName, operation: string, send: (signal: AbortSignal) => Promise<T>, spec: Omit<CallSpec, 'acceptStatus'> = {}): Promise<T> {
    return (await this.call(at, request, operation, send, spec)) as T;
  }

  /** Every page of a list (page 1, then the rest at once; see `allPages`), one request per page. */
  list<T>(
    at: Repository,
    request: RequestName,
    operation: string,
    fetchPage: (page: number, signal: AbortSignal) => Promise<{ items: T[]; link?: string }>,
    spec: Omit<CallSpec, 'acceptStatus'> = {},
  ): Promise<T[]> {
    const page = (n: number) => this.must(at, request, n === 1 ? operation : `${operation} (page ${n})`, (signal) => fetchPage(n, signal), spec);
    return allPages(page, { maxPages: MAX_PAGES, concurrency: CONCURRENCY });
  }
}
