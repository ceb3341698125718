// The GitHub stand-in behaves like GitHub where the action depends on it: token permissions,
// case-insensitive environments, sealed-box secrets, variable conflicts, deployments with
// auto_inactive and delete rules, pagination, the secondary rate limit and request validation.
import { getOctokit } from '@actions/github';
import sodium from 'libsodium-wrappers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type GitHubStandInOptions } from '../../sandbox/github.js';

const OWNER = 'octo-org';
const REPO = 'preview-app';
const SHA = 'c0ffee'.padEnd(40, '0');

let gh: GitHubStandIn;

async function start(options: GitHubStandInOptions = {}): Promise<void> {
  gh = await startGitHubStandIn(options);
}

function client(token: string = gh.tokens.admin) {
  return getOctokit(token, { baseUrl: gh.url });
}

/** The status of a rejected Octokit call. */
async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    return (error as { status: number }).status;
  }
  throw new Error('the call succeeded');
}

async function seal(value: string, key: string): Promise<string> {
  await sodium.ready;
  return sodium.to_base64(sodium.crypto_box_seal(value, sodium.from_base64(key, sodium.base64_variants.ORIGINAL)), sodium.base64_variants.ORIGINAL);
}

const deploymentBody = { owner: OWNER, repo: REPO, ref: SHA, environment: 'pr-1', auto_merge: false, required_contexts: [] as string[], transient_environment: true, production_environment: false };

afterEach(async () => {
  await gh?.stop();
});

describe('GitHub stand-in: tokens', () => {
  beforeEach(() => start());

  it('refuses environments, their secrets and variables to a GITHUB_TOKEN-like token, as GitHub does', async () => {
    gh.seedEnvironment('pr-1');
    const octokit = client(gh.tokens.actions);
    const env = { owner: OWNER, repo: REPO, environment_name: 'pr-1' };
    for (const call of [
      () => octokit.rest.repos.createOrUpdateEnvironment({ owner: OWNER, repo: REPO, environment_name: 'pr-2' }),
      () => octokit.rest.repos.deleteAnEnvironment(env),
      () => octokit.rest.actions.getEnvironmentPublicKey(env),
      () => octokit.rest.actions.listEnvironmentSecrets(env),
      () => octokit.rest.actions.createEnvironmentVariable({ ...env, name: 'A', value: 'b' }),
    ]) {
      expect(await statusOf(call())).toBe(403);
    }
    const error = await octokit.rest.actions.listEnvironmentVariables(env).catch((e: unknown) => e as { response: { data: unknown } });
    expect((error as { response: { data: unknown } }).response.data).toMatchObject({
      message: 'Resource not accessible by integration',
      documentation_url: expect.stringContaining('docs.github.com'),
    });
    expect(gh.environments().map((e) => e.name)).toEqual(['pr-1']);
  });

  it('lets that token create deployments, statuses and comments', async () => {
    const octokit = client(gh.tokens.actions);
    const { status, data } = await octokit.rest.repos.createDeployment(deploymentBody);
    expect(status).toBe(201);
    const id = (data as { id: number }).id;
    expect((await octokit.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: id, state: 'success' })).status).toBe(201);
    expect((await octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'hello' })).status).toBe(201);
    expect(gh.deployments()).toMatchObject([{ id, creator: 'github-actions[bot]', state: 'success' }]);
    expect(gh.comments(1)).toEqual([expect.objectContaining({ body: 'hello', creator: 'github-actions[bot]' })]);
  });

  it('answers 401 to an unknown token and 404 for another repository', async () => {
    expect(await statusOf(client('ghp_wrong').rest.repos.listDeployments({ owner: OWNER, repo: REPO }))).toBe(401);
    expect(await statusOf(client().rest.repos.listDeployments({ owner: OWNER, repo: 'other' }))).toBe(404);
  });
});

