// The vercel target against the Vercel stand-in, in-process, under a real ApiSession (the one
// retry policy): publish and remove, ownership, refusals, retries, team scope, access failures.
// The sweep, the redeploy, drifted answers and the gitBranch rules have files of their own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVercelStandIn } from '../../sandbox/vercel.js';
import { noteText } from '../../src/note.js';
import { markedPullRequest, ownershipComment } from '../../src/targets/vercel/ownership.js';
import { BATCH_DELETE, DEFAULT_KEYS, LIST, PASSWORD, PROJECT_READ, REPO, TOKEN, UPSERT, summary, VercelHarness, type Run } from './vercel-harness.js';

let h: VercelHarness;

beforeEach(async () => {
  h = await VercelHarness.start();
});

afterEach(async () => {
  await h.stop();
});

describe('publish', () => {
  it('reads the project and the branch values at once, then writes every value in one request, scoped to the head branch and marked with the PR', async () => {
    const report = await h.publish();

    h.expectRequests(0, [PROJECT_READ, LIST], [UPSERT]);
    expect(h.session.stats.requests.Vercel).toBe(3);
    expect(h.vercel.standIn.requestsTo(/\/env$/, 'GET')[0]!.query).toEqual({ gitBranch: 'feature/a' });
    expect(h.vercel.standIn.requestsTo(/\/env$/, 'POST')[0]!.query).toEqual({ upsert: 'true' });

    const envs = h.vercel.envs('prj_previewapp');
    expect(envs.map((e) => e.key).sort()).toEqual(DEFAULT_KEYS);
    for (const env of envs) expect(env).toMatchObject({ target: ['preview'], gitBranch: 'feature/a', comment: `neon-preview ${REPO}#7` });
    const byKey = Object.fromEntries(envs.map((e) => [e.key, e]));
    for (const secret of ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGPASSWORD']) expect(byKey[secret]!.type).toBe('sensitive');
    for (const plain of ['PGHOST', 'PGHOST_UNPOOLED', 'PGUSER', 'PGDATABASE']) expect(byKey[plain]!.type).toBe('encrypted');
    expect(byKey.DATABASE_URL!.value).toBe(`postgresql://neondb_owner:${PASSWORD}-7@ep-pr-7-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require`);
    expect(byKey.PGHOST!.value).toBe('ep-pr-7-pooler.us-east-2.aws.neon.tech');

    expect(report).toMatchObject({ target: 'vercel', label: 'Vercel', removedNames: [], links: [] });
    expect(report.names.sort()).toEqual(DEFAULT_KEYS);
    expect(report.notes.map(noteText)).toEqual(['Vercel applies variables to new deployments only: the next push to feature/a builds with them (or set vercel_redeploy: true).']);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it('prepare sends its reads together: the list goes out while the project read is still unanswered', { timeout: 60_000 }, async () => {
    const project = h.vercel.standIn.hold('GET', /^\/v9\/projects\/[^/]+$/);
    const list = h.vercel.standIn.hold('GET', /\/env$/);
    const target = await h.target();
    const prepared = target.prepare(h.pr());

    // Both are held by the stand-in at once: neither waited for the other's answer.
    await Promise.all([project.arrived, list.arrived]);
    project.release();
    list.release();

    expect((await prepared).head).toBe('feature/a');
    expect(h.lines().sort()).toEqual([PROJECT_READ, LIST].sort());
  });

  it('updates in place on a second publish: one value per key and branch, same ids', async () => {
    await h.publish();
    const before = h.vercel.envs('prj_previewapp');
    const from = h.vercel.standIn.requests.length;

    await h.publish();

    h.expectRequests(from, [PROJECT_READ, LIST], [UPSERT]);
    const after = h.vercel.envs('prj_previewapp');
    expect(after).toHaveLength(DEFAULT_KEYS.length);
    expect(after.map((e) => e.id).sort()).toEqual(before.map((e) => e.id).sort());
  });

  it('removes the value of a key that left the mapping, in one more request', async () => {
    await h.publish();
    const from = h.vercel.standIn.requests.length;

    const report = await h.publish({ envVars: 'DATABASE_URL=pooled_url\nDATABASE_URL_UNPOOLED=direct_url' });

    h.expectRequests(from, [PROJECT_READ, LIST], [UPSERT, BATCH_DELETE]);
    expect(report.removedNames).toEqual(['PGDATABASE', 'PGHOST', 'PGHOST_UNPOOLED', 'PGPASSWORD', 'PGUSER']);
    expect(report.names).toEqual(['DATABASE_URL', 'DATABASE_URL_UNPOOLED']);
    expect(
      h.vercel
        .envs('prj_previewapp')
        .map((e) => e.key)
        .sort(),
    ).toEqual(['DATABASE_URL', 'DATABASE_URL_UNPOOLED']);
  });

  it('keeps two PRs open at once on one project apart, retrying the writes that collide', async () => {
    await h.vercel.stop();
    h.vercel = await startVercelStandIn({ writeMs: 200 });
    // Both upserts are held until both have arrived, then let go together: whichever comes second
    // finds the first one's write running (a write holds the project for 200 ms).
    const upserts = [h.vercel.standIn.hold('POST', /\/env$/), h.vercel.standIn.hold('POST', /\/env$/)];
    const both = Promise.all([h.publish({ pr: 7, head: 'feature/a' }), h.publish({ pr: 8, head: 'feature/b' })]);
    await Promise.all(upserts.map((u) => u.arrived));
    for (const u of upserts) u.release();
    await both;

    expect(h.session.stats.retries.Vercel).toBeGreaterThanOrEqual(1);
    expect(
      h.vercel.standIn
        .requestsTo(/\/env$/, 'POST')
        .map((r) => r.status)
        .slice(0, 2)
        .sort(),
    ).toEqual([201, 400]);
    const envs = h.vercel.envs('prj_previewapp');
    expect(envs).toHaveLength(2 * DEFAULT_KEYS.length);
    for (const env of envs) expect(env.comment).toBe(env.gitBranch === 'feature/a' ? `neon-preview ${REPO}#7` : `neon-preview ${REPO}#8`);
    expect(envs.find((e) => e.key === 'PGPASSWORD' && e.gitBranch === 'feature/b')!.value).toBe(`${PASSWORD}-8`);

    await h.remove({ pr: 7, head: 'feature/a' });
    expect(h.vercel.envs('prj_previewapp').every((e) => e.gitBranch === 'feature/b')).toBe(true);
    expect(h.vercel.envs('prj_previewapp')).toHaveLength(DEFAULT_KEYS.length);
  });

  it("fails naming each key Vercel refused inside a 201, with Vercel's reason, never the value", async () => {
    const variables = [...h.variables(), { name: 'TOO_LONG', value: `${PASSWORD}${'x'.repeat(70_000)}`, secret: true }];

    const error = await h.publish({}, variables).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(error?.message).toMatch(/^Vercel: publish variables failed: TOO_LONG: The value of "TOO_LONG" is longer than 65536 characters\. \(value_too_long\)$/);
    expect(error?.message).not.toContain(PASSWORD);
    // The others were written.
    expect(
      h.vercel
        .envs('prj_previewapp')
        .map((e) => e.key)
        .sort(),
    ).toEqual(DEFAULT_KEYS);
  });

  it('refuses to take over a value of one of its keys on the branch that it did not create, writing nothing', async () => {
    h.vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'postgres://hand-made', gitBranch: 'feature/a', comment: 'set by hand' });

    await expect(h.publish()).rejects.toThrow(
      /^Vercel: publish variables failed: project preview-app already has a preview value of DATABASE_URL for branch feature\/a that neon-preview did not create for acme\/shop#7 \(its comment differs\); it is left alone\. Remove it, or publish under other names with `env_prefix`\.$/,
    );

    h.expectRequests(0, [PROJECT_READ, LIST], []);
    expect(h.vercel.envs('prj_previewapp')).toEqual([expect.objectContaining({ key: 'DATABASE_URL', value: 'postgres://hand-made', comment: 'set by hand' })]);
  });

  it('waits out a 429 until the rate-limit reset and retries an "env update already happening" 400', async () => {
    h.vercel.rateLimitNext({ method: 'POST', path: /\/env$/ });
    h.vercel.busyNextEnvWrites(1);

    await h.publish();

    expect(h.vercel.standIn.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([429, 400, 201]);
    expect(h.session.stats.retries.Vercel).toBe(2);
    expect(h.vercel.envs('prj_previewapp')).toHaveLength(DEFAULT_KEYS.length);
  });

  it.each([
    ['team id', 'team_acme', { teamId: 'team_acme' }],
    ['team slug', 'acme', { slug: 'acme' }],
  ])('publishes and removes on a team project, naming the team (%s) on every call', async (_what, team, scope) => {
    const report = await h.publish({ project: 'team-app', team });
    await h.publish({ project: 'team-app', team, envVars: 'DATABASE_URL=pooled_url' });
    await h.remove({ project: 'team-app', team });

    expect(h.vercel.standIn.requests.length).toBe(3 + 4 + 2);
    for (const request of h.vercel.standIn.requests) expect(request.query).toMatchObject(scope);
    expect(h.vercel.envs('prj_teamapp')).toEqual([]);
    expect(report.links).toEqual(team === 'acme' ? [{ label: 'Vercel environment variables', url: 'https://vercel.com/acme/team-app/settings/environment-variables' }] : []);
  });

  it("links the variables page by the project's name as Vercel gives it, also when vercel_project is its id", async () => {
    const report = await h.publish({ project: 'prj_teamapp', team: 'acme' });
    expect(report.links).toEqual([{ label: 'Vercel environment variables', url: 'https://vercel.com/acme/team-app/settings/environment-variables' }]);
  });
});

describe('remove', () => {
  it("removes exactly this PR's values with one list and one batch delete, everything else stays", async () => {
    await h.publish({ pr: 7, head: 'feature/a' });
    const marker = ownershipComment({ repository: REPO, number: 7, headRef: 'feature/a' });
    const others = [
      h.vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'pr-8', gitBranch: 'feature/b', comment: `neon-preview ${REPO}#8` }),
      h.vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'every-preview' }),
      // Carries this PR's marker but no branch (the list returns branch-less values too).
      h.vercel.addEnv('prj_previewapp', { key: 'PGHOST', value: 'every-preview', comment: marker }),
      h.vercel.addEnv('prj_previewapp', { key: 'SENTRY_DSN', value: 'https://sentry', gitBranch: 'feature/a' }),
      h.vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'production', target: ['production'], comment: marker }),
      h.vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'same marker, other repo', gitBranch: 'feature/a-2', comment: `neon-preview other/repo#7` }),
    ];
    const from = h.vercel.standIn.requests.length;

    const report = await h.remove({ pr: 7, head: 'feature/a' });

    expect(h.lines(from)).toEqual([LIST, BATCH_DELETE]);
    expect(report).toMatchObject({ target: 'vercel', names: DEFAULT_KEYS });
    expect(summary(h.vercel.envs('prj_previewapp'))).toEqual(summary(others));
  });

  it('sends no delete when the PR has nothing on Vercel', async () => {
    h.vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'x', gitBranch: 'feature/a', comment: `neon-preview ${REPO}#70` });

    const report = await h.remove();

    expect(h.lines()).toEqual([LIST]);
    expect(report.names).toEqual([]);
    expect(h.vercel.envs('prj_previewapp')).toHaveLength(1);
  });

  it('counts values removed meanwhile (404 on the batch) as removed, and removes the rest', async () => {
    await h.publish();
    const from = h.vercel.standIn.requests.length;
    h.vercel.standIn.failNext({ method: 'DELETE', path: /^\/v1\/projects\/[^/]+\/env$/, status: 404 });

    const report = await h.remove();

    expect(h.lines(from)).toEqual([LIST, BATCH_DELETE, LIST, BATCH_DELETE]);
    expect(report.names).toEqual(DEFAULT_KEYS);
    expect(h.vercel.envs('prj_previewapp')).toEqual([]);
    // Removing again finds nothing: 1 request, success.
    expect((await h.remove()).names).toEqual([]);
  });
});

