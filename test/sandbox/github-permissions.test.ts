// The GitHub stand-in's token model: fine-grained permissions per endpoint with GitHub's 403 and
// `x-accepted-github-permissions`, a token that cannot see the repository (404, never 403), the
// repository itself, pull requests as the sweep reads them, and environments on a Free private
// repository.
import { getOctokit } from '@actions/github';
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type GitHubStandInOptions } from '../../sandbox/github.js';

const OWNER = 'octo-org';
const REPO = 'preview-app';
const repo = { owner: OWNER, repo: REPO };
const env = { ...repo, environment_name: 'pr-1' };

let gh: GitHubStandIn;

async function start(options: GitHubStandInOptions = {}): Promise<void> {
  gh = await startGitHubStandIn(options);
}

afterEach(async () => {
  expect(gh.standIn.violations).toEqual([]);
  await gh.stop();
});

const client = (token: string) => getOctokit(token, { baseUrl: gh.url });

interface Refusal {
  status: number;
  message: string;
  documentationUrl: string;
  accepted: string | undefined;
}

/** What GitHub answered to a call that must fail. */
async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; response: { data: { message: string; documentation_url: string }; headers: Record<string, string> } };
    return { status: e.status, message: e.response.data.message, documentationUrl: e.response.data.documentation_url, accepted: e.response.headers['x-accepted-github-permissions'] };
  }
  throw new Error('the call succeeded');
}

const deployment = { ...repo, ref: 'c0ffee'.padEnd(40, '0'), environment: 'pr-1', auto_merge: false, required_contexts: [] as string[], transient_environment: true };

describe('a token that cannot see the repository', () => {
  it('gets 404 Not Found for every repository request, an open pull request included, never 403', async () => {
    await start();
    gh.setPullRequest(7, { state: 'open', headRef: 'feature/x' });
    gh.seedEnvironment('pr-1');
    const outsider = client(gh.tokens.outsider);
    for (const call of [
      () => outsider.rest.repos.get(repo),
      () => outsider.rest.pulls.get({ ...repo, pull_number: 7 }),
      () => outsider.rest.pulls.list({ ...repo, state: 'all' }),
      () => outsider.rest.issues.createComment({ ...repo, issue_number: 7, body: 'hi' }),
      () => outsider.rest.repos.getAllEnvironments(repo),
      () => outsider.rest.repos.listDeployments(repo),
    ]) {
      expect(await refusal(call())).toEqual({ status: 404, message: 'Not Found', documentationUrl: 'https://docs.github.com/rest/repos/repos#get-a-repository', accepted: undefined });
    }
    // The same pull request, read with a token that sees the repository.
    expect((await client(gh.tokens.actions).rest.pulls.get({ ...repo, pull_number: 7 })).data.state).toBe('open');
    expect(gh.comments()).toEqual([]);
  });

  it('is what addToken makes with repositoryAccess: false', async () => {
    await start();
    gh.addToken('github_pat_not_granted', { permissions: { pull_requests: 'write' }, repositoryAccess: false });
    expect((await refusal(client('github_pat_not_granted').rest.pulls.list(repo))).status).toBe(404);
  });
});

describe('the repository', () => {
  it('answers repos.get with full_name, visibility, default branch and the token user’s permissions', async () => {
    await start({ defaultBranch: 'trunk' });
    const { data, headers } = await client(gh.tokens.admin).rest.repos.get(repo);
    expect(data).toMatchObject({ full_name: 'octo-org/preview-app', name: REPO, private: false, visibility: 'public', default_branch: 'trunk', owner: { login: OWNER } });
    expect(data.permissions).toEqual({ admin: true, maintain: true, push: true, triage: true, pull: true });
    expect(headers['x-accepted-github-permissions']).toBe('metadata=read');
    expect((await client(gh.tokens.actions).rest.repos.get(repo)).data.permissions).toMatchObject({ admin: false, push: true });
    expect((await client(gh.tokens.user).rest.repos.get(repo)).data.full_name).toBe('octo-org/preview-app');
    expect((await client(gh.tokens.readonly).rest.repos.get(repo)).data.permissions).toMatchObject({ push: false, pull: true });
    expect((await refusal(client(gh.tokens.admin).rest.repos.get({ owner: OWNER, repo: 'other' }))).status).toBe(404);
  });

  it('says private for a private repository', async () => {
    await start({ repositoryPrivate: true, plan: 'team' });
    expect((await client(gh.tokens.user).rest.repos.get(repo)).data).toMatchObject({ private: true, visibility: 'private' });
  });
});

