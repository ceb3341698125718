// What an attack on the action found (issue #16), through the built action against the four
// stand-ins: no open pull request's data deleted, no preview taken over by another pull request,
// nothing left behind a close that raced a create, no fork writing to the repository's branch
// values, no markup from a branch name, no secret in a platform's echoed error, no run outliving
// its timeout, no cut answer taken for an empty one.
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY, leakedSecrets, pullRequestEvent, runAction, type PullRequestEventOptions, type RunResult } from '../../sandbox/action-runner.js';
import { startPlatforms, type Platforms } from '../../sandbox/platforms.js';

const NEON_KEY = 'napi_security_key_0000000000000';
const VERCEL_TOKEN = 'vercel_security_token_00000000';
const NETLIFY_TOKEN = 'netlify_security_token_0000000';
const GC_PRELOAD = fileURLToPath(new URL('./collect-garbage.cjs', import.meta.url));

let p: Platforms;

beforeAll(async () => {
  p = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN });
});
afterAll(() => p.stop());
afterEach(() => {
  for (const standIn of Object.values(p.standIns)) expect(standIn.violations).toEqual([]);
});

type Event = { name: string; payload: Record<string, unknown> };

/** A pull request event, with GitHub knowing the PR in the state the event implies. */
function event(options: PullRequestEventOptions, name = 'pull_request'): Event {
  const fork = options.headRepository !== undefined && options.headRepository !== REPOSITORY;
  if (!fork) p.github.setPullRequest(options.number, { state: options.action === 'closed' ? 'closed' : 'open', headRef: options.headRef ?? `feature/pr-${options.number}` });
  return { ...pullRequestEvent(options), name };
}

function run(e: Event, extra: Record<string, string> = {}, options: Partial<Parameters<typeof runAction>[0]> = {}): Promise<RunResult> {
  return runAction({ inputs: p.inputs({ timeout: '60', ...extra }), event: e, githubApiUrl: p.github.url, githubToken: p.github.tokens.actions, ...options });
}

/** What the platforms hold for one pull request (its Neon branches by annotation, its values by marker or head). */
function holdings(pr: number, head: string, environment = `pr-${pr}`) {
  return {
    neon: p.neon.branches().filter((b) => b.annotations['github-pr'] === String(pr)).length,
    vercel: p.vercel.envs('shop-web').filter((e) => e.comment === `neon-preview ${REPOSITORY}#${pr}`).length,
    netlify: p.netlify
      .vars()
      .flatMap((v) => v.values)
      .filter((x) => x.context === 'branch' && x.context_parameter === head).length,
    github: p.github.environment(environment) ? 1 : 0,
  };
}
const NOTHING = { neon: 0, vercel: 0, netlify: 0, github: 0 };

/** The run's one `::error::` line. */
function errorOf(result: RunResult): string {
  const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
  expect(errors, result.stdout).toHaveLength(1);
  return errors[0]!;
}

