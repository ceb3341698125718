// What the github target tells a user whose token or plan GitHub refuses, against the GitHub
// stand-in (which answers each endpoint's missing permission with 403 and the header
// `x-accepted-github-permissions`, as GitHub does): each 403 names the permission that request
// needs and which token can never have it; environments refused on a private repository of the
// Free plan say so; the table the messages fall back on agrees with GitHub's permission data and
// covers every request the target makes.
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type GitHubStandInOptions, type PermissionSet } from '../../sandbox/github.js';
import { ALL_WRITE, requirementOf } from '../../sandbox/github/permissions.js';
import type { RecordedRequest } from '../../sandbox/server.js';
import type { Settings } from '../../src/inputs.js';
import { acceptedSets, REQUESTS } from '../../src/targets/github/permissions.js';
import type { BranchRef } from '../../src/targets/target.js';
import { resolveVariables } from '../../src/variables.js';
import { githubSettings, githubTargetOf, REPOSITORY } from './github-harness.js';

const BRANCH: BranchRef = { id: 'br-1', name: 'preview/pr-42', consoleUrl: 'https://console.neon.tech/app/projects/p/branches/br-1' };
const DETAILS = {
  branchId: 'br-1',
  branchName: 'preview/pr-42',
  database: 'neondb',
  role: 'neondb_owner',
  password: 'pw-perm',
  directUrl: 'postgresql://neondb_owner:pw-perm@ep-1.neon.tech/neondb',
  pooledUrl: 'postgresql://neondb_owner:pw-perm@ep-1-pooler.neon.tech/neondb',
  directHost: 'ep-1.neon.tech',
  pooledHost: 'ep-1-pooler.neon.tech',
};
/** The second sentence of every refusal on environments: what the target needs, and from whom. */
const targetNeeds = (workflowToken: boolean) =>
  'The github target needs a fine-grained personal access token or GitHub App token with Actions: read, Administration: write, Environments: write and Deployments: write ' +
  `(a classic token needs the repo scope${workflowToken ? "; the workflow's GITHUB_TOKEN can never manage environments" : ''}): store it as a secret and pass it as \`github_token: \${{ secrets.NEON_PREVIEW_GITHUB_TOKEN }}\``;
/** After a permission the workflow's token can have (Actions), the sentence says it cannot manage environments. */
const TARGET_NEEDS = targetNeeds(true);
/** After one it can never have, that was said already. */
const NEVER = "and which the workflow's GITHUB_TOKEN can never have";
const NEVER_NEEDS = targetNeeds(false);

let gh: GitHubStandIn;

afterEach(async () => {
  await gh?.stop();
});

async function start(options: GitHubStandInOptions = {}): Promise<void> {
  gh = await startGitHubStandIn(options);
}

/** A fine-grained token with every permission the stand-in knows but those in `without`. */
function tokenWithout(...without: (keyof PermissionSet)[]): string {
  const token = `github_pat_without_${without.join('_')}`;
  const permissions: PermissionSet = { ...ALL_WRITE };
  for (const name of without) delete permissions[name];
  gh.addToken(token, { permissions });
  return token;
}

function settings(token = gh.tokens.admin): Settings {
  return githubSettings(gh.url, { github_token: token });
}

const targetOf = (s: Settings) => githubTargetOf(s);

/** prepare, then publish, as create does. */
async function publish(token?: string) {
  const s = settings(token);
  const target = await targetOf(s);
  return target.publish(await target.prepare(s.pr), s.pr, resolveVariables(s.variables, DETAILS), BRANCH);
}

async function remove(token?: string) {
  const s = settings(token);
  return (await targetOf(s)).remove(s.pr, []);
}

async function findManaged(token?: string) {
  return (await targetOf(settings(token))).findManaged(REPOSITORY, []);
}

/** The error a step fails with. */
async function failureOf(step: Promise<unknown>): Promise<string> {
  const error = await step.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the step to fail');
  return error.message;
}

