// The Vercel stand-in's projects and their connected Git repository: `projectsGetProject` with or
// without `link`, and the rules a branch-scoped preview value meets (the branch must exist and not
// be the production branch; a project without a repository takes none).
import { VercelCore } from '@vercel/sdk/core.js';
import { projectsCreateProjectEnv } from '@vercel/sdk/funcs/projectsCreateProjectEnv.js';
import { projectsGetProject } from '@vercel/sdk/funcs/projectsGetProject.js';
import { VercelError } from '@vercel/sdk/models/vercelerror.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVercelStandIn, type VercelStandIn } from '../../sandbox/vercel.js';

const TOKEN = 'vercel-test-token';
const PROJECT = 'prj_previewapp';

let vercel: VercelStandIn;
let api: VercelCore;

beforeEach(async () => {
  vercel = await startVercelStandIn({
    teams: [{ id: 'team_acme', slug: 'acme' }],
    projects: [
      { name: 'preview-app', id: PROJECT },
      { name: 'cli-app', id: 'prj_cliapp', link: null },
      { name: 'shop', id: 'prj_shop', team: 'acme', link: { repo: 'acme/shop-web', productionBranch: 'production', branches: ['production', 'feature/a'] } },
    ],
  });
  api = new VercelCore({ bearerToken: TOKEN, serverURL: vercel.url, retryConfig: { strategy: 'none' } });
});

afterEach(async () => {
  expect(vercel.standIn.violations).toEqual([]);
  await vercel.stop();
});

type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };

function refused(result: Result<unknown>): { status: number; message: string } {
  if (result.ok || !(result.error instanceof VercelError)) throw new Error('expected a VercelError');
  return { status: result.error.statusCode, message: (JSON.parse(result.error.body) as { error: { message: string } }).error.message };
}

const preview = (key: string, gitBranch?: string) => ({ key, value: 'v', type: 'encrypted' as const, target: ['preview' as const], ...(gitBranch ? { gitBranch } : {}) });

describe('projects', () => {
  it('answers projectsGetProject with the Git link, or without one for a CLI project', async () => {
    const linked = await projectsGetProject(api, { idOrName: 'preview-app' });
    if (!linked.ok) throw linked.error;
    expect(linked.value).toMatchObject({ id: PROJECT, name: 'preview-app', link: { type: 'github', org: 'preview-user', repo: 'preview-app', productionBranch: 'main', deployHooks: [] } });

    const cli = await projectsGetProject(api, { idOrName: 'prj_cliapp' });
    if (!cli.ok) throw cli.error;
    expect(cli.value.link).toBeUndefined();

    const team = await projectsGetProject(api, { idOrName: 'shop', teamId: 'team_acme' });
    expect(team.ok && team.value.link).toMatchObject({ org: 'acme', repo: 'shop-web', productionBranch: 'production' });
    expect(refused(await projectsGetProject(api, { idOrName: 'shop' })).status).toBe(404);
    expect(vercel.projects().map((p) => p.link?.repo ?? null)).toEqual(['preview-app', null, 'shop-web']);
  });

  it('connects and disconnects a repository with setLink', async () => {
    vercel.setLink('prj_cliapp', { repo: 'someone/cli-app', productionBranch: 'trunk' });
    const got = await projectsGetProject(api, { idOrName: 'prj_cliapp' });
    expect(got.ok && got.value.link).toMatchObject({ org: 'someone', repo: 'cli-app', productionBranch: 'trunk' });
    vercel.setLink(PROJECT, null);
    const gone = await projectsGetProject(api, { idOrName: PROJECT });
    expect(gone.ok && gone.value.link).toBeUndefined();
  });
});

describe('gitBranch rules', () => {
  it('refuses the production branch with Vercel’s message (vercel/vercel#15763)', async () => {
    const result = await projectsCreateProjectEnv(api, { idOrName: PROJECT, upsert: 'true', requestBody: preview('DATABASE_URL', 'main') });
    expect(refused(result)).toEqual({ status: 400, message: 'Cannot set Production Branch "main" for a Preview Environment Variable' });
    expect(vercel.envs(PROJECT)).toEqual([]);
  });

  it('refuses a branch the repository lacks (vercel/vercel#16111), and takes one it has', async () => {
    const result = await projectsCreateProjectEnv(api, { idOrName: 'shop', teamId: 'team_acme', requestBody: preview('DATABASE_URL', 'feature/gone') });
    expect(refused(result)).toEqual({ status: 400, message: "Branch 'feature/gone' not found in the connected Git repository." });
    const ok = await projectsCreateProjectEnv(api, { idOrName: 'shop', teamId: 'team_acme', requestBody: preview('DATABASE_URL', 'feature/a') });
    expect(ok.ok).toBe(true);
    expect(vercel.envs('prj_shop').map((e) => e.gitBranch)).toEqual(['feature/a']);
  });

  it('refuses any branch on a project without a Git repository, and still takes branch-less values', async () => {
    expect(refused(await projectsCreateProjectEnv(api, { idOrName: 'prj_cliapp', requestBody: preview('DATABASE_URL', 'feature/a') }))).toEqual({
      status: 400,
      message: "Branch 'feature/a' not found in the connected Git repository.",
    });
    expect((await projectsCreateProjectEnv(api, { idOrName: 'prj_cliapp', requestBody: preview('DATABASE_URL') })).ok).toBe(true);
    expect(vercel.envs('prj_cliapp').map((e) => e.gitBranch ?? '-')).toEqual(['-']);
  });

  it('puts refused items of a batch in failed[] beside the created ones; a batch that creates nothing is a 400', async () => {
    const mixed = await projectsCreateProjectEnv(api, { idOrName: PROJECT, upsert: 'true', requestBody: [preview('PGHOST', 'feature/a'), preview('PGUSER', 'main')] });
    if (!mixed.ok) throw mixed.error;
    expect(Array.isArray(mixed.value.created) && mixed.value.created.map((e) => e.key)).toEqual(['PGHOST']);
    expect(mixed.value.failed).toEqual([{ error: expect.objectContaining({ key: 'PGUSER', gitBranch: 'main', message: 'Cannot set Production Branch "main" for a Preview Environment Variable' }) }]);

    const none = await projectsCreateProjectEnv(api, { idOrName: PROJECT, upsert: 'true', requestBody: [preview('A', 'main'), preview('B', 'main')] });
    expect(refused(none)).toEqual({ status: 400, message: 'No environment variables were created' });
    expect(vercel.envs(PROJECT).map((e) => e.key)).toEqual(['PGHOST']);
  });
});
