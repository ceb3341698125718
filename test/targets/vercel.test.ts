// The vercel target against the Vercel stand-in, in-process, under a real ApiSession (the one
// retry policy). Counts of requests are asserted so a regression in the request budget shows.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startVercelStandIn, type StandInEnv, type VercelStandIn } from '../../sandbox/vercel.js';

const logs = vi.hoisted(() => [] as string[]);
const warnings = vi.hoisted(() => [] as string[]);
vi.mock('@actions/core', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@actions/core')>()),
  setSecret: vi.fn(),
  info: vi.fn((message: string) => logs.push(message)),
  warning: vi.fn((message: string) => warnings.push(message)),
}));

const { ApiSession } = await import('../../src/http/retry.js');
const { noteText } = await import('../../src/note.js');
const { parseSettings } = await import('../../src/inputs.js');
const { createVercelTarget, markedPullRequest, ownershipComment } = await import('../../src/targets/vercel.js');
const { resolveVariables } = await import('../../src/variables.js');
type Settings = import('../../src/inputs.js').Settings;
type PublishedVariable = import('../../src/variables.js').PublishedVariable;
type ApiSessionType = import('../../src/http/retry.js').ApiSession;

const TOKEN = 'vercel-test-token';
const PASSWORD = 'pw-s3cret-value';
const REPO = 'acme/shop';
const BRANCH_REF = { id: 'br-1', name: 'preview/pr-7', consoleUrl: 'https://console.neon.tech/app/projects/p/branches/br-1' };

interface Run {
  pr?: number;
  head?: string;
  project?: string;
  team?: string;
  token?: string;
  redeploy?: boolean;
  envVars?: string;
}

function settingsFor(vercel: VercelStandIn, run: Run = {}): Settings {
  const pr = run.pr ?? 7;
  const inputs: Record<string, string> = {
    neon_api_key: 'napi_key',
    neon_project_id: 'young-sound-123456',
    targets: 'vercel',
    vercel_token: run.token ?? TOKEN,
    vercel_project: run.project ?? 'prj_previewapp',
    vercel_team: run.team ?? '',
    vercel_api_url: vercel.url,
    vercel_redeploy: run.redeploy ? 'true' : 'false',
    env_vars: run.envVars ?? '',
  };
  const parsed = parseSettings((name) => inputs[name] ?? '', {
    eventName: 'pull_request',
    repository: REPO,
    apiUrl: 'https://api.github.com',
    payload: { action: 'synchronize', number: pr, pull_request: { number: pr, head: { ref: run.head ?? 'feature/a', sha: 'a'.repeat(40), repo: { full_name: REPO } }, base: { repo: { full_name: REPO } } } },
  });
  if (parsed.command === 'skip' || parsed.command === 'sweep') throw new Error('unexpected command');
  return parsed;
}

/** The PR's values, from the default mapping (or `envVars`), as create would resolve them. */
function variablesFor(settings: Settings): PublishedVariable[] {
  const pr = settings.pr.number;
  const host = `ep-pr-${pr}.us-east-2.aws.neon.tech`;
  const pooled = `ep-pr-${pr}-pooler.us-east-2.aws.neon.tech`;
  return resolveVariables(settings.variables, {
    branchId: `br-${pr}`,
    branchName: `preview/pr-${pr}`,
    database: 'neondb',
    role: 'neondb_owner',
    password: `${PASSWORD}-${pr}`,
    directUrl: `postgresql://neondb_owner:${PASSWORD}-${pr}@${host}/neondb?sslmode=require`,
    pooledUrl: `postgresql://neondb_owner:${PASSWORD}-${pr}@${pooled}/neondb?sslmode=require`,
    directHost: host,
    pooledHost: pooled,
  });
}

const DEFAULT_KEYS = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGDATABASE', 'PGHOST', 'PGHOST_UNPOOLED', 'PGPASSWORD', 'PGUSER'];

function summary(envs: StandInEnv[]): string[] {
  return envs.map((e) => `${e.key}@${e.gitBranch ?? '-'}[${e.target.join(',')}] ${e.comment ?? '(no comment)'}`).sort();
}

/** `METHOD /path` of the requests the stand-in received since `from`. */
function requestLines(vercel: VercelStandIn, from = 0): string[] {
  return vercel.standIn.requests.slice(from).map((r) => `${r.method} ${r.path}`);
}

