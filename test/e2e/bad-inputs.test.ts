// Malformed inputs, through the built action with all four stand-ins running and every target
// configured: each run fails before any request reaches a platform, with one `::error::` line
// that names the input (and never echoes a token, nor 10 kB of it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakedSecrets, pullRequestEvent, runAction, type RunResult } from '../../sandbox/action-runner.js';
import type { GitHubStandIn } from '../../sandbox/github.js';
import type { NeonStandIn } from '../../sandbox/neon.js';
import type { NetlifyStandIn } from '../../sandbox/netlify.js';
import type { VercelStandIn } from '../../sandbox/vercel.js';
import { startPlatforms, type Platforms } from '../../sandbox/platforms.js';

const NEON_KEY = 'napi_bad_inputs_key_0000000000';
const VERCEL_TOKEN = 'vercel_bad_inputs_token_00000';
const NETLIFY_TOKEN = 'netlify_bad_inputs_token_0000';
const PR = 900;
const HEAD = 'feature/bad-inputs';
const TEN_KB = 10 * 1024;

let neon: NeonStandIn;
let vercel: VercelStandIn;
let netlify: NetlifyStandIn;
let github: GitHubStandIn;

let standIns: Platforms;

beforeAll(async () => {
  standIns = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN });
  ({ neon, vercel, netlify, github } = standIns);
});
afterAll(() => standIns.stop());

/**
 * Valid inputs with every target configured; each case overrides one. With `tag`, every platform
 * URL gets a `/<tag>` path prefix: a request a case should not have sent is then still recorded
 * by the stand-in (and answered 404), under a path that says which case sent it.
 */
function baseInputs(tag?: string): Record<string, string> {
  const at = (url: string) => (tag ? `${url}/${tag}` : url);
  return standIns.inputs({ neon_api_url: at(neon.url), vercel_api_url: at(vercel.url), netlify_api_url: at(netlify.url), timeout: '30' });
}

interface BadInput {
  /** The input the error must name. */
  input: string;
  value: string;
  /** Part of the problem the message states. */
  problem: string | RegExp;
  /** What the case is about, for the test name. */
  about: string;
}

const x10k = (unit: string) => unit.repeat(Math.ceil(TEN_KB / unit.length)).slice(0, TEN_KB);

