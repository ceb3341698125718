// The nightly sweep, through the built action: whatever belongs to a closed or missing pull
// request goes, on Neon and on every target; what belongs to an open one stays; what cannot be
// tied to a pull request is reported and kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY, leakedSecrets, pullRequestEvent, runAction, type RunResult } from '../../sandbox/action-runner.js';
import type { GitHubStandIn } from '../../sandbox/github.js';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import type { NetlifyStandIn } from '../../sandbox/netlify.js';
import type { VercelStandIn } from '../../sandbox/vercel.js';
import { startPlatforms, type Platforms } from '../../sandbox/platforms.js';

const NEON_KEY = 'napi_sweep_key_000000000000000';
const VERCEL_TOKEN = 'vercel_sweep_token_0000000000';
const NETLIFY_TOKEN = 'netlify_sweep_token_000000000';

let neon: NeonStandIn;
let vercel: VercelStandIn;
let netlify: NetlifyStandIn;
let github: GitHubStandIn;

let standIns: Platforms;

beforeAll(async () => {
  standIns = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN });
  ({ neon, vercel, netlify, github } = standIns);
});
afterAll(() => standIns.stop());

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return standIns.inputs({ timeout: '60', ...extra });
}

const head = (pr: number) => `feature/sweep-${pr}`;

function run(options: Parameters<typeof runAction>[0]): Promise<RunResult> {
  return runAction({ githubApiUrl: github.url, githubToken: github.tokens.actions, ...options });
}

async function open(pr: number): Promise<RunResult> {
  github.setPullRequest(pr, { state: 'open', headRef: head(pr) });
  const result = await run({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: pr, headRef: head(pr) }) });
  expect(result.code, result.stdout).toBe(0);
  return result;
}

/** What each platform still holds for a pull request. */
function holdings(pr: number) {
  return {
    neon: neon.branches().filter((b) => b.annotations['github-pr'] === String(pr) && b.annotations['github-repo'] === REPOSITORY).length,
    vercel: vercel.envs('shop-web').filter((e) => e.comment === `neon-preview ${REPOSITORY}#${pr}`).length,
    netlify: netlify
      .vars()
      .flatMap((v) => v.values)
      .filter((x) => x.context === 'branch' && x.context_parameter === head(pr)).length,
    github: github.environment(`pr-${pr}`) ? 1 : 0,
  };
}

const NOTHING = { neon: 0, vercel: 0, netlify: 0, github: 0 };
const EVERYTHING = { neon: 1, vercel: 7, netlify: 7, github: 1 };

