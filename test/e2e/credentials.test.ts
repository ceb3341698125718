// A preview's credentials never open production, and its URLs are its own (issue #21), through
// the built action against the four stand-ins. The Neon stand-in copies a parent's role passwords
// into a child branch unless the parent is protected, as Neon does.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY, pullRequestEvent, runAction, type PullRequestEventOptions, type RunResult } from '../../sandbox/action-runner.js';
import { startPlatforms, type Platforms } from '../../sandbox/platforms.js';

const NEON_KEY = 'napi_credentials_key_000000000000';
const VERCEL_TOKEN = 'vercel_credentials_token_000000';
const NETLIFY_TOKEN = 'netlify_credentials_token_00000';
const ROLE = 'neondb_owner';

let p: Platforms;

beforeAll(async () => {
  // Operations long enough that a second run's reset reaches Neon while the first one's still run.
  p = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN }, { operationMs: 600 });
});
afterAll(() => p.stop());
afterEach(() => {
  p.neon.setConnectionUriFault(undefined);
  for (const standIn of Object.values(p.standIns)) expect(standIn.violations).toEqual([]);
});

function run(action: PullRequestEventOptions['action'], pr: number, extra: Record<string, string> = {}): Promise<RunResult> {
  p.github.setPullRequest(pr, { state: action === 'closed' ? 'closed' : 'open', headRef: `feature/pr-${pr}` });
  return runAction({ inputs: p.inputs({ timeout: '60', ...extra }), event: pullRequestEvent({ action, number: pr }), githubApiUrl: p.github.url, githubToken: p.github.tokens.actions });
}

function passwordOf(branchId: string): string {
  return p.neon
    .branches()
    .find((b) => b.id === branchId)!
    .roles.find((r) => r.name === ROLE)!.password;
}

/** Every place the run published the password: outputs, and each target's values. */
function published(pr: number, result: RunResult): Record<string, string | undefined> {
  const head = `feature/pr-${pr}`;
  const netlify = (key: string) =>
    p.netlify
      .vars()
      .find((v) => v.key === key)
      ?.values.find((x) => x.context === 'branch' && x.context_parameter === head)?.value;
  const vercel = (key: string) => p.vercel.envs('shop-web').find((e) => e.key === key && e.comment === `neon-preview ${REPOSITORY}#${pr}`)?.value;
  const urlPassword = (url: string | undefined) => (url ? decodeURIComponent(new URL(url).password) : undefined);
  return {
    output: result.outputs.password,
    'output db_url': urlPassword(result.outputs.db_url),
    'output db_url_pooled': urlPassword(result.outputs.db_url_pooled),
    'Vercel PGPASSWORD': vercel('PGPASSWORD'),
    'Vercel DATABASE_URL': urlPassword(vercel('DATABASE_URL')),
    'Netlify PGPASSWORD': netlify('PGPASSWORD'),
    'Netlify DATABASE_URL_UNPOOLED': urlPassword(netlify('DATABASE_URL_UNPOOLED')),
    'GitHub PGPASSWORD': p.github.secretPlaintext(`pr-${pr}`, 'PGPASSWORD'),
    'GitHub DATABASE_URL': urlPassword(p.github.secretPlaintext(`pr-${pr}`, 'DATABASE_URL')),
  };
}

/** Expects every published password to be `password`. */
function expectEverywhere(pr: number, result: RunResult, password: string): void {
  const all = published(pr, result);
  expect(all).toEqual(Object.fromEntries(Object.keys(all).map((k) => [k, password])));
}

const resets = (since: number) => p.neon.standIn.requests.slice(since).filter((r) => r.method === 'POST' && r.path.endsWith('/reset_password'));

