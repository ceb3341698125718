// Beyond the peers (issue #19) and Neon's rules (issue #17), through the built action against the
// stand-ins: the schema diff in the comment and the summary, reset on push, and what Neon refuses
// (root-branch allowance, expiry rules, names of deleted branches, expiry outside early access).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY, pullRequestEvent, runAction, type RunResult } from '../../sandbox/action-runner.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { startNeonStandIn, type NeonStandIn, type NeonStandInOptions } from '../../sandbox/neon.js';

const KEY = 'napi_features_key_00000000000000';
const MANAGED = { 'managed-by': 'neon-preview', 'github-repo': REPOSITORY };

let github: GitHubStandIn;
const started: NeonStandIn[] = [];

beforeAll(async () => {
  github = await startGitHubStandIn({ repository: REPOSITORY });
});
afterAll(async () => {
  await Promise.all([github.stop(), ...started.map((n) => n.stop())]);
});

async function neonWith(options: NeonStandInOptions = {}): Promise<NeonStandIn> {
  const neon = await startNeonStandIn({ apiKeys: [KEY], operationMs: 50, ...options });
  started.push(neon);
  return neon;
}

function run(neon: NeonStandIn, action: 'opened' | 'synchronize' | 'closed', pr: number, inputs: Record<string, string> = {}): Promise<RunResult> {
  github.setPullRequest(pr, { state: action === 'closed' ? 'closed' : 'open', headRef: `feature/pr-${pr}` });
  return runAction({
    inputs: { neon_api_key: KEY, neon_project_id: neon.projectId, neon_api_url: neon.url, github_token: github.tokens.admin, timeout: '60', ...inputs },
    event: pullRequestEvent({ action, number: pr }),
    githubApiUrl: github.url,
    githubToken: github.tokens.actions,
  });
}

const commentOf = (pr: number) => github.comments(pr).find((c) => c.body.includes('neon-preview:sticky-comment'))!.body;
const errorOf = (r: RunResult) => r.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '';

