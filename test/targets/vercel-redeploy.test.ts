// vercel_redeploy against the Vercel stand-in: prepare finds the head branch's newest preview
// deployment beside its other reads; afterReady (once the Neon branch is ready) redeploys it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noteText } from '../../src/note.js';
import { coreLog } from '../setup-actions-core.js';
import { BRANCH_REF, DEFAULT_KEYS, DEPLOYMENTS, LIST, PASSWORD, PROJECT_READ, REDEPLOY, UPSERT, VercelHarness } from './vercel-harness.js';

let h: VercelHarness;

beforeEach(async () => {
  h = await VercelHarness.start();
});

afterEach(async () => {
  await h.stop();
});

describe('vercel_redeploy', () => {
  it("redeploys the head branch's newest preview once the branch is ready, after the values are written", async () => {
    const t = Date.now();
    h.vercel.addDeployment('prj_previewapp', { branch: 'feature/a', createdAt: t - 5000 });
    const newest = h.vercel.addDeployment('prj_previewapp', { branch: 'feature/a', createdAt: t - 3000, readyState: 'ERROR' });
    h.vercel.addDeployment('prj_previewapp', { branch: 'feature/a', createdAt: t - 1000, target: 'production' });
    h.vercel.addDeployment('prj_previewapp', { branch: 'feature/b', createdAt: t - 1000 });

    const target = await h.target({ redeploy: true });
    const pr = h.pr();
    const prepared = await target.prepare(pr);
    const report = await target.publish(prepared, pr, h.variables(), BRANCH_REF);
    // Nothing is redeployed before afterReady.
    expect(h.vercel.redeploys()).toEqual([]);
    const after = await target.afterReady!(prepared, pr);

    h.expectRequests(0, [PROJECT_READ, LIST, DEPLOYMENTS], [UPSERT, REDEPLOY]);
    expect(h.vercel.standIn.requestsTo(/^\/v7\/deployments$/)[0]!.query).toMatchObject({ projectId: 'prj_previewapp', branch: 'feature/a', target: 'preview' });

    const [redeploy] = h.vercel.redeploys();
    expect(redeploy).toMatchObject({ fromDeploymentId: newest.uid, name: 'preview-app', project: 'prj_previewapp', withLatestCommit: true });
    expect(redeploy!.target).toBeUndefined();
    expect(redeploy!.deployment.target).toBeNull();
    // The new build sees the values just published.
    expect(redeploy!.env.DATABASE_URL).toContain(`${PASSWORD}-7@ep-pr-7-pooler`);
    expect(Object.keys(redeploy!.env).sort()).toEqual(DEFAULT_KEYS);

    expect(report.notes).toEqual([]);
    expect(after.links).toEqual([
      { label: 'Vercel environment variables', url: `https://vercel.com/${h.vercel.username}/preview-app/settings/environment-variables` },
      { label: 'Vercel redeploy', url: `https://${redeploy!.deployment.url}` },
    ]);
    expect(after.notes.map(noteText)).toEqual([`Redeployed the newest preview deployment of feature/a (${newest.uid}) so it builds with the values.`]);
  });

  it('says the next push builds with the values when the branch has no preview deployment yet', async () => {
    h.vercel.addDeployment('prj_previewapp', { branch: 'feature/b' });

    const report = await h.publish({ redeploy: true });

    h.expectRequests(0, [PROJECT_READ, LIST, DEPLOYMENTS], [UPSERT]);
    expect(h.vercel.redeploys()).toEqual([]);
    expect(report.notes.map(noteText)).toEqual(['No preview deployment of feature/a yet; the next Git push will build with the values.']);
    expect(coreLog).toContain('::notice::Vercel: no preview deployment of feature/a yet, so nothing was redeployed; the next Git push builds with the values.');
  });

  it('off: looks for no deployment and has no step after the branch is ready', async () => {
    h.vercel.addDeployment('prj_previewapp', { branch: 'feature/a' });

    const target = await h.target({ redeploy: false });
    expect(target.afterReady).toBeUndefined();
    await h.publish({ redeploy: false });

    expect(h.vercel.standIn.requestsTo(/deployments/)).toEqual([]);
    expect(h.vercel.redeploys()).toEqual([]);
  });

  it('a failed deployment lookup fails the publish before anything is written', async () => {
    h.vercel.standIn.failNext({ method: 'GET', path: /^\/v7\/deployments$/, status: 403, body: { error: { code: 'forbidden', message: 'Not authorized to list deployments' } } });

    await expect(h.publish({ redeploy: true })).rejects.toThrow(
      /^Vercel: find the preview deployment failed: HTTP 403: Not authorized to list deployments\. Check that vercel_token can access project prj_previewapp/,
    );

    expect(h.vercel.standIn.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(h.vercel.envs('prj_previewapp')).toEqual([]);
  });
});
