// The URLs the built action publishes lead to the branch's own data: a copy of the parent taken
// at creation, separate from it afterwards, and gone once the pull request closes. The Neon
// stand-in runs with a real Postgres engine (PGlite) behind every branch.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, runAction } from '../../sandbox/action-runner.js';
import type { GitHubStandIn } from '../../sandbox/github.js';
import type { NeonStandIn } from '../../sandbox/neon.js';
import type { NetlifyStandIn } from '../../sandbox/netlify.js';
import { startPlatforms, type Platforms } from '../../sandbox/platforms.js';
import type { VercelStandIn } from '../../sandbox/vercel.js';

const KEY = 'napi_database_e2e_key_00000000';
const VERCEL_TOKEN = 'vercel_database_e2e_token_000';
const NETLIFY_TOKEN = 'netlify_database_e2e_token_00';
let neon: NeonStandIn;
let github: GitHubStandIn;
let vercel: VercelStandIn;
let netlify: NetlifyStandIn;

let platforms: Platforms;

beforeAll(async () => {
  platforms = await startPlatforms({ neonKey: KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN }, { postgres: true });
  ({ neon, vercel, netlify, github } = platforms);
});
afterAll(() => platforms.stop());

async function sql(url: string, text: string): Promise<Record<string, unknown>[]> {
  // The limit only guards against a hang: PGlite answers from this process, slower on a busy machine.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function parentUrl(): Promise<string> {
  const response = await fetch(`${neon.url}/projects/${neon.projectId}/connection_uri?database_name=neondb&role_name=neondb_owner&branch_id=${neon.defaultBranchId}`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  return ((await response.json()) as { uri: string }).uri;
}

describe('the published URLs', () => {
  it('connect to a copy of the parent that is the branch’s own, and refuse connections once the PR closes', async () => {
    const inputs = platforms.inputs();
    const run = (action: 'opened' | 'closed') =>
      runAction({ inputs, githubApiUrl: github.url, githubToken: github.tokens.actions, event: pullRequestEvent({ action, number: 301, headRef: 'feature/db' }) });

    const opened = await run('opened');
    expect(opened.code, opened.stdout).toBe(0);
    const published = Object.fromEntries(vercel.envs('shop-web').map((e) => [e.key, e.value]));
    expect(published.DATABASE_URL).toBe(opened.outputs.db_url_pooled);
    expect(published.DATABASE_URL_UNPOOLED).toBe(opened.outputs.db_url);

    // Every target holds the same URLs: Netlify's branch values, the GitHub environment's secrets (decrypted by the stand-in).
    for (const key of ['DATABASE_URL', 'DATABASE_URL_UNPOOLED']) {
      expect(netlify.valueOf(key, 'branch', 'feature/db'), `Netlify ${key}`).toBe(published[key]);
      expect(github.secretPlaintext('pr-301', key), `GitHub ${key}`).toBe(published[key]);
    }

    for (const url of [published.DATABASE_URL!, published.DATABASE_URL_UNPOOLED!]) {
      const [version] = await sql(url, 'select version()');
      expect(String(version!.version)).toMatch(/^PostgreSQL \d+/);
      expect(await sql(url, 'select name from products order by id')).toEqual([{ name: 'Espresso cup' }, { name: 'Pour-over kettle' }, { name: 'Burr grinder' }]);
    }

    await sql(published.DATABASE_URL_UNPOOLED!, "insert into products (name, price_cents) values ('Preview-only mug', 999)");
    expect(await sql(published.DATABASE_URL!, 'select count(*)::int as n from products')).toEqual([{ n: 4 }]);
    expect(await sql(await parentUrl(), 'select count(*)::int as n from products')).toEqual([{ n: 3 }]);

    const closed = await run('closed');
    expect(closed.code, closed.stdout).toBe(0);
    for (const url of [published.DATABASE_URL!, published.DATABASE_URL_UNPOOLED!]) {
      await expect(sql(url, 'select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    expect(netlify.vars()).toEqual([]);
    expect(github.environments()).toEqual([]);
    for (const s of [neon, github, vercel, netlify]) expect(s.standIn.violations).toEqual([]);
  });
});
