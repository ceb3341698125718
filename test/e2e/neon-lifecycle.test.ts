// The built action, run as the runner runs it, through a pull request's life against the Neon
// stand-in.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import { COMMENT_MARKER } from '../../src/github/comment.js';
import { REPOSITORY, leakedSecrets, pullRequestEvent, runAction as runBuiltAction, type RunOptions, type RunResult } from '../../sandbox/action-runner.js';

const KEY = 'napi_e2e_key_0123456789abcdef';
let neon: NeonStandIn;
let github: GitHubStandIn;

beforeAll(async () => {
  [neon, github] = await Promise.all([startNeonStandIn({ apiKeys: [KEY], operationMs: 200 }), startGitHubStandIn({ repository: REPOSITORY })]);
});
afterAll(() => Promise.all([neon.stop(), github.stop()]));
afterEach(() => {
  neon.standIn.setFaults(undefined);
  expect(neon.standIn.violations).toEqual([]);
  expect(github.standIn.violations).toEqual([]);
});

/** Runs dist/index.js with GitHub's API served by the stand-in and the workflow's default token. */
function runAction(options: RunOptions): Promise<RunResult> {
  return runBuiltAction({ githubApiUrl: github.url, githubToken: github.tokens.actions, ...options });
}

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return { neon_api_key: KEY, neon_project_id: neon.projectId, neon_api_url: neon.url, timeout: '60', ...extra };
}

function neonRequests(since: number) {
  return neon.standIn.requests.slice(since);
}

/** The secrets of a created branch: the URLs and the password, raw and URL-encoded. */
function secretsOf(result: RunResult): string[] {
  const { db_url, db_url_pooled, password } = result.outputs;
  return [db_url!, db_url_pooled!, password!, encodeURIComponent(password!)];
}

