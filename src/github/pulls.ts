// Pull request states for the sweep: what is open is never touched; what GitHub cannot answer for
// is reported, not deleted.
import { allPages } from '../http/pages.js';
import { ApiError } from '../http/failure.js';
import type { ApiSession } from '../http/retry.js';
import type { Octokit } from './octokit.js';

/** GitHub's largest page. */
const PER_PAGE = 100;
/** 100 pages of 100 open pull requests. */
const MAX_PAGES = 100;
/** Pages requested at once after the first. */
const PAGE_CONCURRENCY = 8;

export type PullState = 'open' | 'closed' | 'missing' | 'unknown';

export class PullRequests {
  private readonly owner: string;
  private readonly repo: string;
  private readable?: Promise<boolean>;

  constructor(
    private readonly octokit: Octokit,
    private readonly session: ApiSession,
    repository: string,
  ) {
    [this.owner, this.repo] = repository.split('/') as [string, string];
  }

  /**
   * The state of pull request `number`: `missing` only when GitHub has none in a repository the
   * token can read (GitHub answers 404 alike for a repository a token cannot see), `unknown` when
   * GitHub would not say.
   */
  async state(number: number): Promise<{ state: PullState; headRef?: string; reason?: string }> {
    try {
      const { data } = await this.session.call({ platform: 'GitHub', operation: `get pull request #${number}` }, (signal) =>
        this.octokit.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number, request: { signal } }),
      );
      return { state: data.state === 'open' ? 'open' : 'closed', headRef: data.head.ref };
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
        const readable = await this.repositoryReadable().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
        if (readable === true) return { state: 'missing' };
        const why =
          readable === false
            ? `GitHub answers 404 for ${this.owner}/${this.repo} itself: the token in \`github_token\` cannot see the repository (grant it the repository, with Pull requests: read)`
            : readable;
        return { state: 'unknown', reason: `${error.message}; ${why}` };
      }
      return { state: 'unknown', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Whether the token can read the repository itself (asked once). */
  private repositoryReadable(): Promise<boolean> {
    this.readable ??= this.session
      .call({ platform: 'GitHub', operation: `get repository ${this.owner}/${this.repo}`, acceptStatus: [404] }, (signal) =>
        this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo, request: { signal } }),
      )
      .then((response) => response !== undefined);
    return this.readable;
  }

  /**
   * Every open pull request of the repository (number → head branch), from the list of open pull
   * requests: page 1, then the other pages at once. The sweep asks GitHub about a pull request
   * one by one only when it is not in this list. Undefined when GitHub would not give the whole
   * list (the sweep then asks about each pull request).
   */
  async openPullRequests(): Promise<Map<number, string> | undefined> {
    try {
      const pulls = await allPages(
        async (page) => {
          const { data, headers } = await this.session.call({ platform: 'GitHub', operation: page === 1 ? 'list open pull requests' : `list open pull requests (page ${page})` }, (signal) =>
            this.octokit.rest.pulls.list({ owner: this.owner, repo: this.repo, state: 'open', per_page: PER_PAGE, page, request: { signal } }),
          );
          return { items: data.map((p) => [p.number, p.head.ref] as const), link: headers.link };
        },
        { maxPages: MAX_PAGES, concurrency: PAGE_CONCURRENCY },
      );
      return new Map(pulls);
    } catch {
      return undefined;
    }
  }

  /**
   * The pull requests whose head is `branch` in this repository: `open` when any is open,
   * `closed` (with the newest number) when all are closed, `unknown` when there is none.
   */
  async stateOfHead(branch: string): Promise<{ state: PullState; number?: number; reason?: string }> {
    try {
      const { data } = await this.session.call({ platform: 'GitHub', operation: `find pull requests of ${branch}` }, (signal) =>
        this.octokit.rest.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${branch}`, state: 'all', per_page: 100, request: { signal } }),
      );
      if (data.length === 0) return { state: 'unknown', reason: `no pull request has the head branch ${branch}` };
      if (data.some((p) => p.state === 'open')) return { state: 'open', number: data.find((p) => p.state === 'open')!.number };
      return { state: 'closed', number: Math.max(...data.map((p) => p.number)) };
    } catch (error) {
      return { state: 'unknown', reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
