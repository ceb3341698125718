// The netlify target against the Netlify stand-in, in-process, with the real retry policy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiSession } from '../../src/http/retry.js';
import { noteText } from '../../src/note.js';
import { parseSettings, type Settings } from '../../src/inputs.js';
import { createNetlifyTarget } from '../../src/targets/netlify.js';
import type { BranchRef, PullRequestRef } from '../../src/targets/target.js';
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

/** One run of the action: a fresh session and target, as main.ts makes them. */
async function run<T>(p: Pr, step: (target: ReturnType<typeof createNetlifyTarget>) => Promise<T>): Promise<{ result: T; requests: number; retries: number }> {
  const session = new ApiSession(30_000);
  const result = await step(createNetlifyTarget(p.settings, session));
  return { result, requests: session.stats.requests.Netlify ?? 0, retries: session.stats.retries.Netlify ?? 0 };
}

const publish = (p: Pr, password?: string) => run(p, (t) => t.publish(p.ref, variablesOf(p, password), p.branch));
const remove = (p: Pr) => run(p, (t) => t.remove(p.ref, p.settings.variables.map((v) => v.name)));

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
    const contexts = netlify.standIn.requests.flatMap((r) => (Array.isArray(r.body) ? r.body.flatMap((k: { values?: { context: string }[] }) => k.values ?? []) : r.body ? [r.body] : [])).map((v: { context?: string }) => v.context);
    expect(contexts.every((c) => c === 'branch')).toBe(true);
    await netlify.stop();
  });

  describe('publish', () => {
    beforeEach(() => start());

    it('sets every value for the PR head branch, secret ones as secrets, in 9 requests on a new site', async () => {
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

    it('two PRs at once share the keys and keep separate values, and the run that loses a create race sets its value on the winner’s key', async () => {
      netlify.standIn.setLatency(20);
      const a = pr(7, 'feature/login');
      const b = pr(8, 'fix/typo');
      const [ra, rb] = await Promise.all([publish(a), publish(b)]);

      expect(valuesFor('feature/login')).toEqual(expected(a));
      expect(valuesFor('fix/typo')).toEqual(expected(b));
      expect(netlify.vars().map((v) => v.key).sort()).toEqual([...DEFAULT_NAMES].sort());
      for (const v of netlify.vars()) expect(v.values).toHaveLength(2);
      // Both listed an empty site; every key was created once, the other create was refused
      // (key exists) and followed by a PATCH.
      const creates = netlify.standIn.requestsTo(/\/env$/, 'POST');
      expect(creates.filter((r) => r.status === 201)).toHaveLength(7);
      expect(creates.filter((r) => r.status === 400)).toHaveLength(7);
      expect(netlify.standIn.requestsTo(/\/env\/[A-Z_]+$/, 'PATCH').map((r) => r.status)).toEqual(Array(7).fill(201));
      expect(ra.requests + rb.requests).toBe(9 + 9 + 7);
    });

    it('a second PR on existing keys only PATCHes: 9 requests', async () => {
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
      expect(netlify.standIn.requestsTo(/\/env\/[A-Z_]+$/, 'PATCH').map((r) => r.path.split('/').pop()).sort()).toEqual([...SECRET_NAMES].sort());
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

    it('fails with Netlify’s message when a create is refused for another reason', async () => {
      netlify.standIn.failNext({ method: 'POST', path: /\/env$/, status: 422, body: { code: 422, message: 'Invalid key' } });
      await expect(publish(pr(7, 'feature/login'))).rejects.toThrow(/Netlify: create [A-Z_]+ failed: HTTP 422: Invalid key/);
    });

    it('retries a 429 after its X-RateLimit-Reset, on a read and on a create', async () => {
      netlify.rateLimitNext(1, 1);
      netlify.standIn.failNext({ method: 'POST', path: /\/env$/, status: 429, body: { code: 429, message: 'Too Many Requests' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) } });
      const a = pr(7, 'feature/login');
      const started = Date.now();
      const { requests, retries } = await publish(a);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(retries).toBe(2);
      expect(requests).toBe(11);
      expect(valuesFor('feature/login')).toEqual(expected(a));
      expect(netlify.standIn.requests.filter((r) => r.status === 429)).toHaveLength(2);
    });

    it('without redeploy starts no build and says which builds get the values', async () => {
      const { result } = await publish(pr(7, 'feature/login'));
      expect(netlify.builds()).toEqual([]);
      expect(result.notes.map(noteText).join('\n')).toContain('Netlify applies these values to builds of branch feature/login (branch deploys)');
    });

    it('with redeploy starts a build of the head branch and links its deploy', async () => {
      const a = pr(7, 'feature/login', { netlify_redeploy: 'true' });
      const { result, requests } = await publish(a);
      const [build] = netlify.builds();
      expect(netlify.builds()).toHaveLength(1);
      expect(build).toMatchObject({ branch: 'feature/login', context: 'branch-deploy' });
      expect(result.links).toContainEqual({ label: 'Branch deploy of feature/login', url: `https://${build!.deploy_id}--neon-preview-demo.netlify.app` });
      expect(result.links).toContainEqual({ label: `Netlify deploy ${build!.deploy_id}`, url: `https://app.netlify.com/sites/neon-preview-demo/deploys/${build!.deploy_id}` });
      expect(result.notes.map(noteText).join('\n')).toContain(`deploy ${build!.deploy_id}`);
      // 9 + start build + get its deploy
      expect(requests).toBe(11);
      // The build was asked for after every value was written.
      const buildAt = netlify.standIn.requests.findIndex((r) => r.path.endsWith('/builds'));
      expect(netlify.standIn.requests.slice(buildAt).some((r) => r.path.includes('/env'))).toBe(false);
    });
  });

  describe('remove', () => {
    beforeEach(() => start());

    it('closing one PR removes exactly its values by id, leaving the other PR’s and a production value: 9 requests', async () => {
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
      expect(result.notes.map(noteText)).toEqual([`Deleted ${DEFAULT_NAMES.filter((n) => n !== 'PGHOST').sort().join(', ')}: no other value was left in them.`]);
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
    function sweeper(p: Pr) {
      const session = new ApiSession(30_000);
      return { target: createNetlifyTarget(p.settings, session), requests: () => session.stats.requests.Netlify ?? 0 };
    }

    it('lists the branch values of the mapped keys per branch, never other contexts or unmapped keys, in 2 requests; remove by branch drops one', async () => {
      const a = pr(7, 'feature/login');
      const b = pr(8, 'fix/typo');
      await publish(a);
      await publish(b);
      const production = netlify.setValue('DATABASE_URL', { context: 'production', value: 'postgresql://prod' });
      const preview = netlify.setValue('PGHOST', { context: 'deploy-preview', value: 'shared-preview-host' });
      const everywhere = netlify.setValue('PGUSER', { context: 'all', value: 'app_user' });
      const flag = netlify.setValue('FEATURE_FLAG', { context: 'branch', contextParameter: 'feature/login', value: 'on' });
      netlify.setValue('FEATURE_FLAG', { context: 'branch', contextParameter: 'hotfix/by-hand', value: 'off' });

      const { target, requests } = sweeper(a);
      const names = a.settings.variables.map((v) => v.name);
      const found = await target.findManaged('acme/shop', names);
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

      expect(await target.findManaged('acme/shop', names)).toEqual([{ headRef: 'fix/typo', description: `${[...DEFAULT_NAMES].sort().join(', ')} on fix/typo` }]);
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

      const { target, requests } = sweeper(a);
      const names = [...a.settings.variables.map((v) => v.name), 'PGHOST_EXTRA'];
      const found = await target.findManaged('acme/shop', names);
      const groups = [7, 8].map((n, i) => ({ pr: n, entries: [found.find((e) => e.headRef === [a, b][i]!.head)!] }));
      const before = requests();

      await Promise.all(target.removeManaged!(groups, names));

      // 2 × 8 value deletes, then one fresh read of PGHOST_EXTRA and its delete: no list.
      expect(requests() - before).toBe(16 + 2);
      expect(netlify.standIn.requests.slice(-18).some((r) => r.method === 'GET' && r.path.endsWith('/env'))).toBe(false);
      expect(valuesFor('feature/login')).toEqual({});
      expect(valuesFor('fix/typo')).toEqual({});
      expect(valuesFor('docs/readme')).toEqual(expected(c));
      expect(netlify.variable('PGHOST_EXTRA')).toBeUndefined();
      expect(netlify.variable('DATABASE_URL')!.values.find((v) => v.id === production)?.value).toBe('postgresql://prod');
      expect(await target.findManaged('acme/shop', names)).toEqual([{ headRef: 'docs/readme', description: `${[...DEFAULT_NAMES].sort().join(', ')} on docs/readme` }]);
    });

    it('names only the keys of the current mapping that the branch holds', async () => {
      await publish(pr(7, 'feature/login'));
      netlify.setValue('PGHOST', { context: 'branch', contextParameter: 'fix/typo', value: 'host-by-hand' });
      const narrow = pr(9, 'other', { env_vars: 'PGHOST=pooled_host\nPGUSER=role\nSHADOW_URL=direct_url' });
      const { target, requests } = sweeper(narrow);
      expect(await target.findManaged('acme/shop', narrow.settings.variables.map((v) => v.name))).toEqual([
        { headRef: 'feature/login', description: 'PGHOST, PGUSER on feature/login' },
        { headRef: 'fix/typo', description: 'PGHOST on fix/typo' },
      ]);
      expect(requests()).toBe(2);
    });

    it('finds nothing on a site without branch values: 2 requests, nothing written', async () => {
      netlify.setValue('DATABASE_URL', { context: 'production', value: 'postgresql://prod' });
      netlify.setValue('PGHOST', { context: 'deploy-preview', value: 'shared-preview-host' });
      const a = pr(7, 'feature/login');
      const { target, requests } = sweeper(a);
      expect(await target.findManaged('acme/shop', a.settings.variables.map((v) => v.name))).toEqual([]);
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

