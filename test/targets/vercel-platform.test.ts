// What the real Vercel does that a client must meet (issue 17, points 1 and 2), in-process against
// the stand-in: answers that drift from `@vercel/sdk`'s schemas (vercel/sdk#104, #30, #175, #206)
// change nothing the target does; a project without a connected Git repository fails the publish
// before anything is written; a PR from the production branch gets nothing on Vercel, with a
// warning and a note, and the run goes on.
import { CreateDeploymentResponseBody$inboundSchema } from '@vercel/sdk/models/createdeploymentresponsebody.js';
import { CreateProjectEnvResponseBody$inboundSchema } from '@vercel/sdk/models/createprojectenvop.js';
import { FilterProjectEnvsResponseBody$inboundSchema } from '@vercel/sdk/models/filterprojectenvsop.js';
import { GetDeploymentsResponseBody$inboundSchema } from '@vercel/sdk/models/getdeploymentsop.js';
import { GetProjectResponseBody$inboundSchema } from '@vercel/sdk/models/getprojectresponsebody.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noteText } from '../../src/note.js';
import { coreLog } from '../setup-actions-core.js';
import { BATCH_DELETE, DEFAULT_KEYS, DEPLOYMENTS, LIST, PROJECT_READ, REDEPLOY, REPO, TOKEN, UPSERT, summary, VercelHarness } from './vercel-harness.js';

let h: VercelHarness;

beforeEach(async () => {
  h = await VercelHarness.start();
});

afterEach(async () => {
  await h.stop();
});

const warnings = (): string[] => coreLog.filter((l) => l.startsWith('::warning::'));

describe('answers that drift from the SDK’s schemas', () => {
  beforeEach(() => {
    h.vercel.setDrift(true);
  });

  it('are answers the SDK rejects: each one the target reads', async () => {
    h.vercel.addDeployment('prj_previewapp', { branch: 'feature/a' });
    const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      const response = await fetch(`${h.vercel.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.ok).toBe(true);
      return response.json();
    };
    const deployment = h.vercel.deployments('prj_previewapp')[0]!;
    const answers = [
      [GetProjectResponseBody$inboundSchema, await call('GET', '/v9/projects/prj_previewapp')],
      [FilterProjectEnvsResponseBody$inboundSchema, await call('GET', '/v10/projects/prj_previewapp/env?gitBranch=feature%2Fa')],
      [
        CreateProjectEnvResponseBody$inboundSchema,
        await call('POST', '/v10/projects/prj_previewapp/env?upsert=true', [{ key: 'A', value: 'x', type: 'encrypted', target: ['preview'], gitBranch: 'feature/a' }]),
      ],
      [GetDeploymentsResponseBody$inboundSchema, await call('GET', '/v7/deployments?projectId=prj_previewapp&branch=feature%2Fa&target=preview')],
      [CreateDeploymentResponseBody$inboundSchema, await call('POST', '/v13/deployments', { name: 'preview-app', deploymentId: deployment.uid })],
    ] as const;
    for (const [schema, body] of answers) expect(schema.safeParse(body).success).toBe(false);
  });

  it('a publish writes in place and removes what left the mapping: a 201 without `failed` is a write that happened', async () => {
    await h.publish();
    const from = h.vercel.standIn.requests.length;

    const report = await h.publish({ envVars: 'DATABASE_URL=pooled_url\nPGHOST=pooled_host' });

    h.expectRequests(from, [PROJECT_READ, LIST], [UPSERT, BATCH_DELETE]);
    expect(report.names).toEqual(['DATABASE_URL', 'PGHOST']);
    expect(report.removedNames).toEqual(['DATABASE_URL_UNPOOLED', 'PGDATABASE', 'PGHOST_UNPOOLED', 'PGPASSWORD', 'PGUSER']);
    expect(summary(h.vercel.envs('prj_previewapp'))).toEqual([`DATABASE_URL@feature/a[preview] neon-preview ${REPO}#7`, `PGHOST@feature/a[preview] neon-preview ${REPO}#7`]);
    expect(warnings()).toEqual([]);
  });

  it('a value Vercel lists under `failed` still fails the publish, named with its reason', async () => {
    const variables = [...h.variables(), { name: 'TOO_LONG', value: 'x'.repeat(70_000), secret: false }];
    await expect(h.publish({}, variables)).rejects.toThrow(/^Vercel: publish variables failed: TOO_LONG: The value of "TOO_LONG" is longer than 65536 characters\. \(value_too_long\)$/);
  });

  it('a remove finds and removes exactly the PR’s values', async () => {
    await h.publish();
    h.vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'hand-made', gitBranch: 'feature/a' });
    const from = h.vercel.standIn.requests.length;

    const report = await h.remove();

    expect(h.lines(from)).toEqual([LIST, BATCH_DELETE]);
    expect(report.names).toEqual(DEFAULT_KEYS);
    expect(summary(h.vercel.envs('prj_previewapp'))).toEqual(['DATABASE_URL@feature/a[preview] (no comment)']);
  });

  it('a sweep finds the marked values in one list and removes them in one batch', async () => {
    await h.publish({ pr: 7, head: 'feature/a' });
    await h.publish({ pr: 8, head: 'feature/b' });
    const target = await h.target();
    const from = h.vercel.standIn.requests.length;

    const { entries, listing } = await target.findManaged(REPO, []);
    await Promise.all(
      target.removeManaged!(
        listing,
        entries.map((e) => ({ pr: e.pr!, entries: [e] })),
        [],
      ),
    );

    expect(entries.map((e) => [e.pr, e.headRef])).toEqual([
      [7, 'feature/a'],
      [8, 'feature/b'],
    ]);
    expect(h.lines(from)).toEqual([LIST, BATCH_DELETE]);
    expect(h.vercel.envs('prj_previewapp')).toEqual([]);
  });

  it('a redeploy finds the newest preview and reports the new deployment', async () => {
    const newest = h.vercel.addDeployment('prj_previewapp', { branch: 'feature/a' });

    const report = await h.publish({ redeploy: true });

    h.expectRequests(0, [PROJECT_READ, LIST, DEPLOYMENTS], [UPSERT, REDEPLOY]);
    const [redeploy] = h.vercel.redeploys();
    expect(redeploy!.fromDeploymentId).toBe(newest.uid);
    expect(report.links.map((l) => l.url)).toContain(`https://${redeploy!.deployment.url}`);
    expect(report.notes.map(noteText)).toEqual([`Redeployed the newest preview deployment of feature/a (${newest.uid}) so it builds with the values.`]);
  });
});