let vercel: VercelStandIn;
let session: ApiSessionType;

beforeEach(async () => {
  logs.length = 0;
  warnings.length = 0;
  vercel = await startVercelStandIn({ teams: [{ id: 'team_acme', slug: 'acme', members: [TOKEN] }], tokens: [TOKEN, 'outsider-token'] });
  vercel.addProject({ name: 'team-app', id: 'prj_teamapp', team: 'team_acme' });
  session = new ApiSession(30_000);
});

afterEach(async () => {
  expect(vercel.standIn.violations).toEqual([]);
  // Nothing the target logged carries a password or the token.
  for (const line of logs) {
    expect(line).not.toContain(PASSWORD);
    expect(line).not.toContain(TOKEN);
  }
  await vercel.stop();
});

async function publish(run: Run = {}) {
  const settings = settingsFor(vercel, run);
  const target = createVercelTarget(settings, session);
  return target.publish(settings.pr, variablesFor(settings), BRANCH_REF);
}

async function remove(run: Run = {}) {
  const settings = settingsFor(vercel, run);
  return createVercelTarget(settings, session).remove(settings.pr, settings.variables.map((v) => v.name));
}

describe('publish', () => {
  it('writes every value in one request, scoped to the head branch and marked with the PR: 2 requests', async () => {
    const report = await publish();

    expect(requestLines(vercel)).toEqual(['GET /v10/projects/prj_previewapp/env', 'POST /v10/projects/prj_previewapp/env']);
    expect(session.stats.requests.Vercel).toBe(2);
    const [list, upsert] = vercel.standIn.requests;
    expect(list!.query).toEqual({ gitBranch: 'feature/a' });
    expect(upsert!.query).toEqual({ upsert: 'true' });

    const envs = vercel.envs('prj_previewapp');
    expect(envs.map((e) => e.key).sort()).toEqual(DEFAULT_KEYS);
    for (const env of envs) expect(env).toMatchObject({ target: ['preview'], gitBranch: 'feature/a', comment: `neon-preview ${REPO}#7` });
    const byKey = Object.fromEntries(envs.map((e) => [e.key, e]));
    for (const secret of ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGPASSWORD']) expect(byKey[secret]!.type).toBe('sensitive');
    for (const plain of ['PGHOST', 'PGHOST_UNPOOLED', 'PGUSER', 'PGDATABASE']) expect(byKey[plain]!.type).toBe('encrypted');
    expect(byKey.DATABASE_URL!.value).toBe(`postgresql://neondb_owner:${PASSWORD}-7@ep-pr-7-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require`);
    expect(byKey.PGHOST!.value).toBe('ep-pr-7-pooler.us-east-2.aws.neon.tech');

    expect(report).toMatchObject({ target: 'vercel', label: 'Vercel', removedNames: [], links: [] });
    expect(report.names.sort()).toEqual(DEFAULT_KEYS);
    expect(report.notes.map(noteText).join(' ')).toMatch(/next push to feature\/a.*vercel_redeploy/);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it('updates in place on a second publish: one value per key and branch, same ids, 2 requests', async () => {
    await publish();
    const before = vercel.envs('prj_previewapp');
    const from = vercel.standIn.requests.length;

    await publish();

    expect(requestLines(vercel, from)).toHaveLength(2);
    const after = vercel.envs('prj_previewapp');
    expect(after).toHaveLength(DEFAULT_KEYS.length);
    expect(after.map((e) => e.id).sort()).toEqual(before.map((e) => e.id).sort());
  });

  it('removes the value of a key that left the mapping, in one more request', async () => {
    await publish();
    const from = vercel.standIn.requests.length;

    const report = await publish({ envVars: 'DATABASE_URL=pooled_url\nDATABASE_URL_UNPOOLED=direct_url' });

    expect(requestLines(vercel, from)).toEqual(['GET /v10/projects/prj_previewapp/env', 'POST /v10/projects/prj_previewapp/env', 'DELETE /v1/projects/prj_previewapp/env']);
    expect(report.removedNames).toEqual(['PGDATABASE', 'PGHOST', 'PGHOST_UNPOOLED', 'PGPASSWORD', 'PGUSER']);
    expect(report.names).toEqual(['DATABASE_URL', 'DATABASE_URL_UNPOOLED']);
    expect(vercel.envs('prj_previewapp').map((e) => e.key).sort()).toEqual(['DATABASE_URL', 'DATABASE_URL_UNPOOLED']);
  });

  it('keeps two PRs open at once on one project apart, retrying the writes that collide', async () => {
    await vercel.stop();
    vercel = await startVercelStandIn({ writeMs: 200 });

    // Both upserts are held until both have arrived, then let go together: they reach the project
    // in the same turn of the stand-in's event loop, so whichever comes second finds the first
    // one's write running (a write holds the project for 200 ms).
    const upserts = [vercel.standIn.hold('POST', /\/env$/), vercel.standIn.hold('POST', /\/env$/)];
    const both = Promise.all([publish({ pr: 7, head: 'feature/a' }), publish({ pr: 8, head: 'feature/b' })]);
    await Promise.all(upserts.map((h) => h.arrived));
    for (const h of upserts) h.release();
    await both;

    // The two upserts overlapped: one was refused with "already happening" and sent again.
    expect(session.stats.retries.Vercel).toBeGreaterThanOrEqual(1);
    expect(vercel.standIn.requestsTo(/\/env$/, 'POST').map((r) => r.status).slice(0, 2).sort()).toEqual([201, 400]);
    const envs = vercel.envs('prj_previewapp');
    expect(envs).toHaveLength(2 * DEFAULT_KEYS.length);
    for (const env of envs) expect(env.comment).toBe(env.gitBranch === 'feature/a' ? `neon-preview ${REPO}#7` : `neon-preview ${REPO}#8`);
    expect(envs.find((e) => e.key === 'PGPASSWORD' && e.gitBranch === 'feature/b')!.value).toBe(`${PASSWORD}-8`);

    await remove({ pr: 7, head: 'feature/a' });
    expect(vercel.envs('prj_previewapp').every((e) => e.gitBranch === 'feature/b')).toBe(true);
    expect(vercel.envs('prj_previewapp')).toHaveLength(DEFAULT_KEYS.length);
  });

  it('fails naming each key Vercel refused inside a 201, with Vercel reason, never the value', async () => {
    const settings = settingsFor(vercel);
    const variables = [...variablesFor(settings), { name: 'TOO_LONG', value: `${PASSWORD}${'x'.repeat(70_000)}`, secret: true }];

    const error = await createVercelTarget(settings, session)
      .publish(settings.pr, variables, BRANCH_REF)
      .then(() => undefined, (e: unknown) => e as Error);

    expect(error?.message).toMatch(/^Vercel: publish variables failed: TOO_LONG: The value of "TOO_LONG" is longer than 65536 characters\. \(value_too_long\)$/);
    expect(error?.message).not.toContain(PASSWORD);
    // The others were written.
    expect(vercel.envs('prj_previewapp').map((e) => e.key).sort()).toEqual(DEFAULT_KEYS);
  });

  it('refuses to take over a value of one of its keys on the branch that it did not create', async () => {
    vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'postgres://hand-made', gitBranch: 'feature/a', comment: 'set by hand' });

    await expect(publish()).rejects.toThrow(/^Vercel: publish variables failed: project prj_previewapp already has a preview value of DATABASE_URL for branch feature\/a that neon-preview did not create/);

    expect(requestLines(vercel)).toEqual(['GET /v10/projects/prj_previewapp/env']);
    expect(vercel.envs('prj_previewapp')).toEqual([expect.objectContaining({ key: 'DATABASE_URL', value: 'postgres://hand-made', comment: 'set by hand' })]);
  });

  it('waits out a 429 until the rate-limit reset and retries an "env update already happening" 400', async () => {
    vercel.rateLimitNext({ method: 'POST', path: /\/env$/ });
    vercel.busyNextEnvWrites(1);

    await publish();

    expect(requestLines(vercel).filter((line) => line.startsWith('POST'))).toHaveLength(3);
    expect(vercel.standIn.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([429, 400, 201]);
    expect(session.stats.retries.Vercel).toBe(2);
    expect(vercel.envs('prj_previewapp')).toHaveLength(DEFAULT_KEYS.length);
  });

  it.each([
    ['team id', 'team_acme', { teamId: 'team_acme' }],
    ['team slug', 'acme', { slug: 'acme' }],
  ])('publishes and removes on a team project, naming the team (%s) on every call', async (_what, team, scope) => {
    const report = await publish({ project: 'team-app', team });
    await publish({ project: 'team-app', team, envVars: 'DATABASE_URL=pooled_url' });
    await remove({ project: 'team-app', team });

    expect(vercel.standIn.requests.length).toBe(2 + 3 + 2);
    for (const request of vercel.standIn.requests) expect(request.query).toMatchObject(scope);
    expect(vercel.envs('prj_teamapp')).toEqual([]);
    expect(report.links).toEqual(team === 'acme' ? [{ label: 'Vercel environment variables', url: 'https://vercel.com/acme/team-app/settings/environment-variables' }] : []);
  });
});

describe('remove', () => {
  it("removes exactly this PR's values in one batch: 2 requests, everything else stays", async () => {
    await publish({ pr: 7, head: 'feature/a' });
    const marker = ownershipComment({ repository: REPO, number: 7, headRef: 'feature/a' });
    const others = [
      vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'pr-8', gitBranch: 'feature/b', comment: `neon-preview ${REPO}#8` }),
      vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'every-preview' }),
      // Carries this PR's marker but no branch (the list returns branch-less values too).
      vercel.addEnv('prj_previewapp', { key: 'PGHOST', value: 'every-preview', comment: marker }),
      vercel.addEnv('prj_previewapp', { key: 'SENTRY_DSN', value: 'https://sentry', gitBranch: 'feature/a' }),
      vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'production', target: ['production'], comment: marker }),
      vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'same marker, other repo', gitBranch: 'feature/a-2', comment: `neon-preview other/repo#7` }),
    ];
    const from = vercel.standIn.requests.length;

    const report = await remove({ pr: 7, head: 'feature/a' });

    expect(requestLines(vercel, from)).toEqual(['GET /v10/projects/prj_previewapp/env', 'DELETE /v1/projects/prj_previewapp/env']);
    expect(report).toMatchObject({ target: 'vercel', names: DEFAULT_KEYS });
    expect(summary(vercel.envs('prj_previewapp'))).toEqual(summary(others));
  });

  it('sends no delete when the PR has nothing on Vercel: 1 request', async () => {
    vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'x', gitBranch: 'feature/a', comment: `neon-preview ${REPO}#70` });

    const report = await remove();

    expect(requestLines(vercel)).toEqual(['GET /v10/projects/prj_previewapp/env']);
    expect(report.names).toEqual([]);
    expect(vercel.envs('prj_previewapp')).toHaveLength(1);
  });

  it('counts values removed meanwhile (404 on the batch) as removed, and removes the rest', async () => {
    await publish();
    const from = vercel.standIn.requests.length;
    vercel.standIn.failNext({ method: 'DELETE', path: /^\/v1\/projects\/[^/]+\/env$/, status: 404 });

    const report = await remove();

    expect(requestLines(vercel, from)).toEqual(['GET /v10/projects/prj_previewapp/env', 'DELETE /v1/projects/prj_previewapp/env', 'GET /v10/projects/prj_previewapp/env', 'DELETE /v1/projects/prj_previewapp/env']);
    expect(report.names).toEqual(DEFAULT_KEYS);
    expect(vercel.envs('prj_previewapp')).toEqual([]);
    // Removing again finds nothing: 1 request, success.
    expect((await remove()).names).toEqual([]);
  });
});

