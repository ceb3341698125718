// The netlify target against the Netlify stand-in, in-process, with the real retry policy, driven
// as the commands drive it: prepare, publish, then afterReady; findManaged, then removeManaged.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_CREATES } from '../../src/http/create-or-adopt.js';
import { ApiSession } from '../../src/http/retry.js';
import { noteText } from '../../src/note.js';
import { parseSettings, type Settings } from '../../src/inputs.js';
import { SWEEP_CONCURRENCY } from '../../src/targets/netlify/sweep.js';
import type { BranchRef, PullRequestRef, Target, TargetReport } from '../../src/targets/target.js';
import { resolveVariables, type ConnectionDetails, type PublishedVariable } from '../../src/variables.js';
import { startNetlifyStandIn, type NetlifyStandIn, type NetlifyStandInOptions } from '../../sandbox/netlify.js';

const TOKEN = 'netlify-test-token';
const DEFAULT_NAMES = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGHOST', 'PGHOST_UNPOOLED', 'PGUSER', 'PGDATABASE', 'PGPASSWORD'];
const SECRET_NAMES = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGPASSWORD'];

let netlify: NetlifyStandIn;

async function start(options: NetlifyStandInOptions = {}): Promise<void> {
  netlify = await startNetlifyStandIn(options);
}

/** One pull request: its settings as the action parses them, its Neon branch and connection. */
interface Pr {
  number: number;
  head: string;
  settings: Settings;
  branch: BranchRef;
  ref: PullRequestRef;
}

function pr(number: number, head: string, inputs: Record<string, string> = {}): Pr {
  const values: Record<string, string> = {
    neon_api_key: 'neon-test-key',
    neon_project_id: 'proj-preview-1',
    targets: 'netlify',
    netlify_token: TOKEN,
    netlify_site_id: netlify.siteId,
    netlify_api_url: netlify.url,
    ...inputs,
  };
  const settings = parseSettings((name) => values[name] ?? '', {
    eventName: 'pull_request',
    repository: 'acme/shop',
    apiUrl: 'https://api.github.com',
    payload: { action: 'synchronize', pull_request: { number, head: { ref: head, sha: 'abc123', repo: { full_name: 'acme/shop' } }, base: { repo: { full_name: 'acme/shop' } } } },
  });
  if (settings.command === 'skip' || settings.command === 'sweep') throw new Error('unexpected command');
  const branchId = `br-pr-${number}-a1b2c3d4`;
  return { number, head, settings, ref: settings.pr, branch: { id: branchId, name: `preview/pr-${number}`, consoleUrl: `https://console.neon.tech/app/projects/proj-preview-1/branches/${branchId}` } };
}

function connection(p: Pr, password = `npg_pw${p.number}xyz`): ConnectionDetails {
  const endpoint = `ep-cool-${p.number}-a1b2c3d4`;
  const pooledHost = `${endpoint}-pooler.c-2.us-east-2.aws.neon.tech`;
  const directHost = `${endpoint}.c-2.us-east-2.aws.neon.tech`;
  return {
    branchId: p.branch.id,
    branchName: p.branch.name,
    database: 'neondb',
    role: 'neondb_owner',
    password,
    directUrl: `postgresql://neondb_owner:${password}@${directHost}/neondb?sslmode=require`,
    pooledUrl: `postgresql://neondb_owner:${password}@${pooledHost}/neondb?sslmode=require`,
    directHost,
    pooledHost,
  };
}

function variablesOf(p: Pr, password?: string): PublishedVariable[] {
  return resolveVariables(p.settings.variables, connection(p, password));
}

/** The target as a run makes it: from the parsed inputs, through the registry's definition. */
function targetOf(p: Pr, session: ApiSession): Promise<Target> {
  const [configured] = p.settings.targets;
  return configured!.create({ session, githubApiUrl: 'https://api.github.com', variables: p.settings.variables });
}

/** One run of the action: a fresh session and target. */
async function run<T>(p: Pr, step: (target: Target) => Promise<T>): Promise<{ result: T; requests: number; retries: number }> {
  const session = new ApiSession(30_000);
  const result = await step(await targetOf(p, session));
  return { result, requests: session.stats.requests.Netlify ?? 0, retries: session.stats.retries.Netlify ?? 0 };
}