describe('fine-grained permissions', () => {
  it('lists environments only with Actions: read, even with Administration and Environments: write', async () => {
    await start();
    gh.seedEnvironment('pr-1');
    gh.addToken('github_pat_readme_token', { permissions: { administration: 'write', environments: 'write' } });
    const token = client('github_pat_readme_token');
    expect(await refusal(token.rest.repos.getAllEnvironments(repo))).toEqual({
      status: 403,
      message: 'Resource not accessible by personal access token',
      documentationUrl: 'https://docs.github.com/rest/deployments/environments#list-environments',
      accepted: 'actions=read',
    });
    expect((await refusal(token.rest.repos.getEnvironment(env))).accepted).toBe('actions=read');
    // What it does hold works, and says what it needed.
    const created = await token.rest.repos.createOrUpdateEnvironment({ ...repo, environment_name: 'pr-2' });
    expect(created.headers['x-accepted-github-permissions']).toBe('administration=write');
    expect((await token.rest.actions.getEnvironmentPublicKey(env)).headers['x-accepted-github-permissions']).toBe('environments=read');

    gh.addToken('github_pat_with_actions', { permissions: { actions: 'read', administration: 'write', environments: 'write' } });
    expect((await client('github_pat_with_actions').rest.repos.getAllEnvironments(repo)).data.total_count).toBe(2);
  });

  it('tells read from write, and words an installation token’s refusal "by integration"', async () => {
    await start();
    gh.seedEnvironment('pr-1', { variables: { A: '1' } });
    gh.addToken('ghs_app_installation', { permissions: { environments: 'read' } });
    const app = client('ghs_app_installation');
    expect((await app.rest.actions.listEnvironmentVariables(env)).data.variables).toHaveLength(1);
    expect(await refusal(app.rest.actions.createEnvironmentVariable({ ...env, name: 'B', value: '2' }))).toMatchObject({
      status: 403,
      message: 'Resource not accessible by integration',
      accepted: 'environments=write',
    });
    expect(await refusal(app.rest.repos.deleteAnEnvironment(env))).toMatchObject({ status: 403, accepted: 'administration=write' });
    expect(gh.variables('pr-1')).toEqual({ A: '1' });
  });

  it('takes Issues or Pull requests for comments, and names both when neither is held', async () => {
    await start();
    gh.addToken('github_pat_pulls_only', { permissions: { pull_requests: 'write' } });
    gh.addToken('github_pat_deployments_only', { permissions: { deployments: 'write' } });
    expect((await client('github_pat_pulls_only').rest.issues.createComment({ ...repo, issue_number: 3, body: 'ready' })).status).toBe(201);
    expect(await refusal(client('github_pat_deployments_only').rest.issues.createComment({ ...repo, issue_number: 3, body: 'no' }))).toMatchObject({
      status: 403,
      accepted: 'issues=write; pull_requests=write',
    });
    expect(await refusal(client('github_pat_deployments_only').rest.issues.listComments({ ...repo, issue_number: 3 }))).toMatchObject({ status: 403, accepted: 'issues=read; pull_requests=read' });
    expect((await client('github_pat_deployments_only').rest.repos.createDeployment(deployment)).status).toBe(201);
    expect(gh.comments(3).map((c) => c.body)).toEqual(['ready']);
  });

  it('reads one pull request with Contents or Pull requests, the list with Pull requests only', async () => {
    await start();
    gh.setPullRequest(4, { state: 'closed', headRef: 'feature/done' });
    gh.addToken('github_pat_contents', { permissions: { contents: 'read' } });
    const contents = client('github_pat_contents');
    expect((await contents.rest.pulls.get({ ...repo, pull_number: 4 })).data.state).toBe('closed');
    expect(await refusal(contents.rest.pulls.list(repo))).toMatchObject({ status: 403, accepted: 'pull_requests=read' });
  });

  it('gives the built-in tokens their permissions: the workflow token’s environment 403s name what is needed', async () => {
    await start();
    gh.seedEnvironment('pr-1');
    const actions = client(gh.tokens.actions);
    expect(await refusal(actions.rest.repos.getAllEnvironments(repo))).toMatchObject({ status: 403, message: 'Resource not accessible by integration', accepted: 'actions=read' });
    expect(await refusal(actions.rest.repos.createOrUpdateEnvironment(env))).toMatchObject({ accepted: 'administration=write' });
    expect(await refusal(actions.rest.actions.createEnvironmentVariable({ ...env, name: 'A', value: '1' }))).toMatchObject({ accepted: 'environments=write' });
    expect(await refusal(client(gh.tokens.user).rest.repos.getAllEnvironments(repo))).toMatchObject({ message: 'Resource not accessible by personal access token', accepted: 'actions=read' });
    expect(await refusal(client(gh.tokens.readonly).rest.repos.createDeployment(deployment))).toMatchObject({ status: 403, accepted: 'deployments=write' });
    expect((await client(gh.tokens.readonly).rest.repos.listDeployments(repo)).headers['x-accepted-github-permissions']).toBe('deployments=read');
    expect((await client(gh.tokens.admin).rest.repos.getAllEnvironments(repo)).data.total_count).toBe(1);
  });
});