describe('the schema diff', () => {
  it('says "No schema changes" for a new branch, then shows a table the PR added, in the comment and the summary', async () => {
    const neon = await neonWith();
    const opened = await run(neon, 'opened', 1901);
    expect(opened.code, opened.stdout).toBe(0);
    expect(commentOf(1901)).toContain('- `neondb`: No schema changes');
    expect(opened.summary).toContain('<code>neondb</code>: No schema changes');

    const branch = neon.branchByName('preview/pr-1901')!;
    const parentSchema = await neon.schema(neon.defaultBranchId, 'neondb');
    neon.setSchema(
      branch.id,
      'neondb',
      `${parentSchema}\nCREATE TABLE public.reviews (\n    id integer NOT NULL,\n    body text\n);\n\nCREATE INDEX reviews_body_idx ON public.reviews USING btree (body);\n`,
    );
    const synced = await run(neon, 'synchronize', 1901);
    expect(synced.code, synced.stdout).toBe(0);
    const comment = commentOf(1901);
    expect(comment).toContain('<details><summary><code>neondb</code>: 1 table added, 1 index added</summary>');
    expect(comment).toMatch(/```diff\n--- a\/neondb\n\+\+\+ b\/neondb\n[\s\S]*\+CREATE TABLE public\.reviews \(/);
    expect(synced.summary).toContain('+CREATE TABLE public.reviews (');
    const compares = neon.standIn.requestsTo(/\/compare_schema$/);
    expect(compares.at(-1)!.query).toEqual({ db_name: 'neondb' });
  });

  it('keeps the comment under GitHub’s 65,536 characters with a diff of 100,000, cut at a line and saying where the rest is', async () => {
    const neon = await neonWith();
    expect((await run(neon, 'opened', 1902)).code).toBe(0);
    const branch = neon.branchByName('preview/pr-1902')!;
    const columns = Array.from({ length: 4400 }, (_, i) => `    column_${String(i).padStart(5, '0')} text,`).join('\n');
    neon.setSchema(branch.id, 'neondb', `${await neon.schema(neon.defaultBranchId, 'neondb')}\nCREATE TABLE public.wide (\n${columns}\n    id integer\n);\n`);
    expect(columns.length).toBeGreaterThan(100_000);
    const synced = await runAction({
      inputs: { neon_api_key: KEY, neon_project_id: neon.projectId, neon_api_url: neon.url, github_token: github.tokens.admin, timeout: '60' },
      event: pullRequestEvent({ action: 'synchronize', number: 1902 }),
      githubApiUrl: github.url,
      githubToken: github.tokens.actions,
      env: { GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '777' },
    });
    expect(synced.code, synced.stdout).toBe(0);
    const comment = commentOf(1902);
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(comment.length).toBeGreaterThan(50_000);
    expect(comment).toContain(`Shortened to fit the comment; the whole diff is in [the job summary](https://github.com/${REPOSITORY}/actions/runs/777).`);
    // Cut at a line boundary: the last diff line in the block is a whole column line.
    const block = /```diff\n([\s\S]*?)\n```/.exec(comment)![1]!;
    expect(block.split('\n').at(-1)).toMatch(/^\+ {4}column_\d{5} text,$/);
    expect(synced.summary).toContain('column_04399 text,');
    expect(synced.summary.length).toBeGreaterThan(100_000);
  });

  it('says a schema-only branch has no parent to compare with, and a diff that cannot be read, without failing; schema_diff: false asks nothing', async () => {
    const neon = await neonWith();
    const root = await run(neon, 'opened', 1903, { branch_type: 'schema-only' });
    expect(root.code, root.stdout).toBe(0);
    expect(commentOf(1903)).toContain('**Schema changes** against the parent branch: A schema-only branch is a root branch: it has no parent to compare with.');

    neon.standIn.failNext({ method: 'GET', path: /\/compare_schema$/, status: 403, body: { code: 'FORBIDDEN', message: 'schema diff is not available on your plan' } });
    const refused = await run(neon, 'opened', 1904);
    expect(refused.code, refused.stdout).toBe(0);
    expect(commentOf(1904)).toMatch(/- `neondb`: the diff could not be read \(Neon: compare the schema of neondb failed: HTTP 403: schema diff is not available on your plan\)/);

    const before = neon.standIn.requestsTo(/\/compare_schema$/).length;
    expect((await run(neon, 'synchronize', 1904, { schema_diff: 'false' })).code).toBe(0);
    expect(neon.standIn.requestsTo(/\/compare_schema$/)).toHaveLength(before);
    expect(commentOf(1904)).not.toContain('Schema changes');
  });
});

describe('reset_on_push', () => {
  it('resets the reused branch to its parent (same id and hosts), rotates the password it brought back, and says when', async () => {
    const neon = await neonWith();
    const opened = await run(neon, 'opened', 1911, { reset_on_push: 'true' });
    expect(opened.code, opened.stdout).toBe(0);
    const branch = neon.branchByName('preview/pr-1911')!;
    const mark = neon.standIn.requests.length;
    const synced = await run(neon, 'synchronize', 1911, { reset_on_push: 'true' });
    expect(synced.code, synced.stdout).toBe(0);
    const requests = neon.standIn.requests.slice(mark);
    const restores = requests.filter((r) => r.method === 'POST' && r.path.endsWith('/restore'));
    expect(restores.map((r) => [r.path, r.body])).toEqual([[`/projects/${neon.projectId}/branches/${branch.id}/restore`, { source_branch_id: neon.defaultBranchId }]]);
    expect(synced.outputs).toMatchObject({ branch_id: branch.id, created: 'false', db_host: opened.outputs.db_host, db_host_pooled: opened.outputs.db_host_pooled });
    const parentPassword = neon.branches().find((b) => b.id === neon.defaultBranchId)!.roles[0]!.password;
    expect(synced.outputs.password).not.toBe(parentPassword);
    expect(requests.filter((r) => r.path.endsWith('/reset_password'))).toHaveLength(1);
    expect(synced.summary).toMatch(/<th>Reset<\/th><td>\d{4}-\d\d-\d\dT[\d:]+Z, to its parent's state/);
    expect(commentOf(1911)).toMatch(/\| Reset \| \d{4}-\d\d-\d\d [\d:]+ UTC, to its parent's state \(`reset_on_push`\) \|/);
  });

  it('goes on without the reset for a root (schema-only) branch, and fails naming preserve_under_name for a branch with children', async () => {
    const neon = await neonWith();
    expect((await run(neon, 'opened', 1912, { branch_type: 'schema-only', reset_on_push: 'true' })).code).toBe(0);
    const root = await run(neon, 'synchronize', 1912, { branch_type: 'schema-only', reset_on_push: 'true' });
    expect(root.code, root.stdout).toBe(0);
    expect(root.stdout).toContain('::notice::reset_on_push: Neon branch preview/pr-1912 is a root branch');

    expect((await run(neon, 'opened', 1913, { reset_on_push: 'true', expires_in: '0' })).code).toBe(0);
    neon.addBranch({ name: 'someone/experiment', parentId: neon.branchByName('preview/pr-1913')!.id });
    const withChild = await run(neon, 'synchronize', 1913, { reset_on_push: 'true', expires_in: '0' });
    expect(withChild.code).toBe(1);
    expect(errorOf(withChild)).toMatch(
      /^::error::reset_on_push: Neon branch preview\/pr-1913 has child branches \(someone\/experiment\).*\(preserve_under_name\), which neon-preview does not do unasked/,
    );
    expect(neon.standIn.requestsTo(/\/restore$/)).toEqual([]);
  });
});

describe('what Neon refuses', () => {
  it('names the root-branch allowance and suggests branch_type: data when Neon refuses another schema-only branch', async () => {
    const neon = await neonWith({ rootBranchLimit: 1 });
    const refused = await run(neon, 'opened', 1921, { branch_type: 'schema-only' });
    expect(refused.code).toBe(1);
    expect(errorOf(refused)).toMatch(
      /Neon: create branch failed: HTTP 422: .*A schema-only branch is a root branch, and Neon allows few per project \(Free 3 including the default branch.*or set `branch_type: data`/,
    );
  });

  it('refuses a parent_branch that has an expiry before creating anything, naming the rule', async () => {
    const neon = await neonWith();
    neon.addBranch({ name: 'expiring', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const refused = await run(neon, 'opened', 1922, { parent_branch: 'expiring' });
    expect(refused.code).toBe(1);
    expect(errorOf(refused)).toMatch(/^::error::Input `parent_branch`: branch expiring expires .* and Neon makes no branch from a branch that has an expiry/);
    expect(neon.standIn.requestsTo(/\/branches$/, 'POST')).toEqual([]);
  });

  it('skips renewing the expiry, with a warning, once someone branched from the preview', async () => {
    const neon = await neonWith();
    expect((await run(neon, 'opened', 1923, { expires_in: '0' })).code).toBe(0);
    const preview = neon.branchByName('preview/pr-1923')!;
    neon.addBranch({ name: 'debug/from-1923', parentId: preview.id });
    const synced = await run(neon, 'synchronize', 1923);
    expect(synced.code, synced.stdout).toBe(0);
    expect(synced.stdout).toMatch(/::warning::Neon branch preview\/pr-1923 has child branches \(debug\/from-1923\), and Neon sets no expiry on a branch that has children/);
    expect(neon.standIn.requestsTo(new RegExp(`/branches/${preview.id}$`), 'PATCH')).toEqual([]);
  });

  it('says how to turn expiry off when Neon refuses it (outside its early access)', async () => {
    const neon = await neonWith({ expiryUnsupported: true });
    const refused = await run(neon, 'opened', 1924);
    expect(refused.code).toBe(1);
    expect(errorOf(refused)).toMatch(/Neon: create branch failed: HTTP 403: .*set `expires_in: 0` to create preview branches without one/);
    expect((await run(neon, 'opened', 1924, { expires_in: '0' })).code).toBe(0);
  });

  it('gives a reopened pull request its branch when Neon keeps the deleted branch’s name: the branch is recovered', async () => {
    const neon = await neonWith({ deletedNamesReserved: true });
    expect((await run(neon, 'opened', 1925)).code).toBe(0);
    const first = neon.branchByName('preview/pr-1925')!;
    expect((await run(neon, 'closed', 1925)).code).toBe(0);
    expect(neon.branchByName('preview/pr-1925')).toBeUndefined();
    const reopened = await run(neon, 'opened', 1925);
    expect(reopened.code, reopened.stdout).toBe(0);
    expect(reopened.stdout).toContain('was deleted (by an earlier close) and still holds the name; recovering it for pull request #1925');
    expect(reopened.outputs).toMatchObject({ branch_id: first.id, created: 'false' });

    // One another pull request's run left: never taken.
    neon.addBranch({ name: 'preview/pr-1926', annotations: { ...MANAGED, 'github-pr': '99' } });
    await fetch(`${neon.url}/projects/${neon.projectId}/branches/${neon.branchByName('preview/pr-1926')!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${KEY}` } });
    const other = await run(neon, 'opened', 1926);
    expect(other.code).toBe(1);
    expect(errorOf(other)).toMatch(/Neon keeps the name preview\/pr-1926 for deleted branch br-.*, which neon-preview did not make for pull request #1926/);
  });
});