describe('findManaged (sweep)', () => {
  async function findManaged(run: Run = {}) {
    const settings = settingsFor(vercel, run);
    return createVercelTarget(settings, session).findManaged(REPO, settings.variables.map((v) => v.name));
  }

  /** Values of two PRs of this repository (PR 8's written directly: its Neon branch may be long gone), and values that are not theirs. */
  async function seed(project = 'prj_previewapp', team?: string) {
    await publish({ pr: 7, head: 'feature/a', project, team });
    const pr8 = [
      vercel.addEnv(project, { key: 'DATABASE_URL', value: 'pr-8', type: 'sensitive', gitBranch: 'feature/b', comment: `neon-preview ${REPO}#8` }),
      vercel.addEnv(project, { key: 'OLD_NAME', value: 'left the mapping', gitBranch: 'feature/b', comment: `neon-preview ${REPO}#8` }),
    ];
    const others = [
      vercel.addEnv(project, { key: 'DATABASE_URL', value: 'other repo', gitBranch: 'feature/c', comment: 'neon-preview other/repo#5' }),
      vercel.addEnv(project, { key: 'DATABASE_URL', value: 'prefix repo', gitBranch: 'feature/c', comment: `neon-preview ${REPO}-2#5` }),
      vercel.addEnv(project, { key: 'SENTRY_DSN', value: 'unmarked', gitBranch: 'feature/a' }),
      vercel.addEnv(project, { key: 'DATABASE_URL', value: 'every preview' }),
      // This repository's marker, but on no branch (remove would never touch it), or not a preview value.
      vercel.addEnv(project, { key: 'DATABASE_URL', value: 'branch-less', comment: `neon-preview ${REPO}#9` }),
      vercel.addEnv(project, { key: 'DATABASE_URL', value: 'production', target: ['production'], comment: `neon-preview ${REPO}#9` }),
      // Not exactly `#<positive integer>`.
      ...[`neon-preview ${REPO}#07`, `neon-preview ${REPO}#0`, `neon-preview ${REPO}#-3`, `neon-preview ${REPO}#1.5`, `neon-preview ${REPO}#5 (old)`, `neon-preview ${REPO}#`, `Neon-preview ${REPO}#5`, ` neon-preview ${REPO}#5`].map((comment, i) =>
        vercel.addEnv(project, { key: `ODD_${i}`, value: 'x', gitBranch: 'feature/d', comment }),
      ),
    ];
    return { pr8, others };
  }

  const PR7 = { pr: 7, headRef: 'feature/a', description: `${DEFAULT_KEYS.join(', ')} on feature/a` };
  const PR8 = { pr: 8, headRef: 'feature/b', description: 'DATABASE_URL, OLD_NAME on feature/b' };

  it("finds exactly this repository's PR values, one entry per PR and branch, in 1 request", async () => {
    await seed();
    const from = vercel.standIn.requests.length;
    const before = session.stats.requests.Vercel ?? 0;

    const entries = await findManaged();

    expect(entries).toEqual([PR7, PR8]);
    // One list of the whole project: no gitBranch filter.
    expect(requestLines(vercel, from)).toEqual(['GET /v10/projects/prj_previewapp/env']);
    expect(vercel.standIn.requests[from]!.query).toEqual({});
    expect((session.stats.requests.Vercel ?? 0) - before).toBe(1);
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    expect(logs).toContain(`Vercel: left alone 1 value(s) marked for ${REPO} but applying to every preview branch (neon-preview scopes its values to a branch)`);
    expect(warnings).toEqual([]);
  });

  it("removes a found PR's values with remove(pr, headRef from the entry); findManaged no longer finds them", async () => {
    const { pr8, others } = await seed();
    const [first] = await findManaged();
    const from = vercel.standIn.requests.length;

    // What the sweep sends: the number from the marker, the head branch from the value's gitBranch.
    const settings = settingsFor(vercel, { pr: 999, head: 'unrelated' });
    const report = await createVercelTarget(settings, session).remove({ repository: REPO, number: first!.pr!, headRef: first!.headRef! }, []);

    expect(report.names).toEqual(DEFAULT_KEYS);
    expect(requestLines(vercel, from)).toEqual(['GET /v10/projects/prj_previewapp/env', 'DELETE /v1/projects/prj_previewapp/env']);
    expect(await findManaged()).toEqual([PR8]);
    expect(summary(vercel.envs('prj_previewapp'))).toEqual(summary([...pr8, ...others]));

    // And PR 8's values, names outside the mapping included.
    await createVercelTarget(settings, session).remove({ repository: REPO, number: 8, headRef: 'feature/b' }, []);
    expect(await findManaged()).toEqual([]);
    expect(summary(vercel.envs('prj_previewapp'))).toEqual(summary(others));
  });

  it('removeManaged: removes what findManaged found for several PRs in one batch delete, without listing again', async () => {
    const { others } = await seed();
    const target = createVercelTarget(settingsFor(vercel, {}), session);
    const entries = await target.findManaged(REPO, []);
    const from = vercel.standIn.requests.length;

    const done = target.removeManaged!(
      entries.map((e) => ({ pr: e.pr!, entries: [e] })),
      [],
    );
    expect(done).toHaveLength(2);
    await Promise.all(done);

    expect(requestLines(vercel, from)).toEqual(['DELETE /v1/projects/prj_previewapp/env']);
    expect(summary(vercel.envs('prj_previewapp'))).toEqual(summary(others));
    expect(await findManaged()).toEqual([]);
  });

  it('removeManaged: after a 404 (some values gone meanwhile), lists once and removes the rest', async () => {
    const { others } = await seed();
    const target = createVercelTarget(settingsFor(vercel, {}), session);
    const entries = await target.findManaged(REPO, []);
    const from = vercel.standIn.requests.length;
    vercel.standIn.failNext({ method: 'DELETE', path: /^\/v1\/projects\/[^/]+\/env$/, status: 404 });

    await Promise.all(target.removeManaged!([{ pr: entries[0]!.pr!, entries: [entries[0]!] }], []));

    expect(requestLines(vercel, from)).toEqual(['DELETE /v1/projects/prj_previewapp/env', 'GET /v10/projects/prj_previewapp/env', 'DELETE /v1/projects/prj_previewapp/env']);
    expect(await findManaged()).toEqual([PR8]);
    expect(summary(vercel.envs('prj_previewapp')).length).toBe(summary(others).length + 2);
  });

  it('keeps one entry per branch when a PR has values on two branches', async () => {
    vercel.addEnv('prj_previewapp', { key: 'B', value: '1', gitBranch: 'renamed/x', comment: `neon-preview ${REPO}#3` });
    vercel.addEnv('prj_previewapp', { key: 'A', value: '1', gitBranch: 'first/x', comment: `neon-preview ${REPO}#3` });
    vercel.addEnv('prj_previewapp', { key: 'A', value: '1', gitBranch: 'renamed/x', comment: `neon-preview ${REPO}#3` });
    vercel.addEnv('prj_previewapp', { key: 'A', value: '1', gitBranch: 'feature/z', comment: `neon-preview ${REPO}#12` });

    expect(await findManaged()).toEqual([
      { pr: 3, headRef: 'first/x', description: 'A on first/x' },
      { pr: 3, headRef: 'renamed/x', description: 'A, B on renamed/x' },
      { pr: 12, headRef: 'feature/z', description: 'A on feature/z' },
    ]);
  });

  it('finds nothing on a project without marked values: 1 request', async () => {
    vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'x', gitBranch: 'feature/a' });
    expect(await findManaged()).toEqual([]);
    expect(requestLines(vercel)).toEqual(['GET /v10/projects/prj_previewapp/env']);
  });

  it('names the team on the list of a team project', async () => {
    await seed('prj_teamapp', 'acme');
    const from = vercel.standIn.requests.length;

    expect(await findManaged({ project: 'team-app', team: 'acme' })).toEqual([PR7, PR8]);

    expect(requestLines(vercel, from)).toEqual(['GET /v10/projects/team-app/env']);
    expect(vercel.standIn.requests[from]!.query).toEqual({ slug: 'acme' });
  });

  it('warns that the read is incomplete when the list ever carries a cursor it cannot follow, and returns what it saw', async () => {
    await seed();
    vercel.truncateNextEnvList(3);
    const from = vercel.standIn.requests.length;

    const entries = await findManaged();

    expect(entries).toEqual([{ pr: 7, headRef: 'feature/a', description: expect.stringMatching(/ on feature\/a$/) }]);
    expect(requestLines(vercel, from)).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/^Vercel: the variable list of project prj_previewapp says more follow \(pagination\.next \d+\) but takes no page parameter; only the first 3 value\(s\) were looked at$/)]);
  });

  it('fails like every call when Vercel refuses the list, saying what to check', async () => {
    await expect(findManaged({ token: 'wrong-token-123' })).rejects.toThrow(/^Vercel: list variables failed: HTTP 401: .*Check vercel_token/);
  });

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