describe('GitHub stand-in: environments, secrets, variables', () => {
  beforeEach(() => start());

  it('creates environments idempotently with case-insensitive names, and deleting one takes its values', async () => {
    const octokit = client();
    const first = await octokit.rest.repos.createOrUpdateEnvironment({ owner: OWNER, repo: REPO, environment_name: 'pr-1' });
    const again = await octokit.rest.repos.createOrUpdateEnvironment({ owner: OWNER, repo: REPO, environment_name: 'PR-1' });
    expect(again.data.id).toBe(first.data.id);
    expect(first.data.html_url).toBe(`https://github.com/${OWNER}/${REPO}/deployments/activity_log?environments_filter=pr-1`);
    gh.seedEnvironment('pr-1', { secrets: { S: 'x' }, variables: { V: 'y' } });
    expect((await octokit.rest.repos.deleteAnEnvironment({ owner: OWNER, repo: REPO, environment_name: 'Pr-1' })).status).toBe(204);
    expect(gh.environments()).toEqual([]);
    expect(await statusOf(octokit.rest.repos.getEnvironment({ owner: OWNER, repo: REPO, environment_name: 'pr-1' }))).toBe(404);
    expect(await statusOf(octokit.rest.actions.listEnvironmentVariables({ owner: OWNER, repo: REPO, environment_name: 'pr-1' }))).toBe(404);
    // Recreated, it is empty.
    gh.seedEnvironment('pr-1');
    expect(gh.variables('pr-1')).toEqual({});
    expect(gh.secretPlaintext('pr-1', 'S')).toBeUndefined();
  });

  it('opens sealed boxes made with the public key, and refuses what does not open or uses another key', async () => {
    const octokit = client();
    gh.seedEnvironment('pr-1');
    const env = { owner: OWNER, repo: REPO, environment_name: 'pr-1' };
    const { data: key } = await octokit.rest.actions.getEnvironmentPublicKey(env);
    await sodium.ready;
    expect(sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL)).toHaveLength(32);

    const created = await octokit.rest.actions.createOrUpdateEnvironmentSecret({
      ...env,
      secret_name: 'database_url',
      encrypted_value: await seal('postgres://a:b@h/db', key.key),
      key_id: key.key_id,
    });
    expect(created.status).toBe(201);
    const updated = await octokit.rest.actions.createOrUpdateEnvironmentSecret({
      ...env,
      secret_name: 'DATABASE_URL',
      encrypted_value: await seal('postgres://a:c@h/db', key.key),
      key_id: key.key_id,
    });
    expect(updated.status).toBe(204);
    expect(gh.secretPlaintext('pr-1', 'DATABASE_URL')).toBe('postgres://a:c@h/db');
    expect((await octokit.rest.actions.listEnvironmentSecrets(env)).data.secrets.map((s) => s.name)).toEqual(['DATABASE_URL']);

    // Valid base64 that is not a sealed box for this key.
    const otherKey = sodium.to_base64(sodium.crypto_box_keypair().publicKey, sodium.base64_variants.ORIGINAL);
    expect(await statusOf(octokit.rest.actions.createOrUpdateEnvironmentSecret({ ...env, secret_name: 'X', encrypted_value: await seal('v', otherKey), key_id: key.key_id }))).toBe(422);
    expect(await statusOf(octokit.rest.actions.createOrUpdateEnvironmentSecret({ ...env, secret_name: 'X', encrypted_value: await seal('v', key.key), key_id: 'nope' }))).toBe(422);
    // A rotated key refuses boxes sealed for the old one.
    gh.rotateKey('pr-1');
    expect(await statusOf(octokit.rest.actions.createOrUpdateEnvironmentSecret({ ...env, secret_name: 'X', encrypted_value: await seal('v', key.key), key_id: key.key_id }))).toBe(422);
    expect(gh.secretPlaintext('pr-1', 'X')).toBeUndefined();
  });

  it('keeps variables like GitHub: 409 on a duplicate create, 404 on a missing update or delete, names case-insensitive', async () => {
    const octokit = client();
    gh.seedEnvironment('pr-1');
    const env = { owner: OWNER, repo: REPO, environment_name: 'pr-1' };
    expect((await octokit.rest.actions.createEnvironmentVariable({ ...env, name: 'pghost', value: 'h1' })).status).toBe(201);
    expect(await statusOf(octokit.rest.actions.createEnvironmentVariable({ ...env, name: 'PGHOST', value: 'h2' }))).toBe(409);
    expect(await statusOf(octokit.rest.actions.updateEnvironmentVariable({ ...env, name: 'MISSING', value: 'x' }))).toBe(404);
    expect((await octokit.rest.actions.updateEnvironmentVariable({ ...env, name: 'PGHOST', value: 'h3' })).status).toBe(204);
    expect(gh.variables('pr-1')).toEqual({ PGHOST: 'h3' });
    expect(await statusOf(octokit.rest.actions.createEnvironmentVariable({ ...env, name: 'GITHUB_X', value: 'x' }))).toBe(422);
    expect((await octokit.rest.actions.deleteEnvironmentVariable({ ...env, name: 'PgHost' })).status).toBe(204);
    expect(await statusOf(octokit.rest.actions.deleteEnvironmentVariable({ ...env, name: 'PGHOST' }))).toBe(404);
  });

  it('paginates lists with per_page, page and a Link header', async () => {
    gh.seedEnvironment('pr-1', { variables: Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`V${String(i).padStart(2, '0')}`, String(i)])) });
    const octokit = client();
    const env = { owner: OWNER, repo: REPO, environment_name: 'pr-1' };
    const first = await octokit.rest.actions.listEnvironmentVariables({ ...env, per_page: 30 });
    expect(first.data.total_count).toBe(35);
    expect(first.data.variables).toHaveLength(30);
    expect(first.headers.link).toMatch(/<[^>]*[?&]page=2[^>]*>; rel="next"/);
    expect(first.headers.link).toMatch(/rel="last"/);
    const second = await octokit.rest.actions.listEnvironmentVariables({ ...env, per_page: 30, page: 2 });
    expect(second.data.variables.map((v) => v.name)).toEqual(['V30', 'V31', 'V32', 'V33', 'V34']);
    expect(second.headers.link).not.toMatch(/rel="next"/);
    // GitHub's largest page for environment variables is 30, and the default 10.
    expect((await octokit.rest.actions.listEnvironmentVariables({ ...env, per_page: 100 })).data.variables).toHaveLength(30);
    expect((await octokit.rest.actions.listEnvironmentVariables(env)).data.variables).toHaveLength(10);
    // Octokit's own paginator follows the links to the end.
    const all = await octokit.paginate(octokit.rest.actions.listEnvironmentVariables, { ...env, per_page: 30 });
    expect(all).toHaveLength(35);
  });
});

