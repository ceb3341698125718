// Pull request states for the sweep against the GitHub stand-in, with the real retry policy: open,
// closed and missing pull requests told apart, every page of the open list read, and a GitHub that
// will not answer reported as `unknown` (or no list) rather than thrown.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getOctokit } from '@actions/github';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { ApiSession } from '../../src/http/retry.js';
import { PullRequests } from '../../src/github/pulls.js';

const REPOSITORY = 'octo-org/preview-app';
const FAST = { attemptTimeoutMs: 2000, baseDelayMs: 5, maxDelayMs: 20 };

let gh: GitHubStandIn;

beforeEach(async () => {
  gh = await startGitHubStandIn();
});

afterEach(async () => {
  vi.useRealTimers();
  expect(gh.standIn.violations).toEqual([]);
  await gh.stop();
});

const octokit = (token = gh.tokens.actions) => getOctokit(token, { baseUrl: gh.url });
/**
 * An Octokit whose every request moves the run's clock `ms` on: the run's `timeout` then runs out
 * after a number of requests, however fast or slow the machine answers them.
 */
function steppingOctokit(ms: number) {
  vi.useFakeTimers({ toFake: ['Date'] });
  const kit = octokit();
  kit.hook.before('request', () => {
    vi.setSystemTime(Date.now() + ms);
  });
  return kit;
}
function pulls(options: { token?: string; timeoutMs?: number; kit?: ReturnType<typeof getOctokit> } = {}) {
  return new PullRequests(options.kit ?? octokit(options.token), new ApiSession(options.timeoutMs ?? 20_000, () => {}, FAST), REPOSITORY);
}

describe('state', () => {
  it('tells open, closed and missing pull requests apart, with the head branch', async () => {
    gh.setPullRequest(1, { state: 'open', headRef: 'feature/open' });
    gh.setPullRequest(2, { state: 'closed', headRef: 'feature/closed' });
    expect(await pulls().state(1)).toEqual({ state: 'open', headRef: 'feature/open' });
    expect(await pulls().state(2)).toEqual({ state: 'closed', headRef: 'feature/closed' });
    expect(await pulls().state(3)).toEqual({ state: 'missing' });
    gh.removePullRequest(1);
    expect(await pulls().state(1)).toEqual({ state: 'missing' });
  });

  it('counts a 410 (gone) as missing', async () => {
    gh.setPullRequest(4, { state: 'open', headRef: 'feature/gone' });
    gh.standIn.failNext({ path: /\/pulls\/4$/, status: 410 });
    expect(await pulls().state(4)).toEqual({ state: 'missing' });
  });

  it('says unknown, with the reason, when GitHub refuses the token', async () => {
    gh.setPullRequest(5, { state: 'closed', headRef: 'feature/x' });
    const result = await pulls({ token: 'ghs_not_a_token' }).state(5);
    expect(result.state).toBe('unknown');
    expect(result.reason).toMatch(/GitHub: get pull request #5 failed: HTTP 401: Bad credentials/);
  });

  it('says unknown, without throwing, when every try answers 500 until the run runs out of time', async () => {
    gh.setPullRequest(7, { state: 'closed', headRef: 'feature/x' });
    gh.standIn.failNext({ path: /\/pulls\/7$/, status: 500, times: 10_000 });
    const result = await pulls({ kit: steppingOctokit(5_000), timeoutMs: 20_000 }).state(7);
    expect(result.state).toBe('unknown');
    expect(result.reason).toMatch(/GitHub: get pull request #7/);
    expect(gh.standIn.requestsTo(/\/pulls\/7$/).length).toBeGreaterThan(1);
  });
});

describe('openPullRequests', () => {
  it('lists every open pull request over all pages, number to head branch, and no closed one', async () => {
    for (let n = 1; n <= 250; n++) gh.setPullRequest(n, { state: 'open', headRef: `feature/${n}` });
    for (let n = 251; n <= 260; n++) gh.setPullRequest(n, { state: 'closed', headRef: `feature/${n}` });

    const open = await pulls().openPullRequests();

    expect(open?.size).toBe(250);
    expect([...open!.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    for (const [n, head] of open!) expect(head).toBe(`feature/${n}`);
    const lists = gh.standIn.requestsTo(/\/pulls$/, 'GET');
    expect(lists.map((r) => r.query.page).sort()).toEqual(['1', '2', '3']);
    for (const r of lists) expect(r.query).toMatchObject({ state: 'open', per_page: '100' });
  });

  it('gives an empty map when nothing is open', async () => {
    gh.setPullRequest(1, { state: 'closed', headRef: 'feature/1' });
    expect(await pulls().openPullRequests()).toEqual(new Map());
  });

  it('gives undefined when GitHub refuses the token', async () => {
    gh.setPullRequest(1, { state: 'open', headRef: 'feature/1' });
    expect(await pulls({ token: 'ghs_not_a_token' }).openPullRequests()).toBeUndefined();
  });

  it('gives undefined, not part of the list, when a later page keeps failing', async () => {
    for (let n = 1; n <= 150; n++) gh.setPullRequest(n, { state: 'open', headRef: `feature/${n}` });
    const kit = steppingOctokit(5_000);
    // Once page 1 is answered, every further list request fails with 500.
    kit.hook.after('request', (_response, options) => {
      if (String(options.url).includes('/pulls') && options.page === 1) gh.standIn.failNext({ path: /\/pulls$/, status: 500, times: 10_000 });
    });

    expect(await pulls({ kit, timeoutMs: 20_000 }).openPullRequests()).toBeUndefined();

    const lists = gh.standIn.requestsTo(/\/pulls$/, 'GET');
    expect(lists.filter((r) => r.query.page === '1').map((r) => r.status)).toEqual([200]);
    expect(lists.filter((r) => r.query.page === '2').length).toBeGreaterThan(1);
    expect(lists.filter((r) => r.query.page === '2').every((r) => r.status === 500)).toBe(true);
  });
});

describe('stateOfHead', () => {
  it('is open when any pull request of the head is open, closed with the newest number when all are closed', async () => {
    gh.setPullRequest(5, { state: 'closed', headRef: 'feature/x' });
    gh.setPullRequest(9, { state: 'closed', headRef: 'feature/x' });
    gh.setPullRequest(11, { state: 'open', headRef: 'feature/other' });
    expect(await pulls().stateOfHead('feature/x')).toEqual({ state: 'closed', number: 9 });
    gh.setPullRequest(7, { state: 'open', headRef: 'feature/x' });
    expect(await pulls().stateOfHead('feature/x')).toEqual({ state: 'open', number: 7 });
    const [ask] = gh.standIn.requestsTo(/\/pulls$/, 'GET');
    expect(ask!.query).toMatchObject({ head: 'octo-org:feature/x', state: 'all' });
  });

  it('is unknown when no pull request has that head, or when GitHub will not say', async () => {
    expect(await pulls().stateOfHead('feature/none')).toEqual({ state: 'unknown', reason: 'no pull request has the head branch feature/none' });
    const refused = await pulls({ token: 'ghs_not_a_token' }).stateOfHead('feature/none');
    expect(refused.state).toBe('unknown');
    expect(refused.reason).toMatch(/HTTP 401/);
  });
});
