// Deleted branches in the Neon stand-in: soft-deleted ones can be recovered for 7 days; with
// deletedNamesReserved their names stay taken meanwhile (Neon documents neither way).
import { describe, expect, it } from 'vitest';
import { DAY_MS, failure, OP_MS, useNeon } from './neon-client.js';

describe('recover', () => {
  const f = useNeon();

  it('brings a soft-deleted branch back with its id, name and endpoints (idle), without its expiry', async () => {
    const { neon, api } = f;
    const branch = neon.addBranch({ name: 'preview/pr-5', expiresAt: f.inDays(3), annotations: { 'github-pr': '5' } });
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: branch.id });
    // The delete's operations lock it for a moment.
    expect((await failure(api.recoverProjectBranch(neon.projectId, branch.id))).status).toBe(423);
    f.advance(OP_MS);

    const { status, data } = await api.recoverProjectBranch(neon.projectId, branch.id);
    expect(status).toBe(200);
    expect(data.branch).toMatchObject({ id: branch.id, name: 'preview/pr-5' });
    expect(data.branch.expires_at).toBeUndefined();
    expect(data.endpoints?.map((e) => [e.id, e.host, e.current_state])).toEqual([[branch.endpoints[0]!.id, branch.endpoints[0]!.host, 'idle']]);
    expect(neon.branchByName('preview/pr-5')!.annotations).toEqual({ 'github-pr': '5' });
    expect((await api.getProjectBranch(neon.projectId, branch.id)).status).toBe(200);

    const live = await failure(api.recoverProjectBranch(neon.projectId, branch.id));
    expect(live.status).toBe(400);
    expect(live.data.message).toMatch(/not deleted/);
  });

  it('refuses a hard-deleted branch, one past its 7 days, and one whose name a live branch took', async () => {
    const { neon, api } = f;
    const hard = neon.addBranch({ name: 'hard' });
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: hard.id, hard_delete: true });
    const old = neon.addBranch({ name: 'old' });
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: old.id });
    const taken = neon.addBranch({ name: 'taken' });
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: taken.id });
    f.advance(OP_MS);
    // The name is free again without deletedNamesReserved; recovering the old branch then conflicts.
    neon.addBranch({ name: 'taken' });
    const conflict = await failure(api.recoverProjectBranch(neon.projectId, taken.id));
    expect(conflict.status).toBe(409);
    expect((await failure(api.recoverProjectBranch(neon.projectId, hard.id))).status).toBe(404);
    f.advance(7 * DAY_MS);
    const expired = await failure(api.recoverProjectBranch(neon.projectId, old.id));
    expect(expired.status).toBe(404);
    expect(expired.data.message).toMatch(/recovery period is over/);
  });
});

describe('deletedNamesReserved', () => {
  const f = useNeon({ deletedNamesReserved: true });

  it('refuses the name of a recoverable deleted branch with 409 until it is recovered, hard-deleted or past 7 days', async () => {
    const { neon, api } = f;
    const gone = neon.addBranch({ name: 'preview/pr-8' });
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: gone.id });
    const refused = await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'preview/pr-8' } }));
    expect(refused.status).toBe(409);
    expect(refused.data.message).toMatch(/already exists: deleted branch .* keeps it until/);
    const other = neon.addBranch({ name: 'other' });
    expect((await failure(api.updateProjectBranch(neon.projectId, other.id, { branch: { name: 'preview/pr-8' } }))).status).toBe(409);
    // It comes back under its own name.
    f.advance(OP_MS);
    expect((await api.recoverProjectBranch(neon.projectId, gone.id)).data.branch.name).toBe('preview/pr-8');

    const hard = neon.addBranch({ name: 'hard' });
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: hard.id, hard_delete: true });
    expect((await api.createProjectBranch(neon.projectId, { branch: { name: 'hard' } })).status).toBe(201);

    const soft = neon.addBranch({ name: 'soft' });
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: soft.id });
    expect((await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'soft' } }))).status).toBe(409);
    f.advance(7 * DAY_MS);
    expect((await api.createProjectBranch(neon.projectId, { branch: { name: 'soft' } })).status).toBe(201);
  });
});