describe('GitHub stand-in: environment list', () => {
  beforeEach(() => start());

  it('lists environments with total_count, per_page up to 100 (default 30), page and a Link header', async () => {
    for (let i = 0; i < 130; i++) gh.seedEnvironment(`env-${String(i).padStart(3, '0')}`);
    const octokit = client();
    const repo = { owner: OWNER, repo: REPO };
    const first = await octokit.rest.repos.getAllEnvironments({ ...repo, per_page: 100 });
    expect(first.data.total_count).toBe(130);
    expect(first.data.environments).toHaveLength(100);
    expect(first.data.environments![0]).toMatchObject({ name: 'env-000', id: expect.any(Number), html_url: expect.stringContaining('environments_filter=env-000') });
    expect(first.headers.link).toMatch(/<[^>]*[?&]page=2[^>]*>; rel="next"/);
    const second = await octokit.rest.repos.getAllEnvironments({ ...repo, per_page: 100, page: 2 });
    expect(second.data.environments!.map((e) => e.name)).toEqual(Array.from({ length: 30 }, (_, i) => `env-${100 + i}`));
    expect(second.headers.link).not.toMatch(/rel="next"/);
    expect((await octokit.rest.repos.getAllEnvironments({ ...repo, per_page: 500 })).data.environments).toHaveLength(100);
    expect((await octokit.rest.repos.getAllEnvironments(repo)).data.environments).toHaveLength(30);
    // The GITHUB_TOKEN-like token may not list them either.
    expect(await statusOf(client(gh.tokens.actions).rest.repos.getAllEnvironments(repo))).toBe(403);
    expect(gh.standIn.violations).toEqual([]);
  });
});

