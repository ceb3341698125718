// The built action with `targets: netlify`, run as the runner runs it, through pull requests'
// lives against the Neon, GitHub and Netlify stand-ins: PRs share the site's keys and keep their
// own `branch` values, nothing of another PR or another context is ever touched, and no secret
// shows in a log, the job summary or the PR comment.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPOSITORY, actionDefaults, leakedSecrets, pullRequestEvent, runAction as runBuiltAction, type PullRequestEventOptions, type RunResult } from '../../sandbox/action-runner.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import { startNetlifyStandIn, type NetlifyStandIn } from '../../sandbox/netlify.js';
import type { RecordedRequest } from '../../sandbox/server.js';
import { expectSuccess, expectedValues, summaryCount } from './checks.js';

const NEON_KEY = 'napi_netlify_e2e_key_0123456789ab';
const NETLIFY_TOKEN = 'nfp_netlifyE2eToken0123456789abcdef';
const DEFAULT_KEYS = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGHOST', 'PGHOST_UNPOOLED', 'PGUSER', 'PGDATABASE', 'PGPASSWORD'];
const SECRET_KEYS = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGPASSWORD'];

let neon: NeonStandIn;
let github: GitHubStandIn;
let netlify: NetlifyStandIn;

/** Netlify requests per run, by what the run did (reported at the end). */
const requestCounts: Record<string, number> = {};

beforeAll(async () => {
  [neon, github] = await Promise.all([startNeonStandIn({ apiKeys: [NEON_KEY], operationMs: 100 }), startGitHubStandIn({ repository: REPOSITORY })]);
});
afterAll(async () => {
  await Promise.all([neon.stop(), github.stop()]);
  console.log(`Netlify requests per run: ${JSON.stringify(requestCounts)}`);
});

// A fresh site for every test, so request counts and keys start from nothing.
beforeEach(async () => {
  netlify = await startNetlifyStandIn({ tokens: [NETLIFY_TOKEN] });
});
afterEach(async () => {
  // Whatever a test did: no stand-in saw a request outside its API description, the action never
  // sent a PUT (it replaces every value of a key), and it never wrote any context but `branch`.
  expect(neon.standIn.violations).toEqual([]);
  expect(github.standIn.violations).toEqual([]);
  expect(netlify.standIn.violations).toEqual([]);
  expect(netlify.puts()).toEqual([]);
  expect(writtenContexts(netlify.standIn.requests).filter((c) => c !== 'branch')).toEqual([]);
  await netlify.stop();
});

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    neon_api_key: NEON_KEY,
    neon_project_id: neon.projectId,
    neon_api_url: neon.url,
    targets: 'netlify',
    netlify_token: NETLIFY_TOKEN,
    netlify_site_id: netlify.siteId,
    netlify_api_url: netlify.url,
    timeout: '60',
    ...extra,
  };
}

const head = (pr: number): string => `feature/netlify-${pr}`;

/** One run of dist/index.js for a pull request event, with GitHub served by the stand-in. */
function run(action: PullRequestEventOptions['action'], pr: number, extra: Record<string, string> = {}): Promise<RunResult> {
  return runBuiltAction({
    githubApiUrl: github.url,
    githubToken: github.tokens.actions,
    inputs: inputs(extra),
    event: pullRequestEvent({ action, number: pr, headRef: head(pr), headSha: `${pr}${'d'.repeat(40 - String(pr).length)}` }),
  });
}