describe('preview_password: rotate (the default)', () => {
  it('publishes a password of the preview’s own on every target and output, and the same one on synchronize', async () => {
    const parent = passwordOf(p.neon.defaultBranchId);
    const mark = p.neon.standIn.requests.length;
    const opened = await run('opened', 2101);
    expect(opened.code, opened.stdout).toBe(0);
    const branch = opened.outputs.branch_id!;
    expect(resets(mark)).toHaveLength(1);
    const own = passwordOf(branch);
    expect(own).not.toBe(parent);
    expectEverywhere(2101, opened, own);
    // The parent keeps its password: the preview's cannot open it, nor the parent's the preview.
    expect(passwordOf(p.neon.defaultBranchId)).toBe(parent);
    expect(opened.summary).toContain('its own, set by this run');
    const comment = p.github.comments(2101).find((c) => c.body.includes('neon-preview:sticky-comment'))!.body;
    expect(comment).toContain("| Password | its own, set by this run: the parent's password does not open the preview");
    expect(comment).not.toContain(own);

    const mark2 = p.neon.standIn.requests.length;
    const synced = await run('synchronize', 2101);
    expect(synced.code, synced.stdout).toBe(0);
    expect(resets(mark2)).toHaveLength(0);
    expectEverywhere(2101, synced, own);
    expect(synced.summary).toContain("its own: the parent's password does not open the preview");
  });

  it('resets nothing under a protected parent, whose children get new passwords from Neon', async () => {
    const parent = p.neon.addBranch({ name: 'protected-main', protected: true });
    const mark = p.neon.standIn.requests.length;
    const opened = await run('opened', 2102, { parent_branch: 'protected-main' });
    expect(opened.code, opened.stdout).toBe(0);
    expect(resets(mark)).toHaveLength(0);
    expect(opened.outputs.password).not.toBe(parent.roles.find((r) => r.name === ROLE)!.password);
    expectEverywhere(2102, opened, passwordOf(opened.outputs.branch_id!));
  });

  it('rotates a reused branch that still has its parent’s password (a run died before rotating it)', async () => {
    // What a run that died between the create and the reset leaves: a managed branch with the parent's passwords.
    const left = p.neon.addBranch({ name: 'preview/pr-2103', annotations: { 'managed-by': 'neon-preview', 'github-repo': REPOSITORY, 'github-pr': '2103', 'github-head-ref': 'feature/pr-2103' } });
    expect(passwordOf(left.id)).toBe(passwordOf(p.neon.defaultBranchId));
    const mark = p.neon.standIn.requests.length;
    const synced = await run('synchronize', 2103);
    expect(synced.code, synced.stdout).toBe(0);
    expect(synced.outputs).toMatchObject({ branch_id: left.id, created: 'false' });
    expect(resets(mark)).toHaveLength(1);
    expect(synced.outputs.password).not.toBe(passwordOf(p.neon.defaultBranchId));
    expectEverywhere(2103, synced, passwordOf(left.id));
  });

  it('two runs at once reset once: the second finds Neon busy, compares again and publishes the same password', async () => {
    const pr = 2104;
    // The first reset to arrive is held until the other run's reset has been answered: the two
    // runs have both found the parent's password by then.
    const hold = p.neon.standIn.hold('POST', /\/reset_password$/);
    const mark = p.neon.standIn.requests.length;
    const first = run('opened', pr);
    await hold.arrived;
    const second = run('synchronize', pr);
    await waitFor(() => resets(mark).some((r) => r.status === 200));
    hold.release();
    const [a, b] = await Promise.all([first, second]);
    expect([a.code, b.code], `${a.stdout}\n${b.stdout}`).toEqual([0, 0]);
    expect(
      resets(mark)
        .map((r) => r.status)
        .sort(),
    ).toEqual([200, 423]);
    expect(`${a.stdout}${b.stdout}`).toMatch(/is busy \(another run may be resetting the same password\); comparing again/);
    const own = passwordOf(a.outputs.branch_id!);
    expect(own).not.toBe(passwordOf(p.neon.defaultBranchId));
    expect(a.outputs.password).toBe(own);
    expect(b.outputs.password).toBe(own);
    expectEverywhere(pr, b, own);
  });
});

