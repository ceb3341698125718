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
  problem: string;
  /** What the case is about, for the test name. */
  about: string;
}

// A few of the malformed values test/unit/bad-inputs.test.ts holds, one of each kind: the built
// action must refuse them as the parser does, before its first request.
const CASES: BadInput[] = [
  { input: 'neon_api_key', value: '', problem: 'is required', about: 'empty' },
  { input: 'timeout', value: 'abc', problem: 'is not a positive number of seconds', about: 'not a number' },
  { input: 'neon_project_id', value: '$(id)', problem: 'is not a Neon project id', about: 'command substitution' },
  { input: 'branch_name', value: 'pr-{pr}\nx', problem: 'must be one line', about: 'newline in the template' },
  { input: 'neon_api_key', value: 'napi_first\nsecond', problem: 'contains a line break', about: 'a wrapped token' },
  { input: 'head_ref', value: 'h'.repeat(TEN_KB), problem: 'is not a git branch name: it is longer than 250 characters', about: '10 kB' },
  { input: 'pr_number', value: '9999999999', problem: 'from 1 to 2147483647', about: 'past 32 bits' },
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
    const valid = await runAction({
      inputs: baseInputs(),
      event: pullRequestEvent({ action: 'opened', number: PR + 1, headRef: `${HEAD}-ok` }),
      githubApiUrl: github.url,
      githubToken: github.tokens.admin,
    });
    expect(valid.code, valid.stdout).toBe(0);
    // And a request sent under a case's prefix is seen: the per-case check can see one.
    const probe = await runAction({
      inputs: baseInputs('probe'),
      event: pullRequestEvent({ action: 'opened', number: PR + 2, headRef: HEAD }),
      githubApiUrl: `${github.url}/probe`,
      githubToken: github.tokens.admin,
    });
    expect(probe.code).toBe(1);
    expect(neon.standIn.requests.some((r) => r.path.startsWith('/probe/'))).toBe(true);
    results = await runAll();
  });

  it.each(CASES.map((c) => [c.input, c.about, c] as const))('%s (%s) fails before any request, naming the input', (input, _about, c) => {
    const { result, total, own } = results.get(c)!;
    expect(result.code, result.stdout).toBe(1);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors, result.stdout).toHaveLength(1);
    const error = errors[0]!;
    expect(error.startsWith(`::error::Input \`${input}\`: `), error).toBe(true);
    expect(error).toContain(c.problem);
    // One readable line, never the 10 kB value back, never a token.
    expect(error.length).toBeLessThan(1000);
    expect(leakedSecrets(result, [NEON_KEY, VERCEL_TOKEN, NETLIFY_TOKEN, github.tokens.admin])).toEqual([]);
    expect(own, 'requests this case sent').toEqual([]);
    expect(total, 'requests that reached Neon, Vercel, Netlify, GitHub during the cases').toEqual([0, 0, 0, 0]);
    expect(result.outputs.db_url).toBeUndefined();
  });
});