/** The Netlify requests made by `step` (runs one after the other, so the log slice is theirs). */
async function netlifyRequestsOf<T>(step: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> {
  const mark = netlify.standIn.requests.length;
  const result = await step();
  return { result, requests: netlify.standIn.requests.slice(mark) };
}

/** Every `branch` value the site holds for a head branch, by key (secret values included). */
function valuesFor(headRef: string): Record<string, string> {
  return Object.fromEntries(netlify.vars().flatMap((v) => v.values.filter((x) => x.context === 'branch' && x.context_parameter === headRef).map((x) => [v.key, x.value])));
}

/** How many values a key holds for one head branch. */
function slotsFor(key: string, headRef: string): number {
  return (netlify.variable(key)?.values ?? []).filter((x) => x.context === 'branch' && x.context_parameter === headRef).length;
}

/** The contexts of every value a request body carried (creates: arrays of keys; PATCH: one value). */
function writtenContexts(requests: RecordedRequest[]): string[] {
  return requests.flatMap((r) => {
    if (Array.isArray(r.body)) return (r.body as { values?: { context?: string }[] }[]).flatMap((k) => (k.values ?? []).map((v) => String(v.context)));
    const body = r.body as { context?: string; values?: { context?: string }[] } | undefined;
    if (body?.values) return body.values.map((v) => String(v.context));
    return body?.context !== undefined ? [String(body.context)] : [];
  });
}

/** The secrets of a PR's run: the URLs and the password (raw and URL-encoded), and both tokens. */
function secretsOf(opened: RunResult): string[] {
  const { db_url, db_url_pooled, password } = opened.outputs;
  expect(password).toBeTruthy();
  return [db_url!, db_url_pooled!, password!, encodeURIComponent(password!), NETLIFY_TOKEN, NEON_KEY];
}

/** No secret in the run's logs and summary, nor in any comment on the PR. */
function expectNoLeak(result: RunResult, pr: number, secrets: string[]): void {
  expect(leakedSecrets(result, secrets)).toEqual([]);
  const comments = github.comments(pr);
  for (const comment of comments) for (const secret of secrets) expect(comment.body.includes(secret), `PR #${pr} comment shows a secret`).toBe(false);
}

const shape = (requests: RecordedRequest[]): string[] => requests.map((r) => `${r.method} ${r.path.replace(netlify.accountId, 'A').replace(netlify.siteId, 'S')} ${r.status}`);

/**
 * A pass-through to the Netlify stand-in that holds every list of the site's variables until
 * `parties` of them have arrived, however long that takes (the test's own timeout bounds it):
 * runs started together then all list the site before any of them writes, so a key missing from
 * the list is created by all of them at once.
 */
async function startListBarrier(parties: number): Promise<{ url: string; held: () => number; stop: () => Promise<void> }> {
  const origin = new URL(netlify.url).origin;
  let held = 0;
  let release: () => void = () => undefined;
  const everyone = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        if (req.method === 'GET' && /\/accounts\/[^/]+\/env$/.test(new URL(req.url ?? '/', origin).pathname)) {
          if (++held >= parties) release();
          await everyone;
        }
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'accept', 'content-type', 'user-agent']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
        const answer = await fetch(`${origin}${req.url ?? '/'}`, { method: req.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined });
        const text = await answer.text();
        res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([name]) => name === 'content-type' || name.startsWith('x-ratelimit-'))));
        res.end(text);
      })().catch((error: unknown) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 502, message: `barrier: ${String(error)}` }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${new URL(netlify.url).pathname}`,
    held: () => held,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('two pull requests on one Netlify site', () => {
  it('share the keys, keep separate values, update in place, and a close leaves the other PR and the site’s own values', async () => {
    const [a, b] = [401, 402];
    // The site's own values, which no PR may touch: production's database, the shared deploy-preview host.
    netlify.setValue('DATABASE_URL', { context: 'production', value: 'postgresql://prod_owner:prod-secret@prod.example.com/app', secret: true });
    netlify.setValue('PGHOST', { context: 'deploy-preview', value: 'shared-preview.example.com' });
    const untouched = () => ({ production: netlify.valueOf('DATABASE_URL', 'production'), deployPreview: netlify.valueOf('PGHOST', 'deploy-preview') });
    const seeded = untouched();

    // Both opened at once: each lists the site and creates the keys it misses; whichever loses a
    // create sets its value on the winner's key.
    const {
      result: [openedA, openedB],
      requests: openRequests,
    } = await netlifyRequestsOf(() => Promise.all([run('opened', a), run('opened', b)]));
    expectSuccess(openedA);
    expectSuccess(openedB);
    requestCounts['two creates at once (total)'] = openRequests.length;
    expect(openedA.outputs.branch_id).not.toBe(openedB.outputs.branch_id);

    expect(valuesFor(head(a))).toEqual(expectedValues(openedA));
    expect(valuesFor(head(b))).toEqual(expectedValues(openedB));
    expect(
      netlify
        .vars()
        .map((v) => v.key)
        .sort(),
    ).toEqual([...DEFAULT_KEYS].sort());
    for (const v of netlify.vars()) {
      expect(v.is_secret, v.key).toBe(SECRET_KEYS.includes(v.key));
      if (v.key !== 'DATABASE_URL') expect(v.scopes, v.key).toEqual(v.is_secret ? ['builds', 'functions', 'runtime'] : ['builds', 'functions', 'runtime', 'post-processing']);
      // One value per PR, plus the site's own.
      expect(
        v.values
          .filter((x) => x.context === 'branch')
          .map((x) => x.context_parameter)
          .sort(),
        v.key,
      ).toEqual([head(a), head(b)]);
      expect(
        v.values.filter((x) => x.context !== 'branch'),
        v.key,
      ).toHaveLength(['DATABASE_URL', 'PGHOST'].includes(v.key) ? 1 : 0);
    }
    expect(untouched()).toEqual(seeded);
    expect(openedA.summary).toContain('https://app.netlify.com/sites/neon-preview-demo/configuration/env');
    expect(openedA.summary).toContain('Netlify applies these values to builds of branch');
    expect(summaryCount(openedA, 'Netlify')! + summaryCount(openedB, 'Netlify')!).toBe(openRequests.length);
    expectNoLeak(openedA, a, secretsOf(openedA));
    expectNoLeak(openedB, b, secretsOf(openedB));

    // Synchronize: the same Neon branch, so the same values; one is stale (someone edited it).
    // Each value is rewritten in its own slot: same value ids, one value per key and branch.
    netlify.setValue('PGHOST_UNPOOLED', { context: 'branch', contextParameter: head(a), value: 'stale.example.com' });
    const idsBefore = netlify.vars().map((v) => [v.key, v.values.map((x) => x.id).sort()]);
    const { result: syncA, requests: syncRequests } = await netlifyRequestsOf(() => run('synchronize', a));
    expectSuccess(syncA);
    requestCounts['synchronize (3 secrets + 1 stale value)'] = syncRequests.length;
    expect(syncA.outputs).toMatchObject({ command: 'create', created: 'false', branch_id: openedA.outputs.branch_id, db_url: openedA.outputs.db_url });
    expect(valuesFor(head(a))).toEqual(expectedValues(syncA));
    for (const key of DEFAULT_KEYS) expect(slotsFor(key, head(a)), key).toBe(1);
    expect(netlify.vars().map((v) => [v.key, v.values.map((x) => x.id).sort()])).toEqual(idsBefore);
    // Plain values already right are skipped; secrets (unreadable) and the stale one are PATCHed.
    expect(shape(syncRequests).slice(0, 2)).toEqual(['GET /sites/S 200', 'GET /accounts/A/env 200']);
    expect(
      syncRequests
        .slice(2)
        .map((r) => `${r.method} ${r.path.split('/').pop()}`)
        .sort(),
    ).toEqual(['PATCH DATABASE_URL', 'PATCH DATABASE_URL_UNPOOLED', 'PATCH PGHOST_UNPOOLED', 'PATCH PGPASSWORD']);
    expect(syncRequests.length).toBe(6);
    expect(summaryCount(syncA, 'Netlify')).toBe(syncRequests.length);
    expect(valuesFor(head(b))).toEqual(expectedValues(openedB));
    expectNoLeak(syncA, a, secretsOf(openedA));

    // Close A: its values go, value by value; B's and the site's own stay, and so does every key.
    const { result: closedA, requests: closeARequests } = await netlifyRequestsOf(() => run('closed', a));
    expectSuccess(closedA);
    requestCounts['delete, another PR still holding values'] = closeARequests.length;
    expect(closedA.outputs.command).toBe('delete');
    expect(neon.branchByName(`preview/pr-${a}`)).toBeUndefined();
    expect(valuesFor(head(a))).toEqual({});
    expect(valuesFor(head(b))).toEqual(expectedValues(openedB));
    expect(untouched()).toEqual(seeded);
    expect(
      netlify
        .vars()
        .map((v) => v.key)
        .sort(),
    ).toEqual([...DEFAULT_KEYS].sort());
    expect(closeARequests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toHaveLength(7);
    expect(closeARequests.filter((r) => r.method === 'DELETE').every((r) => r.path.includes('/value/'))).toBe(true);
    expect(closeARequests.length).toBe(9);
    expect(summaryCount(closedA, 'Netlify')).toBe(closeARequests.length);
    expect(closedA.summary).toMatch(/Netlify.*removed <code>DATABASE_URL<\/code>/s);
    expectNoLeak(closedA, a, secretsOf(openedA));

    // Close B, the last PR: keys left empty go, keys with the site's own values stay with them.
    const { result: closedB, requests: closeBRequests } = await netlifyRequestsOf(() => run('closed', b));
    expectSuccess(closedB);
    requestCounts['delete, last PR (2 keys keep site values)'] = closeBRequests.length;
    expect(valuesFor(head(b))).toEqual({});
    expect(
      netlify
        .vars()
        .map((v) => v.key)
        .sort(),
    ).toEqual(['DATABASE_URL', 'PGHOST']);
    expect(untouched()).toEqual(seeded);
    expect(netlify.variable('DATABASE_URL')!.values.map((x) => x.context)).toEqual(['production']);
    expect(netlify.variable('PGHOST')!.values.map((x) => x.context)).toEqual(['deploy-preview']);
    // get site + list + 7 value deletes by id + 5 × (re-read + delete of the emptied key)
    expect(closeBRequests.length).toBe(19);
    expect(summaryCount(closedB, 'Netlify')).toBe(closeBRequests.length);
    expectNoLeak(closedB, b, secretsOf(openedB));

    for (const key of DEFAULT_KEYS) expect(netlify.valueOf(key, 'deploy-preview') ?? 'unset', key).toBe(key === 'PGHOST' ? 'shared-preview.example.com' : 'unset');
  });

  it('two runs that add the same new key at once both succeed, and the key ends with both values', async () => {
    const [a, b] = [411, 412];
    const [openedA, openedB] = await Promise.all([run('opened', a), run('opened', b)]);
    expectSuccess(openedA);
    expectSuccess(openedB);
    expect(netlify.variable('NEON_BRANCH')).toBeUndefined();

    // Both add two keys the site does not have, one plain and one secret; the barrier makes both
    // runs list the site before either creates them.
    const added = { env_vars: `${actionDefaults().env_vars!.trimEnd()}\nNEON_BRANCH=branch_name\nPRISMA_DATABASE_URL=prisma_url` };
    const barrier = await startListBarrier(2);
    let syncA: RunResult;
    let syncB: RunResult;
    let requests: RecordedRequest[];
    try {
      ({
        result: [syncA, syncB],
        requests,
      } = await netlifyRequestsOf(() => Promise.all([run('synchronize', a, { ...added, netlify_api_url: barrier.url }), run('synchronize', b, { ...added, netlify_api_url: barrier.url })])));
    } finally {
      await barrier.stop();
    }
    expect(barrier.held()).toBe(2);
    expectSuccess(syncA);
    expectSuccess(syncB);

    const prisma = (result: RunResult): string => {
      const url = new URL(result.outputs.db_url_pooled!);
      url.searchParams.set('pgbouncer', 'true');
      url.searchParams.set('connect_timeout', '15');
      return url.toString();
    };
    const branchValues = (key: string) => Object.fromEntries(netlify.variable(key)!.values.map((x) => [x.context_parameter, x.value]));
    expect(branchValues('NEON_BRANCH')).toEqual({ [head(a)]: `preview/pr-${a}`, [head(b)]: `preview/pr-${b}` });
    expect(branchValues('PRISMA_DATABASE_URL')).toEqual({ [head(a)]: prisma(syncA), [head(b)]: prisma(syncB) });
    expect(netlify.variable('NEON_BRANCH')!.is_secret).toBe(false);
    expect(netlify.variable('PRISMA_DATABASE_URL')!.is_secret).toBe(true);
    // Each new key: created once, the other create refused (the key exists), then set by PATCH.
    for (const key of ['NEON_BRANCH', 'PRISMA_DATABASE_URL']) {
      const creates = requests.filter((r) => r.method === 'POST' && Array.isArray(r.body) && (r.body as { key: string }[])[0]?.key === key);
      expect(creates.map((r) => r.status).sort(), key).toEqual([201, 400]);
      expect(
        requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/env/${key}`)).map((r) => r.status),
        key,
      ).toEqual([201]);
    }
    expect(valuesFor(head(a))).toMatchObject(expectedValues(openedA));
    expect(valuesFor(head(b))).toMatchObject(expectedValues(openedB));
    expectNoLeak(syncA, a, secretsOf(openedA));
    expectNoLeak(syncB, b, secretsOf(openedB));
  });
});