describe('a pull request from opened to closed', () => {
  it('creates, reuses with a renewed expiry, deletes, and deletes again as a no-op', async () => {
    const pr = 101;
    let mark = neon.standIn.requests.length;
    const opened = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: pr }) });
    expect(opened.stderr).toBe('');
    expect(opened.code).toBe(0);
    const createRequests = neonRequests(mark);
    const branch = neon.branchByName(`preview/pr-${pr}`)!;
    expect(branch).toBeDefined();
    expect(opened.outputs).toMatchObject({ command: 'create', branch_id: branch.id, branch_name: `preview/pr-${pr}`, created: 'true', database: 'neondb', role: 'neondb_owner' });
    expect(branch.annotations).toEqual({ 'managed-by': 'neon-preview', 'github-repo': 'acme/shop', 'github-pr': String(pr), 'github-head-ref': `feature/pr-${pr}` });
    const direct = new URL(opened.outputs.db_url!);
    const pooled = new URL(opened.outputs.db_url_pooled!);
    expect(opened.outputs.db_host).toBe(direct.hostname);
    expect(opened.outputs.db_host_pooled).toBe(pooled.hostname);
    expect(pooled.hostname).toBe(direct.hostname.replace(/^(ep-[^.]+)/, '$1-pooler'));
    expect(decodeURIComponent(direct.password)).toBe(opened.outputs.password);
    const expiresAt = Date.parse(opened.outputs.expires_at!);
    expect(expiresAt - Date.now()).toBeGreaterThan(13.9 * 86400_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(14 * 86400_000);
    // Every connection URL request names the branch (without it Neon answers for the default branch):
    // both URLs while the branch is made, and again once its copied password was replaced.
    const uriRequests = createRequests.filter((r) => r.path.endsWith('/connection_uri'));
    expect(uriRequests).toHaveLength(4);
    for (const r of uriRequests) expect(r.query.branch_id).toBe(branch.id);
    expect(uriRequests.map((r) => r.query.pooled).sort()).toEqual(['false', 'false', 'true', 'true']);
    const resets = createRequests.filter((r) => r.method === 'POST' && r.path.endsWith('/roles/neondb_owner/reset_password'));
    expect(resets.map((r) => r.path)).toEqual([`/projects/${neon.projectId}/branches/${branch.id}/roles/neondb_owner/reset_password`]);
    const parentPassword = neon
      .branches()
      .find((b) => b.id === neon.defaultBranchId)!
      .roles.find((r) => r.name === 'neondb_owner')!.password;
    expect(opened.outputs.password).not.toBe(parentPassword);
    expect(opened.outputs.password).toBe(branch.roles.find((r) => r.name === 'neondb_owner')!.password);
    expect(opened.summary).toContain('its own, set by this run');
    expect(opened.summary).toContain(branch.id);
    expect(opened.summary).toContain(`<code>${neon.defaultBranchId}</code>`); // the parent
    expect(opened.summary).toMatch(/Neon branch preview\/pr-101 \d+\.\d s · Connection URLs \d+\.\d s · Schema diff \d+\.\d s · PR comment \d+\.\d s · total \d+\.\d s · Neon: \d+ requests/);
    expect(opened.summary).toContain(`https://console.neon.tech/app/projects/${neon.projectId}/branches/${branch.id}`);
    expect(leakedSecrets(opened, secretsOf(opened))).toEqual([]);
    expect(opened.stdout).toContain(`::add-mask::${opened.outputs.password}`);

    mark = neon.standIn.requests.length;
    const synchronized = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'synchronize', number: pr }) });
    expect(synchronized.code).toBe(0);
    expect(synchronized.outputs).toMatchObject({ command: 'create', branch_id: branch.id, created: 'false', db_url: opened.outputs.db_url });
    // Rotated once per branch: the synchronize publishes the password the create did.
    expect(neonRequests(mark).filter((r) => r.path.endsWith('/reset_password'))).toHaveLength(0);
    expect(Date.parse(synchronized.outputs.expires_at!)).toBeGreaterThanOrEqual(expiresAt);
    expect(neonRequests(mark).filter((r) => r.method === 'PATCH' && r.path.endsWith(branch.id))).toHaveLength(1);
    expect(neon.branches().filter((b) => b.name === `preview/pr-${pr}`)).toHaveLength(1);
    expect(leakedSecrets(synchronized, secretsOf(opened))).toEqual([]);

    mark = neon.standIn.requests.length;
    const closed = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'closed', number: pr }) });
    expect(closed.code).toBe(0);
    expect(closed.outputs).toMatchObject({ command: 'delete', branch_id: branch.id });
    expect(neon.branchByName(`preview/pr-${pr}`)).toBeUndefined();
    expect(neonRequests(mark).filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(closed.summary).toContain('deleted');

    const closedAgain = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'closed', number: pr }) });
    expect(closedAgain.code).toBe(0);
    expect(closedAgain.outputs.command).toBe('delete');
    expect(closedAgain.summary).toContain('already gone');
  });

  it('two create runs at once end with one branch, and both report it', async () => {
    const pr = 102;
    const [a, b] = await Promise.all([
      runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: pr }) }),
      runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: pr }) }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(neon.branches().filter((x) => x.name === `preview/pr-${pr}`)).toHaveLength(1);
    expect(a.outputs.branch_id).toBe(b.outputs.branch_id);
    expect([a.outputs.created, b.outputs.created].sort()).toEqual(['false', 'true']);
    expect(a.outputs.db_url).toBe(b.outputs.db_url);
  });

  it('succeeds with 20% of Neon requests failing transiently', async () => {
    const pr = 103;
    neon.standIn.setFaults({ rate: 0.2, seed: 7, kinds: ['429', '423', '500', '502', '503', 'reset'], retryAfterSeconds: 1 });
    const opened = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: pr }) });
    expect(opened.stdout).toMatch(/retrying in/);
    expect(opened.code).toBe(0);
    const closed = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'closed', number: pr }) });
    expect(closed.code).toBe(0);
    neon.standIn.setFaults(undefined);
    expect(neon.branches().filter((x) => x.name === `preview/pr-${pr}`)).toHaveLength(0);
  });
});

