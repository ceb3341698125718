// The sticky PR comment against the GitHub stand-in: one comment per PR also when two runs create
// it at once or a create's answer is lost, duplicates of its own removed (never someone else's),
// and a branch name its author chose shown as text, never as Markdown.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getOctokit } from '@actions/github';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';

const warning = vi.fn();
vi.mock('@actions/core', async (importOriginal) => ({ ...(await importOriginal<typeof import('@actions/core')>()), warning: (m: string) => warning(m) }));

const { ApiSession } = await import('../../src/http/retry.js');
const { note } = await import('../../src/note.js');
const { COMMENT_MARKER, codeSpan, escapeMarkdown, readCommentState, renderComment, upsertComment } = await import('../../src/github/comment.js');
type PullRequestRef = import('../../src/targets/target.js').PullRequestRef;

const REPOSITORY = 'octo-org/preview-app';
const PR: PullRequestRef = { number: 42, headRef: 'feature/login', headSha: '1'.repeat(40), repository: REPOSITORY };

let gh: GitHubStandIn;

beforeEach(async () => {
  warning.mockClear();
  gh = await startGitHubStandIn();
});

afterEach(async () => {
  await gh.stop();
});

const octokit = (token = gh.tokens.actions) => getOctokit(token, { baseUrl: gh.url });
const session = () => new ApiSession(30_000, () => {}, { attemptTimeoutMs: 2000, baseDelayMs: 5, maxDelayMs: 20 });
const bots = () => gh.comments(PR.number).filter((c) => c.creator === 'github-actions[bot]');
const body = (text: string) => `${COMMENT_MARKER}\n${text}`;

describe('upsertComment', () => {
  it('creates one comment, then updates it in place, and does not re-send unchanged text', async () => {
    expect(await upsertComment(octokit(), session(), PR, body('one'))).toBe('created');
    expect(await upsertComment(octokit(), session(), PR, body('two'))).toBe('updated');
    expect(await upsertComment(octokit(), session(), PR, body('two'))).toBe('unchanged');
    expect(bots().map((c) => c.body)).toEqual([body('two')]);
    expect(gh.standIn.violations).toEqual([]);
  });

  it('leaves one comment when two runs found none and both create one', async () => {
    const kit = octokit();
    // Both runs read before either writes: each would create its own comment.
    const [a, b] = await Promise.all([readCommentState(kit, session(), PR), readCommentState(kit, session(), PR)]);
    expect(a.existing).toEqual([]);
    expect(b.existing).toEqual([]);
    const outcomes = await Promise.all([upsertComment(kit, session(), PR, body('from A'), Promise.resolve(a)), upsertComment(kit, session(), PR, body('from B'), Promise.resolve(b))]);
    expect(outcomes).toEqual(['created', 'created']);
    expect(bots()).toHaveLength(1);
    expect([body('from A'), body('from B')]).toContain(bots()[0]!.body);
    expect(gh.standIn.violations).toEqual([]);
  });

  it('does not create a second comment when the answer to the create was lost after it landed', async () => {
    gh.standIn.failNext({ method: 'POST', path: /\/issues\/42\/comments$/, status: 'reset', afterApply: true });
    expect(await upsertComment(octokit(), session(), PR, body('one'))).toBe('created');
    expect(bots().map((c) => c.body)).toEqual([body('one')]);
    expect(gh.standIn.requestsTo(/\/issues\/42\/comments$/, 'POST')).toHaveLength(1);
  });

  it('creates the comment again when the create was lost before it landed', async () => {
    gh.standIn.failNext({ method: 'POST', path: /\/issues\/42\/comments$/, status: 'reset' });
    expect(await upsertComment(octokit(), session(), PR, body('one'))).toBe('created');
    expect(bots().map((c) => c.body)).toEqual([body('one')]);
    expect(gh.standIn.requestsTo(/\/issues\/42\/comments$/, 'POST')).toHaveLength(2);
  });

  it('sends the create again while each one is lost before it lands (up to five), and fails naming it after the fifth', async () => {
    gh.standIn.failNext({ method: 'POST', path: /\/issues\/42\/comments$/, status: 502, times: 2 });
    expect(await upsertComment(octokit(), session(), PR, body('one'))).toBe('created');
    expect(bots().map((c) => c.body)).toEqual([body('one')]);
    expect(gh.standIn.requestsTo(/\/issues\/42\/comments$/, 'POST').map((r) => r.status)).toEqual([502, 502, 201]);

    gh.standIn.failNext({ method: 'POST', path: /\/issues\/43\/comments$/, status: 'reset', times: 5 });
    await expect(upsertComment(octokit(), session(), { ...PR, number: 43 }, body('one'))).rejects.toThrow(/^GitHub: create PR comment failed: /);
    expect(gh.comments(43)).toEqual([]);
    expect(gh.standIn.requestsTo(/\/issues\/43\/comments$/, 'POST')).toHaveLength(5);
  });

  it("keeps the oldest of its own comments, deletes its other ones, and never touches someone else's comment with the marker", async () => {
    const post = (token: string, text: string) =>
      fetch(`${gh.url}/repos/${REPOSITORY}/issues/${PR.number}/comments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body: text }),
      });
    await post(gh.tokens.user, `Quoting: ${COMMENT_MARKER}`);
    await post(gh.tokens.actions, body('old 1'));
    await post(gh.tokens.actions, body('old 2'));
    const [oldest] = bots();

    expect(await upsertComment(octokit(), session(), PR, body('new'))).toBe('updated');

    expect(bots()).toEqual([{ ...oldest, body: body('new') }]);
    expect(gh.comments(PR.number).find((c) => c.creator === 'octocat')!.body).toBe(`Quoting: ${COMMENT_MARKER}`);
  });

  it('finds its comment past the first page of comments (every page is read)', async () => {
    const post = (token: string, text: string) =>
      fetch(`${gh.url}/repos/${REPOSITORY}/issues/${PR.number}/comments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body: text }),
      });
    for (let i = 0; i < 150; i++) await post(gh.tokens.user, `review remark ${i}`);
    await post(gh.tokens.actions, body('old'));
    await post(gh.tokens.user, 'one more');

    expect(await upsertComment(octokit(), session(), PR, body('new'))).toBe('updated');

    expect(bots().map((c) => c.body)).toEqual([body('new')]);
    expect(gh.standIn.requestsTo(/\/issues\/42\/comments$/, 'GET').map((r) => r.query.page)).toEqual(['1', '2']);
  });

  it('is a warning, not a failure, when the token may not comment', async () => {
    expect(await upsertComment(octokit(gh.tokens.readonly), session(), PR, body('one'))).toBe('skipped');
    expect(warning).toHaveBeenCalledWith(expect.stringMatching(/create PR comment failed: HTTP 403.*pull-requests: write/));
    expect(gh.comments(PR.number)).toEqual([]);
  });
});

