// The github target against the GitHub stand-in, in-process, with the real retry policy, driven
// as the commands drive it (prepare, then publish; remove): the PR's environment with sealed
// secrets and variables, one active deployment linking the Neon branch, stale values removed,
// everything gone on remove, two runs at once, faults and rate limits, and the request count of
// each step pinned. Permissions and the plan: github-permissions.test.ts; the sweep: github-sweep.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type GitHubStandInOptions } from '../../sandbox/github.js';
import { ApiSession } from '../../src/http/retry.js';
import type { Settings } from '../../src/inputs.js';
import { noteText } from '../../src/note.js';
import { webUrlFor } from '../../src/targets/github/target.js';
import type { BranchRef, Target, TargetReport } from '../../src/targets/target.js';
import { resolveVariables, type ConnectionDetails } from '../../src/variables.js';
import { githubSettings, githubTargetOf, REPOSITORY } from './github-harness.js';

const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);
const SHA3 = '3'.repeat(40);
const BRANCH: BranchRef = { id: 'br-quiet-sun-123456', name: 'preview/pr-42', consoleUrl: 'https://console.neon.tech/app/projects/young-sound-123456/branches/br-quiet-sun-123456' };

let gh: GitHubStandIn;

afterEach(async () => {
  await gh?.stop();
});

async function start(options: GitHubStandInOptions = {}): Promise<void> {
  gh = await startGitHubStandIn(options);
}

function settings(inputs: Record<string, string> = {}, sha = SHA1, apiUrl = gh.url): Settings {
  return githubSettings(apiUrl, { github_token: gh.tokens.admin, ...inputs }, sha);
}

const targetOf = (s: Settings, session: ApiSession) => githubTargetOf(s, session);

function connection(password: string, host = 'ep-quiet-sun-123456.us-east-2.aws.neon.tech'): ConnectionDetails {
  const pooledHost = host.replace(/^(ep-[^.]+)/, '$1-pooler');
  return {
    branchId: BRANCH.id,
    branchName: BRANCH.name,
    database: 'neondb',
    role: 'neondb_owner',
    password,
    directUrl: `postgresql://neondb_owner:${password}@${host}/neondb?sslmode=require`,
    pooledUrl: `postgresql://neondb_owner:${password}@${pooledHost}/neondb?sslmode=require`,
    directHost: host,
    pooledHost,
  };
}

/** What create does with the target: its reads, then the publish with the values. */
async function publishWith(target: Target, s: Settings, details: ConnectionDetails): Promise<TargetReport> {
  const prepared = await target.prepare(s.pr);
  return target.publish(prepared, s.pr, resolveVariables(s.variables, details), BRANCH);
}

/** Publishes once with a fresh session; returns the report, the requests it made and the session. */
async function publish(s: Settings, details: ConnectionDetails, session = new ApiSession(30_000)) {
  const before = gh.standIn.requests.length;
  const report = await publishWith(await targetOf(s, session), s, details);
  return { report, requests: gh.standIn.requests.slice(before), session };
}

async function remove(s: Settings) {
  const session = new ApiSession(30_000);
  const before = gh.standIn.requests.length;
  const report = await (
    await targetOf(s, session)
  ).remove(
    s.pr,
    s.variables.map((v) => v.name),
  );
  return { report, requests: gh.standIn.requests.slice(before), session };
}

/** `METHOD path` of each request, sorted, with the repository prefix cut and ids as {id}. */
function calls(requests: { method: string; path: string }[]): string[] {
  return requests.map((r) => `${r.method} ${r.path.replace(`/repos/${REPOSITORY}`, '').replace(/\/\d+(?=\/|$)/g, '/{id}')}`).sort();
}