describe('finding the branch', () => {
  it('takes only the exact name among many similar names', async () => {
    // 120 branches whose names contain "preview/pr-6".
    for (let i = 0; i < 120; i++) neon.addBranch({ name: `preview/pr-6${i}`, annotations: { 'managed-by': 'neon-preview', 'github-repo': REPOSITORY, 'github-pr': `6${i}` } });
    const before = neon.branches().length;
    const mark = neon.standIn.requests.length;
    const opened = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: 6 }) });
    expect(opened.code, opened.stdout).toBe(0);
    expect(opened.outputs).toMatchObject({ branch_name: 'preview/pr-6', created: 'true' });
    expect(neon.branches()).toHaveLength(before + 1);
    expect(neonRequests(mark).filter((r) => r.method === 'POST' && r.path.endsWith('/branches'))).toHaveLength(1);

    const again = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'synchronize', number: 6 }) });
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs).toMatchObject({ branch_id: opened.outputs.branch_id, created: 'false' });
    expect(neon.branches()).toHaveLength(before + 1);
  });

  it('looks again instead of creating twice when the answer to its create was lost after the branch was made', async () => {
    neon.standIn.failNext({ method: 'POST', path: /\/branches$/, status: 'reset', afterApply: true });
    const mark = neon.standIn.requests.length;
    const opened = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: 114 }) });
    expect(opened.code, opened.stdout).toBe(0);
    const creates = neonRequests(mark).filter((r) => r.method === 'POST' && r.path.endsWith('/branches'));
    expect(creates).toHaveLength(1);
    expect(neon.branches().filter((b) => b.name === 'preview/pr-114')).toHaveLength(1);
    expect(opened.outputs.branch_id).toBe(neon.branchByName('preview/pr-114')!.id);
  });
});

describe('branch options', () => {
  it('creates a schema-only branch from a named parent with a suspend timeout, and no expiry', async () => {
    const parent = neon.addBranch({ name: 'staging', withEndpoint: true });
    const mark = neon.standIn.requests.length;
    const run = await runAction({
      inputs: inputs({ parent_branch: 'staging', branch_type: 'schema-only', suspend_timeout: '300', expires_in: '0', branch_name: 'pv/{head}' }),
      event: pullRequestEvent({ action: 'opened', number: 104, headRef: 'feat/x@y' }),
    });
    expect(run.code).toBe(0);
    expect(run.outputs.branch_name).toBe('pv/feat/x-y');
    expect(run.outputs.expires_at).toBe('');
    const create = neonRequests(mark).find((r) => r.method === 'POST' && r.path.endsWith('/branches'))!;
    expect(create.body).toMatchObject({
      branch: { name: 'pv/feat/x-y', parent_id: parent.id, init_source: 'schema-only' },
      endpoints: [{ type: 'read_write', suspend_timeout_seconds: 300 }],
    });
    expect((create.body as { branch: Record<string, unknown> }).branch.expires_at).toBeUndefined();
  });

  it('fails listing the databases when the branch has several and none was chosen, then works with `database`', async () => {
    const parent = neon.addBranch({
      name: 'multi-db',
      withEndpoint: true,
      databases: [
        { name: 'app', owner: 'app_owner' },
        { name: 'analytics', owner: 'neondb_owner' },
      ],
    });
    const failed = await runAction({ inputs: inputs({ parent_branch: parent.id }), event: pullRequestEvent({ action: 'opened', number: 105 }) });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/::error::Input `database`: the branch has several databases \(app, analytics\)/);
    const chosen = await runAction({ inputs: inputs({ parent_branch: parent.id, database: 'app' }), event: pullRequestEvent({ action: 'synchronize', number: 105 }) });
    expect(chosen.code).toBe(0);
    expect(chosen.outputs).toMatchObject({ database: 'app', role: 'app_owner', created: 'false' });
    const wrongRole = await runAction({ inputs: inputs({ parent_branch: parent.id, database: 'app', role: 'nobody' }), event: pullRequestEvent({ action: 'synchronize', number: 105 }) });
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stdout).toMatch(/::error::Neon: get (direct|pooled) connection URL failed: HTTP 404: role nobody not found.*check the inputs `role` \("nobody"\) and `database` \("app"\)/);
  });

  it('leaves a branch it does not manage alone on delete, with a warning', async () => {
    neon.addBranch({ name: 'preview/pr-106', withEndpoint: true });
    const closed = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'closed', number: 106 }) });
    expect(closed.code).toBe(0);
    expect(closed.stdout).toMatch(/::warning::Neon branch preview\/pr-106 .* has no managed-by=neon-preview annotation/);
    expect(neon.branchByName('preview/pr-106')).toBeDefined();
    const opened = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: 106 }) });
    expect(opened.code).toBe(1);
    expect(opened.stdout).toMatch(/::error::Neon branch preview\/pr-106 .* was not created by neon-preview/);
  });

  it('adds a read-write compute to a reused branch that has none', async () => {
    const branch = neon.addBranch({ name: 'preview/pr-107', withEndpoint: false, annotations: { 'managed-by': 'neon-preview', 'github-repo': 'acme/shop', 'github-pr': '107' } });
    const run = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'synchronize', number: 107 }) });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ branch_id: branch.id, created: 'false' });
    expect(neon.branchByName('preview/pr-107')!.endpoints.filter((e) => e.type === 'read_write')).toHaveLength(1);
  });

  it('waits through an operation that fails once (Neon retries it) and fails on one that ends in error', async () => {
    neon.failNextOperations('failed-then-finished', { action: 'create_branch' });
    const retried = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: 111 }) });
    expect(retried.code).toBe(0);
    expect(neon.branchByName('preview/pr-111')!.current_state).toBe('ready');

    neon.failNextOperations('error', { action: 'create_branch' });
    const broken = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: 112 }) });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/::error::Neon: operation create_branch \(.+\) on branch br-.+ ended in error/);
  });

  it('fetches the URLs while the operations run, polls every unfinished one in each round, and comments after they end', async () => {
    const mark = neon.standIn.requests.length;
    const githubMark = github.standIn.requests.length;
    const run = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: 113 }) });
    expect(run.code).toBe(0);
    const requests = neonRequests(mark);
    const created = requests.find((r) => r.method === 'POST' && r.path.endsWith('/branches'))!;
    // The create's operations (those of the password reset that follows are polled after).
    const reset = requests.findIndex((r) => r.path.endsWith('/reset_password'));
    const polls = requests.slice(0, reset).filter((r) => /\/operations\/[^/]+$/.test(r.path));
    // Fetched while the create's operations run (the password is rotated after them: fetched again then).
    const uriIndexes = requests.flatMap((r, i) => (r.path.endsWith('/connection_uri') ? [i] : [])).slice(0, 2);
    expect(uriIndexes).toHaveLength(2);
    for (const i of uriIndexes) expect(i).toBeLessThan(requests.indexOf(polls.at(-1)!));
    // Every operation of the create is asked for in every round: each as often as the others.
    const perOperation = new Map<string, number>();
    for (const poll of polls) perOperation.set(poll.path, (perOperation.get(poll.path) ?? 0) + 1);
    expect(perOperation.size).toBe((created.body as { endpoints: unknown[] }).endpoints.length + 1);
    expect(new Set(perOperation.values()).size).toBe(1);
    // The comment is written after the last round was answered (the pace itself: test/unit/operations.test.ts).
    const comment = github.standIn.requests.slice(githubMark).find((r) => r.method === 'POST' && r.path.endsWith('/issues/113/comments'))!;
    expect(comment.at).toBeGreaterThanOrEqual(polls.at(-1)!.at);
    expect(neon.branchByName('preview/pr-113')!.current_state).toBe('ready');
  });

  it('names the platform, operation, status and message when Neon refuses', async () => {
    const run = await runAction({ inputs: inputs({ neon_api_key: 'napi_wrong_key' }), event: pullRequestEvent({ action: 'opened', number: 108 }) });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::Neon: list branches failed: HTTP 401: /);
    expect(run.summary).toMatch(/Neon preview database: failed[\s\S]*Neon: list branches failed: HTTP 401/);
    expect(leakedSecrets(run, ['napi_wrong_key'])).toEqual([]);
  });
});