describe('netlify_redeploy', () => {
  it('off: no build; on: a build of the head branch, its deploy in the job summary', async () => {
    const [a, b] = [421, 422];
    const { result: openedA, requests: createNew } = await netlifyRequestsOf(() => run('opened', a));
    expectSuccess(openedA);
    requestCounts['create, new keys'] = createNew.length;
    // get site + list + one create per key
    expect(shape(createNew)).toEqual(['GET /sites/S 200', 'GET /accounts/A/env 200', ...Array(7).fill('POST /accounts/A/env 201')]);
    expect(summaryCount(openedA, 'Netlify')).toBe(createNew.length);
    expect(netlify.builds()).toEqual([]);
    expect(openedA.summary).toContain(`Netlify applies these values to builds of branch <code>${head(a)}</code>`);

    const { result: openedB, requests: createRedeploy } = await netlifyRequestsOf(() => run('opened', b, { netlify_redeploy: 'true' }));
    expectSuccess(openedB);
    requestCounts['create, existing keys, redeploy on'] = createRedeploy.length;
    expect(netlify.builds()).toHaveLength(1);
    const build = netlify.builds()[0]!;
    expect(build).toMatchObject({ branch: head(b), context: 'branch-deploy' });
    // get site + list + one PATCH per key + build + deploy
    expect(createRedeploy.filter((r) => r.method === 'PATCH')).toHaveLength(7);
    expect(shape(createRedeploy).slice(-2)).toEqual([`POST /sites/S/builds 200`, `GET /deploys/${build.deploy_id} 200`]);
    expect(createRedeploy.length).toBe(11);
    expect(summaryCount(openedB, 'Netlify')).toBe(createRedeploy.length);
    expect(createRedeploy.find((r) => r.path.endsWith('/builds'))!.query).toEqual({ branch: head(b) });
    expect(openedB.summary).toContain(build.deploy_id);
    expect(openedB.summary).toContain(`https://${build.deploy_id}--neon-preview-demo.netlify.app`);
    expect(openedB.summary).toContain(`https://app.netlify.com/sites/neon-preview-demo/deploys/${build.deploy_id}`);
    expect(valuesFor(head(b))).toEqual(expectedValues(openedB));
    expectNoLeak(openedB, b, secretsOf(openedB));

    // Off again (the default): a synchronize with nothing to change starts no build.
    const { result: syncA, requests: syncRequests } = await netlifyRequestsOf(() => run('synchronize', a));
    expectSuccess(syncA);
    requestCounts['synchronize, nothing changed'] = syncRequests.length;
    expect(syncRequests.length).toBe(5); // get site + list + the 3 secrets (unreadable, so rewritten)
    expect(netlify.builds()).toHaveLength(1);

    const { result: closedA, requests: deleteShared } = await netlifyRequestsOf(() => run('closed', a));
    expectSuccess(closedA);
    requestCounts['delete, other PR holding values (redeploy test)'] = deleteShared.length;
    expect(deleteShared.length).toBe(9);
    const { result: closedB, requests: deleteLast } = await netlifyRequestsOf(() => run('closed', b, { netlify_redeploy: 'true' }));
    expectSuccess(closedB);
    requestCounts['delete, last PR'] = deleteLast.length;
    // get site + list + 7 × (value delete by id + re-read + delete of the emptied key); a delete run never builds.
    expect(deleteLast.length).toBe(23);
    expect(netlify.vars()).toEqual([]);
    expect(netlify.builds()).toHaveLength(1);
    expectNoLeak(closedA, a, secretsOf(openedA));
    expectNoLeak(closedB, b, secretsOf(openedB));
  });
});