const CASES: BadInput[] = [
  // Empty required inputs
  { input: 'neon_api_key', value: '', problem: 'is required', about: 'empty' },
  { input: 'neon_project_id', value: '', problem: 'is required', about: 'empty' },
  { input: 'vercel_token', value: '', problem: 'is required when `targets` has vercel', about: 'empty with the vercel target' },
  { input: 'netlify_token', value: '', problem: 'is required when `targets` has netlify', about: 'empty with the netlify target' },
  { input: 'github_token', value: '', problem: 'is required when `targets` has github', about: 'empty with the github target' },
  // Wrong type
  { input: 'timeout', value: 'abc', problem: 'is not a positive number of seconds', about: 'not a number' },
  { input: 'vercel_redeploy', value: 'maybe', problem: 'is not a boolean', about: 'not a boolean' },
  { input: 'netlify_redeploy', value: '1', problem: 'is not a boolean', about: '1 for true' },
  { input: 'comment', value: '2', problem: 'is not a boolean', about: 'a number' },
  { input: 'expires_in', value: '1w', problem: 'is not a time-to-live', about: 'weeks' },
  { input: 'suspend_timeout', value: '5m', problem: 'is not a suspend timeout', about: 'a unit' },
  { input: 'pr_number', value: '1e3', problem: 'is not a pull request number', about: 'exponent notation' },
  { input: 'command', value: 'destroy', problem: 'is not a command', about: 'unknown command' },
  { input: 'branch_type', value: 'full', problem: 'is not a branch type', about: 'unknown branch type' },
  { input: 'targets', value: 'heroku', problem: 'unknown target "heroku"', about: 'unknown target' },
  // Out of range
  { input: 'expires_in', value: '31d', problem: 'longer than Neon allows', about: 'past 30 days' },
  { input: 'suspend_timeout', value: '10', problem: 'whole seconds from 60 to 604800', about: 'below 60' },
  { input: 'suspend_timeout', value: '604801', problem: 'whole seconds from 60 to 604800', about: 'above a week' },
  { input: 'timeout', value: '0', problem: 'is not a positive number of seconds', about: 'zero' },
  { input: 'timeout', value: '21601', problem: 'at most 21600', about: 'past six hours' },
  { input: 'timeout', value: '0.0001', problem: 'too short to wait for any API', about: 'rounds to nothing' },
  { input: 'branch_name', value: 'pr-{pr}\u2028x', problem: 'must be one line without control characters', about: 'a Unicode line separator' },
  { input: 'branch_name', value: 'pr-{pr}\u202ex', problem: 'must be one line without control characters', about: 'a right-to-left override' },
  { input: 'pr_number', value: '0', problem: 'is not a pull request number', about: 'zero' },
  { input: 'pr_number', value: '-1', problem: 'is not a pull request number', about: 'negative' },
  { input: 'database', value: 'd'.repeat(64), problem: 'at most 63 bytes', about: 'longer than a Postgres name' },
  // Injection attempts
  { input: 'neon_project_id', value: '$(id)', problem: 'is not a Neon project id', about: 'command substitution' },
  { input: 'vercel_project', value: '../prj_other', problem: 'is not a Vercel project id or name', about: 'path traversal' },
  { input: 'vercel_team', value: 'team_a&slug=b', problem: 'is not a Vercel team id', about: 'query injection' },
  { input: 'netlify_site_id', value: 'site/../../accounts', problem: 'is not a Netlify site id', about: 'path traversal' },
  { input: 'env_vars', value: '$(id)=pooled_url', problem: 'is not a variable name', about: 'command substitution as a name' },
  { input: 'env_prefix', value: 'PR_$(id)_', problem: 'is not a variable-name prefix', about: 'command substitution' },
  { input: 'branch_name', value: 'preview/{pr}-{$(id)}', problem: 'unknown placeholder {$(id)}', about: 'command substitution as a placeholder' },
  { input: 'github_environment', value: 'pr-{pr}-`id`', problem: 'renders to', about: 'backticks' },
  { input: 'env_vars', value: 'GITHUB_TOKEN=pooled_url', problem: 'GitHub reserves names starting with GITHUB_', about: 'a reserved name' },
  // Newlines and control characters in names and templates
  { input: 'branch_name', value: 'pr-{pr}\nx', problem: 'must be one line', about: 'newline in the template' },
  { input: 'github_environment', value: 'pr-{pr}\nprod', problem: 'must be one line', about: 'newline in the template' },
  { input: 'env_vars', value: 'DATABASE\nURL=pooled_url', problem: 'has no "="', about: 'newline in a name' },
  { input: 'env_vars', value: 'DATABASE_URL=pooled_url\nDATABASE_URL=direct_url', problem: 'is listed twice', about: 'a name twice' },
  { input: 'head_ref', value: 'feature\nx', problem: 'is not a git branch name: it has a space, a control character', about: 'newline' },
  { input: 'parent_branch', value: 'main\nstaging', problem: 'on one line', about: 'newline' },
  { input: 'role', value: 'app\towner', problem: 'is not a role name', about: 'tab' },
  // Issue #16 and #21: caught before any request, not after the branch was made
  { input: 'head_ref', value: 'feat x..y', problem: 'is not a git branch name', about: 'not a git branch name' },
  { input: 'database', value: 'ä'.repeat(40), problem: 'at most 63 bytes', about: '80 bytes in 40 characters' },
  { input: 'pr_number', value: '9999999999', problem: 'from 1 to 2147483647', about: 'past 32 bits' },
  { input: 'neon_api_url', value: 'https://proxy.example/api/v2?x=1', problem: 'without a query or fragment', about: 'a query string' },
  { input: 'neon_api_key', value: 'napi_first\nsecond', problem: 'contains a line break', about: 'a wrapped token' },
  { input: 'preview_password', value: 'maybe', problem: 'is not a password policy; expected rotate or inherit', about: 'unknown policy' },
  { input: 'fork_pull_requests', value: 'sometimes', problem: 'expected skip or allow', about: 'unknown choice' },
  // 10 kB values
  { input: 'branch_name', value: `${x10k('b')}{pr}`, problem: 'Neon allows at most 256', about: '10 kB' },
  { input: 'env_prefix', value: x10k('P'), problem: 'is not a variable-name prefix', about: '10 kB' },
  { input: 'head_ref', value: x10k('h'), problem: 'is not a git branch name: it is longer than 250 characters', about: '10 kB' },
  { input: 'github_environment', value: `${x10k('e')}{pr}`, problem: 'at most 255', about: '10 kB' },
  { input: 'neon_project_id', value: x10k('a'), problem: 'is not a Neon project id', about: '10 kB' },
  // Unicode: Neon takes any branch name (its description sets no pattern), so `branch_name` may
  // hold Unicode; GitHub environment names and the platforms' ids may not.
  { input: 'github_environment', value: 'prévue-{pr}', problem: 'renders to', about: 'Unicode' },
  { input: 'vercel_project', value: 'магазин', problem: 'is not a Vercel project id or name', about: 'Unicode' },
  { input: 'env_vars', value: 'DÄTABASE_URL=pooled_url', problem: 'is not a variable name', about: 'Unicode in a name' },
  // Templates that name one thing for every PR, or an unknown placeholder
  { input: 'branch_name', value: 'shared-preview', problem: 'names the same thing for every pull request', about: 'no placeholder' },
  { input: 'github_environment', value: 'staging', problem: 'names the same thing for every pull request', about: 'no placeholder' },
  { input: 'branch_name', value: 'preview/{pr}-{sha}', problem: 'unknown placeholder {sha}', about: 'unknown placeholder' },
  // Bad URLs
  { input: 'neon_api_url', value: 'not a url', problem: 'is not a URL', about: 'not a URL' },
  { input: 'vercel_api_url', value: 'javascript:alert(1)', problem: 'must use https', about: 'javascript: scheme' },
  { input: 'netlify_api_url', value: 'file:///etc/passwd', problem: 'must use https', about: 'file: scheme' },
  { input: 'neon_api_url', value: 'https://user:secret@console.neon.tech/api/v2', problem: 'must not carry credentials', about: 'credentials in the URL' },
];

