// The built action with `targets: github`, run as the runner runs it, through a pull request's
// life against the Neon and GitHub stand-ins: the PR's environment holds the branch's URLs as
// sealed secrets and the rest as variables, one active deployment of the head links the branch,
// a close removes it all, the workflow's default token fails loudly, GitHub's secondary rate
// limit is waited out, and no secret shows in a log, the job summary or the PR comment.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY, leakedSecrets, pullRequestEvent, runAction as runBuiltAction, type PullRequestEventOptions, type RunResult } from '../../sandbox/action-runner.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import type { RecordedRequest } from '../../sandbox/server.js';
import { COMMENT_MARKER } from '../../src/github/comment.js';
import { expectSuccess, summaryCount } from './checks.js';

const NEON_KEY = 'napi_github_e2e_key_0123456789abc';
const SECRET_KEYS = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGPASSWORD'];

let neon: NeonStandIn;
let github: GitHubStandIn;

/** GitHub requests per run, split by what made them (reported at the end). */
const requestCounts: Record<string, { environment: number; comment: number; paths: string[] }> = {};

beforeAll(async () => {
  [neon, github] = await Promise.all([startNeonStandIn({ apiKeys: [NEON_KEY], operationMs: 100 }), startGitHubStandIn({ repository: REPOSITORY })]);
});
afterAll(async () => {
  await Promise.all([neon.stop(), github.stop()]);
  console.log(
    `GitHub requests per run:\n${Object.entries(requestCounts)
      .map(([run, c]) => `  ${run}: environment target ${c.environment}, PR comment ${c.comment}\n    ${c.paths.join('\n    ')}`)
      .join('\n')}`,
  );
});
afterEach(() => {
  expect(neon.standIn.violations).toEqual([]);
  expect(github.standIn.violations).toEqual([]);
});

const sha = (pr: number, n: number): string => `${pr}${String(n)}${'e'.repeat(40 - String(pr).length - String(n).length)}`;
const consoleUrlOf = (branchId: string): string => `https://console.neon.tech/app/projects/${neon.projectId}/branches/${branchId}`;

interface RunOptions {
  headSha?: string;
  /** Extra inputs; `github_token` defaults to the admin token (leave it out with `github_token: undefined`). */
  inputs?: Record<string, string | undefined>;
}

/**
 * One run of dist/index.js for a pull request event. The workflow's default token is the
 * stand-in's `actions` token (like GITHUB_TOKEN); `github_token` is the admin token unless the
 * test says otherwise.
 */
function run(action: PullRequestEventOptions['action'], pr: number, options: RunOptions = {}): Promise<RunResult> {
  const given = { neon_api_key: NEON_KEY, neon_project_id: neon.projectId, neon_api_url: neon.url, targets: 'github', timeout: '60', github_token: github.tokens.admin, ...options.inputs };
  const inputs = Object.fromEntries(Object.entries(given).filter((e): e is [string, string] => e[1] !== undefined));
  github.setPullRequest(pr, { state: action === 'closed' ? 'closed' : 'open', headRef: `feature/pr-${pr}` });
  return runBuiltAction({ githubApiUrl: github.url, githubToken: github.tokens.actions, inputs, event: pullRequestEvent({ action, number: pr, headSha: options.headSha ?? sha(pr, 1) }) });
}