describe('github target: publish', () => {
  it('creates the environment with the URLs as sealed secrets, the rest as variables, and a deployment linking the branch', async () => {
    await start();
    const s = settings();
    const details = connection('s3cret-pa55');
    const { report, requests, session } = await publish(s, details);

    const env = gh.environment('pr-42')!;
    expect(env.secretNames).toEqual(['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGPASSWORD']);
    expect(gh.secretPlaintext('pr-42', 'DATABASE_URL')).toBe(details.pooledUrl);
    expect(gh.secretPlaintext('pr-42', 'DATABASE_URL_UNPOOLED')).toBe(details.directUrl);
    expect(gh.secretPlaintext('pr-42', 'PGPASSWORD')).toBe('s3cret-pa55');
    expect(env.variables).toEqual({ PGHOST: details.pooledHost, PGHOST_UNPOOLED: details.directHost, PGUSER: 'neondb_owner', PGDATABASE: 'neondb' });

    const [deployment, ...others] = gh.deployments('pr-42');
    expect(others).toEqual([]);
    expect(deployment).toMatchObject({ ref: SHA1, environment: 'pr-42', transient: true, production: false, state: 'success', description: 'Neon branch preview/pr-42' });
    expect(deployment!.statuses.at(-1)!.environmentUrl).toBe(BRANCH.consoleUrl);

    expect(report).toMatchObject({ target: 'github', label: 'GitHub environment', removedNames: [] });
    expect(report.names).toEqual(['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGHOST', 'PGHOST_UNPOOLED', 'PGUSER', 'PGDATABASE', 'PGPASSWORD']);
    expect(report.links).toEqual([
      { label: 'Environment pr-42 (settings)', url: `https://github.com/${REPOSITORY}/settings/environments/${env.id}/edit` },
      { label: 'Deployments to pr-42', url: `https://github.com/${REPOSITORY}/deployments/activity_log?environments_filter=pr-42` },
    ]);
    expect(JSON.stringify(report)).not.toContain('s3cret-pa55');

    // A new environment is not listed; the key is read once for three secrets.
    expect(calls(requests)).toEqual(
      [
        'GET /environments/pr-42',
        'PUT /environments/pr-42',
        'GET /environments/pr-42/secrets/public-key',
        'PUT /environments/pr-42/secrets/DATABASE_URL',
        'PUT /environments/pr-42/secrets/DATABASE_URL_UNPOOLED',
        'PUT /environments/pr-42/secrets/PGPASSWORD',
        'POST /environments/pr-42/variables',
        'POST /environments/pr-42/variables',
        'POST /environments/pr-42/variables',
        'POST /environments/pr-42/variables',
        'POST /deployments',
        'POST /deployments/{id}/statuses',
        'GET /deployments',
      ].sort(),
    );
    expect(session.stats.requests.GitHub).toBe(13);
    expect(gh.standIn.violations).toEqual([]);
  });

  it('a later publish updates the same environment in place and leaves exactly one active deployment, of the new head', async () => {
    await start();
    await publish(settings({}, SHA1), connection('first-pass'));
    const id = gh.environment('pr-42')!.id;
    // Same host: only the secrets change. Then a new host: the host variables change too.
    const second = await publish(settings({}, SHA2), connection('second-pass'));
    const third = await publish(settings({}, SHA3), connection('third-pass', 'ep-new-host-654321.us-east-2.aws.neon.tech'));

    expect(gh.environments().map((e) => e.id)).toEqual([id]);
    expect(gh.secretPlaintext('pr-42', 'PGPASSWORD')).toBe('third-pass');
    expect(gh.secretPlaintext('pr-42', 'DATABASE_URL')).toBe(connection('third-pass', 'ep-new-host-654321.us-east-2.aws.neon.tech').pooledUrl);
    expect(gh.variables('pr-42')).toMatchObject({ PGHOST: 'ep-new-host-654321-pooler.us-east-2.aws.neon.tech', PGHOST_UNPOOLED: 'ep-new-host-654321.us-east-2.aws.neon.tech' });

    const deployments = gh.deployments('pr-42');
    expect(deployments.filter((d) => d.state === 'success')).toHaveLength(1);
    expect(deployments).toEqual([expect.objectContaining({ ref: SHA3, state: 'success' })]);
    // The earlier deployment was marked inactive before it was deleted.
    const retired = second.requests.filter((r) => r.method === 'POST' && /statuses$/.test(r.path) && (r.body as { state: string }).state === 'inactive');
    expect(retired).toHaveLength(1);

    // Unchanged variables are not written again; the secrets always are (they cannot be read back).
    expect(calls(second.requests)).toEqual(
      [
        'GET /environments/pr-42',
        'GET /environments/pr-42/secrets/public-key',
        'GET /environments/pr-42/secrets',
        'GET /environments/pr-42/variables',
        'PUT /environments/pr-42/secrets/DATABASE_URL',
        'PUT /environments/pr-42/secrets/DATABASE_URL_UNPOOLED',
        'PUT /environments/pr-42/secrets/PGPASSWORD',
        'POST /deployments',
        'POST /deployments/{id}/statuses',
        'GET /deployments',
        'POST /deployments/{id}/statuses',
        'DELETE /deployments/{id}',
      ].sort(),
    );
    expect(second.session.stats.requests.GitHub).toBe(12);
    expect(third.requests.filter((r) => r.method === 'PATCH').map((r) => r.path.split('/').pop())).toEqual(expect.arrayContaining(['PGHOST', 'PGHOST_UNPOOLED']));
    expect(third.session.stats.requests.GitHub).toBe(14);
    expect(third.report.notes.map(noteText)).toEqual(expect.arrayContaining([expect.stringMatching(/^Recorded deployment \d+ of 3333333 to pr-42; retired 1 earlier deployment\.$/)]));
    expect(gh.standIn.violations).toEqual([]);
  });

  it('keeps one active deployment also when auto_inactive would retire transient deployments itself', async () => {
    await start({ autoInactiveTransient: true });
    await publish(settings({}, SHA1), connection('p1'));
    await publish(settings({}, SHA2), connection('p2'));
    expect(gh.deployments('pr-42')).toEqual([expect.objectContaining({ ref: SHA2, state: 'success' })]);
  });

  describe('two runs for one PR at once', () => {
    const success = (body: unknown) => (body as { state?: string }).state === 'success';
    const statuses = /^\/repos\/[^/]+\/[^/]+\/deployments\/\d+\/statuses$/;

    it("both succeed when the newer run retires the older run's deployment before its success status is set", async () => {
      await start();
      // Run A's success status waits until run B (a newer deployment) has retired A's deployment.
      const held = gh.standIn.hold('POST', statuses, success);
      const a = publish(settings({}, SHA1), connection('pw'));
      await held.arrived;
      const [older] = gh.deployments('pr-42');
      const b = await publish(settings({}, SHA2), connection('pw'));
      expect(b.report.notes.map(noteText)).toEqual(expect.arrayContaining([expect.stringMatching(/; retired 1 earlier deployment\.$/)]));
      expect(gh.deployments('pr-42').map((d) => d.id)).not.toContain(older!.id);
      held.release();

      const first = await a;
      expect(first.requests.find((r) => r.method === 'POST' && statuses.test(r.path) && success(r.body))!.status).toBe(404);
      expect(first.report.notes.map(noteText)).toContain(`Deployment ${older!.id} of 1111111 to pr-42 was retired meanwhile by another run for this pull request (a newer create keeps its own).`);
      expect(gh.deployments('pr-42')).toEqual([expect.objectContaining({ ref: SHA2, state: 'success' })]);
      expect(gh.standIn.violations).toEqual([]);
    });

    it('the newer run marks the older deployment inactive again when its success status lands between inactive and delete', async () => {
      await start();
      const aStatus = gh.standIn.hold('POST', statuses, success);
      const a = publish(settings({}, SHA1), connection('pw'));
      await aStatus.arrived;
      const [older] = gh.deployments('pr-42');
      // B marks A's deployment inactive; its delete waits until A's success status made it active again.
      const bDelete = gh.standIn.hold('DELETE', new RegExp(`/deployments/${older!.id}$`));
      const b = publish(settings({}, SHA2), connection('pw'));
      await bDelete.arrived;
      aStatus.release();
      const first = await a;
      expect(gh.deployments('pr-42').find((d) => d.id === older!.id)!.state).toBe('success');
      bDelete.release();
      const second = await b;

      const deletes = second.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith(`/deployments/${older!.id}`)).map((r) => r.status);
      expect(deletes).toEqual([422, 204]);
      const marks = second.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/deployments/${older!.id}/statuses`)).map((r) => (r.body as { state: string }).state);
      expect(marks).toEqual(['inactive', 'inactive']);
      expect(first.report.notes.map(noteText)).toEqual(expect.arrayContaining([expect.stringMatching(/^Recorded deployment \d+ of 1111111 to pr-42\.$/)]));
      expect(gh.deployments('pr-42')).toEqual([expect.objectContaining({ ref: SHA2, state: 'success' })]);
      expect(gh.standIn.violations).toEqual([]);
    });
  });

  it('removes values whose keys left the mapping, and moves a name that became secret', async () => {
    await start();
    await publish(settings(), connection('pw1'));
    const mapping = 'DATABASE_URL=pooled_url\nPGHOST=pooled_host\nPGUSER=password';
    const { report } = await publish(settings({ env_vars: mapping }), connection('pw2'));
    expect(gh.environment('pr-42')).toMatchObject({ secretNames: ['DATABASE_URL', 'PGUSER'], variables: { PGHOST: expect.any(String) } });
    expect(Object.keys(gh.variables('pr-42'))).toEqual(['PGHOST']);
    expect(gh.secretPlaintext('pr-42', 'PGUSER')).toBe('pw2');
    expect(report.removedNames!.sort()).toEqual(['DATABASE_URL_UNPOOLED', 'PGDATABASE', 'PGHOST_UNPOOLED', 'PGPASSWORD']);
    expect(report.names).toEqual(['DATABASE_URL', 'PGHOST', 'PGUSER']);
  });

  it('follows pagination to find every stale value', async () => {
    await start();
    gh.seedEnvironment('pr-42', {
      variables: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`OLD_VAR_${i}`, 'x'])),
      secrets: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`OLD_SECRET_${i}`, 'x'])),
    });
    const { report, requests } = await publish(settings({ env_vars: 'DATABASE_URL=pooled_url\nPGHOST=pooled_host' }), connection('pw'));
    expect(gh.environment('pr-42')!.secretNames).toEqual(['DATABASE_URL']);
    expect(Object.keys(gh.variables('pr-42'))).toEqual(['PGHOST']);
    expect(report.removedNames).toHaveLength(134);
    expect(requests.filter((r) => r.method === 'GET' && r.path.endsWith('/variables')).map((r) => r.query.page)).toEqual(['1', '2']);
    expect(requests.filter((r) => r.method === 'GET' && r.path.endsWith('/secrets')).map((r) => r.query.page)).toEqual(['1', '2']);
  });

  it('serves GitHub Enterprise Server: the links use the web host GitHub names', async () => {
    await start({ basePath: '/api/v3', webUrl: 'https://ghes.example.com' });
    const { report } = await publish(settings(), connection('pw'));
    expect(report.links[0]!.url).toBe(`https://ghes.example.com/${REPOSITORY}/settings/environments/${gh.environment('pr-42')!.id}/edit`);
    expect(webUrlFor('https://api.github.com')).toBe('https://github.com');
    expect(webUrlFor('https://ghes.example.com/api/v3')).toBe('https://ghes.example.com');
    expect(webUrlFor('https://api.octo.ghe.com')).toBe('https://octo.ghe.com');
  });
});

describe('github target: remove', () => {
  it('marks the deployments inactive, deletes them and the environment; a second remove succeeds', async () => {
    await start();
    await publish(settings({}, SHA1), connection('pw'));
    await publish(settings({}, SHA2), connection('pw'));
    const [deployment] = gh.deployments('pr-42');

    const first = await remove(settings());
    expect(gh.environments()).toEqual([]);
    expect(gh.deployments()).toEqual([]);
    const sequence = first.requests.map((r) => `${r.method} ${r.path.replace(`/repos/${REPOSITORY}`, '')}${r.method === 'POST' ? ` ${(r.body as { state: string }).state}` : ''}`);
    expect(sequence).toEqual(['GET /deployments', `POST /deployments/${deployment!.id}/statuses inactive`, `DELETE /deployments/${deployment!.id}`, 'DELETE /environments/pr-42']);
    expect(first.session.stats.requests.GitHub).toBe(4);
    expect(first.report).toMatchObject({ target: 'github', names: ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGHOST', 'PGHOST_UNPOOLED', 'PGUSER', 'PGDATABASE', 'PGPASSWORD'] });
    expect(first.report.notes.map(noteText)).toContain('Deleted environment pr-42 with its secrets and variables.');

    const again = await remove(settings());
    expect(again.session.stats.requests.GitHub).toBe(2);
    expect(again.report.notes.map(noteText)).toEqual(['Environment pr-42 did not exist (already deleted).']);
    expect(gh.standIn.violations).toEqual([]);
  });

  it('a remove that fails midway leaves the environment while a deployment is left (the sweep finds a PR by its environment)', async () => {
    await start();
    await publish(settings({}, SHA1), connection('pw'));
    gh.standIn.failNext({ method: 'GET', path: /\/deployments$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    await expect(remove(settings())).rejects.toThrow(/list deployments to pr-42 failed: HTTP 403/);
    expect(gh.deployments('pr-42')).toHaveLength(1);
    expect(gh.environments().map((e) => e.name)).toEqual(['pr-42']);
    // The environment's delete answered late (it was done) and then refused: the deployments were already gone.
    gh.standIn.failNext({ method: 'DELETE', path: /\/environments\/pr-42$/, status: 502, afterApply: true });
    gh.standIn.failNext({ method: 'DELETE', path: /\/environments\/pr-42$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    await expect(remove(settings())).rejects.toThrow(/delete environment pr-42 failed: HTTP 403/);
    expect(gh.environments()).toEqual([]);
    expect(gh.deployments()).toEqual([]);
  });
});

describe('github target: failures', () => {
  it('waits out the secondary rate limit (403 or 429 with retry-after) and carries on', async () => {
    await start();
    gh.rateLimitNext({ method: 'PUT', path: /\/secrets\/DATABASE_URL$/, retryAfterSeconds: 1 });
    gh.rateLimitNext({ method: 'POST', path: /\/variables$/, retryAfterSeconds: 1, status: 429 });
    const started = Date.now();
    const { requests, session } = await publish(settings(), connection('pw'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(session.stats.retries.GitHub).toBe(2);
    expect(requests.filter((r) => r.path.endsWith('/secrets/DATABASE_URL')).map((r) => r.status)).toEqual([403, 201]);
    expect(requests.filter((r) => r.path.endsWith('/variables')).map((r) => r.status)).toEqual([429, 201, 201, 201, 201]);
    expect(gh.variables('pr-42')).toHaveProperty('PGUSER', 'neondb_owner');
    expect(gh.secretPlaintext('pr-42', 'DATABASE_URL')).toContain('pw');
  });

  it('waits out the primary rate limit (403 with x-ratelimit-remaining: 0) until x-ratelimit-reset, and carries on', async () => {
    await start();
    gh.rateLimitNext({ method: 'PUT', path: /\/secrets\/PGPASSWORD$/, retryAfterSeconds: 2, limit: 'primary' });
    const { requests, session } = await publish(settings(), connection('pw'));
    const refused = requests.filter((r) => r.path.endsWith('/secrets/PGPASSWORD'));
    expect(refused.map((r) => r.status)).toEqual([403, 201]);
    // The reset is a whole second up to 2 s ahead: the retry waited for it, not a backoff step.
    expect(refused[1]!.at - refused[0]!.at).toBeGreaterThanOrEqual(950);
    expect(session.stats.retries.GitHub).toBe(1);
    expect(gh.secretPlaintext('pr-42', 'PGPASSWORD')).toBe('pw');
  });

  it('ends each attempt at its time limit (the signal reaches Octokit) and tries again', async () => {
    await start();
    const s = settings();
    // The run's first request (the environment's lookup, alone in flight) gets no answer; the
    // attempts' limits run on a fake clock, so that one ends at 300 ms exactly and no other ends
    // early, however long the machine takes to answer.
    const unanswered = gh.standIn.hold('GET', /\/environments\/pr-42$/);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const log: string[] = [];
      const session = new ApiSession(
        30_000,
        (line) => log.push(line),
        { attemptTimeoutMs: 300, baseDelayMs: 10, maxDelayMs: 20 },
        () => 0.5,
      );
      const publishing = targetOf(s, session).then((target) => publishWith(target, s, connection('pw')));
      await unanswered.arrived;
      await vi.advanceTimersByTimeAsync(299);
      expect(log).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(log).toEqual(['GitHub: get environment pr-42: no answer in time; retrying in 0.0 s (attempt 2)']);
      await vi.advanceTimersByTimeAsync(session.backoffMs(1));
      await publishing;
      expect(session.stats.retries.GitHub).toBe(1);
      expect(gh.standIn.requestsTo(/\/environments\/pr-42$/, 'GET')).toHaveLength(2);
      expect(gh.secretPlaintext('pr-42', 'PGPASSWORD')).toBe('pw');
    } finally {
      vi.useRealTimers();
      unanswered.release();
    }
  });

  it('fails with the write error while the deployment is still being created (no unhandled rejection)', async () => {
    await start();
    await publish(settings(), connection('pw'));
    const [first] = gh.deployments('pr-42');
    // Next run: a secret's write is refused while the deployment's create (sent at the same time)
    // is held until the run has failed.
    gh.standIn.failNext({ method: 'PUT', path: /\/secrets\/PGPASSWORD$/, status: 404, body: { message: 'Not Found' } });
    const create = gh.standIn.hold('POST', /\/deployments$/);
    const publishing = publish(settings({}, SHA2), connection('pw2'));
    await create.arrived;
    await expect(publishing).rejects.toThrow(/^GitHub: set secret PGPASSWORD in environment pr-42 failed: HTTP 404/);
    expect(gh.deployments('pr-42')).toEqual([first]);
    // Now the create ends, after the failure, and the run goes on to retire the first run's
    // deployment. Vitest fails the file on an unhandled rejection: wait until that work is done.
    create.release();
    while (gh.deployments('pr-42').some((d) => d.id === first!.id)) await new Promise((resolve) => setImmediate(resolve));
    // The new deployment never got its success status: the values it would vouch for are not all there.
    expect(gh.deployments('pr-42')).toEqual([expect.objectContaining({ ref: SHA2, state: 'none' })]);
  });

  it('converges through transient faults, and through creates that landed although their answer was lost', async () => {
    await start({ faults: { rate: 0.25, kinds: ['500', '502', '503', 'reset'], seed: 7 } });
    gh.standIn.failNext({ method: 'POST', path: /\/deployments$/, status: 502, afterApply: true });
    gh.standIn.failNext({ method: 'POST', path: /\/variables$/, status: 'reset', afterApply: true });
    const session = () => new ApiSession(30_000, () => {}, { attemptTimeoutMs: 5_000, baseDelayMs: 5, maxDelayMs: 20 });
    for (const [sha, password] of [
      [SHA1, 'pw1'],
      [SHA2, 'pw2'],
    ] as const)
      await publish(settings({}, sha), connection(password), session());
    expect(gh.standIn.requests.filter((r) => r.fault).length).toBeGreaterThan(3);
    // The variable created although its answer was lost is not created blindly again: what is there is updated.
    const lost = gh.standIn.requestsTo(/\/variables$/, 'POST').find((r) => r.fault === 'forced')!;
    const name = (lost.body as { name: string }).name;
    expect(gh.standIn.requestsTo(new RegExp(`/variables/${name}$`), 'PATCH').map((r) => r.status)).toContain(204);
    expect(gh.standIn.requestsTo(/\/deployments$/, 'POST').filter((r) => r.status === 201 || r.fault === 'forced').length).toBeGreaterThanOrEqual(3);
    expect(gh.secretPlaintext('pr-42', 'PGPASSWORD')).toBe('pw2');
    expect(Object.keys(gh.variables('pr-42')).sort()).toEqual(['PGDATABASE', 'PGHOST', 'PGHOST_UNPOOLED', 'PGUSER']);
    // The deployment created twice (its first answer lost) left one active deployment, of the latest head.
    expect(gh.deployments('pr-42')).toEqual([expect.objectContaining({ ref: SHA2, state: 'success' })]);
    const s = settings();
    await (await targetOf(s, session())).remove(s.pr, []);
    expect(gh.environments()).toEqual([]);
    expect(gh.deployments()).toEqual([]);
  });

  it('reads the public key again when it was rotated during the run', async () => {
    await start();
    await publish(settings(), connection('pw1'));
    // The key is read, then rotated before the first secret arrives.
    const s = settings();
    const target = await targetOf(s, new ApiSession(30_000));
    let rotated = false;
    // The request log is written as each request arrives, before it is answered.
    const original = gh.standIn.requests.push.bind(gh.standIn.requests);
    gh.standIn.requests.push = (...items) => {
      if (!rotated && items.some((r) => r.method === 'PUT' && r.path.includes('/secrets/'))) {
        gh.rotateKey('pr-42');
        rotated = true;
      }
      return original(...items);
    };
    await publishWith(target, s, connection('pw2'));
    expect(rotated).toBe(true);
    expect(gh.secretPlaintext('pr-42', 'PGPASSWORD')).toBe('pw2');
    expect(gh.standIn.requestsTo(/\/secrets\/public-key$/)).toHaveLength(3);
  });
});