describe('renderComment', () => {
  const hostile = 'evil](https://attacker.example)<b>x</b>|`tick`_*';

  it('shows a branch name as text: no link, HTML, table cell or emphasis comes from it', () => {
    const text = renderComment({
      state: 'ready',
      branchName: hostile,
      branch: { id: 'br-a-1', name: hostile, consoleUrl: 'https://console.neon.tech/app/projects/p/branches/br-a-1', created: true },
      targets: [
        {
          target: 'netlify',
          label: 'Netlify',
          names: ['DATABASE_URL'],
          links: [{ label: `Branch deploy of ${hostile}`, url: 'https://x.example/a(b)' }],
          notes: [note`Started a build of branch ${hostile}.`],
        },
      ],
    });
    // Outside code spans (which GitHub shows as they are) no link or tag is left.
    const outsideCode = text.replace(/(`+)[^`]*?(?:`(?!\1)[^`]*?)*\1/g, '');
    expect(outsideCode).not.toContain('](https://attacker.example)');
    expect(outsideCode).not.toContain('<b>');
    expect(text).toContain(`Started a build of branch ${codeSpan(hostile)}.`);
    expect(text).toContain(`[${escapeMarkdown(hostile)}](https://console.neon.tech/app/projects/p/branches/br-a-1)`);
    expect(text).toContain('(https://x.example/a%28b%29)');
    const branchRow = text.split('\n').find((l) => l.startsWith('| Branch |'))!;
    // Every pipe of the name is escaped: the row keeps its three cell borders.
    expect(branchRow.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(3);
  });

  it('shows head branches in notes as code: no mention, no autolink, no reordered text', () => {
    const heads = ['@acme/security-team', 'www.example.com/x', 'https://evil.example', 'abc\u202Etxt.exe'];
    const text = renderComment({
      state: 'ready',
      branchName: 'preview/pr-1',
      branch: { id: 'br-a-1', name: 'preview/pr-1', consoleUrl: 'https://console.neon.tech/x', created: true },
      targets: [
        {
          target: 'vercel',
          label: 'Vercel',
          names: ['DATABASE_URL'],
          links: [{ label: `Deploy of ${heads[3]}`, url: 'https://x.example' }],
          notes: heads.map((h) => note`No preview deployment of ${h} yet.`),
        },
      ],
    });
    for (const head of heads.slice(0, 3)) expect(text).toContain(`No preview deployment of \`${head}\` yet.`);
    expect(text).toContain('`abcU+202Etxt.exe`');
    expect(text).toContain('Deploy of abcU+202Etxt.exe');
    expect(text).not.toContain('\u202E');
  });

  it('puts a name with backticks in a code span that holds it whole', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    const removed = renderComment({ state: 'removed', branchName: 'preview/`x`', targets: [] });
    expect(removed).toContain('The branch `` preview/`x` `` is deleted');
  });
});