describe('the sticky PR comment', () => {
  it('is created once, updated in place, not re-sent when unchanged, and says when the database is gone', async () => {
    const pr = 120;
    // Someone quoting the marker: their comment must never be edited.
    const quoted = `I copied this: ${COMMENT_MARKER}`;
    await fetch(`${github.url}/repos/${REPOSITORY}/issues/${pr}/comments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${github.tokens.user}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: quoted }),
    });

    const opened = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: pr }) });
    expect(opened.code).toBe(0);
    const mine = () => github.comments(pr).filter((c) => c.creator === 'github-actions[bot]');
    expect(mine()).toHaveLength(1);
    const first = mine()[0]!;
    const branch = neon.branchByName(`preview/pr-${pr}`)!;
    expect(first.body).toContain(COMMENT_MARKER);
    expect(first.body).toContain(`[preview/pr-${pr}](https://console.neon.tech/app/projects/${neon.projectId}/branches/${branch.id})`);
    expect(first.body).toContain('created for this pull request');
    for (const secret of secretsOf(opened)) expect(first.body).not.toContain(secret);

    const rerun = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: pr }) });
    expect(rerun.stdout).toContain('PR comment: updated'); // created → reused
    const again = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'opened', number: pr }) });
    expect(again.stdout).toContain('PR comment: unchanged');
    expect(github.standIn.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/issues/comments/${first.id}`))).toHaveLength(1);

    const closed = await runAction({ inputs: inputs(), event: pullRequestEvent({ action: 'closed', number: pr }) });
    expect(closed.code).toBe(0);
    expect(mine()).toHaveLength(1);
    expect(mine()[0]!.id).toBe(first.id);
    expect(mine()[0]!.body).toContain('Neon preview database: removed');
    expect(github.comments(pr).find((c) => c.creator === 'octocat')!.body).toBe(quoted);
  });

  it('is a warning, not a failure, when the token may not comment', async () => {
    const run = await runAction({ inputs: inputs(), githubToken: github.tokens.readonly, event: pullRequestEvent({ action: 'opened', number: 121 }) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/::warning::GitHub: create PR comment failed: HTTP 403: .*pull-requests: write/);
    expect(github.comments(121)).toHaveLength(0);
  });

  it('is not written with comment: false', async () => {
    const mark = github.standIn.requests.length;
    const run = await runAction({ inputs: inputs({ comment: 'false' }), event: pullRequestEvent({ action: 'opened', number: 122 }) });
    expect(run.code).toBe(0);
    // GitHub is asked only whether the pull request is still open.
    expect(github.standIn.requests.slice(mark).filter((r) => r.path.includes('/comments') || r.path === '/graphql')).toEqual([]);
  });
});

describe('runs that do nothing', () => {
  it('skips a fork pull request without a Neon key and succeeds', async () => {
    const mark = neon.standIn.requests.length;
    const run = await runAction({ inputs: inputs({ neon_api_key: '' }), event: pullRequestEvent({ action: 'opened', number: 109, headRepository: 'stranger/shop' }) });
    expect(run.code).toBe(0);
    expect(run.outputs.command).toBe('skip');
    expect(run.stdout).toMatch(/::notice::Pull request from a fork/);
    expect(neon.standIn.requests.length).toBe(mark);
  });

  const badInputs: [string, Record<string, string>, string][] = [
    ['neon_api_key', { neon_api_key: '' }, 'is required'],
    ['neon_project_id', { neon_project_id: 'Not_A_Project' }, 'is not a Neon project id'],
    ['command', { command: 'nope' }, 'is not a command'],
    ['branch_type', { branch_type: 'foo' }, 'is not a branch type'],
    ['expires_in', { expires_in: '45d' }, 'longer than Neon allows'],
    ['expires_in', { expires_in: 'abc' }, 'is not a time-to-live'],
    ['expires_in', { expires_in: '-1h' }, 'is not a time-to-live'],
    ['branch_name', { branch_name: '{head}', head_ref: '' }, "uses {head} but the PR's head branch is unknown"],
    ['branch_name', { branch_name: `${'x'.repeat(300)}{pr}` }, 'Neon allows at most 256'],
    ['branch_name', { branch_name: 'shared-preview' }, 'names the same thing for every pull request'],
    ['env_vars', { env_vars: 'DATABASE_URL' }, 'has no "="'],
    ['env_vars', { env_vars: 'DATABASE_URL=pool' }, 'unknown source'],
    ['targets', { targets: 'heroku' }, 'unknown target'],
    ['timeout', { timeout: 'never' }, 'is not a positive number'],
    ['pr_number', { pr_number: 'abc' }, 'is not a pull request number'],
  ];

  it.each(badInputs)('a bad %s fails before any request: %j', async (input, extra, problem) => {
    const mark = neon.standIn.requests.length;
    const run = await runAction({ inputs: inputs(extra), event: pullRequestEvent({ action: 'opened', number: 110, headRef: '' }) });
    expect(run.code).toBe(1);
    const error = run.stdout.split('\n').find((l) => l.startsWith('::error::'));
    expect(error).toContain(`Input \`${input}\`: `);
    expect(error).toContain(problem);
    expect(neon.standIn.requests.length).toBe(mark);
  });

  it('a pull request event without a PR number fails naming pr_number', async () => {
    const run = await runAction({ inputs: inputs(), event: { name: 'pull_request', payload: { action: 'opened' } } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::Input `pr_number`: is empty');
  });
});