describe('the sweep never deletes an open pull request’s preview', () => {
  it('keeps everything when GitHub answers 404 because the token cannot see the repository, and says why', async () => {
    for (const pr of [1601, 1602]) expect((await run(event({ action: 'opened', number: pr }))).code).toBe(0);
    // (The GitHub environment target would fail the sweep loudly with this token: it cannot list the environments.)
    const sweep = await run({ name: 'schedule', payload: {} }, { targets: 'vercel netlify', github_token: p.github.tokens.outsider });
    expect(sweep.code, sweep.stdout).toBe(0);
    expect(sweep.stdout).toContain('Sweep: 0 pull requests cleaned up');
    expect(sweep.summary).toMatch(/cannot see the repository/);
    for (const pr of [1601, 1602]) expect(holdings(pr, `feature/pr-${pr}`)).toEqual({ neon: 1, vercel: 7, netlify: 7, github: 1 });
    expect(sweep.summary).not.toMatch(/\bremoved\b.*#160[12]/);

    // With a token that can read the repository, a number it has no pull request for is swept.
    p.github.removePullRequest(1602);
    const readable = await run({ name: 'schedule', payload: {} }, { github_token: p.github.tokens.admin });
    expect(readable.code, readable.stdout).toBe(0);
    expect(holdings(1602, 'feature/pr-1602')).toEqual(NOTHING);
    expect(holdings(1601, 'feature/pr-1601')).toEqual({ neon: 1, vercel: 7, netlify: 7, github: 1 });
    p.github.setPullRequest(1601, { state: 'closed', headRef: 'feature/pr-1601' });
    expect((await run(event({ action: 'closed', number: 1601 }))).code).toBe(0);
  });

  it('fails naming github_token, before any request, when the sweep has no token', async () => {
    const marks = Object.values(p.standIns).map((s) => s.requests.length);
    const sweep = await run({ name: 'schedule', payload: {} }, { targets: 'vercel netlify', github_token: '' });
    expect(sweep.code).toBe(1);
    expect(errorOf(sweep)).toMatch(/^::error::Input `github_token`: is required for sweep/);
    expect(Object.values(p.standIns).map((s, i) => s.requests.length - marks[i]!)).toEqual([0, 0, 0, 0]);
  });
});

describe('one pull request never takes over another’s preview', () => {
  const collide = { branch_name: 'preview/{head}', github_environment: 'env-{head}' };

  it('refuses a Neon branch name and environment another open PR holds, and its close leaves them', async () => {
    const first = await run(event({ action: 'opened', number: 1611, headRef: 'feat@x' }), collide);
    expect(first.code, first.stdout).toBe(0);
    const held = p.neon.branchByName('preview/feat-x')!;
    const secondOpened = await run(event({ action: 'opened', number: 1612, headRef: 'feat#x' }), collide);
    expect(secondOpened.code).toBe(1);
    expect(errorOf(secondOpened)).toMatch(/belong to pull request #1611 \(head branch feat@x\), which is open\. Nothing was reused or changed/);
    expect(secondOpened.outputs.db_url).toBeUndefined();

    const secondClosed = await run(event({ action: 'closed', number: 1612, headRef: 'feat#x' }), collide);
    expect(secondClosed.code, secondClosed.stdout).toBe(0);
    expect(secondClosed.stdout).toMatch(/::warning::Neon branch preview\/feat-x belongs to pull request #1611, not #1612/);
    // The first PR's branch, its URL and its environment are as they were.
    expect(p.neon.branchByName('preview/feat-x')!.id).toBe(held.id);
    expect(p.github.environment('env-feat-x')).toBeDefined();
    const again = await run(event({ action: 'synchronize', number: 1611, headRef: 'feat@x' }), collide);
    expect(again.outputs).toMatchObject({ branch_id: held.id, db_url: first.outputs.db_url });
  });

  it('two pull requests from one head branch: the second gets no Netlify values of the first, and its close removes none', async () => {
    const first = await run(event({ action: 'opened', number: 1613, headRef: 'feature/shared-head' }));
    expect(first.code).toBe(0);
    const values = () =>
      p.netlify
        .vars()
        .flatMap((v) => v.values.filter((x) => x.context_parameter === 'feature/shared-head').map((x) => `${v.key}=${x.value}`))
        .sort();
    const before = values();
    expect(before).toHaveLength(7);
    const second = await run(event({ action: 'opened', number: 1614, headRef: 'feature/shared-head' }));
    expect(second.code).toBe(1);
    expect(errorOf(second)).toMatch(/Pull request #1614 cannot have the same Vercel values and the same Netlify values: they belong to pull request #1613/);
    const closed = await run(event({ action: 'closed', number: 1614, headRef: 'feature/shared-head' }));
    expect(closed.code, closed.stdout).toBe(0);
    expect(values()).toEqual(before);
  });

  it('takes the names over from a closed pull request whose close never came, removing what it left first', async () => {
    expect((await run(event({ action: 'opened', number: 1615, headRef: 'fix@y' }), collide)).code).toBe(0);
    p.github.setPullRequest(1615, { state: 'closed', headRef: 'fix@y' });
    const next = await run(event({ action: 'opened', number: 1616, headRef: 'fix#y' }), collide);
    expect(next.code, next.stdout).toBe(0);
    expect(next.stdout).toMatch(/::warning::Pull request #1615 is closed but left the Neon branch preview\/fix-y .* behind; removing them first/);
    expect(p.neon.branchByName('preview/fix-y')!.annotations['github-pr']).toBe('1616');
    expect(holdings(1615, 'fix@y', 'env-fix-y')).toMatchObject({ neon: 0, vercel: 0 });
  });
});

describe('a close that races a create', () => {
  it('leaves nothing behind a pull request closed while its create ran, and the comment says removed', async () => {
    const pr = 1621;
    const opened = event({ action: 'opened', number: pr });
    // The create is held before it makes the branch; the close runs whole meanwhile and finds nothing.
    const hold = p.neon.standIn.hold('POST', /\/branches$/);
    const creating = run(opened);
    await hold.arrived;
    p.github.setPullRequest(pr, { state: 'closed', headRef: `feature/pr-${pr}` });
    const closed = await run(event({ action: 'closed', number: pr }));
    expect(closed.code, closed.stdout).toBe(0);
    hold.release();
    const created = await creating;
    expect(created.code, created.stdout).toBe(0);
    expect(created.stdout).toMatch(/::warning::Pull request #1621 was closed while this run made its preview; removing it again/);
    expect(created.outputs.command).toBe('delete');
    expect(holdings(pr, `feature/pr-${pr}`)).toEqual(NOTHING);
    expect(p.github.deployments(`pr-${pr}`)).toEqual([]);
    const comment = p.github.comments(pr).find((c) => c.body.includes('neon-preview:sticky-comment'))!;
    expect(comment.body).toContain('Neon preview database: removed');
  });

  it('when removing it again fails, the comment no longer says ready', async () => {
    const pr = 1622;
    const hold = p.neon.standIn.hold('POST', /\/branches$/);
    const creating = run(event({ action: 'opened', number: pr }));
    await hold.arrived;
    p.github.setPullRequest(pr, { state: 'closed', headRef: `feature/pr-${pr}` });
    expect((await run(event({ action: 'closed', number: pr }))).code).toBe(0);
    p.neon.standIn.failNext({ method: 'DELETE', path: /\/branches\/[^/]+$/, status: 403, body: { message: 'Forbidden' } });
    hold.release();
    const created = await creating;
    expect(created.code, created.stdout).toBe(1);
    expect(created.stdout).toMatch(/::error::Neon: delete branch .*HTTP 403/);
    const comment = p.github.comments(pr).find((c) => c.body.includes('neon-preview:sticky-comment'))!;
    expect(comment.body).not.toContain('Neon preview database: ready');
    expect(comment.body).toContain('Neon preview database: closed, being removed');
  });
});

describe('pull requests from forks', () => {
  it('are skipped under pull_request_target by default; with allow they never touch the repository’s branch values', async () => {
    // The repository's own PR from feature/shared holds values for that branch.
    expect((await run(event({ action: 'opened', number: 1631, headRef: 'feature/shared' }))).code).toBe(0);
    const own = () =>
      p.netlify
        .vars()
        .flatMap((v) => v.values.filter((x) => x.context_parameter === 'feature/shared').map((x) => `${v.key}=${x.value}`))
        .sort();
    const before = own();
    const fork = (action: PullRequestEventOptions['action']) => event({ action, number: 1632, headRef: 'feature/shared', headRepository: 'stranger/shop' }, 'pull_request_target');
    p.github.setPullRequest(1632, { state: 'open', headRef: 'feature/shared' });

    const marks = Object.values(p.standIns).map((s) => s.requests.length);
    const skipped = await run(fork('opened'));
    expect(skipped.code).toBe(0);
    expect(skipped.outputs.command).toBe('skip');
    expect(skipped.stdout).toMatch(/::notice::Pull request from a fork \(stranger\/shop\): skipped, as `fork_pull_requests: skip`/);
    expect(Object.values(p.standIns).map((s, i) => s.requests.length - marks[i]!)).toEqual([0, 0, 0, 0]);

    const allowed = await run(fork('opened'), { fork_pull_requests: 'allow' });
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.outputs.command).toBe('create');
    expect(allowed.stdout).toMatch(/::notice::Vercel gets no values for a pull request from a fork/);
    expect(own()).toEqual(before);
    expect(p.vercel.envs('shop-web').filter((e) => e.comment === `neon-preview ${REPOSITORY}#1632`)).toEqual([]);
    expect(p.github.environment('pr-1632')).toBeDefined();
    p.github.setPullRequest(1632, { state: 'closed', headRef: 'feature/shared' });
    const closed = await run(fork('closed'), { fork_pull_requests: 'allow' });
    expect(closed.code, closed.stdout).toBe(0);
    expect(own()).toEqual(before);
    expect(holdings(1632, 'none')).toMatchObject({ neon: 0, github: 0 });
  });

  it('a Dependabot pull request, run without secrets, is skipped and succeeds', async () => {
    const run1 = await runAction({ inputs: p.inputs({ neon_api_key: '' }), event: event({ action: 'opened', number: 1633 }), env: { GITHUB_ACTOR: 'dependabot[bot]' }, githubApiUrl: p.github.url });
    expect(run1.code).toBe(0);
    expect(run1.outputs.command).toBe('skip');
    expect(run1.stdout).toMatch(/::notice::Pull request from dependabot\[bot\]: GitHub runs it without the repository's secrets/);
  });
});

describe('what a branch name can do to the comment and the summary', () => {
  it('shows hostile head branches as code in the comment, and escapes them in the failure summary', async () => {
    const head = '@acme/security-team/www.example.com/x</code></pre><h1>hi';
    const ok = await run(event({ action: 'opened', number: 1641, headRef: head }));
    expect(ok.code, ok.stdout).toBe(0);
    const comment = p.github.comments(1641).find((c) => c.body.includes('neon-preview:sticky-comment'))!.body;
    expect(comment).toContain(`\`${head}\``);
    expect(comment.replace(/`[^`]*`/g, '')).not.toMatch(/@acme|<\/code>|<h1>/);

    p.netlify.standIn.failNext({ method: 'PATCH', path: /\/env\/DATABASE_URL$/, status: 400, times: 20 });
    const failed = await run(event({ action: 'synchronize', number: 1641, headRef: head }));
    p.netlify.standIn.clearFailures();
    expect(failed.code).toBe(1);
    expect(failed.summary).toContain('Neon preview database: failed');
    expect(failed.summary).not.toContain('</code></pre><h1>');
    expect(failed.summary).toContain('&lt;/code&gt;&lt;/pre&gt;&lt;h1&gt;');
  });
});

describe('secrets in what platforms echo', () => {
  it('cuts every secret out of a platform error that quotes the request, before the message is shortened', async () => {
    p.vercel.standIn.failNext({ method: 'POST', path: /\/env$/, status: 400, echoRequest: true });
    const result = await run(event({ action: 'opened', number: 1651 }));
    expect(result.code).toBe(1);
    const error = errorOf(result);
    expect(error).toMatch(/^::error::Vercel: publish variables failed: HTTP 400: invalid value: /);
    expect(error).toContain('***');
    const secrets = [result.outputs.db_url!, result.outputs.db_url_pooled!, result.outputs.password!];
    expect(leakedSecrets(result, secrets)).toEqual([]);
    // No prefix of the password either, however the message was cut.
    for (const s of secrets) expect(error).not.toContain(s.slice(0, 12));
  });

  it('prints no API key with DEBUG=* (no dependency logs request headers)', async () => {
    const result = await run(event({ action: 'opened', number: 1652 }), {}, { env: { DEBUG: '*' } });
    expect(result.code, result.stdout).toBe(0);
    expect(`${result.stdout}\n${result.stderr}`.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(NEON_KEY))).toEqual([]);
  });
});

describe('time and truth', () => {
  it.each(['Neon', 'Vercel', 'Netlify', 'GitHub'] as const)('a %s that accepts the connection and never answers ends the run at its timeout, even after garbage collections', async (platform) => {
    const pr = 1660 + ['Neon', 'Vercel', 'Netlify', 'GitHub'].indexOf(platform);
    const ev = event({ action: 'opened', number: pr });
    p.standIns[platform].failNext({ path: /./, status: 'hang', times: 1000 });
    try {
      const result = await run(ev, { timeout: '8' }, { nodeArgs: ['--expose-gc', '-r', GC_PRELOAD] });
      expect(result.code, result.stdout).toBe(1);
      expect(errorOf(result)).toMatch(new RegExp(`^::error::.*${platform === 'GitHub' ? '(GitHub|environment)' : platform}.*(no answer|timeout)`));
      // Undici's own limit would be 300 s; a minute is far above 8 s on any machine.
      expect(result.ms).toBeLessThan(60_000);
    } finally {
      p.standIns[platform].clearFailures();
    }
  });

  it('retries a GitHub answer whose body is cut off, instead of taking it for empty data', async () => {
    p.github.standIn.failNext({ method: 'GET', path: /\/environments\/pr-1670\/secrets\/public-key$/, status: 'cut' });
    const result = await run(event({ action: 'opened', number: 1670 }));
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/GitHub: get public key of environment pr-1670: UND_ERR_SOCKET; retrying/);
    expect(p.github.secretPlaintext('pr-1670', 'PGPASSWORD')).toBe(result.outputs.password);
  });
});