describe('GitHub stand-in: deployments', () => {
  it('answers 202 without auto_merge: false and 409 without required_contexts, as with a head behind main and a failing check', async () => {
    await start();
    const octokit = client();
    const merged = await octokit.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: SHA, environment: 'pr-1', required_contexts: [] });
    expect(merged.status).toBe(202);
    expect(await statusOf(octokit.rest.repos.createDeployment({ owner: OWNER, repo: REPO, ref: SHA, environment: 'pr-1', auto_merge: false }))).toBe(409);
    expect(gh.deployments()).toEqual([]);
    const created = await octokit.rest.repos.createDeployment(deploymentBody);
    expect(created.status).toBe(201);
    // Deploying to an environment that does not exist creates it.
    expect(gh.environment('PR-1')?.name).toBe('pr-1');
  });

  it('auto_inactive retires earlier successful non-transient deployments to the same environment, not transient ones', async () => {
    await start();
    const octokit = client();
    const deploy = async (environment: string, transient: boolean): Promise<number> => {
      const { data } = await octokit.rest.repos.createDeployment({ ...deploymentBody, environment, transient_environment: transient });
      const id = (data as { id: number }).id;
      await octokit.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: id, state: 'success', environment_url: 'https://console.neon.tech/x' });
      return id;
    };
    const stable1 = await deploy('staging', false);
    const transient1 = await deploy('pr-1', true);
    const other = await deploy('pr-2', false);
    const stable2 = await deploy('staging', false);
    const transient2 = await deploy('pr-1', true);
    const state = (id: number) => gh.deployments().find((d) => d.id === id)!.state;
    expect(state(stable1)).toBe('inactive');
    expect(
      gh
        .deployments()
        .find((d) => d.id === stable1)!
        .statuses.at(-1)!.creator,
    ).toBe('github');
    expect(state(stable2)).toBe('success');
    expect(state(other)).toBe('success');
    expect([state(transient1), state(transient2)]).toEqual(['success', 'success']);

    // auto_inactive: false leaves the earlier one alone.
    const stable3 = (await octokit.rest.repos.createDeployment({ ...deploymentBody, environment: 'staging', transient_environment: false })).data as { id: number };
    await octokit.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: stable3.id, state: 'success', auto_inactive: false });
    expect(state(stable2)).toBe('success');
  });

  it('can extend auto_inactive to transient deployments', async () => {
    await start({ autoInactiveTransient: true });
    const octokit = client();
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { data } = await octokit.rest.repos.createDeployment(deploymentBody);
      ids.push((data as { id: number }).id);
      await octokit.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: ids[i]!, state: 'success' });
    }
    expect(gh.deployments('pr-1').map((d) => d.state)).toEqual(['inactive', 'success']);
  });

  it('refuses to delete an active deployment unless it is the only one, lists newest first and filters by environment', async () => {
    await start();
    const octokit = client();
    const ids: number[] = [];
    for (const environment of ['pr-1', 'pr-1', 'pr-2']) {
      const { data } = await octokit.rest.repos.createDeployment({ ...deploymentBody, environment });
      ids.push((data as { id: number }).id);
      await octokit.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: ids.at(-1)!, state: 'success' });
    }
    const listed = await octokit.rest.repos.listDeployments({ owner: OWNER, repo: REPO, environment: 'PR-1' });
    expect(listed.data.map((d) => d.id)).toEqual([ids[1], ids[0]]);
    expect(await statusOf(octokit.rest.repos.deleteDeployment({ owner: OWNER, repo: REPO, deployment_id: ids[0]! }))).toBe(422);
    await octokit.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: ids[0]!, state: 'inactive' });
    expect((await octokit.rest.repos.deleteDeployment({ owner: OWNER, repo: REPO, deployment_id: ids[0]! })).status).toBe(204);
    await octokit.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: ids[1]!, state: 'inactive' });
    await octokit.rest.repos.deleteDeployment({ owner: OWNER, repo: REPO, deployment_id: ids[1]! });
    // The last one may go while active.
    expect(gh.deployments().map((d) => d.state)).toEqual(['success']);
    expect((await octokit.rest.repos.deleteDeployment({ owner: OWNER, repo: REPO, deployment_id: ids[2]! })).status).toBe(204);
    expect(await statusOf(octokit.rest.repos.deleteDeployment({ owner: OWNER, repo: REPO, deployment_id: ids[2]! }))).toBe(404);
  });
});

describe('GitHub stand-in: rate limit and request validation', () => {
  beforeEach(() => start());

  it('answers the secondary rate limit with 403 and retry-after, then serves again', async () => {
    gh.rateLimitNext({ retryAfterSeconds: 7 });
    const error = (await client()
      .rest.repos.listDeployments({ owner: OWNER, repo: REPO })
      .catch((e: unknown) => e)) as { status: number; response: { headers: Record<string, string>; data: { message: string } } };
    expect(error.status).toBe(403);
    expect(error.response.headers['retry-after']).toBe('7');
    expect(error.response.data.message).toMatch(/secondary rate limit/);
    expect((await client().rest.repos.listDeployments({ owner: OWNER, repo: REPO })).status).toBe(200);
  });

  it("checks requests against GitHub's published description", async () => {
    gh.seedEnvironment('pr-1');
    const octokit = client();
    const { data } = await octokit.rest.repos.createDeployment(deploymentBody);
    const id = (data as { id: number }).id;
    expect(await statusOf(octokit.rest.repos.createDeploymentStatus({ owner: OWNER, repo: REPO, deployment_id: id, state: 'done' as 'success' }))).toBe(400);
    expect(
      await statusOf(octokit.rest.actions.createOrUpdateEnvironmentSecret({ owner: OWNER, repo: REPO, environment_name: 'pr-1', secret_name: 'S', encrypted_value: 'not base64!', key_id: '1' })),
    ).toBe(400);
    expect(await statusOf(octokit.rest.repos.createDeployment({ ...deploymentBody, auto_merge: 'no' as unknown as boolean }))).toBe(400);
    expect(gh.standIn.violations).toEqual([
      expect.stringMatching(/^POST \/repos\/octo-org\/preview-app\/deployments\/\d+\/statuses: .*state/),
      expect.stringMatching(/^PUT .*\/secrets\/S: .*encrypted_value must match pattern/),
      expect.stringMatching(/^POST \/repos\/octo-org\/preview-app\/deployments: .*auto_merge must be boolean/),
    ]);
  });

  it('serves under /api/v3 like GitHub Enterprise Server', async () => {
    await gh.stop();
    await start({ basePath: '/api/v3', webUrl: 'https://ghes.example.com' });
    expect(gh.url).toMatch(/\/api\/v3$/);
    const { data } = await client().rest.repos.createOrUpdateEnvironment({ owner: OWNER, repo: REPO, environment_name: 'pr-1' });
    expect(data.html_url).toMatch(/^https:\/\/ghes\.example\.com\//);
  });
});
