// The built action with `targets: vercel`, run as the runner runs it, through pull requests'
// lives against the Neon, GitHub and Vercel stand-ins: two PRs on one project keep their own
// branch-scoped values, a synchronize rewrites them in place, a close removes exactly the PR's
// values, team projects are named on every call, Vercel's refusals and rate limits are handled,
// the redeploy goes to the head branch's newest preview, answers that drift from the SDK's
// schemas change nothing, a project without a Git repository fails before anything is written, a
// PR from the production branch gets nothing on Vercel and succeeds, and no secret shows in a log,
// the job summary or the PR comment.
import { CreateProjectEnvResponseBody$inboundSchema } from '@vercel/sdk/models/createprojectenvop.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPOSITORY, leakedSecrets, pullRequestEvent, runAction as runBuiltAction, type PullRequestEventOptions, type RunResult } from '../../sandbox/action-runner.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import type { RecordedRequest } from '../../sandbox/server.js';
import { startVercelStandIn, type StandInEnv, type VercelStandIn, type VercelStandInOptions } from '../../sandbox/vercel.js';
import { expectSuccess, expectedValues, summaryCount } from './checks.js';

const NEON_KEY = 'napi_vercel_e2e_key_0123456789ab';
const VERCEL_TOKEN = 'vcp_vercelE2eToken0123456789abcdef';
const OUTSIDER_TOKEN = 'vcp_outsiderToken0123456789abcdef';
const PROJECT = 'prj_previewapp';
const TEAM_PROJECT = 'prj_teamapp';
const DEFAULT_KEYS = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGDATABASE', 'PGHOST', 'PGHOST_UNPOOLED', 'PGPASSWORD', 'PGUSER'];
const SECRET_KEYS = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGPASSWORD'];
const ENV_PATH = /^\/v10\/projects\/[^/]+\/env$/;
/** A create's reads, sent at once (in any order). */
const CREATE_READS = [`GET /v9/projects/${PROJECT} 200`, `GET /v10/projects/${PROJECT}/env 200`];

let neon: NeonStandIn;
let github: GitHubStandIn;
let vercel: VercelStandIn;

/** Vercel requests per run, by what the run did (reported at the end). */
const requestCounts: Record<string, number> = {};

beforeAll(async () => {
  [neon, github] = await Promise.all([startNeonStandIn({ apiKeys: [NEON_KEY], operationMs: 100 }), startGitHubStandIn({ repository: REPOSITORY })]);
});
afterAll(async () => {
  await Promise.all([neon.stop(), github.stop()]);
  console.log(`Vercel requests per run: ${JSON.stringify(requestCounts)}`);
});

/** A fresh Vercel account: the personal project `preview-app` and the team `acme`'s `team-app`. */
async function startVercel(options: VercelStandInOptions = {}): Promise<VercelStandIn> {
  const standIn = await startVercelStandIn({ tokens: [VERCEL_TOKEN, OUTSIDER_TOKEN], teams: [{ id: 'team_acme', slug: 'acme', members: [VERCEL_TOKEN] }], ...options });
  standIn.addProject({ name: 'team-app', id: TEAM_PROJECT, team: 'team_acme' });
  return standIn;
}

beforeEach(async () => {
  vercel = await startVercel();
});
afterEach(async () => {
  // Whatever a test did: no stand-in saw a request its API description (or the SDK's own
  // schemas, for Vercel) rejects, nor answered one the SDK would refuse.
  expect(neon.standIn.violations).toEqual([]);
  expect(github.standIn.violations).toEqual([]);
  expect(vercel.standIn.violations).toEqual([]);
  await vercel.stop();
});

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    neon_api_key: NEON_KEY,
    neon_project_id: neon.projectId,
    neon_api_url: neon.url,
    targets: 'vercel',
    vercel_token: VERCEL_TOKEN,
    vercel_project: PROJECT,
    vercel_api_url: vercel.url,
    timeout: '60',
    ...extra,
  };
}