/** The GitHub requests made by `step` (runs one after the other, so the log slice is theirs). */
async function githubRequestsOf<T>(step: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> {
  const mark = github.standIn.requests.length;
  const result = await step();
  return { result, requests: github.standIn.requests.slice(mark) };
}

/** The PR comment's requests: GraphQL (who am I) and the issue comment routes; the rest is the environment target's. */
const isCommentRequest = (r: RecordedRequest): boolean => r.path === '/graphql' || /\/issues\//.test(r.path);
/** The create's last question: is the pull request still open (a close meanwhile is made good). */
const isPullRequestState = (r: RecordedRequest): boolean => /\/pulls\/\d+$/.test(r.path);

/** `METHOD path status` with the repository prefix cut and numeric ids as {id}. */
function shape(requests: RecordedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.path.replace(`/repos/${REPOSITORY}`, '').replace(/\/\d+(?=\/|$)/g, '/{id}')} ${r.status}`);
}

function record(name: string, requests: RecordedRequest[]): { environment: RecordedRequest[]; comment: RecordedRequest[] } {
  const environment = requests.filter((r) => !isCommentRequest(r) && !isPullRequestState(r));
  const comment = requests.filter(isCommentRequest);
  requestCounts[name] = { environment: environment.length, comment: comment.length, paths: shape(requests) };
  return { environment, comment };
}

/** The values a create run must have published, from its own outputs (default env_vars). */
function expectedSecrets(result: RunResult): Record<string, string> {
  const o = result.outputs;
  return { DATABASE_URL: o.db_url_pooled!, DATABASE_URL_UNPOOLED: o.db_url!, PGPASSWORD: o.password! };
}
function expectedVariables(result: RunResult): Record<string, string> {
  const o = result.outputs;
  return { PGHOST: o.db_host_pooled!, PGHOST_UNPOOLED: o.db_host!, PGUSER: o.role!, PGDATABASE: o.database! };
}

/** The decrypted secrets of an environment, by name. */
function secretsIn(environment: string): Record<string, string | undefined> {
  return Object.fromEntries((github.environment(environment)?.secretNames ?? []).map((name) => [name, github.secretPlaintext(environment, name)]));
}

/** The secrets of a PR's run: the URLs and the password (raw and URL-encoded), both GitHub tokens and the Neon key. */
function secretsOf(opened: RunResult): string[] {
  const { db_url, db_url_pooled, password } = opened.outputs;
  expect(password).toBeTruthy();
  return [db_url!, db_url_pooled!, password!, encodeURIComponent(password!), github.tokens.admin, github.tokens.actions, NEON_KEY];
}

/** No secret in the run's logs and summary, nor in any comment on the PR. */
function expectNoLeak(result: RunResult, pr: number, secrets: string[]): void {
  expect(leakedSecrets(result, secrets)).toEqual([]);
  for (const comment of github.comments(pr)) for (const secret of secrets) expect(comment.body.includes(secret), `PR #${pr} comment shows a secret`).toBe(false);
}

/** The action's own comments on a PR (written with the admin token). */
const commentsOf = (pr: number) => github.comments(pr).filter((c) => c.body.includes(COMMENT_MARKER) && c.creator === 'preview-admin');