describe('a 403 names the permission its request needs', () => {
  it("the workflow's default GITHUB_TOKEN: what the target needs instead, and nothing created", async () => {
    await start();
    const message = await failureOf(publish(gh.tokens.actions));
    expect(message).toBe(
      `GitHub: get environment pr-42 failed: HTTP 403: Resource not accessible by integration. The token in \`github_token\` lacks Actions: read, which this request needs. ${TARGET_NEEDS}`,
    );
    expect(message).not.toContain('\n');
    // 403 is an answer, not a transient failure: one request, no retry, nothing written.
    expect(gh.standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 403']);
    expect(gh.environments()).toEqual([]);
    expect(gh.deployments()).toEqual([]);

    // remove retires the deployments (this token may), then fails on the environment, which stays
    // for a re-run with a token that may delete it (or the sweep).
    await publish();
    expect(gh.deployments('pr-42')).toHaveLength(1);
    expect(await failureOf(remove(gh.tokens.actions))).toBe(
      `GitHub: delete environment pr-42 failed: HTTP 403: Resource not accessible by integration. The token in \`github_token\` lacks Administration: write, which this request needs ${NEVER}. ${NEVER_NEEDS}`,
    );
    expect(gh.environment('pr-42')).toBeDefined();
    expect(gh.deployments('pr-42')).toEqual([]);
  });

  it('listing environments (the sweep) and reading one need Actions: read', async () => {
    await start();
    gh.seedEnvironment('pr-1');
    const token = tokenWithout('actions');
    expect(await failureOf(findManaged(token))).toBe(
      `GitHub: list environments failed: HTTP 403: Resource not accessible by personal access token. The token in \`github_token\` lacks Actions: read, which this request needs. ${TARGET_NEEDS}`,
    );
    expect(await failureOf(publish(token))).toMatch(/^GitHub: get environment pr-42 failed: HTTP 403: .* lacks Actions: read, which this request needs\. The github target needs/);
    expect(gh.environments().map((e) => e.name)).toEqual(['pr-1']);
  });

  it('creating the environment needs Administration: write, its values Environments', async () => {
    await start();
    expect(await failureOf(publish(tokenWithout('administration')))).toBe(
      `GitHub: create environment pr-42 failed: HTTP 403: Resource not accessible by personal access token. The token in \`github_token\` lacks Administration: write, which this request needs ${NEVER}. ${NEVER_NEEDS}`,
    );
    expect(gh.environments()).toEqual([]);

    // The environment is made; its public key is refused.
    expect(await failureOf(publish(tokenWithout('environments')))).toBe(
      `GitHub: get public key of environment pr-42 failed: HTTP 403: Resource not accessible by personal access token. The token in \`github_token\` lacks Environments: read, which this request needs ${NEVER}. ${NEVER_NEEDS}`,
    );
    expect(gh.environment('pr-42')).toMatchObject({ secretNames: [], variables: {} });
  });

  it('deployments need Deployments, which every kind of token can have', async () => {
    await start();
    const token = tokenWithout('deployments');
    const help = (access: string) =>
      `The token in \`github_token\` lacks Deployments: ${access}, which this request needs: grant it to the fine-grained token or GitHub App (a classic token needs the ${access === 'read' ? 'repo' : 'repo or repo_deployment'} scope; the workflow's GITHUB_TOKEN needs \`deployments: ${access}\` under \`permissions:\`)`;
    expect(await failureOf(publish(token))).toBe(`GitHub: create deployment to pr-42 failed: HTTP 403: Resource not accessible by personal access token. ${help('write')}`);
    // The values were written meanwhile; the deployment alone is missing.
    expect(gh.secretPlaintext('pr-42', 'PGPASSWORD')).toBe('pw-perm');
    expect(gh.deployments()).toEqual([]);
    expect(await failureOf(remove(token))).toBe(`GitHub: list deployments to pr-42 failed: HTTP 403: Resource not accessible by personal access token. ${help('read')}`);
  });

  it("takes the permission from GitHub's answer, every accepted set, and falls back on its table without the header", async () => {
    await start();
    await publish();
    gh.standIn.failNext({
      method: 'GET',
      path: /\/variables$/,
      status: 403,
      headers: { 'x-accepted-github-permissions': 'environments=read; administration=write,actions=read' },
      body: { message: 'Resource not accessible by integration' },
    });
    expect(await failureOf(publish())).toBe(
      `GitHub: list variables of environment pr-42 failed: HTTP 403: Resource not accessible by integration. The token in \`github_token\` lacks Environments: read or Administration: write and Actions: read, which this request needs ${NEVER}. ${NEVER_NEEDS}`,
    );
    // GitHub Enterprise Server, a proxy: no header.
    gh.standIn.failNext({ method: 'DELETE', path: /\/deployments\/\d+$/, status: 403, body: { message: 'Resource not accessible by integration' } });
    expect(await failureOf(remove())).toMatch(
      /^GitHub: delete deployment \d+ failed: HTTP 403: Resource not accessible by integration\. The token in `github_token` lacks Deployments: write, which this request needs: grant it/,
    );
  });

  it('an invalid token and one that cannot see the repository say so', async () => {
    await start();
    expect(await failureOf(publish('github_pat_revoked_0000'))).toBe(
      'GitHub: get environment pr-42 failed: HTTP 401: Bad credentials. The token in `github_token` is not valid (expired, revoked or mistyped): create a new one and update the secret that holds it',
    );
    // GitHub answers 404 for every request of a repository the token cannot see.
    expect(await failureOf(publish(gh.tokens.outsider))).toBe(
      `GitHub: create environment pr-42 failed: HTTP 404: Not Found. GitHub answers 404 when the token in \`github_token\` cannot see ${REPOSITORY}: give it access to this repository`,
    );
    expect(await failureOf(findManaged(gh.tokens.outsider))).toMatch(/^GitHub: list environments failed: HTTP 404: Not Found\. GitHub answers 404 when the token/);
  });
});

describe('environments on a private repository of the Free plan', () => {
  const PLAN = `HTTP 403: Upgrade to GitHub Pro or make this repository public to enable this feature. Environments on a private repository need GitHub Pro, Team or Enterprise: make ${REPOSITORY} public, upgrade its owner's plan, or drop \`github\` from \`targets\``;

  it('create, remove and the sweep say what the plan allows and what to do, before anything is written', async () => {
    await start({ repositoryPrivate: true, plan: 'free' });
    expect(await failureOf(publish())).toBe(`GitHub: get environment pr-42 failed: ${PLAN}`);
    expect(gh.standIn.requests).toHaveLength(1);
    expect(gh.deployments()).toEqual([]);
    expect(await failureOf(remove())).toBe(`GitHub: delete environment pr-42 failed: ${PLAN}`);
    expect(await failureOf(findManaged())).toBe(`GitHub: list environments failed: ${PLAN}`);
  });

  it('on a paid plan the same private repository works', async () => {
    await start({ repositoryPrivate: true, plan: 'team' });
    await publish();
    expect(gh.secretPlaintext('pr-42', 'PGPASSWORD')).toBe('pw-perm');
    expect(gh.deployments('pr-42')).toEqual([expect.objectContaining({ state: 'success' })]);
  });
});

describe('the permission table', () => {
  const route = (method: string, path: string): RegExp => new RegExp(`^${method} /repos/[^/]+/[^/]+${path.replace(/\{[a-z_]+\}/g, '[^/]+')}$`);

  it("agrees with GitHub's permission data for every request it lists", () => {
    for (const [name, need] of Object.entries(REQUESTS)) {
      expect(requirementOf(need.method, need.path).accepts, name).toEqual([[need.permission, need.access]]);
    }
  });

  it('lists every request the target makes: create, update with stale values, remove, sweep', async () => {
    await start();
    gh.seedEnvironment('pr-42', { secrets: { OLD_SECRET: 'x' }, variables: { OLD_VAR: 'x', PGHOST: 'stale' } });
    await publish();
    await publish();
    await findManaged();
    await remove();
    await publish();
    const made = new Set(gh.standIn.requests.map((r: RecordedRequest) => `${r.method} ${r.path}`));
    const unlisted = [...made].filter((request) => !Object.values(REQUESTS).some((need) => route(need.method, need.path).test(request)));
    expect(unlisted).toEqual([]);
    // Every row is used: no stale row in the table (or the README made from it).
    const unused = Object.entries(REQUESTS).filter(([, need]) => ![...made].some((request) => route(need.method, need.path).test(request)));
    expect(unused.map(([name]) => name)).toEqual([]);
  });

  it('reads the header as GitHub writes it, and nothing from a header it cannot read', () => {
    expect(acceptedSets('repository_projects=write; organization_projects=admin')).toEqual([[['repository_projects', 'write']], [['organization_projects', 'admin']]]);
    expect(acceptedSets('contents=read,issues=write')).toEqual([
      [
        ['contents', 'read'],
        ['issues', 'write'],
      ],
    ]);
    expect(acceptedSets('')).toEqual([]);
    expect(acceptedSets('garbage; =')).toEqual([]);
  });
});