const head = (pr: number): string => `feature/vercel-${pr}`;
const marker = (pr: number): string => `neon-preview ${REPOSITORY}#${pr}`;

/** One run of dist/index.js for a pull request event, with GitHub served by the stand-in. */
function run(action: PullRequestEventOptions['action'], pr: number, extra: Record<string, string> = {}, headRef = head(pr)): Promise<RunResult> {
  return runBuiltAction({ githubApiUrl: github.url, githubToken: github.tokens.actions, inputs: inputs(extra), event: pullRequestEvent({ action, number: pr, headRef }) });
}

/** The nightly sweep's run. */
function sweep(): Promise<RunResult> {
  return runBuiltAction({ githubApiUrl: github.url, githubToken: github.tokens.actions, inputs: inputs(), event: { name: 'schedule', payload: { schedule: '0 3 * * *' } } });
}

/** The Vercel requests made by `step` (runs of one test only, so the log slice is theirs). */
async function vercelRequestsOf<T>(step: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> {
  const mark = vercel.standIn.requests.length;
  const result = await step();
  return { result, requests: vercel.standIn.requests.slice(mark) };
}

const shape = (requests: RecordedRequest[]): string[] => requests.map((r) => `${r.method} ${r.path} ${r.status}`);

/** A create's requests: its reads at once (in any order), then `writes` in order. */
function expectCreate(requests: RecordedRequest[], writes: string[], reads = CREATE_READS): void {
  expect(shape(requests.slice(0, reads.length)).sort()).toEqual([...reads].sort());
  expect(shape(requests.slice(reads.length))).toEqual(writes);
}

/** The PR's values on the project (those carrying its marker), values in the clear. */
function valuesOf(pr: number, project = PROJECT): StandInEnv[] {
  return vercel.envs(project).filter((e) => e.comment === marker(pr));
}

/**
 * The PR holds exactly one value per key, each a preview value of its head branch with its marker,
 * typed `sensitive` when it carries the password and `encrypted` otherwise, equal to what its own
 * run output.
 */
function expectOwnValues(pr: number, opened: RunResult, project = PROJECT): void {
  const mine = valuesOf(pr, project);
  expect(mine.map((e) => e.key).sort()).toEqual(DEFAULT_KEYS);
  for (const e of mine) {
    expect(e.gitBranch, e.key).toBe(head(pr));
    expect(e.target, e.key).toEqual(['preview']);
    expect(e.type, e.key).toBe(SECRET_KEYS.includes(e.key) ? 'sensitive' : 'encrypted');
  }
  expect(Object.fromEntries(mine.map((e) => [e.key, e.value]))).toEqual(expectedValues(opened));
}

/** The secrets of a PR's run: the URLs and the password (raw and URL-encoded), and both keys. */
function secretsOf(opened: RunResult): string[] {
  const { db_url, db_url_pooled, password } = opened.outputs;
  expect(password).toBeTruthy();
  return [db_url!, db_url_pooled!, password!, encodeURIComponent(password!), VERCEL_TOKEN, NEON_KEY];
}

/** No secret in the run's logs and summary, nor in any comment on the PR. */
function expectNoLeak(result: RunResult, pr: number, secrets: string[]): void {
  expect(leakedSecrets(result, secrets)).toEqual([]);
  for (const comment of github.comments(pr)) for (const secret of secrets) expect(comment.body.includes(secret), `PR #${pr} comment shows a secret`).toBe(false);
}

/** The action's own (sticky) comment on the PR. */
function botComment(pr: number): string {
  const mine = github.comments(pr).filter((c) => c.creator === 'github-actions[bot]');
  expect(mine).toHaveLength(1);
  return mine[0]!.body;
}

describe('two pull requests on one Vercel project', () => {
  it('opened at once each get only their own values; synchronize rewrites in place; a close removes its values and nothing else', async () => {
    // Writes hold the project 150 ms, so the two upserts are likely to collide and be retried.
    await vercel.stop();
    vercel = await startVercel({ writeMs: 150 });
    const [a, b] = [501, 502];
    // Values no PR may touch: a branch-less preview value of one of the keys, a value someone set
    // by hand on A's branch (no marker), production's database.
    const seeded = [
      vercel.addEnv(PROJECT, { key: 'DATABASE_URL', value: 'postgresql://shared:shared-preview-secret@shared.example.com/app' }),
      vercel.addEnv(PROJECT, { key: 'SENTRY_DSN', value: 'https://public@sentry.example.com/1', gitBranch: head(a) }),
      vercel.addEnv(PROJECT, { key: 'DATABASE_URL', value: 'postgresql://prod:prod-secret@prod.example.com/app', type: 'sensitive', target: ['production'] }),
    ];
    const untouched = () => seeded.map((s) => vercel.envs(PROJECT).find((e) => e.id === s.id));

    const {
      result: [openedA, openedB],
      requests: openRequests,
    } = await vercelRequestsOf(() => Promise.all([run('opened', a), run('opened', b)]));
    expectSuccess(openedA);
    expectSuccess(openedB);
    requestCounts['two creates at once (total)'] = openRequests.length;
    expect(openedA.outputs.branch_id).not.toBe(openedB.outputs.branch_id);
    expect(openedA.outputs.db_url).not.toBe(openedB.outputs.db_url);

    // Each PR holds its own 7 values, equal to its own run's outputs; nothing else was written.
    expectOwnValues(a, openedA);
    expectOwnValues(b, openedB);
    expect(vercel.envs(PROJECT)).toHaveLength(2 * DEFAULT_KEYS.length + seeded.length);
    expect(
      vercel
        .envs(PROJECT)
        .filter((e) => e.gitBranch === head(a) && e.comment !== marker(a))
        .map((e) => e.key),
    ).toEqual(['SENTRY_DSN']);
    expect(vercel.envs(PROJECT).filter((e) => e.gitBranch === head(b) && e.comment !== marker(b))).toEqual([]);
    expect(untouched()).toEqual(seeded);
    // Per request: each run listed its own branch and sent one upsert of its own values only.
    for (const [pr, opened] of [
      [a, openedA],
      [b, openedB],
    ] as const) {
      expect(openRequests.filter((r) => r.method === 'GET' && r.query.gitBranch === head(pr))).toHaveLength(1);
      const upserts = openRequests.filter((r) => r.method === 'POST' && (r.body as { gitBranch: string }[])[0]?.gitBranch === head(pr));
      expect(upserts.map((r) => r.status).at(-1)).toBe(201);
      for (const upsert of upserts) {
        expect(upsert.query).toEqual({ upsert: 'true' });
        const items = upsert.body as { key: string; value: string; gitBranch: string; comment: string }[];
        expect(items.every((i) => i.gitBranch === head(pr) && i.comment === marker(pr))).toBe(true);
        expect(Object.fromEntries(items.map((i) => [i.key, i.value]))).toEqual(expectedValues(opened));
      }
    }
    expect(openRequests.every((r) => r.query.gitBranch === undefined || [head(a), head(b)].includes(r.query.gitBranch))).toBe(true);
    expect(summaryCount(openedA, 'Vercel')! + summaryCount(openedB, 'Vercel')!).toBe(openRequests.length);
    // Each comment tells of its own PR only, by name.
    for (const [pr, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const body = botComment(pr);
      expect(body).toContain(`preview/pr-${pr}`);
      expect(body).not.toContain(`preview/pr-${other}`);
      expect(body).toMatch(/\*\*Vercel\*\*: `DATABASE_URL`, `DATABASE_URL_UNPOOLED`, `PGHOST`/);
    }
    const secrets = [...secretsOf(openedA), ...secretsOf(openedB), 'shared-preview-secret', 'prod-secret'];
    expectNoLeak(openedA, a, secrets);
    expectNoLeak(openedB, b, secrets);

    // Synchronize A: same values rewritten in place (same ids), one value per key and branch.
    const idsBefore = valuesOf(a)
      .map((e) => e.id)
      .sort();
    const bBefore = valuesOf(b);
    const { result: syncA, requests: syncRequests } = await vercelRequestsOf(() => run('synchronize', a));
    expectSuccess(syncA);
    requestCounts['synchronize'] = syncRequests.length;
    expect(syncA.outputs).toMatchObject({ command: 'create', created: 'false', branch_id: openedA.outputs.branch_id, db_url: openedA.outputs.db_url });
    expectCreate(syncRequests, [`POST /v10/projects/${PROJECT}/env 201`]);
    expectOwnValues(a, syncA);
    expect(
      valuesOf(a)
        .map((e) => e.id)
        .sort(),
    ).toEqual(idsBefore);
    for (const pr of [a, b])
      for (const key of DEFAULT_KEYS)
        expect(
          vercel.envs(PROJECT).filter((e) => e.key === key && e.gitBranch === head(pr)),
          `${key}@${head(pr)}`,
        ).toHaveLength(1);
    expect(valuesOf(b)).toEqual(bBefore);
    expect(untouched()).toEqual(seeded);
    expect(summaryCount(syncA, 'Vercel')).toBe(syncRequests.length);
    expectNoLeak(syncA, a, secrets);

    // Close A: its 7 values go in one batch; B's values, the branch-less value, the hand-made
    // value on A's branch and production's all stay.
    const aIds = valuesOf(a)
      .map((e) => e.id)
      .sort();
    const { result: closedA, requests: closeRequests } = await vercelRequestsOf(() => run('closed', a));
    expectSuccess(closedA);
    requestCounts['delete'] = closeRequests.length;
    expect(closedA.outputs.command).toBe('delete');
    expect(shape(closeRequests)).toEqual([`GET /v10/projects/${PROJECT}/env 200`, `DELETE /v1/projects/${PROJECT}/env 200`]);
    expect(closeRequests[0]!.query).toEqual({ gitBranch: head(a) });
    expect((closeRequests[1]!.body as { ids: string[] }).ids.sort()).toEqual(aIds);
    expect(valuesOf(a)).toEqual([]);
    expect(valuesOf(b)).toEqual(bBefore);
    expect(untouched()).toEqual(seeded);
    expect(vercel.envs(PROJECT)).toHaveLength(DEFAULT_KEYS.length + seeded.length);
    expect(neon.branchByName(`preview/pr-${a}`)).toBeUndefined();
    expect(neon.branchByName(`preview/pr-${b}`)).toBeDefined();
    expect(summaryCount(closedA, 'Vercel')).toBe(closeRequests.length);
    expect(closedA.summary).toMatch(/Vercel<\/td><td>removed <code>DATABASE_URL<\/code>/);
    expect(botComment(a)).toContain('Neon preview database: removed');
    expect(botComment(a)).toContain('removed from Vercel');
    expectNoLeak(closedA, a, secrets);

    // Close A again: nothing of A's left, one list and no delete.
    const { result: closedAgain, requests: againRequests } = await vercelRequestsOf(() => run('closed', a));
    expectSuccess(closedAgain);
    requestCounts['delete, nothing left'] = againRequests.length;
    expect(shape(againRequests)).toEqual([`GET /v10/projects/${PROJECT}/env 200`]);
    expectNoLeak(closedAgain, a, secrets);

    // Close B, the last PR: only the seeded values remain.
    const closedB = await run('closed', b);
    expectSuccess(closedB);
    expect(vercel.envs(PROJECT)).toEqual(seeded);
    expectNoLeak(closedB, b, secrets);
  });
});

describe('a team project', () => {
  it.each([
    ['team id', 'team_acme', { teamId: 'team_acme' }],
    ['team slug', 'acme', { slug: 'acme' }],
  ])('is reached with vercel_team as its %s, named on every call', async (what, team, scope) => {
    const pr = what === 'team id' ? 511 : 512;
    const { result: opened, requests: createRequests } = await vercelRequestsOf(() => run('opened', pr, { vercel_project: 'team-app', vercel_team: team }));
    expectSuccess(opened);
    expectCreate(createRequests, ['POST /v10/projects/team-app/env 201'], ['GET /v9/projects/team-app 200', 'GET /v10/projects/team-app/env 200']);
    for (const r of createRequests) expect(r.query).toMatchObject(scope);
    expectOwnValues(pr, opened, TEAM_PROJECT);
    expect(vercel.envs(PROJECT)).toEqual([]);
    // The dashboard link needs the team's slug and the project's name.
    const settings = 'https://vercel.com/acme/team-app/settings/environment-variables';
    if (team === 'acme') expect(opened.summary).toContain(settings);
    else expect(opened.summary).not.toContain(settings);
    expectNoLeak(opened, pr, secretsOf(opened));

    const { result: closed, requests: deleteRequests } = await vercelRequestsOf(() => run('closed', pr, { vercel_project: 'team-app', vercel_team: team }));
    expectSuccess(closed);
    expect(shape(deleteRequests)).toEqual([`GET /v10/projects/team-app/env 200`, `DELETE /v1/projects/team-app/env 200`]);
    for (const r of deleteRequests) expect(r.query).toMatchObject(scope);
    expect(vercel.envs(TEAM_PROJECT)).toEqual([]);
    expectNoLeak(closed, pr, secretsOf(opened));
  });
});

describe("Vercel's refusals", () => {
  it('a 201 listing a failed item fails the run, naming the key and Vercel’s reason, never the value', async () => {
    const pr = 521;
    // Vercel's failed items may echo the value; the action must not.
    const echoed = 'postgresql://neondb_owner:echoed-value-npg_ECHOEDSECRET@ep-echo.example.com/neondb';
    const reason = 'The value of "PGPASSWORD" is longer than 65536 characters.';
    const body = {
      created: [],
      failed: [{ error: { code: 'value_too_long', message: reason, key: 'PGPASSWORD', envVarKey: 'PGPASSWORD', target: ['preview'], gitBranch: head(pr), value: echoed } }],
    };
    // The forced answer is one the SDK accepts (else the run would fail on parsing, not on `failed`).
    expect(CreateProjectEnvResponseBody$inboundSchema.safeParse(body).success).toBe(true);
    vercel.standIn.failNext({ method: 'POST', path: ENV_PATH, status: 201, body, afterApply: true });

    const { result: failed, requests } = await vercelRequestsOf(() => run('opened', pr));
    expect(failed.code).toBe(1);
    expectCreate(requests, [`POST /v10/projects/${PROJECT}/env 201`]);
    const errors = failed.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toEqual([`::error::Vercel: publish variables failed: PGPASSWORD: ${reason} (value_too_long)`]);
    expect(failed.summary).toMatch(/Neon preview database: failed[\s\S]*Vercel: publish variables failed: PGPASSWORD: /);
    expect(leakedSecrets(failed, [...secretsOf(failed), echoed, 'ECHOEDSECRET'])).toEqual([]);
    expectNoLeak(failed, pr, [...secretsOf(failed), echoed]);

    // A re-run publishes in place: one value per key.
    const rerun = await run('opened', pr);
    expectSuccess(rerun);
    expectOwnValues(pr, rerun);
    expectNoLeak(rerun, pr, secretsOf(rerun));
  });

  it('a 429 is waited out until X-RateLimit-Reset and an "update already happening" 400 is retried; the run succeeds', async () => {
    const pr = 531;
    // The limit is set once the run has reached Vercel (its list of the branch's values is held
    // meanwhile), so the reset is ahead of the 429 whatever the run took to get there.
    const list = vercel.standIn.hold('GET', ENV_PATH);
    const running = vercelRequestsOf(() => run('opened', pr));
    await list.arrived;
    // X-RateLimit-Reset is in whole Unix seconds, 2 s ahead: no earlier than this.
    const resetNoEarlier = Math.ceil(Date.now() / 1000 + 2) * 1000;
    vercel.rateLimitNext({ method: 'POST', path: ENV_PATH, seconds: 2 });
    vercel.busyNextEnvWrites(1);
    list.release();

    const { result: opened, requests } = await running;
    expectSuccess(opened);
    requestCounts['create, 429 + 400 retried'] = requests.length;
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.status)).toEqual([429, 400, 201]);
    // Retried when the window reset, not before; the wait was the reset's (at most 3 s ahead),
    // not a minute's or a backoff's guess.
    expect(posts[1]!.at).toBeGreaterThanOrEqual(resetNoEarlier - 50);
    const waited = /Vercel: publish variables: HTTP 429; retrying in (\d+\.\d) s/.exec(opened.stdout);
    expect(waited, opened.stdout).not.toBeNull();
    expect(Number(waited![1])).toBeLessThanOrEqual(3);
    expect(opened.stdout).toMatch(/Vercel: publish variables: HTTP 400; retrying in/);
    expect(opened.summary).toMatch(/Vercel: 5 requests \(2 retried\)/);
    expect(requests).toHaveLength(5);
    expectOwnValues(pr, opened);
    expectNoLeak(opened, pr, secretsOf(opened));
  });
});