describe('command: sweep', () => {
  it('removes what closed and missing pull requests left behind, keeps open ones, reports what it cannot tie to a PR', async () => {
    const outputs = [];
    for (const pr of [11, 12, 13, 14, 15]) outputs.push((await open(pr)).outputs);
    for (const pr of [11, 12, 13, 14, 15]) expect(holdings(pr)).toEqual(EVERYTHING);

    // 11 and 14 closed without their closed run; 13 deleted from GitHub; 12 still open.
    github.setPullRequest(11, { state: 'closed', headRef: head(11) });
    github.setPullRequest(14, { state: 'closed', headRef: head(14) });
    github.removePullRequest(13);
    // 15 closed, and its Neon branch already expired (Neon deleted it): its values remain.
    github.setPullRequest(15, { state: 'closed', headRef: head(15) });
    const expired = neon.branchByName('preview/pr-15')!;
    await fetch(`${neon.url}/projects/${neon.projectId}/branches/${expired.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${NEON_KEY}` } });
    // Things the sweep must not touch: an unmanaged branch, another repository's branch, and a
    // managed branch that names no pull request (reported, kept).
    neon.addBranch({ name: 'preview/pr-11-copy' });
    neon.addBranch({ name: 'other/pr-11', annotations: { 'managed-by': 'neon-preview', 'github-repo': 'acme/other', 'github-pr': '11' } });
    neon.addBranch({ name: 'preview/mystery', annotations: { 'managed-by': 'neon-preview', 'github-repo': REPOSITORY } });

    const sweep = await run({ inputs: inputs(), event: { name: 'schedule', payload: { schedule: '0 3 * * *' } } });
    expect(sweep.code, sweep.stdout).toBe(0);
    expect(sweep.outputs.command).toBe('sweep');
    for (const pr of [11, 13, 14, 15]) expect(holdings(pr), `PR #${pr}`).toEqual(NOTHING);
    expect(holdings(12)).toEqual(EVERYTHING);
    expect(neon.branchByName('preview/pr-11-copy')).toBeDefined();
    expect(neon.branchByName('other/pr-11')).toBeDefined();
    expect(neon.branchByName('preview/mystery')).toBeDefined();

    expect(sweep.summary).toMatch(/Neon preview sweep: 4 removed/);
    expect(sweep.summary).toMatch(/#12<\/td><td>open<\/td><td>kept/);
    expect(sweep.summary).toMatch(/#13<\/td><td>missing<\/td><td>removed/);
    expect(sweep.summary).toMatch(/preview\/mystery.*no valid github-pr annotation/);
    const secrets = outputs.flatMap((o) => [o.db_url!, o.db_url_pooled!, o.password!]).concat(NEON_KEY, VERCEL_TOKEN, NETLIFY_TOKEN, github.tokens.admin);
    expect(leakedSecrets(sweep, secrets)).toEqual([]);
    for (const s of [neon, vercel, netlify, github]) expect(s.standIn.violations).toEqual([]);

    // A second sweep finds nothing more to remove and succeeds.
    const again = await run({ inputs: inputs(), event: { name: 'schedule', payload: {} } });
    expect(again.code).toBe(0);
    expect(again.summary).toMatch(/Neon preview sweep: 0 removed/);
    expect(holdings(12)).toEqual(EVERYTHING);
  });

  it('with many pull requests, lists the open ones once and asks GitHub only about the others', async () => {
    const own = await startNeonStandIn({ apiKeys: [NEON_KEY], operationMs: 100 });
    try {
      const prs = Array.from({ length: 40 }, (_, i) => 300 + i);
      const closed = prs.filter((n) => n % 8 === 0);
      for (const n of prs) {
        own.addBranch({ name: `preview/pr-${n}`, annotations: { 'managed-by': 'neon-preview', 'github-repo': REPOSITORY, 'github-pr': String(n), 'github-head-ref': head(n) } });
        github.setPullRequest(n, { state: closed.includes(n) ? 'closed' : 'open', headRef: head(n) });
      }
      const mark = github.standIn.requests.length;
      const neonMark = own.standIn.requests.length;
      const sweep = await run({
        inputs: { neon_api_key: NEON_KEY, neon_project_id: own.projectId, neon_api_url: own.url, github_token: github.tokens.actions },
        event: { name: 'schedule', payload: {} },
      });
      expect(sweep.code, sweep.stdout).toBe(0);
      expect(sweep.summary).toMatch(new RegExp(`Neon preview sweep: ${closed.length} removed, ${prs.length - closed.length} kept`));
      for (const n of prs) expect(own.branchByName(`preview/pr-${n}`) === undefined, `PR #${n}`).toBe(closed.includes(n));

      const requests = github.standIn.requests.slice(mark);
      // One page of open pull requests, then one lookup per pull request not in it.
      expect(requests.filter((r) => r.path.endsWith('/pulls')).map((r) => r.query.state)).toEqual(['open']);
      expect(
        requests
          .filter((r) => /\/pulls\/\d+$/.test(r.path))
          .map((r) => Number(r.path.split('/').pop()))
          .sort(),
      ).toEqual(closed);
      // The deletions' operations are read from the project's operation list, not one by one.
      const neonRequests = own.standIn.requests.slice(neonMark);
      expect(neonRequests.filter((r) => r.method === 'DELETE')).toHaveLength(closed.length);
      expect(neonRequests.some((r) => /\/operations\/[^/]+$/.test(r.path))).toBe(false);
      expect(own.standIn.violations).toEqual([]);
    } finally {
      await own.stop();
    }
  });

  it('keeps everything when GitHub will not say whether the pull requests are open', async () => {
    await open(21);
    github.setPullRequest(21, { state: 'closed', headRef: head(21) });
    github.rateLimitNext({ times: 10, status: 403, retryAfterSeconds: 100, path: /\/pulls/ });
    const sweep = await run({ inputs: inputs({ timeout: '5' }), event: { name: 'schedule', payload: {} } });
    expect(sweep.code).toBe(0);
    expect(holdings(21)).toEqual(EVERYTHING);
    expect(sweep.summary).toMatch(/#21<\/td><td>unknown<\/td><td>kept/);
  });

  it('succeeds with nothing to do on a project the action never used', async () => {
    const empty = await startNeonStandIn({ apiKeys: [NEON_KEY] });
    try {
      const sweep = await run({
        inputs: { neon_api_key: NEON_KEY, neon_project_id: empty.projectId, neon_api_url: empty.url, github_token: github.tokens.actions },
        event: { name: 'schedule', payload: {} },
      });
      expect(sweep.code).toBe(0);
      expect(sweep.summary).toContain('Neon preview sweep: nothing to do');
    } finally {
      await empty.stop();
    }
  });
});