/** What create does with a target: its reads, the publish, then (once the branch is ready) its step after. */
async function publishWith(t: Target, p: Pr, password?: string, prepared?: unknown): Promise<TargetReport> {
  const reads = prepared ?? (await t.prepare(p.ref));
  const report = await t.publish(reads, p.ref, variablesOf(p, password), p.branch);
  const added = await t.afterReady?.(reads, p.ref);
  return added ? { ...report, links: [...report.links, ...added.links], notes: [...report.notes, ...added.notes] } : report;
}

const publish = (p: Pr, password?: string) => run(p, (t) => publishWith(t, p, password));
const remove = (p: Pr) =>
  run(p, (t) =>
    t.remove(
      p.ref,
      p.settings.variables.map((v) => v.name),
    ),
  );

/** The most requests (of `method`, when given) the action had in flight at once while `step` ran. */
async function mostInFlight<T>(step: () => Promise<T>, method?: string): Promise<number> {
  const send = globalThis.fetch;
  let now = 0;
  let most = 0;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const counted = !method || init?.method === method;
    if (counted) most = Math.max(most, ++now);
    try {
      return await send(input, init);
    } finally {
      if (counted) now--;
    }
  });
  try {
    await step();
  } finally {
    spy.mockRestore();
  }
  return most;
}

/** The stored values of every key for a branch. */
function valuesFor(head: string): Record<string, string | undefined> {
  return Object.fromEntries(netlify.vars().flatMap((v) => v.values.filter((x) => x.context === 'branch' && x.context_parameter === head).map((x) => [v.key, x.value])));
}

function expected(p: Pr, password?: string): Record<string, string> {
  return Object.fromEntries(variablesOf(p, password).map((v) => [v.name, v.value]));
}