describe('Netlify rate limit', () => {
  it('a 429 is waited out until X-RateLimit-Reset and retried; the run succeeds', async () => {
    const pr = 431;
    // The limit is hit once the run has reached Netlify (its first request, the site's, is held
    // meanwhile), so the reset is ahead of the 429 whatever the run took to get there.
    const site = netlify.standIn.hold('GET', new RegExp(`^/sites/${netlify.siteId}$`));
    const running = netlifyRequestsOf(() => run('opened', pr));
    await site.arrived;
    // X-RateLimit-Reset is in whole Unix seconds, about 1 s ahead: no earlier than this.
    const resetNoEarlier = Math.ceil((Date.now() + 1000) / 1000) * 1000;
    netlify.rateLimitNext(1, 1);
    site.release();
    const { result: opened, requests } = await running;
    expectSuccess(opened);
    expect(shape(requests.slice(0, 3))).toEqual(['GET /sites/S 200', 'GET /accounts/A/env 429', 'GET /accounts/A/env 200']);
    // Retried when the window reset, not before; the wait was the reset's (at most 2 s ahead),
    // not a minute's or a backoff's guess.
    expect(requests[2]!.at).toBeGreaterThanOrEqual(resetNoEarlier - 50);
    const waited = /Netlify: [^\n]*HTTP 429; retrying in (\d+\.\d) s/.exec(opened.stdout);
    expect(waited, opened.stdout).not.toBeNull();
    expect(Number(waited![1])).toBeLessThanOrEqual(2);
    expect(opened.summary).toMatch(/Netlify: 10 requests \(1 retried\)/);
    expect(valuesFor(head(pr))).toEqual(expectedValues(opened));
    expectNoLeak(opened, pr, secretsOf(opened));
  });
});