describe('a pull request from opened to closed, published to its GitHub environment', () => {
  it('creates the environment and a deployment, updates them on synchronize, removes them on close, and a second close succeeds', async () => {
    const pr = 501;
    const env = `pr-${pr}`;

    // --- opened ---------------------------------------------------------------------------
    const { result: opened, requests: openRequests } = await githubRequestsOf(() => run('opened', pr, { headSha: sha(pr, 1) }));
    expectSuccess(opened);
    expect(opened.outputs).toMatchObject({ command: 'create', created: 'true', branch_name: `preview/pr-${pr}` });
    const branchId = opened.outputs.branch_id!;
    expect(neon.branchByName(`preview/pr-${pr}`)?.id).toBe(branchId);

    const environment = github.environment(env)!;
    expect(environment).toBeDefined();
    expect(environment.secretNames).toEqual([...SECRET_KEYS].sort());
    expect(secretsIn(env)).toEqual(expectedSecrets(opened));
    expect(github.secretPlaintext(env, 'DATABASE_URL')).toBe(opened.outputs.db_url_pooled);
    expect(github.secretPlaintext(env, 'DATABASE_URL_UNPOOLED')).toBe(opened.outputs.db_url);
    expect(github.secretPlaintext(env, 'PGPASSWORD')).toBe(opened.outputs.password);
    expect(github.variables(env)).toEqual(expectedVariables(opened));

    const [deployment, ...noOther] = github.deployments(env);
    expect(noOther).toEqual([]);
    expect(deployment).toMatchObject({ sha: sha(pr, 1), ref: sha(pr, 1), environment: env, transient: true, production: false, state: 'success', creator: 'preview-admin' });
    expect(deployment!.statuses).toHaveLength(1);
    expect(deployment!.statuses[0]).toMatchObject({ state: 'success', environmentUrl: consoleUrlOf(branchId) });

    const opening = record('create (opened, new environment)', openRequests);
    // get environment (404), create it, public key, 3 secrets, 4 variables, deployment, its status, list deployments.
    expect(shape(opening.environment).sort()).toEqual(
      [
        'GET /environments/pr-501 404',
        'PUT /environments/pr-501 200',
        'GET /environments/pr-501/secrets/public-key 200',
        'PUT /environments/pr-501/secrets/DATABASE_URL 201',
        'PUT /environments/pr-501/secrets/DATABASE_URL_UNPOOLED 201',
        'PUT /environments/pr-501/secrets/PGPASSWORD 201',
        ...Array<string>(4).fill('POST /environments/pr-501/variables 201'),
        'POST /deployments 201',
        'POST /deployments/{id}/statuses 201',
        'GET /deployments 200',
      ].sort(),
    );
    // The comments are listed again after the create, so two runs that both created one keep one.
    expect(shape(opening.comment).sort()).toEqual(['GET /issues/{id}/comments 200', 'GET /issues/{id}/comments 200', 'POST /graphql 200', 'POST /issues/{id}/comments 201']);
    expect(opening.comment.filter((r) => r.path.startsWith('/repos/')).every((r) => r.path.includes(`/issues/${pr}/`))).toBe(true);
    expect(summaryCount(opened, 'GitHub')).toBe(openRequests.length);
    // Every request carries the one token given in `github_token`.
    expect(new Set(openRequests.map((r) => r.headers.authorization))).toEqual(new Set([`token ${github.tokens.admin}`]));
    expect(opened.stdout).toContain(`::add-mask::${github.tokens.admin}`);

    const [comment, ...noOtherComment] = commentsOf(pr);
    expect(noOtherComment).toEqual([]);
    expect(comment!.body).toContain('### Neon preview database: ready');
    expect(comment!.body).toContain(`[preview/pr-${pr}](${consoleUrlOf(branchId)})`);
    expect(comment!.body).toContain(`**GitHub environment**: \`DATABASE_URL\`, \`DATABASE_URL_UNPOOLED\`, \`PGHOST\``);
    expect(comment!.body).toContain(`settings/environments/${environment.id}/edit`);
    expect(comment!.body).toContain(`| Commit | \`${sha(pr, 1).slice(0, 7)}\` |`);
    expect(opened.summary).toContain('GitHub environment');
    expect(opened.summary).toContain(`Created environment <code>${env}</code>.`);
    const secrets = secretsOf(opened);
    expectNoLeak(opened, pr, secrets);

    // --- synchronize: a new head; one value went stale meanwhile (someone edited it) --------
    github.seedEnvironment(env, { variables: { PGHOST_UNPOOLED: 'stale.example.com' } });
    expect(github.variables(env).PGHOST_UNPOOLED).toBe('stale.example.com');
    const { result: synced, requests: syncRequests } = await githubRequestsOf(() => run('synchronize', pr, { headSha: sha(pr, 2) }));
    expectSuccess(synced);
    expect(synced.outputs).toMatchObject({ command: 'create', created: 'false', branch_id: branchId, db_url: opened.outputs.db_url });
    expect(github.environments().filter((e) => e.name.toLowerCase() === env)).toEqual([expect.objectContaining({ id: environment.id })]);
    expect(secretsIn(env)).toEqual(expectedSecrets(synced));
    expect(github.variables(env)).toEqual(expectedVariables(synced));

    // Exactly one active deployment, of the new head; the earlier one was marked inactive, then deleted.
    const afterSync = github.deployments(env);
    expect(afterSync.filter((d) => d.state !== 'inactive')).toEqual([expect.objectContaining({ sha: sha(pr, 2), state: 'success' })]);
    expect(afterSync.find((d) => d.state === 'success')!.statuses.at(-1)!.environmentUrl).toBe(consoleUrlOf(branchId));
    expect(afterSync.filter((d) => d.id === deployment!.id && d.state !== 'inactive')).toEqual([]);
    const retiring = syncRequests
      .filter((r) => r.path.includes(`/deployments/${deployment!.id}`))
      .map((r) => `${r.method} ${r.status}${r.method === 'POST' ? ` ${(r.body as { state: string }).state}` : ''}`);
    expect(retiring).toEqual(['POST 201 inactive', 'DELETE 204']);

    const syncing = record('create (synchronize, 1 stale variable, 1 earlier deployment)', syncRequests);
    // Secrets are always rewritten (GitHub never shows them); of the variables only the stale one.
    expect(syncing.environment.filter((r) => r.method === 'PATCH' || (r.method === 'POST' && r.path.endsWith('/variables'))).map((r) => `${r.method} ${r.path.split('/').pop()}`)).toEqual([
      'PATCH PGHOST_UNPOOLED',
    ]);
    expect(
      syncing.environment
        .filter((r) => r.method === 'PUT' && r.path.includes('/secrets/'))
        .map((r) => r.path.split('/').pop())
        .sort(),
    ).toEqual(SECRET_KEYS);
    expect(syncing.environment.length).toBe(13);
    expect(shape(syncing.comment).sort()).toEqual(['GET /issues/{id}/comments 200', 'PATCH /issues/comments/{id} 200', 'POST /graphql 200']);
    expect(syncing.comment.find((r) => r.method === 'PATCH')!.path).toBe(`/repos/${REPOSITORY}/issues/comments/${comment!.id}`);
    expect(summaryCount(synced, 'GitHub')).toBe(syncRequests.length);
    expect(commentsOf(pr).map((c) => c.id)).toEqual([comment!.id]);
    expect(commentsOf(pr)[0]!.body).toContain(`| Commit | \`${sha(pr, 2).slice(0, 7)}\` |`);
    expect(commentsOf(pr)[0]!.body).toContain('| Branch was | reused |');
    expectNoLeak(synced, pr, secrets);

    // --- synchronize again, nothing changed -----------------------------------------------
    const { result: resynced, requests: resyncRequests } = await githubRequestsOf(() => run('synchronize', pr, { headSha: sha(pr, 3) }));
    expectSuccess(resynced);
    const resyncing = record('create (synchronize, nothing changed, 1 earlier deployment)', resyncRequests);
    // get environment, public key, list secrets, list variables, 3 secrets, deployment, status, list, inactive + delete of the earlier one.
    expect(resyncing.environment.length).toBe(12);
    expect(github.deployments(env).filter((d) => d.state !== 'inactive')).toEqual([expect.objectContaining({ sha: sha(pr, 3), state: 'success' })]);
    expectNoLeak(resynced, pr, secrets);

    // --- closed ---------------------------------------------------------------------------
    const active = github.deployments(env).find((d) => d.state === 'success')!;
    const { result: closed, requests: closeRequests } = await githubRequestsOf(() => run('closed', pr, { headSha: sha(pr, 3) }));
    expectSuccess(closed);
    expect(closed.outputs).toMatchObject({ command: 'delete', branch_id: branchId });
    expect(neon.branchByName(`preview/pr-${pr}`)).toBeUndefined();
    expect(github.environment(env)).toBeUndefined();
    expect(github.secretPlaintext(env, 'DATABASE_URL')).toBeUndefined();
    // Every deployment to the environment is inactive or gone (here: marked inactive, then deleted).
    expect(github.deployments(env).filter((d) => d.state !== 'inactive')).toEqual([]);
    expect(github.deployments(env)).toEqual([]);
    const closing = record('delete (closed, 1 deployment)', closeRequests);
    expect(shape(closing.environment)).toEqual(['GET /deployments 200', 'POST /deployments/{id}/statuses 201', 'DELETE /deployments/{id} 204', 'DELETE /environments/pr-501 204']);
    expect(closing.environment[1]!.path).toContain(`/deployments/${active.id}/`);
    expect(closing.environment[1]!.body).toMatchObject({ state: 'inactive' });
    expect(shape(closing.comment).sort()).toEqual(['GET /issues/{id}/comments 200', 'PATCH /issues/comments/{id} 200', 'POST /graphql 200']);
    expect(closing.comment.find((r) => r.method === 'PATCH')!.path).toBe(`/repos/${REPOSITORY}/issues/comments/${comment!.id}`);
    expect(summaryCount(closed, 'GitHub')).toBe(closeRequests.length);
    expect(commentsOf(pr).map((c) => c.id)).toEqual([comment!.id]);
    const removed = commentsOf(pr)[0]!.body;
    expect(removed).toContain('### Neon preview database: removed');
    expect(removed).toContain(`The branch \`preview/pr-${pr}\` is deleted, and its variables are removed from GitHub environment.`);
    expect(closed.summary).toContain(`Deleted environment <code>${env}</code> with its secrets and variables.`);
    expectNoLeak(closed, pr, secrets);

    // --- closed again: nothing left, still a success --------------------------------------
    const { result: closedAgain, requests: againRequests } = await githubRequestsOf(() => run('closed', pr, { headSha: sha(pr, 3) }));
    expectSuccess(closedAgain);
    expect(closedAgain.outputs.command).toBe('delete');
    expect(closedAgain.summary).toContain('already gone');
    expect(closedAgain.summary).toContain(`Environment <code>${env}</code> did not exist (already deleted).`);
    const again = record('delete (closed again, nothing left)', againRequests);
    expect(shape(again.environment)).toEqual(['GET /deployments 200', 'DELETE /environments/pr-501 404']);
    expect(summaryCount(closedAgain, 'GitHub')).toBe(againRequests.length);
    expect(github.environment(env)).toBeUndefined();
    expect(commentsOf(pr)).toHaveLength(1);
    expect(commentsOf(pr)[0]!.body).toContain('### Neon preview database: removed');
    expectNoLeak(closedAgain, pr, secrets);
  });
});