describe('vercel_redeploy', () => {
  it("on: redeploys the head branch's newest preview after publishing, its URL in the job summary", async () => {
    const pr = 541;
    const t = Date.now();
    vercel.addDeployment(PROJECT, { branch: head(pr), createdAt: t - 60_000 });
    const newest = vercel.addDeployment(PROJECT, { branch: head(pr), createdAt: t - 30_000 });
    vercel.addDeployment(PROJECT, { branch: head(pr), target: 'production', createdAt: t - 1000 });
    vercel.addDeployment(PROJECT, { branch: 'feature/someone-else', createdAt: t - 1000 });

    const { result: opened, requests } = await vercelRequestsOf(() => run('opened', pr, { vercel_redeploy: 'true' }));
    expectSuccess(opened);
    requestCounts['create, redeploy on'] = requests.length;
    // The reads at once; the redeploy after the values are written.
    expectCreate(requests, [`POST /v10/projects/${PROJECT}/env 201`, 'POST /v13/deployments 200'], [...CREATE_READS, 'GET /v7/deployments 200']);
    expect(requests.find((r) => r.path === '/v7/deployments')!.query).toMatchObject({ projectId: PROJECT, branch: head(pr), target: 'preview' });
    expect(summaryCount(opened, 'Vercel')).toBe(requests.length);

    expect(vercel.redeploys()).toHaveLength(1);
    const [redeploy] = vercel.redeploys();
    expect(redeploy).toMatchObject({ fromDeploymentId: newest.uid, name: 'preview-app', project: PROJECT });
    expect(redeploy!.target).toBeUndefined();
    expect(redeploy!.deployment.target).toBeNull();
    // The new build sees this PR's values.
    expect(redeploy!.env.DATABASE_URL).toBe(opened.outputs.db_url_pooled);
    expect(redeploy!.env.PGPASSWORD).toBe(opened.outputs.password);

    const url = `https://${redeploy!.deployment.url}`;
    expect(opened.summary).toContain(url);
    expect(opened.summary).toContain(`https://vercel.com/${vercel.username}/preview-app/settings/environment-variables`);
    expect(opened.summary).toContain(`Redeployed the newest preview deployment of <code>${head(pr)}</code> (<code>${newest.uid}</code>)`);
    expect(botComment(pr)).toContain(url);
    expectOwnValues(pr, opened);
    expectNoLeak(opened, pr, secretsOf(opened));
  });

  it('off (the default): publishes only, even with a preview deployment of the head branch', async () => {
    const pr = 542;
    vercel.addDeployment(PROJECT, { branch: head(pr) });

    const { result: opened, requests } = await vercelRequestsOf(() => run('opened', pr));
    expectSuccess(opened);
    requestCounts['create'] = requests.length;
    expectCreate(requests, [`POST /v10/projects/${PROJECT}/env 201`]);
    expect(requests.find((r) => r.method === 'GET' && ENV_PATH.test(r.path))!.query).toEqual({ gitBranch: head(pr) });
    expect(summaryCount(opened, 'Vercel')).toBe(requests.length);
    expect(vercel.redeploys()).toEqual([]);
    expect(opened.summary).toContain(`Vercel applies variables to new deployments only: the next push to <code>${head(pr)}</code> builds with them (or set <code>vercel_redeploy: true</code>)`);
    expectOwnValues(pr, opened);
    expectNoLeak(opened, pr, secretsOf(opened));
  });

  it('on, with no preview deployment of the head branch yet: says so, redeploys nothing, succeeds', async () => {
    const pr = 543;
    vercel.addDeployment(PROJECT, { branch: 'feature/someone-else' });
    vercel.addDeployment(PROJECT, { branch: head(pr), target: 'production' });

    const { result: opened, requests } = await vercelRequestsOf(() => run('opened', pr, { vercel_redeploy: 'true' }));
    expectSuccess(opened);
    requestCounts['create, redeploy on, no deployment'] = requests.length;
    expectCreate(requests, [`POST /v10/projects/${PROJECT}/env 201`], [...CREATE_READS, 'GET /v7/deployments 200']);
    expect(vercel.redeploys()).toEqual([]);
    expect(opened.summary).toContain(`No preview deployment of <code>${head(pr)}</code> yet; the next Git push will build with the values.`);
    expect(opened.stdout).toContain(`::notice::Vercel: no preview deployment of ${head(pr)} yet, so nothing was redeployed`);
    expect(botComment(pr)).toContain(`No preview deployment of \`${head(pr)}\` yet; the next Git push will build with the values.`);
    expectOwnValues(pr, opened);
    expectNoLeak(opened, pr, secretsOf(opened));
  });
});

