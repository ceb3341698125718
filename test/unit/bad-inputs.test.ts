// Every malformed value the action refuses, through parseSettings with all three targets
// configured: each fails naming the input, on one line of readable length, never showing a token.
// The end-to-end test (test/e2e/bad-inputs.test.ts) runs a few of these through the built action.
import { describe, expect, it, vi } from 'vitest';

vi.mock('@actions/core', async (importOriginal) => ({ ...(await importOriginal<typeof import('@actions/core')>()), setSecret: vi.fn() }));

const { InputError, parseSettings } = await import('../../src/inputs.js');

const TOKENS = {
  neon_api_key: 'napi_bad_inputs_key_0000000000',
  vercel_token: 'vercel_bad_inputs_token_00000',
  netlify_token: 'netlify_bad_inputs_token_0000',
  github_token: 'ghs_bad_inputs_token_000000000',
};
const BASE: Record<string, string> = {
  ...TOKENS,
  neon_project_id: 'young-sound-123456',
  targets: 'vercel netlify github',
  vercel_project: 'shop-web',
  netlify_site_id: 'site-1',
};
const TEN_KB = 10 * 1024;
const EVENT = {
  eventName: 'pull_request',
  repository: 'acme/shop',
  apiUrl: 'https://api.github.com',
  payload: {
    action: 'opened',
    number: 900,
    pull_request: { number: 900, head: { ref: 'feature/bad-inputs', sha: 'a'.repeat(40), repo: { full_name: 'acme/shop' } }, base: { repo: { full_name: 'acme/shop' } } },
  },
};

interface BadInput {
  /** The input the error must name. */
  input: string;
  value: string;
  /** Part of the problem the message states. */
  problem: string;
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

describe('malformed inputs', () => {
  it('the base inputs are valid', () => {
    expect(parseSettings((name) => BASE[name] ?? '', EVENT).command).toBe('create');
  });

  it.each(CASES.map((c) => [c.input, c.about, c] as const))('%s (%s) fails naming the input', (input, _about, c) => {
    const all = { ...BASE, [c.input]: c.value };
    let error: unknown;
    try {
      parseSettings((name) => all[name] ?? '', EVENT);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message.startsWith(`Input \`${input}\`: `), message).toBe(true);
    expect(message).toContain(c.problem);
    // One readable line, never the 10 kB value back, never a token.
    expect(message).not.toMatch(/[\n\r]/);
    expect(message.length).toBeLessThan(1000);
    for (const token of Object.values(TOKENS)) expect(message).not.toContain(token);
  });
});