describe("the workflow's default token", () => {
  it('fails the create loudly, naming the permissions and `github_token`; what it left is cleaned up by a close with the right token', async () => {
    const pr = 502;
    const env = `pr-${pr}`;
    // No `github_token` input: action.yml's default, the workflow's GITHUB_TOKEN.
    const { result: opened, requests } = await githubRequestsOf(() => run('opened', pr, { inputs: { github_token: undefined } }));
    expect(opened.code).toBe(1);
    const error = opened.stdout.split('\n').find((l) => l.startsWith('::error::'))!;
    expect(error).toMatch(
      /^::error::GitHub: get environment pr-502 failed: HTTP 403: Resource not accessible by integration\. The token in `github_token` lacks Actions: read, which this request needs\. /,
    );
    expect(error).toContain('needs a fine-grained personal access token or GitHub App token with Actions: read, Administration: write, Environments: write and Deployments: write');
    expect(error).toContain("the workflow's GITHUB_TOKEN can never manage environments");
    expect(error).toContain('`github_token: ${{ secrets.NEON_PREVIEW_GITHUB_TOKEN }}`');
    expect(opened.summary).toMatch(/Neon preview database: failed[\s\S]*lacks Actions: read/);
    // A 403 without retry-after is an answer, not a rate limit: one request, no retry. The
    // comment's reads ran beside it and wrote nothing.
    const failed = record('create with the default GITHUB_TOKEN (fails)', requests);
    expect(shape(failed.environment)).toEqual(['GET /environments/pr-502 403']);
    expect(failed.environment[0]!.headers.authorization).toBe(`token ${github.tokens.actions}`);
    expect(failed.comment.filter((r) => r.method !== 'GET' && !r.path.endsWith('/graphql'))).toEqual([]);

    // Left behind: the Neon branch (created before the target ran) and its outputs; nothing on
    // GitHub, not even the PR comment (it is written after every target succeeded).
    const branch = neon.branchByName(`preview/pr-${pr}`)!;
    expect(branch).toBeDefined();
    expect(opened.outputs).toMatchObject({ command: 'create', created: 'true', branch_id: branch.id });
    expect(opened.outputs.db_url).toMatch(/^postgresql:\/\//);
    expect(github.environment(env)).toBeUndefined();
    expect(github.deployments(env)).toEqual([]);
    expect(github.comments(pr)).toEqual([]);
    expectNoLeak(opened, pr, secretsOf(opened));

    // A close with the same token fails as loudly, but the branch goes anyway (deleted after
    // the target's failure, so a rerun with a working token finds only GitHub to clean).
    const closedDefault = await run('closed', pr, { inputs: { github_token: undefined } });
    expect(closedDefault.code).toBe(1);
    expect(closedDefault.stdout).toMatch(
      /^::error::GitHub: delete environment pr-502 failed: HTTP 403: Resource not accessible by integration\. The token in `github_token` lacks Administration: write, which this request needs and which the workflow's GITHUB_TOKEN can never have\. /m,
    );
    expect(neon.branchByName(`preview/pr-${pr}`)).toBeUndefined();
    expect(closedDefault.summary).toContain('Neon preview database: failed');
    expect(github.comments(pr)).toEqual([]);
    expectNoLeak(closedDefault, pr, secretsOf(opened));

    // With the admin token, the rerun of the close succeeds.
    const closed = await run('closed', pr);
    expectSuccess(closed);
    expect(github.environment(env)).toBeUndefined();
  });
});

describe("GitHub's secondary rate limit", () => {
  it('a 403 or 429 with retry-after: 1 is waited out and retried, in the environment target and the PR comment; the runs succeed', async () => {
    const pr = 503;
    const env = `pr-${pr}`;
    github.rateLimitNext({ status: 403, retryAfterSeconds: 1, path: /\/environments\/pr-503$/ });
    github.rateLimitNext({ status: 429, retryAfterSeconds: 1, method: 'POST', path: /\/deployments$/ });
    github.rateLimitNext({ status: 403, retryAfterSeconds: 1, method: 'POST', path: /\/issues\/503\/comments$/ });
    const { result: opened, requests } = await githubRequestsOf(() => run('opened', pr));
    expectSuccess(opened);
    const counted = record('create (new environment) with three rate-limited requests', requests);

    /** Each refused request, and that it was sent again no sooner than retry-after said. */
    const expectRetried = (all: RecordedRequest[]): string[] => {
      const refused = all.filter((r) => r.fault === 'forced');
      for (const r of refused) {
        const retry = all.find((x) => x.at >= r.at && x.method === r.method && x.path === r.path && !x.fault);
        expect(retry, `${r.method} ${r.path} retried`).toBeDefined();
        expect(retry!.at - r.at, `${r.method} ${r.path} waited`).toBeGreaterThanOrEqual(950);
        expect([403, 429]).not.toContain(retry!.status);
      }
      return refused.map((r) => `${r.method} ${r.path.replace(`/repos/${REPOSITORY}`, '')} ${r.status}`);
    };
    expect(expectRetried(requests)).toEqual(['GET /environments/pr-503 403', 'POST /deployments 429', 'POST /issues/503/comments 403']);
    expect(opened.stdout).toMatch(/GitHub.*retrying in/);
    expect(opened.summary).toMatch(/GitHub: 21 requests \(3 retried\)/);
    expect(requests).toHaveLength(21);
    expect([counted.environment.length, counted.comment.length]).toEqual([15, 5]);
    expect(secretsIn(env)).toEqual(expectedSecrets(opened));
    expect(github.variables(env)).toEqual(expectedVariables(opened));
    expect(github.deployments(env)).toEqual([expect.objectContaining({ state: 'success', sha: sha(pr, 1) })]);
    // The comment create is not idempotent, but a rate-limit refusal was never applied: one comment.
    expect(commentsOf(pr)).toHaveLength(1);
    expectNoLeak(opened, pr, secretsOf(opened));

    github.rateLimitNext({ status: 429, retryAfterSeconds: 1, method: 'DELETE', path: /\/environments\/pr-503$/ });
    const { result: closed, requests: closeRequests } = await githubRequestsOf(() => run('closed', pr));
    expectSuccess(closed);
    expect(expectRetried(closeRequests)).toEqual(['DELETE /environments/pr-503 429']);
    expect(closed.summary).toMatch(/GitHub: 8 requests \(1 retried\)/);
    expect(github.environment(env)).toBeUndefined();
    expect(github.deployments(env)).toEqual([]);
    expect(commentsOf(pr)[0]!.body).toContain('### Neon preview database: removed');
    expectNoLeak(closed, pr, secretsOf(opened));
  });
});

describe('a private repository on the Free plan', () => {
  it('fails the create with one line saying environments need a paid plan and what to do, and writes nothing to GitHub', async () => {
    const pr = 504;
    const free = await startGitHubStandIn({ repository: REPOSITORY, repositoryPrivate: true, plan: 'free' });
    try {
      const inputs = { neon_api_key: NEON_KEY, neon_project_id: neon.projectId, neon_api_url: neon.url, targets: 'github', timeout: '60', github_token: free.tokens.admin };
      free.setPullRequest(pr, { state: 'open', headRef: `feature/pr-${pr}` });
      const opened = await runBuiltAction({ githubApiUrl: free.url, githubToken: free.tokens.actions, inputs, event: pullRequestEvent({ action: 'opened', number: pr, headSha: sha(pr, 1) }) });
      expect(opened.code).toBe(1);
      const errors = opened.stdout.split('\n').filter((l) => l.startsWith('::error::'));
      expect(errors).toEqual([
        `::error::GitHub: get environment pr-${pr} failed: HTTP 403: Upgrade to GitHub Pro or make this repository public to enable this feature. Environments on a private repository need GitHub Pro, Team or Enterprise: make ${REPOSITORY} public, upgrade its owner's plan, or drop \`github\` from \`targets\``,
      ]);
      expect(opened.summary).toContain('need GitHub Pro, Team or Enterprise');
      expect(free.environments()).toEqual([]);
      expect(free.deployments()).toEqual([]);
      expect(free.standIn.requestsTo(/\/environments/).map((r) => `${r.method} ${r.status}`)).toEqual(['GET 403']);
      expect(free.standIn.violations).toEqual([]);
      const o = opened.outputs;
      expect(leakedSecrets(opened, [free.tokens.admin, free.tokens.actions, NEON_KEY, ...[o.db_url, o.db_url_pooled, o.password].filter((v): v is string => !!v)])).toEqual([]);
    } finally {
      await free.stop();
    }
  });
});