/** Runs at once: each is a child process. */
const CONCURRENCY = 4;

interface Outcome {
  result: RunResult;
  /** Requests every stand-in received while the cases ran (all of them), Neon, Vercel, Netlify, GitHub. */
  total: number[];
  /** Requests under this case's own path prefix. */
  own: string[];
}

async function runAll(): Promise<Map<BadInput, Outcome>> {
  const standIns = [neon.standIn, vercel.standIn, netlify.standIn, github.standIn];
  const before = standIns.map((s) => s.requests.length);
  const results = new Map<BadInput, RunResult>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES.length) {
        const index = next++;
        const c = CASES[index]!;
        const tag = `case-${index}`;
        const result = await runAction({
          inputs: { ...baseInputs(tag), [c.input]: c.value },
          event: pullRequestEvent({ action: 'opened', number: PR, headRef: HEAD }),
          githubApiUrl: `${github.url}/${tag}`,
          githubToken: github.tokens.admin,
        });
        results.set(c, result);
      }
    }),
  );
  const sent = standIns.map((s, i) => s.requests.slice(before[i]));
  const total = sent.map((list) => list.length);
  return new Map(
    CASES.map((c, index) => [
      c,
      { result: results.get(c)!, total, own: sent.flatMap((list, i) => list.filter((r) => r.path.startsWith(`/case-${index}/`)).map((r) => `${standIns[i]!.platform} ${r.method} ${r.path}`)) },
    ]),
  );
}

describe('malformed inputs', () => {
  let results: Map<BadInput, Outcome>;

  beforeAll(async () => {
    // The base inputs are valid: one run with them succeeds (and is the only one that calls out).
    const valid = await runAction({ inputs: baseInputs(), event: pullRequestEvent({ action: 'opened', number: PR + 1, headRef: `${HEAD}-ok` }), githubApiUrl: github.url, githubToken: github.tokens.admin });
    expect(valid.code, valid.stdout).toBe(0);
    // And a request sent under a case's prefix is seen: the per-case check can see one.
    const probe = await runAction({ inputs: baseInputs('probe'), event: pullRequestEvent({ action: 'opened', number: PR + 2, headRef: HEAD }), githubApiUrl: `${github.url}/probe`, githubToken: github.tokens.admin });
    expect(probe.code).toBe(1);
    expect(neon.standIn.requests.some((r) => r.path.startsWith('/probe/'))).toBe(true);
    results = await runAll();
  });

  it('covers at least 30 malformed values, each case distinct', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => `${c.input}\u0000${c.value}`)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.input, c.about, c] as const))('%s (%s) fails before any request, naming the input', (input, _about, c) => {
    const { result, total, own } = results.get(c)!;
    expect(result.code, result.stdout).toBe(1);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors, result.stdout).toHaveLength(1);
    const error = errors[0]!;
    expect(error.startsWith(`::error::Input \`${input}\`: `), error).toBe(true);
    if (typeof c.problem === 'string') expect(error).toContain(c.problem);
    else expect(error).toMatch(c.problem);
    // One readable line, never the 10 kB value back, never a token.
    expect(error.length).toBeLessThan(1000);
    expect(leakedSecrets(result, [NEON_KEY, VERCEL_TOKEN, NETLIFY_TOKEN, github.tokens.admin])).toEqual([]);
    expect(own, 'requests this case sent').toEqual([]);
    expect(total, 'requests that reached Neon, Vercel, Netlify, GitHub during the cases').toEqual([0, 0, 0, 0]);
    expect(result.outputs.db_url).toBeUndefined();
  });
});