describe('gitBranch: a branch of the connected Git repository, not its production branch', () => {
  it('a project without a connected Git repository fails the publish with what to do, before anything is written', async () => {
    h.vercel.setLink('prj_previewapp', null);
    h.vercel.addDeployment('prj_previewapp', { branch: 'feature/a' });

    const error = await h.publish({ redeploy: true }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(error?.message).toBe(
      "Vercel: nothing was published: project preview-app has no connected Git repository, so it cannot hold values scoped to the branch feature/a (Vercel takes branch values only for branches of the connected repository). Connect the repository in the project's Settings → Git, or remove vercel from `targets`.",
    );
    h.expectRequests(0, [PROJECT_READ, LIST, DEPLOYMENTS], []);
    expect(h.vercel.envs('prj_previewapp')).toEqual([]);
    expect(h.vercel.redeploys()).toEqual([]);
  });

  it.each([
    ['main', undefined],
    ['release/2.x', 'release/2.x'],
  ])('a PR whose head is the production branch (%s) gets nothing on Vercel: a warning names the rule, the report says why, and it succeeds', async (head, productionBranch) => {
    if (productionBranch) h.vercel.setLink('prj_previewapp', { repo: REPO, productionBranch });
    h.vercel.addDeployment('prj_previewapp', { branch: head });

    const report = await h.publish({ head, redeploy: true });

    h.expectRequests(0, [PROJECT_READ, LIST, DEPLOYMENTS], []);
    expect(h.vercel.envs('prj_previewapp')).toEqual([]);
    expect(h.vercel.redeploys()).toEqual([]);
    expect(report).toMatchObject({ target: 'vercel', names: [], removedNames: [] });
    expect(report.notes.map(noteText)).toEqual([`Nothing published: ${head} is the project's production branch, and Vercel does not take preview values for the production branch.`]);
    // The branch name is a value of the note, escaped wherever the note is shown.
    expect(report.notes[0]!.values).toEqual([head]);
    expect(warnings()).toEqual([
      `::warning::Vercel does not take preview values for the production branch: ${head}, the head branch of pull request #7, is project preview-app's production branch, so Vercel gets nothing for this pull request (no action needed).`,
    ]);

    // Its close finds nothing to do.
    const from = h.vercel.standIn.requests.length;
    expect((await h.remove({ head })).names).toEqual([]);
    expect(h.lines(from)).toEqual([LIST]);
  });

  it("'main' is a branch like any other when the project's production branch is another", async () => {
    h.vercel.setLink('prj_previewapp', { repo: REPO, productionBranch: 'trunk' });

    const report = await h.publish({ head: 'main' });

    expect(report.names.sort()).toEqual(DEFAULT_KEYS);
    expect(h.vercel.envs('prj_previewapp').every((e) => e.gitBranch === 'main')).toBe(true);
    expect(warnings()).toEqual([]);
  });

  it('a head branch the connected repository lacks: Vercel refuses every value, and the error says which repository it takes branches of', async () => {
    h.vercel.setLink('prj_previewapp', { repo: 'acme/web', branches: ['main', 'develop'] });

    const error = await h.publish().then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    expect(error?.message).toBe(
      "Vercel: publish variables failed: HTTP 400: No environment variables were created. Vercel takes values for branch feature/a only if it is a branch of the project's connected Git repository (acme/web) other than its production branch (main); connect the project to acme/shop, where this pull request's branch is, or check that the branch exists in the connected repository",
    );
    expect(h.vercel.envs('prj_previewapp')).toEqual([]);
  });
});