describe("answers that drift from the SDK's schemas (vercel/sdk#104, #30, #175, #206)", () => {
  it('change nothing: a create with a redeploy, a synchronize that drops names, a close and a sweep all succeed', async () => {
    vercel.setDrift(true);
    const [pr, swept] = [551, 552];
    const preview = vercel.addDeployment(PROJECT, { branch: head(pr) });

    // Create: the upsert's 201 lacks `failed` (#104), the reads carry unknown enum values and
    // fields; the values are written and the preview redeployed.
    const { result: opened, requests: openRequests } = await vercelRequestsOf(() => run('opened', pr, { vercel_redeploy: 'true' }));
    expectSuccess(opened);
    expectCreate(openRequests, [`POST /v10/projects/${PROJECT}/env 201`, 'POST /v13/deployments 200'], [...CREATE_READS, 'GET /v7/deployments 200']);
    expectOwnValues(pr, opened);
    expect(vercel.redeploys().map((r) => r.fromDeploymentId)).toEqual([preview.uid]);
    expect(opened.summary).toContain(`https://${vercel.redeploys()[0]!.deployment.url}`);

    // Synchronize with fewer names: written in place, the rest removed in one batch.
    const { result: synced, requests: syncRequests } = await vercelRequestsOf(() => run('synchronize', pr, { env_vars: 'DATABASE_URL=pooled_url' }));
    expectSuccess(synced);
    expectCreate(syncRequests, [`POST /v10/projects/${PROJECT}/env 201`, `DELETE /v1/projects/${PROJECT}/env 200`]);
    expect(valuesOf(pr).map((e) => e.key)).toEqual(['DATABASE_URL']);

    // Close: the PR's value goes.
    const { result: closed, requests: closeRequests } = await vercelRequestsOf(() => run('closed', pr));
    expectSuccess(closed);
    expect(shape(closeRequests)).toEqual([`GET /v10/projects/${PROJECT}/env 200`, `DELETE /v1/projects/${PROJECT}/env 200`]);
    expect(valuesOf(pr)).toEqual([]);

    // Sweep: a PR closed without its closed run (GitHub no longer knows it) is cleaned up.
    expectSuccess(await run('opened', swept));
    expect(valuesOf(swept)).toHaveLength(DEFAULT_KEYS.length);
    const { result: sweptRun, requests: sweepRequests } = await vercelRequestsOf(() => sweep());
    expect(sweptRun.code, sweptRun.stdout).toBe(0);
    expect(sweptRun.outputs.command).toBe('sweep');
    expect(shape(sweepRequests)).toEqual([`GET /v10/projects/${PROJECT}/env 200`, `DELETE /v1/projects/${PROJECT}/env 200`]);
    expect(valuesOf(swept)).toEqual([]);
    expect(vercel.envs(PROJECT)).toEqual([]);
  });
});