describe('redeploy', () => {
  it("redeploys the head branch's newest preview after the values are written: 4 requests", async () => {
    const t = Date.now();
    vercel.addDeployment('prj_previewapp', { branch: 'feature/a', createdAt: t - 5000 });
    const newest = vercel.addDeployment('prj_previewapp', { branch: 'feature/a', createdAt: t - 3000, readyState: 'ERROR' });
    vercel.addDeployment('prj_previewapp', { branch: 'feature/a', createdAt: t - 1000, target: 'production' });
    vercel.addDeployment('prj_previewapp', { branch: 'feature/b', createdAt: t - 1000 });

    const report = await publish({ redeploy: true });

    const lines = requestLines(vercel);
    expect(lines.sort()).toEqual(['GET /v10/projects/prj_previewapp/env', 'GET /v7/deployments', 'POST /v10/projects/prj_previewapp/env', 'POST /v13/deployments'].sort());
    expect(requestLines(vercel).indexOf('POST /v13/deployments')).toBe(3);
    expect(vercel.standIn.requestsTo(/^\/v7\/deployments$/)[0]!.query).toMatchObject({ projectId: 'prj_previewapp', branch: 'feature/a', target: 'preview' });

    const [redeploy] = vercel.redeploys();
    expect(redeploy).toMatchObject({ fromDeploymentId: newest.uid, name: 'preview-app', project: 'prj_previewapp' });
    expect(redeploy!.target).toBeUndefined();
    expect(redeploy!.deployment.target).toBeNull();
    // The new build sees the values just published.
    expect(redeploy!.env.DATABASE_URL).toContain(`${PASSWORD}-7@ep-pr-7-pooler`);
    expect(Object.keys(redeploy!.env).sort()).toEqual(DEFAULT_KEYS);

    expect(report.links).toEqual([
      { label: 'Vercel environment variables', url: `https://vercel.com/${vercel.username}/preview-app/settings/environment-variables` },
      { label: 'Vercel redeploy', url: `https://${redeploy!.deployment.url}` },
    ]);
    expect(report.notes.map(noteText)).toEqual([`Redeployed the newest preview deployment of feature/a (${newest.uid}) so it builds with the values.`]);
  });

  it('notes that the next push builds with the values when the branch has no preview deployment yet: 3 requests', async () => {
    vercel.addDeployment('prj_previewapp', { branch: 'feature/b' });

    const report = await publish({ redeploy: true });

    expect(requestLines(vercel).sort()).toEqual(['GET /v10/projects/prj_previewapp/env', 'GET /v7/deployments', 'POST /v10/projects/prj_previewapp/env']);
    expect(vercel.redeploys()).toEqual([]);
    expect(report.notes.map(noteText)).toEqual(['No preview deployment of feature/a yet; the next Git push will build with the values.']);
  });

  it('looks for no deployment when vercel_redeploy is off', async () => {
    vercel.addDeployment('prj_previewapp', { branch: 'feature/a' });
    await publish({ redeploy: false });
    expect(vercel.standIn.requestsTo(/deployments/)).toEqual([]);
    expect(vercel.redeploys()).toEqual([]);
  });
});

