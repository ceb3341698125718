// The Vercel stand-in, driven through @vercel/sdk's standalone functions. The SDK validates
// every response with its zod schemas, so a drifted body fails the call; the stand-in also
// records any request or response that the SDK's schemas reject in `standIn.violations`.
import { VercelCore } from '@vercel/sdk/core.js';
import { deploymentsCreateDeployment } from '@vercel/sdk/funcs/deploymentsCreateDeployment.js';
import { deploymentsGetDeployments } from '@vercel/sdk/funcs/deploymentsGetDeployments.js';
import { projectsBatchRemoveProjectEnv } from '@vercel/sdk/funcs/projectsBatchRemoveProjectEnv.js';
import { projectsCreateProjectEnv } from '@vercel/sdk/funcs/projectsCreateProjectEnv.js';
import { projectsFilterProjectEnvs } from '@vercel/sdk/funcs/projectsFilterProjectEnvs.js';
import { projectsRemoveProjectEnv } from '@vercel/sdk/funcs/projectsRemoveProjectEnv.js';
import { VercelError } from '@vercel/sdk/models/vercelerror.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFailure, requestedWaitMs } from '../../src/http/failure.js';
import { startVercelStandIn, type VercelStandIn } from '../../sandbox/vercel.js';

const TOKEN = 'vercel-test-token';
const PROJECT = 'prj_previewapp';

type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** The VercelError of a call that must fail. */
function failed(result: Result<unknown>): VercelError {
  if (result.ok) throw new Error('expected the call to fail');
  if (!(result.error instanceof VercelError)) throw result.error;
  return result.error;
}

function errorBody(error: VercelError): { error: { code: string; message: string } } {
  return JSON.parse(error.body) as { error: { code: string; message: string } };
}

function client(vercel: VercelStandIn, token = TOKEN): VercelCore {
  return new VercelCore({ bearerToken: token, serverURL: vercel.url, retryConfig: { strategy: 'none' } });
}

const preview = (key: string, value: string, gitBranch?: string, type: 'encrypted' | 'sensitive' | 'plain' = 'encrypted') => ({
  key,
  value,
  type,
  target: ['preview' as const],
  ...(gitBranch ? { gitBranch } : {}),
});

let vercel: VercelStandIn;
let api: VercelCore;

beforeEach(async () => {
  vercel = await startVercelStandIn({ teams: [{ id: 'team_acme', slug: 'acme', members: [TOKEN] }], tokens: [TOKEN, 'outsider-token'] });
  vercel.addProject({ name: 'team-app', id: 'prj_teamapp', team: 'acme' });
  api = client(vercel);
});

afterEach(async () => {
  expect(vercel.standIn.violations).toEqual([]);
  await vercel.stop();
});