describe('markedPullRequest', () => {
  it.each([
    [`neon-preview ${REPO}#7`, 7],
    [`neon-preview ${REPO}#123456`, 123456],
    [`neon-preview ${REPO}#9007199254740993`, undefined],
    [`neon-preview ${REPO}#07`, undefined],
    [`neon-preview ${REPO}#0`, undefined],
    [`neon-preview ${REPO}#7 `, undefined],
    ['neon-preview other/repo#7', undefined],
    [`neon-preview ${REPO}x#7`, undefined],
    [undefined, undefined],
  ])('markedPullRequest(%j) = %j', (comment, pr) => {
    expect(markedPullRequest(comment, REPO)).toBe(pr);
  });
});

describe('access failures fail at once and say what to check', () => {
  it.each([
    ['401 for an unknown token', { token: 'wrong-token-123' }, /^Vercel: read the project failed: HTTP 401: .*\. Check vercel_token: Vercel did not accept it/],
    [
      '403 for a token outside the team',
      { token: 'outsider-token', project: 'team-app', team: 'acme' },
      /^Vercel: read the project failed: HTTP 403: .*\. Check that vercel_token can access project team-app in team acme/,
    ],
    [
      '404 for an unknown project',
      { project: 'no-such-app' },
      /^Vercel: read the project failed: HTTP 404: Project not found\. Check vercel_project \(no-such-app\): the token sees no such personal project; set vercel_team if it belongs to a team$/,
    ],
    ['404 for a team project without vercel_team', { project: 'prj_teamapp' }, /HTTP 404: Project not found\. Check vercel_project \(prj_teamapp\).*set vercel_team/],
    ['404 for a project outside the named team', { team: 'team_acme' }, /HTTP 404: .*Check vercel_project \(prj_previewapp\) and vercel_team \(team_acme\)$/],
  ])('%s', async (_what, run: Run, message) => {
    const error = await h.publish(run).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(run.token ?? TOKEN);
    expect(error?.message).not.toContain(PASSWORD);
    // The two reads, each refused once and not retried; nothing written.
    expect(h.lines().sort()).toEqual([LIST.replace('prj_previewapp', run.project ?? 'prj_previewapp'), PROJECT_READ.replace('prj_previewapp', run.project ?? 'prj_previewapp')].sort());
    expect(h.session.stats.retries.Vercel ?? 0).toBe(0);

    const removal = await h.remove(run).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(removal?.message).toMatch(/^Vercel: list variables failed: HTTP 40[134]/);
  });
});