describe('netlify target', () => {
  afterEach(async () => {
    // Whatever a test did: the action never sent a PUT, never a value for the shared
    // deploy-preview context, and every request matched Netlify's description.
    expect(netlify.puts()).toEqual([]);
    expect(netlify.standIn.violations).toEqual([]);
    const contexts = netlify.standIn.requests
      .flatMap((r) => (Array.isArray(r.body) ? r.body.flatMap((k: { values?: { context: string }[] }) => k.values ?? []) : r.body ? [r.body] : []))
      .map((v: { context?: string }) => v.context);
    expect(contexts.every((c) => c === 'branch')).toBe(true);
    await netlify.stop();
  });

  describe('publish', () => {
    beforeEach(() => start());

    it('sets every value for the PR head branch, secret ones as secrets, one create per key on a new site', async () => {
      const a = pr(7, 'feature/login');
      const { result, requests } = await publish(a);

      expect(valuesFor('feature/login')).toEqual(expected(a));
      for (const v of netlify.vars()) {
        expect(v.values).toHaveLength(1);
        expect(v.is_secret).toBe(SECRET_NAMES.includes(v.key));
        expect(v.scopes).toEqual(v.is_secret ? ['builds', 'functions', 'runtime'] : ['builds', 'functions', 'runtime', 'post-processing']);
      }
      // get site + list + one create per key
      expect(requests).toBe(9);
      expect(netlify.standIn.requests.map((r) => `${r.method} ${r.path.replace(netlify.accountId, 'A').replace(netlify.siteId, 'S')}`).slice(0, 2)).toEqual(['GET /sites/S', 'GET /accounts/A/env']);
      expect(result).toMatchObject({ target: 'netlify', label: 'Netlify', names: DEFAULT_NAMES, removedNames: [] });
      expect(result.links).toEqual([{ label: 'Netlify environment variables', url: 'https://app.netlify.com/sites/neon-preview-demo/configuration/env' }]);
      expect(JSON.stringify(result)).not.toContain('npg_pw7');
    });

    it('prepare reads the site and its variables and writes nothing; publish reads nothing again and sends the 7 keys in one round trip', async () => {
      const a = pr(7, 'feature/login');
      const session = new ApiSession(30_000);
      const target = await targetOf(a, session);
      const prepared = await target.prepare(a.ref);
      expect(netlify.standIn.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
      expect(await mostInFlight(() => target.publish(prepared, a.ref, variablesOf(a), a.branch), 'POST')).toBe(7);
      expect(netlify.standIn.requests.slice(2).map((r) => r.method)).toEqual(Array(7).fill('POST'));
      expect(session.stats.requests.Netlify).toBe(9);
    });

    it('two PRs at once share the keys and keep separate values, and the run that loses a create race sets its value on the winner’s key', async () => {
      const a = pr(7, 'feature/login');
      const b = pr(8, 'fix/typo');
      const sessions = [new ApiSession(30_000), new ApiSession(30_000)];
      const [ta, tb] = await Promise.all([targetOf(a, sessions[0]!), targetOf(b, sessions[1]!)]);
      // Both read the empty site before either writes.
      const [pa, pb] = await Promise.all([ta.prepare(a.ref), tb.prepare(b.ref)]);
      await Promise.all([publishWith(ta, a, undefined, pa), publishWith(tb, b, undefined, pb)]);

      expect(valuesFor('feature/login')).toEqual(expected(a));
      expect(valuesFor('fix/typo')).toEqual(expected(b));
      expect(
        netlify
          .vars()
          .map((v) => v.key)
          .sort(),
      ).toEqual([...DEFAULT_NAMES].sort());
      for (const v of netlify.vars()) expect(v.values).toHaveLength(2);
      // Every key was created once, the other create was refused (key exists) and followed by a PATCH.
      const creates = netlify.standIn.requestsTo(/\/env$/, 'POST');
      expect(creates.filter((r) => r.status === 201)).toHaveLength(7);
      expect(creates.filter((r) => r.status === 400)).toHaveLength(7);
      expect(netlify.standIn.requestsTo(/\/env\/[A-Z_]+$/, 'PATCH').map((r) => r.status)).toEqual(Array(7).fill(201));
      expect(sessions.reduce((sum, s) => sum + (s.stats.requests.Netlify ?? 0), 0)).toBe(9 + 9 + 7);
    });

    it('a second PR on existing keys only PATCHes', async () => {
      await publish(pr(7, 'feature/login'));
      const b = pr(8, 'fix/typo');
      const { requests } = await publish(b);
      expect(requests).toBe(9);
      expect(netlify.standIn.requestsTo(/\/env$/, 'POST')).toHaveLength(7);
      expect(valuesFor('fix/typo')).toEqual(expected(b));
      expect(valuesFor('feature/login')).toEqual(expected(pr(7, 'feature/login')));
    });

    it('a later publish updates the values in place, skipping plain values that did not change', async () => {
      const a = pr(7, 'feature/login');
      await publish(a);
      const ids = Object.fromEntries(netlify.vars().map((v) => [v.key, v.values[0]!.id]));

      const { result, requests } = await publish(a, 'npg_resetPassword1');
      expect(valuesFor('feature/login')).toEqual(expected(a, 'npg_resetPassword1'));
      expect(Object.fromEntries(netlify.vars().map((v) => [v.key, v.values[0]!.id]))).toEqual(ids);
      for (const v of netlify.vars()) expect(v.values).toHaveLength(1);
      // get site + list + the 3 secret values (unreadable, so always written); 4 plain ones unchanged
      expect(requests).toBe(5);
      expect(result.notes.map(noteText)).toContain('4 value(s) were already up to date.');
      expect(
        netlify.standIn
          .requestsTo(/\/env\/[A-Z_]+$/, 'PATCH')
          .map((r) => r.path.split('/').pop())
          .sort(),
      ).toEqual([...SECRET_NAMES].sort());
    });

    it('removes this PR’s value of a dropped key when it names the PR’s Neon branch, and leaves what it cannot prove is its own', async () => {
      const a = pr(7, 'feature/login');
      const b = pr(8, 'fix/typo');
      await publish(a);
      await publish(b);
      const featureFlag = netlify.setValue('FEATURE_FLAG', { context: 'branch', contextParameter: 'feature/login', value: 'on' });

      const narrower = pr(7, 'feature/login', { env_vars: 'DATABASE_URL=pooled_url\nPGHOST=pooled_host\nPGDATABASE=database\nPGPASSWORD=password' });
      const { result, requests } = await publish(narrower);

      // PGHOST_UNPOOLED holds the branch's direct host: provably the action's, removed by id.
      expect(netlify.valueOf('PGHOST_UNPOOLED', 'branch', 'feature/login')).toBeUndefined();
      expect(netlify.valueOf('PGHOST_UNPOOLED', 'branch', 'fix/typo')).toBe(connection(b).directHost);
      expect(result.removedNames).toEqual(['PGHOST_UNPOOLED']);
      expect(netlify.standIn.requestsTo(/\/env\/PGHOST_UNPOOLED\/value\/[^/]+$/, 'DELETE')).toHaveLength(1);
      // PGUSER (a generic role name) and DATABASE_URL_UNPOOLED (secret, unreadable) are left, and said so.
      expect(netlify.valueOf('PGUSER', 'branch', 'feature/login')).toBe('neondb_owner');
      expect(netlify.valueOf('DATABASE_URL_UNPOOLED', 'branch', 'feature/login')).toBe(connection(a).directUrl);
      expect(result.notes.map(noteText).join('\n')).toContain('Left the values for branch feature/login of DATABASE_URL_UNPOOLED, FEATURE_FLAG, PGUSER: not in env_vars');
      // A value someone set for the branch by hand is never touched.
      expect(netlify.variable('FEATURE_FLAG')!.values.map((v) => v.id)).toEqual([featureFlag]);
      // get site + list + 2 secret PATCHes (plain values unchanged) + 1 value delete
      expect(requests).toBe(5);
    });

    it('deletes a dropped key when this PR’s value was the last one in it', async () => {
      const a = pr(7, 'feature/login');
      await publish(a);
      const narrower = pr(7, 'feature/login', { env_vars: 'DATABASE_URL=pooled_url\nPGHOST=pooled_host' });
      const { result } = await publish(narrower);
      expect(netlify.variable('PGHOST_UNPOOLED')).toBeUndefined();
      expect(result.removedNames).toEqual(['PGHOST_UNPOOLED']);
      expect(result.notes.map(noteText)).toContain('Deleted PGHOST_UNPOOLED: no other value was left in them.');
    });

    it('writes onto a key that exists with other contexts without touching them, and says when a secret lands in a plain key', async () => {
      const production = netlify.setValue('DATABASE_URL', { context: 'production', value: 'postgresql://prod' });
      netlify.setValue('PGHOST', { context: 'deploy-preview', value: 'shared-preview-host' });
      const a = pr(7, 'feature/login');
      const { result } = await publish(a);
      expect(netlify.variable('DATABASE_URL')!.values.find((v) => v.id === production)!.value).toBe('postgresql://prod');
      expect(netlify.valueOf('PGHOST', 'deploy-preview')).toBe('shared-preview-host');
      expect(valuesFor('feature/login')).toEqual(expected(a));
      expect(result.notes.map(noteText).join('\n')).toContain('DATABASE_URL exists on the site as a plain (not secret) variable');
    });

    it('a key deleted after the list (PATCH 404) is created again', async () => {
      await publish(pr(8, 'fix/typo'));
      netlify.standIn.failNext({ method: 'PATCH', path: /\/env\/PGUSER$/, status: 404, body: { code: 404, message: 'Not Found' } });
      const a = pr(7, 'feature/login');
      await publish(a);
      expect(valuesFor('feature/login')).toEqual(expected(a));
      // PATCH 404 → create (refused: the key exists after all) → PATCH
      expect(netlify.standIn.requestsTo(/\/env\/PGUSER$/, 'PATCH').map((r) => r.status)).toEqual([404, 201]);
    });

    it('a create whose answer is lost is checked with a PATCH, not sent again', async () => {
      netlify.standIn.failNext({ method: 'POST', path: /\/env$/, status: 'reset', afterApply: true });
      const a = pr(7, 'feature/login');
      await publish(a);
      expect(valuesFor('feature/login')).toEqual(expected(a));
      expect(netlify.standIn.requestsTo(/\/env$/, 'POST')).toHaveLength(7);
      expect(netlify.standIn.requestsTo(/\/env\/[A-Z_]+$/, 'PATCH')).toHaveLength(1);
    });

    it('a create refused because the key exists, whose key is gone again when looked at, is sent again', async () => {
      const a = pr(7, 'feature/login');
      const session = new ApiSession(30_000);
      const target = await targetOf(a, session);
      const prepared = await target.prepare(a.ref);
      // After the list, another PR adds PGUSER; once the create is refused, that PR's close deletes it.
      netlify.setValue('PGUSER', { context: 'branch', contextParameter: 'fix/typo', value: 'neondb_owner' });
      const look = netlify.standIn.hold('PATCH', /\/env\/PGUSER$/);
      const publishing = target.publish(prepared, a.ref, variablesOf(a), a.branch);
      await look.arrived;
      const closed = await fetch(`${netlify.url}/accounts/${netlify.accountId}/env/PGUSER?site_id=${netlify.siteId}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(closed.status).toBe(204);
      look.release();
      await publishing;

      expect(valuesFor('feature/login')).toEqual(expected(a));
      expect(
        netlify.standIn
          .requestsTo(/\/env$/, 'POST')
          .filter((r) => (r.body as { key: string }[])[0]!.key === 'PGUSER')
          .map((r) => r.status),
      ).toEqual([400, 201]);
      expect(netlify.standIn.requestsTo(/\/env\/PGUSER$/, 'PATCH').map((r) => r.status)).toEqual([404]);
    });

    it('fails with Netlify’s message when every create is refused for another reason, each refusal checked with a PATCH, at most MAX_CREATES times per key', async () => {
      netlify.standIn.failNext({ method: 'POST', path: /\/env$/, status: 422, body: { code: 422, message: 'Invalid key' }, times: 1000 });
      await expect(publish(pr(7, 'feature/login'))).rejects.toThrow(/Netlify: create [A-Z_]+ failed: HTTP 422: Invalid key/);
      expect(netlify.vars()).toEqual([]);
      expect(netlify.standIn.requestsTo(/\/env$/, 'POST')).toHaveLength(7 * MAX_CREATES);
      expect(netlify.standIn.requestsTo(/\/env\/[A-Z_]+$/, 'PATCH').map((r) => r.status)).toEqual(Array(7 * MAX_CREATES).fill(404));
    });

    it('retries a 429 after its X-RateLimit-Reset, on a read and on a create', async () => {
      netlify.rateLimitNext(1, 1);
      netlify.standIn.failNext({
        method: 'POST',
        path: /\/env$/,
        status: 429,
        body: { code: 429, message: 'Too Many Requests' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) },
      });
      const a = pr(7, 'feature/login');
      const started = Date.now();
      const { requests, retries } = await publish(a);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(retries).toBe(2);
      expect(requests).toBe(11);
      expect(valuesFor('feature/login')).toEqual(expected(a));
      expect(netlify.standIn.requests.filter((r) => r.status === 429)).toHaveLength(2);
    });

    it('without redeploy has no step after the branch is ready, starts no build and says which builds get the values', async () => {
      const a = pr(7, 'feature/login');
      const { result } = await run(a, async (t) => {
        expect(t.afterReady).toBeUndefined();
        return publishWith(t, a);
      });
      expect(netlify.builds()).toEqual([]);
      expect(result.notes.map(noteText).join('\n')).toContain('Netlify applies these values to builds of branch feature/login (branch deploys)');
    });

    it('with redeploy, the publish starts no build; the step after the branch is ready starts one of the head branch and links its deploy', async () => {
      const a = pr(7, 'feature/login', { netlify_redeploy: 'true' });
      const session = new ApiSession(30_000);
      const target = await targetOf(a, session);
      const prepared = await target.prepare(a.ref);
      const report = await target.publish(prepared, a.ref, variablesOf(a), a.branch);
      expect(netlify.builds()).toEqual([]);
      expect(report.notes.map(noteText).join('\n')).not.toContain('build');

      const added = await target.afterReady!(prepared, a.ref);
      const [build] = netlify.builds();
      expect(netlify.builds()).toHaveLength(1);
      expect(build).toMatchObject({ branch: 'feature/login', context: 'branch-deploy' });
      expect(added.links).toEqual([
        { label: `Netlify deploy ${build!.deploy_id}`, url: `https://app.netlify.com/sites/neon-preview-demo/deploys/${build!.deploy_id}` },
        { label: 'Branch deploy of feature/login', url: `https://${build!.deploy_id}--neon-preview-demo.netlify.app` },
      ]);
      expect(added.notes.map(noteText)).toEqual([`Started a Netlify build of branch feature/login (deploy ${build!.deploy_id}); it runs as a branch deploy with the new values.`]);
      // 9 + start build + get its deploy
      expect(session.stats.requests.Netlify).toBe(11);
    });

    it('with redeploy, a build Netlify refuses fails the step and says the values are published and how to get a deploy to use them', async () => {
      const a = pr(7, 'feature/login', { netlify_redeploy: 'true' });
      netlify.standIn.failNext({ method: 'POST', path: /\/builds$/, status: 422, body: { code: 422, message: 'Builds are stopped for this site' } });
      await expect(publish(a)).rejects.toThrow(
        /^Netlify: start a build of branch feature\/login failed: HTTP 422: Builds are stopped for this site\. The variables were published; start a build of branch feature\/login in Netlify \(or re-run\) so a deploy picks them up\.$/,
      );
      expect(valuesFor('feature/login')).toEqual(expected(a));
    });
  });

  describe('remove', () => {
    beforeEach(() => start());

    it('closing one PR removes exactly its values by id, leaving the other PR’s and a production value', async () => {
      const a = pr(7, 'feature/login');
      const b = pr(8, 'fix/typo');
      const production = netlify.setValue('PGHOST', { context: 'production', value: 'prod-host' });
      await publish(a);
      await publish(b);

      const { result, requests } = await remove(a);
      expect(valuesFor('feature/login')).toEqual({});
      expect(valuesFor('fix/typo')).toEqual(expected(b));
      expect(netlify.variable('PGHOST')!.values.find((v) => v.id === production)!.value).toBe('prod-host');
      expect(netlify.vars()).toHaveLength(7);
      expect(result).toMatchObject({ target: 'netlify', names: [...DEFAULT_NAMES].sort(), notes: [] });
      // get site + list + one value delete per key
      expect(requests).toBe(9);
      expect(netlify.standIn.requestsTo(/\/value\/[^/]+$/, 'DELETE')).toHaveLength(7);
      expect(netlify.standIn.requestsTo(/\/env\/[A-Z_]+$/, 'DELETE')).toHaveLength(0);
    });

    it('deletes the keys it emptied and keeps keys that still hold values; a second remove finds nothing', async () => {
      const a = pr(7, 'feature/login');
      netlify.setValue('PGHOST', { context: 'production', value: 'prod-host' });
      await publish(a);

      const { result, requests } = await remove(a);
      expect(netlify.vars().map((v) => v.key)).toEqual(['PGHOST']);
      expect(netlify.variable('PGHOST')!.values.map((v) => v.context)).toEqual(['production']);
      expect(result.names).toEqual([...DEFAULT_NAMES].sort());
      expect(result.notes.map(noteText)).toEqual([
        `Deleted ${DEFAULT_NAMES.filter((n) => n !== 'PGHOST')
          .sort()
          .join(', ')}: no other value was left in them.`,
      ]);
      // get site + list + the 7 values deleted by id + (fresh read + delete of the emptied key) for the 6 others
      expect(requests).toBe(2 + 7 + 6 * 2);
      // A key goes only once it is empty: its value was deleted by id, and the key read again, before.
      const keyDeletes = netlify.standIn.requests.filter((r) => r.method === 'DELETE' && /\/env\/[^/]+$/.test(r.path));
      expect(keyDeletes).toHaveLength(6);
      for (const del of keyDeletes) {
        const key = del.path.split('/').pop()!;
        const valueDelete = netlify.standIn.requests.findIndex((r) => r.method === 'DELETE' && r.path.includes(`/env/${key}/value/`));
        const freshRead = netlify.standIn.requests.findIndex((r, i) => i > valueDelete && r.method === 'GET' && r.path.endsWith(`/env/${key}`));
        expect(valueDelete, key).toBeGreaterThanOrEqual(0);
        expect(freshRead, key).toBeGreaterThan(valueDelete);
        expect(netlify.standIn.requests.indexOf(del), key).toBeGreaterThan(freshRead);
      }

      const again = await remove(a);
      expect(again.result.names).toEqual([]);
      expect(again.result.notes.map(noteText)).toEqual([`No value for branch feature/login in ${[...DEFAULT_NAMES].sort().join(', ')} (already removed).`]);
      expect(again.requests).toBe(2);
    });

    it('keeps a key another run wrote to after the list: it re-reads before deleting a key', async () => {
      const a = pr(7, 'feature/login');
      await publish(a);
      // Once remove has listed the site (PGUSER then held only this PR's value), it deletes that
      // value by id; that request is held while another PR adds a value to PGUSER.
      const deleteValue = netlify.standIn.hold('DELETE', /\/env\/PGUSER\/value\/[^/]+$/);
      const removal = remove(a);
      await deleteValue.arrived;
      netlify.setValue('PGUSER', { context: 'branch', contextParameter: 'fix/typo', value: 'neondb_owner' });
      deleteValue.release();
      await removal;
      expect(netlify.variable('PGUSER')!.values.map((v) => v.context_parameter)).toEqual(['fix/typo']);
      expect(netlify.valueOf('PGUSER', 'branch', 'feature/login')).toBeUndefined();
    });

    it('counts a value or key that is already gone as removed', async () => {
      const a = pr(7, 'feature/login');
      const b = pr(8, 'fix/typo');
      await publish(a);
      await publish(b);
      netlify.standIn.failNext({ method: 'DELETE', path: /\/env\/PGUSER\/value\//, status: 404, body: { code: 404, message: 'Not Found' } });
      const { result } = await remove(a);
      expect(result.names).not.toContain('PGUSER');
      expect(result.notes.map(noteText)).toEqual(['No value for branch feature/login in PGUSER (already removed).']);
    });
  });

  describe('findManaged (sweep)', () => {
    beforeEach(() => start());

    /** One sweep run: a fresh session and target; `requests()` counts every request so far. */
    async function sweeper(p: Pr) {
      const session = new ApiSession(30_000);
      return { target: await targetOf(p, session), requests: () => session.stats.requests.Netlify ?? 0 };
    }

    it('lists the branch values of the mapped keys per branch, never other contexts or unmapped keys, from one list; remove by branch drops one', async () => {
      const a = pr(7, 'feature/login');
      const b = pr(8, 'fix/typo');
      await publish(a);
      await publish(b);
      const production = netlify.setValue('DATABASE_URL', { context: 'production', value: 'postgresql://prod' });
      const preview = netlify.setValue('PGHOST', { context: 'deploy-preview', value: 'shared-preview-host' });
      const everywhere = netlify.setValue('PGUSER', { context: 'all', value: 'app_user' });
      const flag = netlify.setValue('FEATURE_FLAG', { context: 'branch', contextParameter: 'feature/login', value: 'on' });
      netlify.setValue('FEATURE_FLAG', { context: 'branch', contextParameter: 'hotfix/by-hand', value: 'off' });

      const { target, requests } = await sweeper(a);
      const names = a.settings.variables.map((v) => v.name);
      const { entries: found } = await target.findManaged('acme/shop', names);
      expect(found).toEqual([
        { headRef: 'feature/login', description: `${[...DEFAULT_NAMES].sort().join(', ')} on feature/login` },
        { headRef: 'fix/typo', description: `${[...DEFAULT_NAMES].sort().join(', ')} on fix/typo` },
      ]);
      expect(found.every((e) => e.pr === undefined)).toBe(true);
      expect(JSON.stringify(found)).not.toMatch(/npg_pw|postgresql|prod|shared-preview-host|app_user/);
      // get site + one list of every variable
      expect(requests()).toBe(2);
      expect(netlify.standIn.requests.slice(-1).map((r) => [r.method, r.path.endsWith('/env'), r.query])).toEqual([['GET', true, { site_id: netlify.siteId }]]);

      // The sweep removes a closed PR's values with the same target (site already known), by
      // head branch; the PR number plays no part.
      const removed = await target.remove({ repository: 'acme/shop', number: 4242, headRef: 'feature/login' }, names);
      expect(removed.names).toEqual([...DEFAULT_NAMES].sort());
      // list + one value delete per key (every key still holds fix/typo's value)
      expect(requests()).toBe(2 + 8);
      expect(valuesFor('feature/login')).toEqual({ FEATURE_FLAG: 'on' });
      expect(valuesFor('fix/typo')).toEqual(expected(b));
      expect(netlify.variable('DATABASE_URL')!.values.find((v) => v.id === production)?.value).toBe('postgresql://prod');
      expect(netlify.variable('PGHOST')!.values.find((v) => v.id === preview)?.value).toBe('shared-preview-host');
      expect(netlify.variable('PGUSER')!.values.find((v) => v.id === everywhere)?.value).toBe('app_user');
      expect(netlify.variable('FEATURE_FLAG')!.values.map((v) => v.id)).toContain(flag);

      expect((await target.findManaged('acme/shop', names)).entries).toEqual([{ headRef: 'fix/typo', description: `${[...DEFAULT_NAMES].sort().join(', ')} on fix/typo` }]);
      expect(requests()).toBe(2 + 8 + 1);
    });

    it('removeManaged: deletes the found values of closed branches by id from the listing (no new list), and a key they emptied', async () => {
      const a = pr(7, 'feature/login');
      const b = pr(8, 'fix/typo');
      const c = pr(9, 'docs/readme');
      await publish(a);
      await publish(b);
      await publish(c);
      const production = netlify.setValue('DATABASE_URL', { context: 'production', value: 'postgresql://prod' });
      // A key only the two closed branches hold: emptied, it goes.
      netlify.setValue('PGHOST_EXTRA', { context: 'branch', contextParameter: 'feature/login', value: 'x' });
      netlify.setValue('PGHOST_EXTRA', { context: 'branch', contextParameter: 'fix/typo', value: 'y' });

      const { target, requests } = await sweeper(a);
      const names = [...a.settings.variables.map((v) => v.name), 'PGHOST_EXTRA'];
      const { entries: found, listing } = await target.findManaged('acme/shop', names);
      const groups = [7, 8].map((n, i) => ({ pr: n, entries: [found.find((e) => e.headRef === [a, b][i]!.head)!] }));
      const before = requests();

      await Promise.all(target.removeManaged!(listing, groups, names));

      // 2 × 8 value deletes, then one fresh read of PGHOST_EXTRA and its delete: no list.
      expect(requests() - before).toBe(16 + 2);
      expect(netlify.standIn.requests.slice(-18).some((r) => r.method === 'GET' && r.path.endsWith('/env'))).toBe(false);
      expect(valuesFor('feature/login')).toEqual({});
      expect(valuesFor('fix/typo')).toEqual({});
      expect(valuesFor('docs/readme')).toEqual(expected(c));
      expect(netlify.variable('PGHOST_EXTRA')).toBeUndefined();
      expect(netlify.variable('DATABASE_URL')!.values.find((v) => v.id === production)?.value).toBe('postgresql://prod');
      expect((await target.findManaged('acme/shop', names)).entries).toEqual([{ headRef: 'docs/readme', description: `${[...DEFAULT_NAMES].sort().join(', ')} on docs/readme` }]);
    });

    it('removeManaged keeps at most SWEEP_CONCURRENCY requests in flight for the whole sweep', async () => {
      const prs = [pr(7, 'feature/login'), pr(8, 'fix/typo'), pr(9, 'docs/readme')];
      for (const p of prs) await publish(p);
      const { target } = await sweeper(prs[0]!);
      const names = prs[0]!.settings.variables.map((v) => v.name);
      const { entries, listing } = await target.findManaged('acme/shop', names);
      const groups = prs.map((p) => ({ pr: p.number, entries: entries.filter((e) => e.headRef === p.head) }));
      // 21 value deletes and the 7 emptied keys' reads and deletes, all known at once.
      expect(await mostInFlight(() => Promise.all(target.removeManaged!(listing, groups, names)))).toBe(SWEEP_CONCURRENCY);
      expect(netlify.vars()).toEqual([]);
    });

    it('removeManaged without a listing removes nothing', async () => {
      await publish(pr(7, 'feature/login'));
      const { target, requests } = await sweeper(pr(7, 'feature/login'));
      await Promise.all(target.removeManaged!(undefined, [{ pr: 7, entries: [{ headRef: 'feature/login', description: 'x' }] }], DEFAULT_NAMES));
      expect(requests()).toBe(0);
    });

    it('names only the keys of the current mapping that the branch holds', async () => {
      await publish(pr(7, 'feature/login'));
      netlify.setValue('PGHOST', { context: 'branch', contextParameter: 'fix/typo', value: 'host-by-hand' });
      const narrow = pr(9, 'other', { env_vars: 'PGHOST=pooled_host\nPGUSER=role\nSHADOW_URL=direct_url' });
      const { target, requests } = await sweeper(narrow);
      expect(
        (
          await target.findManaged(
            'acme/shop',
            narrow.settings.variables.map((v) => v.name),
          )
        ).entries,
      ).toEqual([
        { headRef: 'feature/login', description: 'PGHOST, PGUSER on feature/login' },
        { headRef: 'fix/typo', description: 'PGHOST on fix/typo' },
      ]);
      expect(requests()).toBe(2);
    });

    it('finds nothing on a site without branch values, and writes nothing', async () => {
      netlify.setValue('DATABASE_URL', { context: 'production', value: 'postgresql://prod' });
      netlify.setValue('PGHOST', { context: 'deploy-preview', value: 'shared-preview-host' });
      const a = pr(7, 'feature/login');
      const { target, requests } = await sweeper(a);
      expect(
        (
          await target.findManaged(
            'acme/shop',
            a.settings.variables.map((v) => v.name),
          )
        ).entries,
      ).toEqual([]);
      expect(requests()).toBe(2);
      expect(netlify.standIn.requests.every((r) => r.method === 'GET')).toBe(true);
    });
  });

  describe('requests', () => {
    beforeEach(() => start());

    it('carry the token as a bearer and address the configured site', async () => {
      const a = pr(7, 'feature/login');
      await publish(a);
      for (const r of netlify.standIn.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(netlify.standIn.requests.every((r) => r.query.site_id === undefined || r.query.site_id === netlify.siteId)).toBe(true);
    });

    it('a wrong token fails with Netlify’s message and no retry', async () => {
      const a = pr(7, 'feature/login', { netlify_token: 'wrong-token' });
      await expect(publish(a)).rejects.toThrow('Netlify: get site ' + netlify.siteId + ' failed: HTTP 401: Access Denied');
      expect(netlify.standIn.requests).toHaveLength(1);
    });
  });
});
