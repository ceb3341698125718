// Targets publish side by side: one that fails does not stop the others, and the run fails once
// they have all finished, naming each failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakedSecrets, pullRequestEvent, runAction } from '../../sandbox/action-runner.js';
import { startPlatforms, type Platforms } from '../../sandbox/platforms.js';

const NEON_KEY = 'napi_targets_e2e_key_000000000';
const VERCEL_TOKEN = 'vercel_targets_e2e_token_0000';
const NETLIFY_TOKEN = 'netlify_targets_e2e_token_000';

let p: Platforms;

beforeAll(async () => {
  p = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN });
});
afterAll(() => p.stop());

function inputs(extra: Record<string, string>): Record<string, string> {
  return p.inputs({ timeout: '60', ...extra });
}

describe('targets side by side', () => {
  it('a failing target fails the run after the others have published, naming each failure', async () => {
    const head = 'feature/targets-1';
    // Vercel: a project that does not exist; GitHub: the workflow's default token (may not manage environments).
    const result = await runAction({
      inputs: inputs({ vercel_project: 'no-such-project', github_token: p.github.tokens.actions }),
      githubApiUrl: p.github.url,
      githubToken: p.github.tokens.actions,
      event: pullRequestEvent({ action: 'opened', number: 701, headRef: head }),
    });
    expect(result.code).toBe(1);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Vercel: .*HTTP 404/);
    expect(errors[0]).toMatch(/GitHub: .*HTTP 403/);
    expect(errors[0]).not.toMatch(/Netlify/);
    // Netlify, which works, has every value for the branch, equal to the run's outputs.
    expect(p.netlify.valueOf('DATABASE_URL', 'branch', head)).toBe(result.outputs.db_url_pooled);
    expect(p.netlify.valueOf('PGPASSWORD', 'branch', head)).toBe(result.outputs.password);
    expect(
      p.netlify
        .vars()
        .filter((v) => v.values.some((x) => x.context_parameter === head))
        .map((v) => v.key)
        .sort(),
    ).toEqual(['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGDATABASE', 'PGHOST', 'PGHOST_UNPOOLED', 'PGPASSWORD', 'PGUSER']);
    expect(p.neon.branchByName('preview/pr-701')).toBeDefined();
    expect(leakedSecrets(result, [result.outputs.db_url!, result.outputs.db_url_pooled!, result.outputs.password!])).toEqual([]);
  });
});