describe('environments on a private repository', () => {
  it('are refused on the Free plan, with GitHub’s upgrade message; a deployment still lands, creating no environment', async () => {
    await start({ repositoryPrivate: true });
    const admin = client(gh.tokens.admin);
    const upgrade = { status: 403, message: 'Upgrade to GitHub Pro or make this repository public to enable this feature.' };
    expect(await refusal(admin.rest.repos.createOrUpdateEnvironment(env))).toMatchObject({ ...upgrade, accepted: 'administration=write' });
    expect(await refusal(admin.rest.repos.getAllEnvironments(repo))).toMatchObject(upgrade);
    expect(await refusal(admin.rest.actions.getEnvironmentPublicKey(env))).toMatchObject(upgrade);
    const { status } = await admin.rest.repos.createDeployment(deployment);
    expect(status).toBe(201);
    expect(gh.deployments('pr-1')).toHaveLength(1);
    expect(gh.environments()).toEqual([]);
    // A token without the permission hears about the permission first.
    expect(await refusal(client(gh.tokens.actions).rest.repos.getAllEnvironments(repo))).toMatchObject({ message: 'Resource not accessible by integration' });
  });

  it('work on a paid plan, and on a public repository of a Free plan', async () => {
    for (const options of [
      { repositoryPrivate: true, plan: 'pro' as const },
      { repositoryPrivate: true, plan: 'team' as const },
      { repositoryPrivate: false, plan: 'free' as const },
    ]) {
      await start(options);
      expect((await client(gh.tokens.admin).rest.repos.createOrUpdateEnvironment(env)).status).toBe(200);
      expect(gh.environment('pr-1')).toBeDefined();
      await gh.stop();
    }
    await start();
  });
});

describe('pull requests', () => {
  it('carry the head repository (a fork’s), the author, the base and whether they were merged', async () => {
    await start();
    gh.setPullRequest(9, { state: 'open', headRef: 'patch-1', headRepository: 'someone/preview-app', author: 'someone', headSha: 'f'.repeat(40) });
    gh.setPullRequest(10, { state: 'open', headRef: 'dependabot/npm/x-1.2.3', author: 'dependabot[bot]' });
    gh.setPullRequest(11, { state: 'closed', headRef: 'feature/merged', merged: true });
    const octokit = client(gh.tokens.actions);
    const fork = (await octokit.rest.pulls.get({ ...repo, pull_number: 9 })).data;
    expect(fork).toMatchObject({
      head: { ref: 'patch-1', sha: 'f'.repeat(40), label: 'someone:patch-1', repo: { full_name: 'someone/preview-app', fork: true } },
      base: { ref: 'main', repo: { full_name: 'octo-org/preview-app' } },
      user: { login: 'someone' },
    });
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 10 })).data).toMatchObject({
      user: { login: 'dependabot[bot]', type: 'Bot' },
      head: { repo: { full_name: 'octo-org/preview-app', fork: false } },
    });
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 11 })).data).toMatchObject({ state: 'closed', merged: true, merged_at: expect.any(String) });
    // The list filters by head as `owner:branch`, the fork's owner for a fork.
    expect((await octokit.rest.pulls.list({ ...repo, head: 'someone:patch-1' })).data.map((p) => p.number)).toEqual([9]);
    expect((await octokit.rest.pulls.list({ ...repo, head: 'octo-org:patch-1' })).data).toEqual([]);
  });
});
