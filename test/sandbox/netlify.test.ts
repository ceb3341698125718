// The Netlify stand-in behaves like Netlify: keys holding values per context, secrets that
// cannot be read back, the destructive PUT, deletions by value id, builds, rate limits, and a
// check of every request against Netlify's own description.
import { NetlifyAPI } from '@netlify/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNetlifyStandIn, type NetlifyStandIn } from '../../sandbox/netlify.js';

const TOKEN = 'netlify-test-token';

let netlify: NetlifyStandIn;

interface Reply {
  status: number;
  contentType: string | null;
  headers: Headers;
  body: unknown;
}

async function api(method: string, path: string, options: { body?: unknown; token?: string | null; query?: Record<string, string> } = {}): Promise<Reply> {
  const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
  const headers: Record<string, string> = {};
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${netlify.url}${path}${query}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const env = (key = ''): string => `/accounts/${netlify.accountId}/env${key ? `/${key}` : ''}`;
const site = (): Record<string, string> => ({ site_id: netlify.siteId });
const branchValue = (branch: string, value: string) => ({ context: 'branch', context_parameter: branch, value });

describe('Netlify stand-in', () => {
  beforeEach(async () => {
    netlify = await startNetlifyStandIn();
  });
  afterEach(async () => {
    await netlify.stop();
  });

  it('serves under /api/v1 the site with its account, and refuses unknown tokens and sites', async () => {
    expect(netlify.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    const ok = await api('GET', `/sites/${netlify.siteId}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      id: netlify.siteId,
      name: 'neon-preview-demo',
      account_id: netlify.accountId,
      account_slug: netlify.accountSlug,
      admin_url: 'https://app.netlify.com/sites/neon-preview-demo',
    });
    expect((await api('GET', `/sites/${netlify.siteId}`, { token: null })).status).toBe(401);
    expect((await api('GET', `/sites/${netlify.siteId}`, { token: 'wrong' })).status).toBe(401);
    const missing = await api('GET', '/sites/no-such-site');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 404, message: 'Not Found' });
  });

  it('creates keys with values per context, by account id or slug, and refuses to create a key that exists', async () => {
    const created = await api('POST', env(), { query: site(), body: [{ key: 'DATABASE_URL', values: [branchValue('feature/a', 'postgres://a')] }] });
    expect(created.status).toBe(201);
    const [first] = created.body as { key: string; values: { id: string; context: string; context_parameter: string; value: string }[] }[];
    expect(first!.values).toEqual([{ id: expect.any(String), context: 'branch', context_parameter: 'feature/a', value: 'postgres://a' }]);

    const again = await api('POST', `/accounts/${netlify.accountSlug}/env`, { query: site(), body: [{ key: 'DATABASE_URL', values: [branchValue('feature/b', 'postgres://b')] }] });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ code: 400, message: 'Environment variable DATABASE_URL already exists' });
    expect(netlify.variable('DATABASE_URL')!.values.map((v) => v.context_parameter)).toEqual(['feature/a']);

    expect((await api('POST', '/accounts/someone-else/env', { query: site(), body: [{ key: 'X', values: [] }] })).status).toBe(404);
    expect((await api('POST', env(), { query: site(), body: [{ key: 'Y', values: [{ context: 'branch', value: 'no branch' }] }] })).status).toBe(400);
  });

  it('answers a create of an existing key with the configured status', async () => {
    await netlify.stop();
    netlify = await startNetlifyStandIn({ keyExistsStatus: 422 });
    netlify.setValue('PGHOST', { context: 'production', value: 'prod-host' });
    expect((await api('POST', env(), { query: site(), body: [{ key: 'PGHOST', values: [] }] })).status).toBe(422);
  });

  it('PATCH sets one context value on an existing key and leaves the others; it needs the key', async () => {
    const production = netlify.setValue('PGHOST', { context: 'production', value: 'prod-host' });
    const first = await api('PATCH', env('PGHOST'), { query: site(), body: branchValue('feature/a', 'host-a') });
    expect(first.status).toBe(201);
    await api('PATCH', env('PGHOST'), { query: site(), body: branchValue('feature/b', 'host-b') });
    const id = netlify.variable('PGHOST')!.values.find((v) => v.context_parameter === 'feature/a')!.id;
    const replaced = await api('PATCH', env('PGHOST'), { query: site(), body: branchValue('feature/a', 'host-a2') });
    expect(replaced.status).toBe(201);

    const values = netlify.variable('PGHOST')!.values;
    expect(values).toHaveLength(3);
    expect(values.find((v) => v.id === production)!.value).toBe('prod-host');
    expect(values.find((v) => v.id === id)!.value).toBe('host-a2');
    expect(netlify.valueOf('PGHOST', 'branch', 'feature/b')).toBe('host-b');

    const missing = await api('PATCH', env('NO_SUCH_KEY'), { query: site(), body: branchValue('feature/a', 'x') });
    expect(missing.status).toBe(404);
    expect(netlify.variable('NO_SUCH_KEY')).toBeUndefined();
  });

  it('PUT replaces every value of a key, and is recorded', async () => {
    netlify.setValue('PGHOST', { context: 'production', value: 'prod-host' });
    netlify.setValue('PGHOST', { context: 'branch', contextParameter: 'feature/b', value: 'host-b' });
    const put = await api('PUT', env('PGHOST'), { query: site(), body: { key: 'PGHOST', values: [branchValue('feature/a', 'host-a')] } });
    expect(put.status).toBe(200);
    expect(netlify.variable('PGHOST')!.values.map((v) => v.value)).toEqual(['host-a']);
    expect(netlify.puts()).toHaveLength(1);
    expect(netlify.puts()[0]).toMatchObject({ method: 'PUT', path: '/accounts/' + netlify.accountId + '/env/PGHOST' });
  });

  it('never shows the values of a secret key except the dev one, in reads and in write answers', async () => {
    const created = await api('POST', env(), {
      query: site(),
      body: [
        { key: 'DATABASE_URL', is_secret: true, scopes: ['builds', 'functions', 'runtime'], values: [branchValue('feature/a', 'postgres://secret-a'), { context: 'dev', value: 'postgres://local' }] },
      ],
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('secret-a');
    const patched = await api('PATCH', env('DATABASE_URL'), { query: site(), body: branchValue('feature/b', 'postgres://secret-b') });
    expect(JSON.stringify(patched.body)).not.toContain('secret-b');

    const list = await api('GET', env(), { query: site() });
    const one = await api('GET', env('DATABASE_URL'), { query: site() });
    for (const shown of [(list.body as unknown[])[0], one.body] as { is_secret: boolean; values: Record<string, string>[] }[]) {
      expect(shown.is_secret).toBe(true);
      expect(shown.values.find((v) => v.context === 'dev')!.value).toBe('postgres://local');
      const branch = shown.values.filter((v) => v.context === 'branch');
      expect(branch.map((v) => v.context_parameter).sort()).toEqual(['feature/a', 'feature/b']);
      for (const v of branch) {
        expect(v.id).toEqual(expect.any(String));
        expect(v).not.toHaveProperty('value');
      }
    }
    // The test's own view holds the values.
    expect(netlify.valueOf('DATABASE_URL', 'branch', 'feature/b')).toBe('postgres://secret-b');
  });

  it('keeps secrets out of post-processing and refuses custom scopes on the starter plan', async () => {
    const secretWithoutScopes = await api('POST', env(), { query: site(), body: [{ key: 'A', is_secret: true, values: [branchValue('x', '1')] }] });
    expect(secretWithoutScopes.status).toBe(400);
    const plainWithScopes = await api('POST', env(), { query: site(), body: [{ key: 'B', scopes: ['builds'], values: [branchValue('x', '1')] }] });
    expect(plainWithScopes.status).toBe(403);
    expect(plainWithScopes.body).toEqual({ code: 403, message: 'Upgrade your Netlify account to set specific scopes' });
    const plain = await api('POST', env(), { query: site(), body: [{ key: 'C', values: [branchValue('x', '1')] }] });
    expect(plain.status).toBe(201);
    expect(netlify.variable('C')!.scopes).toEqual(['builds', 'functions', 'runtime', 'post-processing']);
    expect(netlify.vars().map((v) => v.key)).toEqual(['C']);

    await netlify.stop();
    netlify = await startNetlifyStandIn({ plan: 'pro' });
    expect((await api('POST', env(), { query: site(), body: [{ key: 'B', scopes: ['builds'], values: [] }] })).status).toBe(201);
    expect((await api('POST', env(), { query: site(), body: [{ key: 'A', is_secret: true, scopes: ['runtime', 'post-processing'], values: [] }] })).status).toBe(400);
  });

  it('deletes one value by id and a whole key, with a 204 that carries no content type', async () => {
    netlify.setValue('PGHOST', { context: 'production', value: 'prod-host' });
    const id = netlify.setValue('PGHOST', { context: 'branch', contextParameter: 'feature/a', value: 'host-a' });
    const deleted = await api('DELETE', `${env('PGHOST')}/value/${id}`, { query: site() });
    expect(deleted.status).toBe(204);
    expect(deleted.contentType).toBeNull();
    expect(netlify.variable('PGHOST')!.values.map((v) => v.context)).toEqual(['production']);
    expect((await api('DELETE', `${env('PGHOST')}/value/${id}`, { query: site() })).status).toBe(404);

    const onlyValue = netlify.variable('PGHOST')!.values[0]!.id;
    await api('DELETE', `${env('PGHOST')}/value/${onlyValue}`, { query: site() });
    expect(netlify.variable('PGHOST')).toMatchObject({ key: 'PGHOST', values: [] });

    const key = await api('DELETE', env('PGHOST'), { query: site() });
    expect(key.status).toBe(204);
    expect(key.contentType).toBeNull();
    expect(netlify.variable('PGHOST')).toBeUndefined();
    expect((await api('DELETE', env('PGHOST'), { query: site() })).status).toBe(404);
  });

  it('records builds: a branch build is a branch deploy whose deploy is served with its URLs', async () => {
    const build = await api('POST', `/sites/${netlify.siteId}/builds`, { query: { branch: 'feature/a' } });
    expect(build.status).toBe(200);
    const { id, deploy_id } = build.body as { id: string; deploy_id: string };
    expect(netlify.builds()).toEqual([{ id, deploy_id, branch: 'feature/a', context: 'branch-deploy', created_at: expect.any(String) }]);
    const deploy = await api('GET', `/deploys/${deploy_id}`);
    expect(deploy.body).toMatchObject({
      id: deploy_id,
      branch: 'feature/a',
      context: 'branch-deploy',
      deploy_ssl_url: `https://${deploy_id}--neon-preview-demo.netlify.app`,
      admin_url: `https://app.netlify.com/sites/neon-preview-demo/deploys/${deploy_id}`,
    });

    await api('POST', `/sites/${netlify.siteId}/builds`, { query: { branch: 'main' } });
    expect(netlify.builds()[1]!.context).toBe('production');
    expect((await api('GET', '/deploys/nope')).status).toBe(404);
  });

  it('answers 429 with X-RateLimit-Reset in Unix seconds, when told to or past its rate limit', async () => {
    netlify.rateLimitNext(1, 1);
    const sent = Date.now();
    const limited = await api('GET', `/sites/${netlify.siteId}`);
    const answered = Date.now();
    expect(limited.status).toBe(429);
    // A second from the answer, in whole seconds: after the request left, at most 2 s after the answer came.
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset * 1000).toBeGreaterThan(sent);
    expect(reset * 1000).toBeLessThanOrEqual(answered + 2000);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await api('GET', `/sites/${netlify.siteId}`)).status).toBe(200);

    await netlify.stop();
    // An hour-long window, so the three requests cannot straddle two windows.
    netlify = await startNetlifyStandIn({ rateLimit: { limit: 2, windowSeconds: 3600 } });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await api('GET', `/sites/${netlify.siteId}`));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(replies.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['1', '0', '0']);
    expect(replies.map((r) => r.headers.get('x-ratelimit-limit'))).toEqual(['2', '2', '2']);
    expect(Number(replies[2]!.headers.get('x-ratelimit-reset')) % 3600).toBe(0);
    expect(replies[2]!.body).toEqual({ code: 429, message: 'Too Many Requests' });
  });

  it('checks requests against Netlify’s description: a bad one is a 400 and a recorded violation', async () => {
    const bad = await api('PATCH', env('PGHOST'), { query: site(), body: { context: 'preview', value: 'x' } });
    expect(bad.status).toBe(400);
    expect(netlify.standIn.violations).toEqual([expect.stringContaining('PATCH /accounts/')]);
    expect(netlify.standIn.violations[0]).toContain('context must be equal to one of the allowed values');

    // getSiteEnvVars: the description's path already holds /api/v1, so the client asks for
    // /api/v1/api/v1/sites/{id}/env, which Netlify does not serve.
    expect((await api('GET', `/api/v1/sites/${netlify.siteId}/env`)).status).toBe(404);
    // The real path is not in the description at all.
    expect((await api('GET', `/sites/${netlify.siteId}/env`)).status).toBe(400);
    expect(netlify.standIn.violations).toHaveLength(2);
  });

  it('works with @netlify/api itself, including an empty 204', async () => {
    const host = new URL(netlify.url).host;
    const client = new NetlifyAPI(TOKEN, { scheme: 'http', host, pathPrefix: '/api/v1' });
    const got = (await client.getSite({ site_id: netlify.siteId })) as { account_id: string };
    expect(got.account_id).toBe(netlify.accountId);
    await client.createEnvVars({ accountId: netlify.accountId, siteId: netlify.siteId, body: [{ key: 'PGHOST', values: [{ context: 'branch', context_parameter: 'feature/a', value: 'host-a' }] }] });
    const id = netlify.variable('PGHOST')!.values[0]!.id;
    await expect(client.deleteEnvVarValue({ accountId: netlify.accountId, key: 'PGHOST', id, siteId: netlify.siteId })).resolves.toBe('');
    expect(netlify.variable('PGHOST')!.values).toEqual([]);
    expect(netlify.standIn.violations).toEqual([]);
  });
});