describe('access failures fail at once and say what to check', () => {
  it.each([
    ['401 for an unknown token', { token: 'wrong-token-123' }, /^Vercel: list variables failed: HTTP 401: .*\. Check vercel_token: Vercel did not accept it/],
    ['403 for a token outside the team', { token: 'outsider-token', project: 'team-app', team: 'acme' }, /^Vercel: list variables failed: HTTP 403: .*\. Check that vercel_token can access project team-app in team acme/],
    ['404 for an unknown project', { project: 'no-such-app' }, /^Vercel: list variables failed: HTTP 404: Project not found\. Check vercel_project \(no-such-app\): the token sees no such personal project; set vercel_team if it belongs to a team$/],
    ['404 for a team project without vercel_team', { project: 'prj_teamapp' }, /HTTP 404: Project not found\. Check vercel_project \(prj_teamapp\).*set vercel_team/],
    ['404 for a project outside the named team', { team: 'team_acme' }, /HTTP 404: .*Check vercel_project \(prj_previewapp\) and vercel_team \(team_acme\)$/],
  ])('%s', async (_what, run: Run, message) => {
    const error = await publish(run).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(run.token ?? TOKEN);
    expect(error?.message).not.toContain(PASSWORD);
    expect(vercel.standIn.requests).toHaveLength(1);
    expect(session.stats.retries.Vercel).toBe(0);

    const removal = await remove(run).then(() => undefined, (e: unknown) => e as Error);
    expect(removal?.message).toMatch(/^Vercel: list variables failed: HTTP 40[134]/);
  });
});