describe('environment variables', () => {
  it('creates an array of values in one 201; lists hide sensitive values and encrypt the rest', async () => {
    const body = ok(
      await projectsCreateProjectEnv(api, {
        idOrName: PROJECT,
        upsert: 'true',
        requestBody: [preview('DATABASE_URL', 'postgres://u:pw@h/db', 'feature/a', 'sensitive'), preview('PGHOST', 'h.example', 'feature/a'), preview('PLAIN', 'visible', 'feature/a', 'plain')],
      }),
    );
    expect(body.failed).toEqual([]);
    expect(Array.isArray(body.created) && body.created.map((e) => e.key)).toEqual(['DATABASE_URL', 'PGHOST', 'PLAIN']);

    const listed = ok(await projectsFilterProjectEnvs(api, { idOrName: PROJECT }));
    if (!('envs' in listed)) throw new Error('expected a list');
    const byKey = Object.fromEntries(listed.envs.map((e) => [e.key, e]));
    expect(byKey.DATABASE_URL).toMatchObject({ type: 'sensitive', value: '', gitBranch: 'feature/a', target: ['preview'] });
    expect(byKey.PGHOST!.value).not.toBe('h.example');
    expect(byKey.PGHOST!.id).toMatch(/^\w{16}$/);
    expect(byKey.PLAIN!.value).toBe('visible');
    // The stored values are kept in the clear for tests.
    expect(vercel.envs(PROJECT).find((e) => e.key === 'DATABASE_URL')!.value).toBe('postgres://u:pw@h/db');
    // The project is found by name too.
    expect(ok(await projectsFilterProjectEnvs(api, { idOrName: 'preview-app' }))).toMatchObject({ envs: expect.any(Array) });
  });

  it('answers 403 to a duplicate without upsert and updates in place with upsert', async () => {
    ok(await projectsCreateProjectEnv(api, { idOrName: PROJECT, requestBody: [preview('KEY', 'one', 'b1')] }));
    const [before] = vercel.envs(PROJECT);

    const duplicate = failed(await projectsCreateProjectEnv(api, { idOrName: PROJECT, requestBody: [preview('KEY', 'two', 'b1')] }));
    expect(duplicate.statusCode).toBe(403);
    expect(errorBody(duplicate).error.message).toMatch(/already exists/);

    ok(await projectsCreateProjectEnv(api, { idOrName: PROJECT, upsert: 'true', requestBody: [preview('KEY', 'two', 'b1')] }));
    expect(vercel.envs(PROJECT)).toEqual([expect.objectContaining({ id: before!.id, key: 'KEY', value: 'two', gitBranch: 'b1' })]);

    // The same key for another branch, or without a branch, is another value.
    ok(await projectsCreateProjectEnv(api, { idOrName: PROJECT, requestBody: [preview('KEY', 'three', 'b2'), preview('KEY', 'all')] }));
    expect(vercel.envs(PROJECT).map((e) => `${e.gitBranch ?? '-'}=${e.value}`)).toEqual(['b1=two', 'b2=three', '-=all']);
  });

  it('rejects gitBranch unless the target is exactly preview', async () => {
    for (const target of [['preview', 'development'], ['production']] as const) {
      const error = failed(await projectsCreateProjectEnv(api, { idOrName: PROJECT, requestBody: [{ key: 'K', value: 'v', type: 'encrypted', target: [...target], gitBranch: 'b1' }] }));
      expect(error.statusCode).toBe(400);
      expect(errorBody(error).error.message).toMatch(/gitBranch/);
    }
    expect(vercel.envs(PROJECT)).toEqual([]);
  });

  it('reports per-item failures inside a 201 while creating the rest', async () => {
    const body = ok(
      await projectsCreateProjectEnv(api, {
        idOrName: PROJECT,
        upsert: 'true',
        requestBody: [preview('1BAD', 'v', 'b1'), preview('GOOD', 'v', 'b1'), preview('HUGE', 'x'.repeat(70_000), 'b1')],
      }),
    );
    expect(body.failed.map((f) => [f.error.key, f.error.code])).toEqual([
      ['1BAD', 'invalid_key'],
      ['HUGE', 'value_too_long'],
    ]);
    expect(vercel.envs(PROJECT).map((e) => e.key)).toEqual(['GOOD']);
  });

  it('filters the list by branch: that branch and the branch-less values, never another branch', async () => {
    vercel.addEnv(PROJECT, { key: 'A', value: '1', gitBranch: 'b1' });
    vercel.addEnv(PROJECT, { key: 'A', value: '2', gitBranch: 'b2' });
    vercel.addEnv(PROJECT, { key: 'A', value: '3' });
    vercel.addEnv(PROJECT, { key: 'P', value: '4', target: ['production'] });
    const listed = ok(await projectsFilterProjectEnvs(api, { idOrName: PROJECT, gitBranch: 'b1', decrypt: 'true' }));
    if (!('envs' in listed)) throw new Error('expected a list');
    expect(listed.envs.map((e) => `${e.key}@${e.gitBranch ?? '-'}=${e.value}`).sort()).toEqual(['A@-=3', 'A@b1=1', 'P@-=4']);
  });

  it('lists every value of the project in one answer, pagination.next null; it takes no page parameter', async () => {
    for (let i = 0; i < 250; i++) vercel.addEnv(PROJECT, { key: `K${i}`, value: String(i), gitBranch: `b${i % 7}`, comment: `c${i}` });
    vercel.addEnv(PROJECT, { key: 'ALL', value: 'x' });

    const listed = ok(await projectsFilterProjectEnvs(api, { idOrName: PROJECT }));
    if (!('envs' in listed && 'pagination' in listed)) throw new Error('expected a list with pagination');
    expect(listed.envs).toHaveLength(251);
    expect(listed.pagination).toEqual({ count: 251, next: null, prev: null });
    expect(listed.envs.find((e) => e.key === 'K9')).toMatchObject({ gitBranch: 'b2', comment: 'c9', target: ['preview'] });
    expect(vercel.standIn.requests).toHaveLength(1);

    // `limit` and `until` are no parameters of this list (the SDK's request has neither).
    const raw = await fetch(`${vercel.url}/v10/projects/${PROJECT}/env?limit=10&until=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(raw.status).toBe(400);
    expect(vercel.standIn.violations).toEqual([`GET /v10/projects/${PROJECT}/env: unknown query parameter limit`, `GET /v10/projects/${PROJECT}/env: unknown query parameter until`]);
    vercel.standIn.violations.length = 0;
  });

  it('cuts the next list to a page with a cursor when a test asks (truncateNextEnvList), then answers all again', async () => {
    const t = Date.now();
    const added = ['A', 'B', 'C'].map((key) => vercel.addEnv(PROJECT, { key, value: key, gitBranch: 'b1' }));
    expect(added.every((e) => e.createdAt >= t)).toBe(true);
    vercel.truncateNextEnvList(2);

    const page = ok(await projectsFilterProjectEnvs(api, { idOrName: PROJECT }));
    if (!('envs' in page && 'pagination' in page)) throw new Error('expected a list with pagination');
    expect(page.envs.map((e) => e.key)).toEqual(['A', 'B']);
    expect(page.pagination).toEqual({ count: 2, next: added[1]!.createdAt, prev: null });

    const all = ok(await projectsFilterProjectEnvs(api, { idOrName: PROJECT }));
    expect('pagination' in all && all.pagination).toEqual({ count: 3, next: null, prev: null });
    // A page as large as the list is the whole list.
    vercel.truncateNextEnvList(3);
    const whole = ok(await projectsFilterProjectEnvs(api, { idOrName: PROJECT }));
    expect('pagination' in whole && whole.pagination.next).toBeNull();
    expect(() => vercel.truncateNextEnvList(0)).toThrow(/positive integer/);
  });

  it('deletes one value, a batch, and answers 404 to a batch naming an unknown id without deleting anything', async () => {
    const a = vercel.addEnv(PROJECT, { key: 'A', value: '1' });
    const b = vercel.addEnv(PROJECT, { key: 'B', value: '2' });
    const c = vercel.addEnv(PROJECT, { key: 'C', value: '3' });

    expect(ok(await projectsRemoveProjectEnv(api, { idOrName: PROJECT, id: a.id }))).toMatchObject({ key: 'A' });
    expect(failed(await projectsRemoveProjectEnv(api, { idOrName: PROJECT, id: a.id })).statusCode).toBe(404);

    expect(failed(await projectsBatchRemoveProjectEnv(api, { idOrName: PROJECT, requestBody: { ids: [b.id, 'unknown'] } })).statusCode).toBe(404);
    expect(vercel.envs(PROJECT).map((e) => e.key)).toEqual(['B', 'C']);

    expect(ok(await projectsBatchRemoveProjectEnv(api, { idOrName: PROJECT, requestBody: { ids: [b.id, c.id] } }))).toEqual({ deleted: 2, ids: [b.id, c.id] });
    expect(vercel.envs(PROJECT)).toEqual([]);
  });

  it('answers 400 "already happening" to a write that overlaps another write to the project', async () => {
    await vercel.stop();
    vercel = await startVercelStandIn({ writeMs: 150 });
    api = client(vercel);
    const [first, second] = await Promise.all([
      projectsCreateProjectEnv(api, { idOrName: PROJECT, requestBody: [preview('A', '1', 'b1')] }),
      projectsCreateProjectEnv(api, { idOrName: PROJECT, requestBody: [preview('B', '2', 'b2')] }),
    ]);
    const results = [first, second];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const conflict = failed(results.find((r) => !r.ok)!);
    expect(conflict.statusCode).toBe(400);
    expect(errorBody(conflict).error.message).toMatch(/already happening/);
    // Reads are never refused, and the switch makes the next write fail on purpose.
    ok(await projectsFilterProjectEnvs(api, { idOrName: PROJECT }));
    vercel.busyNextEnvWrites();
    expect(failed(await projectsCreateProjectEnv(api, { idOrName: PROJECT, requestBody: [preview('C', '3', 'b3')] })).statusCode).toBe(400);
    ok(await projectsCreateProjectEnv(api, { idOrName: PROJECT, requestBody: [preview('C', '3', 'b3')] }));
  });
});

describe('accounts and teams', () => {
  it('finds a team project only with its teamId or slug', async () => {
    const without = failed(await projectsFilterProjectEnvs(api, { idOrName: 'prj_teamapp' }));
    expect(without.statusCode).toBe(404);
    expect(errorBody(without).error).toMatchObject({ code: 'not_found' });
    expect(ok(await projectsFilterProjectEnvs(api, { idOrName: 'prj_teamapp', teamId: 'team_acme' }))).toMatchObject({ envs: [] });
    expect(ok(await projectsFilterProjectEnvs(api, { idOrName: 'team-app', slug: 'acme' }))).toMatchObject({ envs: [] });
    // A personal project is not found in the team.
    expect(failed(await projectsFilterProjectEnvs(api, { idOrName: PROJECT, teamId: 'team_acme' })).statusCode).toBe(404);
  });

  it('answers 401 to an unknown token and 403 to a token outside the team', async () => {
    expect(failed(await projectsFilterProjectEnvs(client(vercel, 'wrong'), { idOrName: PROJECT })).statusCode).toBe(401);
    const outsider = failed(await projectsFilterProjectEnvs(client(vercel, 'outsider-token'), { idOrName: 'prj_teamapp', teamId: 'team_acme' }));
    expect(outsider.statusCode).toBe(403);
    expect(failed(await projectsFilterProjectEnvs(api, { idOrName: 'prj_teamapp', teamId: 'team_other' })).statusCode).toBe(403);
  });
});

describe('errors as the retry policy reads them', () => {
  it('answers 429 with X-RateLimit-Reset, and describeFailure reads status, headers and message from VercelError', async () => {
    vercel.rateLimitNext({ path: /\/env$/, seconds: 30 });
    const sent = Date.now();
    const error = failed(await projectsFilterProjectEnvs(api, { idOrName: PROJECT }));
    const answered = Date.now();
    expect(error.statusCode).toBe(429);
    const failure = describeFailure(error);
    expect(failure).toMatchObject({ status: 429, message: 'Rate limit exceeded', headers: { 'x-ratelimit-remaining': '0' } });
    // 30 s from the answer, in whole seconds, however long the request took.
    expect(requestedWaitMs(failure, sent)!).toBeGreaterThan(29_000);
    expect(requestedWaitMs(failure, answered)!).toBeLessThanOrEqual(31_000);
    // Spent: the next call goes through.
    ok(await projectsFilterProjectEnvs(api, { idOrName: PROJECT }));
  });

  it('sends injected 429 faults with the rate-limit headers too', async () => {
    vercel.standIn.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 5 });
    const sent = Date.now();
    const failure = describeFailure(failed(await projectsFilterProjectEnvs(api, { idOrName: PROJECT })));
    vercel.standIn.setFaults(undefined);
    expect(failure.status).toBe(429);
    expect(Number(failure.headers['x-ratelimit-reset'])).toBeGreaterThan(sent / 1000);
    expect(failure.headers['retry-after']).toBeUndefined();
  });

  it('checks request bodies with the SDK schemas: an invalid one is a 400 and a recorded violation', async () => {
    const response = await fetch(`${vercel.url}/v10/projects/${PROJECT}/env?upsert=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ key: 'K', value: 'v', type: 'bogus', target: ['preview'] }]),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/request does not match/);
    const unknownQuery = await fetch(`${vercel.url}/v10/projects/${PROJECT}/env?gitbranch=b1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(unknownQuery.status).toBe(400);
    expect(vercel.standIn.violations).toEqual([expect.stringMatching(/^POST \/v10\/projects\/prj_previewapp\/env: .*type/), 'GET /v10/projects/prj_previewapp/env: unknown query parameter gitbranch']);
    vercel.standIn.violations.length = 0;
    expect(vercel.envs(PROJECT)).toEqual([]);
  });
});

describe('deployments', () => {
  it('lists the newest deployments of a branch, previews only when asked, scoped to the project', async () => {
    const t = Date.now();
    const older = vercel.addDeployment(PROJECT, { branch: 'feature/a', createdAt: t - 3000 });
    const newer = vercel.addDeployment(PROJECT, { branch: 'feature/a', createdAt: t - 1000, readyState: 'BUILDING' });
    vercel.addDeployment(PROJECT, { branch: 'feature/a', createdAt: t, target: 'production' });
    vercel.addDeployment(PROJECT, { branch: 'other', createdAt: t });
    vercel.addDeployment('prj_teamapp', { branch: 'feature/a', createdAt: t });

    const body = ok(await deploymentsGetDeployments(api, { projectId: PROJECT, branch: 'feature/a', target: 'preview', limit: 5 }));
    expect(body.deployments.map((d) => d.uid)).toEqual([newer.uid, older.uid]);
    expect(body.deployments[0]).toMatchObject({ name: 'preview-app', readyState: 'BUILDING', target: null, meta: { githubCommitRef: 'feature/a' } });
    expect(ok(await deploymentsGetDeployments(api, { projectId: 'preview-app', branch: 'feature/a', limit: 1 })).pagination.next).toBe(t);
    expect(failed(await deploymentsGetDeployments(api, { projectId: 'prj_teamapp' })).statusCode).toBe(404);
    expect(ok(await deploymentsGetDeployments(api, { projectId: 'prj_teamapp', teamId: 'team_acme' })).deployments).toHaveLength(1);
  });

  it('redeploys as a preview and records the variables the new build sees', async () => {
    vercel.addEnv(PROJECT, { key: 'DATABASE_URL', value: 'shared' });
    vercel.addEnv(PROJECT, { key: 'DATABASE_URL', value: 'branch', gitBranch: 'feature/a', type: 'sensitive' });
    vercel.addEnv(PROJECT, { key: 'OTHER', value: 'x', gitBranch: 'feature/b' });
    const source = vercel.addDeployment(PROJECT, { branch: 'feature/a', sha: 'abc' });

    const body = ok(
      await deploymentsCreateDeployment(api, { skipAutoDetectionConfirmation: '1', requestBody: { name: 'preview-app', deploymentId: source.uid, project: PROJECT, withLatestCommit: true } }),
    );
    if (!('url' in body)) throw new Error('expected a full deployment');
    expect(body).toMatchObject({ name: 'preview-app', target: null, readyState: 'QUEUED', meta: { githubCommitRef: 'feature/a', githubCommitSha: 'abc' } });
    expect(body.url).toMatch(/\.vercel\.app$/);
    const [redeploy] = vercel.redeploys();
    expect(redeploy).toMatchObject({ fromDeploymentId: source.uid, name: 'preview-app', project: PROJECT, withLatestCommit: true, env: { DATABASE_URL: 'branch' } });
    expect(redeploy!.target).toBeUndefined();
    expect(vercel.deployments(PROJECT)[0]!.uid).toBe(body.id);

    expect(failed(await deploymentsCreateDeployment(api, { requestBody: { name: 'preview-app', deploymentId: 'dpl_missing' } })).statusCode).toBe(404);
    // A team's deployment is not found from the personal account.
    const teamSource = vercel.addDeployment('prj_teamapp', { branch: 'feature/a' });
    expect(failed(await deploymentsCreateDeployment(api, { requestBody: { name: 'team-app', deploymentId: teamSource.uid } })).statusCode).toBe(404);
    ok(await deploymentsCreateDeployment(api, { teamId: 'team_acme', requestBody: { name: 'team-app', deploymentId: teamSource.uid } }));
    expect(vercel.redeploys()).toHaveLength(2);
  });
});