describe('gitBranch: a branch of the connected Git repository, not its production branch', () => {
  it('a project without a connected Git repository: the run fails saying so and what to do, and nothing is written to Vercel', async () => {
    const pr = 561;
    vercel.setLink(PROJECT, null);

    const { result: failed, requests } = await vercelRequestsOf(() => run('opened', pr, { vercel_redeploy: 'true' }));

    expect(failed.code).toBe(1);
    const message =
      "Vercel: nothing was published: project preview-app has no connected Git repository, so it cannot hold values scoped to the branch feature/vercel-561 (Vercel takes branch values only for branches of the connected repository). Connect the repository in the project's Settings → Git, or remove vercel from `targets`.";
    expect(failed.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toEqual([`::error::${message}`]);
    expect(failed.summary).toContain('Vercel: nothing was published: project preview-app has no connected Git repository');
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(vercel.envs(PROJECT)).toEqual([]);
    expectNoLeak(failed, pr, secretsOf(failed));
  });

  it('a PR from the production branch: Vercel gets nothing, a warning names the rule, the summary and comment say why, the run succeeds; its close has nothing to do', async () => {
    const pr = 562;
    vercel.addDeployment(PROJECT, { branch: 'main' });

    const { result: opened, requests } = await vercelRequestsOf(() => run('opened', pr, { vercel_redeploy: 'true' }, 'main'));

    expect(opened.code, opened.stdout).toBe(0);
    expect(opened.stdout.split('\n').filter((l) => /^::(warning|error)::/.test(l))).toEqual([
      `::warning::Vercel does not take preview values for the production branch: main, the head branch of pull request #${pr}, is project preview-app's production branch, so Vercel gets nothing for this pull request (no action needed).`,
    ]);
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(vercel.envs(PROJECT)).toEqual([]);
    expect(vercel.redeploys()).toEqual([]);
    // The Neon branch and its outputs are there as for any pull request.
    expect(opened.outputs.db_url).toBeTruthy();
    expect(opened.summary).toContain("Nothing published: <code>main</code> is the project's production branch, and Vercel does not take preview values for the production branch.");
    expect(botComment(pr)).toContain("Nothing published: `main` is the project's production branch, and Vercel does not take preview values for the production branch.");
    expectNoLeak(opened, pr, secretsOf(opened));

    const { result: closed, requests: closeRequests } = await vercelRequestsOf(() => run('closed', pr, {}, 'main'));
    expectSuccess(closed);
    expect(shape(closeRequests)).toEqual([`GET /v10/projects/${PROJECT}/env 200`]);
  });
});