describe('a reset whose answer is lost', () => {
  it('compares again: resets once more when it had not landed, takes the password when it had', async () => {
    // A 502 before Neon applied it: nothing changed, so the comparison finds the parent's password and resets again.
    let mark = p.neon.standIn.requests.length;
    p.neon.standIn.failNext({ method: 'POST', path: /\/reset_password$/, status: 502, body: { message: 'Bad gateway' } });
    const refused = await run('opened', 2106);
    expect(refused.code, refused.stdout).toBe(0);
    expect(resets(mark).map((r) => r.status)).toEqual([502, 200]);
    expect(refused.stdout).toMatch(/the answer to the password reset was lost; comparing again/);
    expectEverywhere(2106, refused, passwordOf(refused.outputs.branch_id!));
    expect(refused.outputs.password).not.toBe(passwordOf(p.neon.defaultBranchId));

    // The connection cut after Neon applied it: the comparison finds a password of the preview's own, and no second reset is sent.
    mark = p.neon.standIn.requests.length;
    p.neon.standIn.failNext({ method: 'POST', path: /\/reset_password$/, status: 'reset', afterApply: true });
    const landed = await run('opened', 2107);
    expect(landed.code, landed.stdout).toBe(0);
    expect(resets(mark)).toHaveLength(1);
    expectEverywhere(2107, landed, passwordOf(landed.outputs.branch_id!));
    expect(landed.outputs.password).not.toBe(passwordOf(p.neon.defaultBranchId));
  });
});

describe('URLs read across a password reset', () => {
  it('reads both again when another run’s reset lands between the pooled and the direct URL, and publishes one password', async () => {
    const pr = 2105;
    const left = p.neon.addBranch({
      name: `preview/pr-${pr}`,
      annotations: { 'managed-by': 'neon-preview', 'github-repo': REPOSITORY, 'github-pr': String(pr), 'github-head-ref': `feature/pr-${pr}` },
    });
    const urlReads = () => p.neon.standIn.requestsTo(/\/connection_uri$/, 'GET').filter((r) => r.query.branch_id === left.id);
    // The direct URL's read waits until the pooled one was answered and another run reset the password.
    const hold = p.neon.standIn.hold('GET', /\/connection_uri$/, (_body, query) => query.branch_id === left.id && query.pooled !== 'true');
    const synced = run('synchronize', pr);
    await hold.arrived;
    await waitFor(() => urlReads().some((r) => r.query.pooled === 'true' && r.status === 200));
    const reset = await fetch(`${p.neon.url}/projects/${p.neon.projectId}/branches/${left.id}/roles/${ROLE}/reset_password`, { method: 'POST', headers: { authorization: `Bearer ${NEON_KEY}` } });
    expect(reset.status).toBe(200);
    hold.release();
    const result = await synced;
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.password).not.toBe(passwordOf(p.neon.defaultBranchId));
    expectEverywhere(pr, result, passwordOf(left.id));
  });
});

describe('preview_password: inherit', () => {
  it('keeps the parent’s password, resets nothing, and says what that exposes', async () => {
    const mark = p.neon.standIn.requests.length;
    const opened = await run('opened', 2111, { preview_password: 'inherit' });
    expect(opened.code, opened.stdout).toBe(0);
    expect(resets(mark)).toHaveLength(0);
    expect(opened.outputs.password).toBe(passwordOf(p.neon.defaultBranchId));
    expect(opened.summary).toContain("the parent's (preview_password: inherit): whoever can read the preview's values can connect to the parent");
  });
});

describe('URLs that are not the preview’s own', () => {
  it('publish nothing anywhere when Neon answers with the default branch’s URL, and the error names that branch', async () => {
    p.neon.setConnectionUriFault('default-branch');
    const opened = await run('opened', 2121);
    expect(opened.code).toBe(1);
    const error = opened.stdout.split('\n').find((l) => l.startsWith('::error::'))!;
    expect(error).toMatch(
      /^::error::Neon: the (direct|pooled) connection URL Neon gave for branch preview\/pr-2121 \(br-[^)]+\) points at .*, a compute of branch main \(br-[^)]+\), not of the preview branch\. Nothing was published\./,
    );
    expect(opened.outputs.db_url).toBeUndefined();
    expect(opened.outputs.password).toBeUndefined();
    expect(Object.values(published(2121, opened)).filter(Boolean)).toEqual([]);
    expect(p.github.environment('pr-2121')?.secretNames ?? []).toEqual([]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
