// The Neon stand-in's role passwords: a child branch inherits its parent's, a reset changes one
// branch's only, and the reset's operations lock the branch like every other mutation.
import { EndpointType } from '@neondatabase/api-client';
import { describe, expect, it } from 'vitest';
import { failure, OP_MS, useNeon } from './neon-client.js';

const f = useNeon();

describe('role passwords', () => {
  it('resets a role on one branch only, answering the new password and apply_config / suspend_compute per endpoint', async () => {
    const { neon, api } = f;
    const child = neon.addBranch({ name: 'preview/pr-1' });
    const sibling = neon.addBranch({ name: 'preview/pr-2' });
    const parentPassword = neon.branches()[0]!.roles[0]!.password;
    expect(child.roles[0]!.password).toBe(parentPassword);

    f.advance(1000);
    const { status, data } = await api.resetProjectBranchRolePassword(neon.projectId, child.id, 'neondb_owner');
    expect(status).toBe(200);
    expect(data.role).toMatchObject({ branch_id: child.id, name: 'neondb_owner' });
    expect(data.role.password).toMatch(/^npg_[A-Za-z0-9]{12}$/);
    expect(data.role.password).not.toBe(parentPassword);
    expect(data.role.updated_at).not.toBe(data.role.created_at);
    const endpointId = child.endpoints[0]!.id;
    expect(data.operations.map((o) => [o.action, o.endpoint_id, o.branch_id])).toEqual([
      ['apply_config', endpointId, child.id],
      ['suspend_compute', endpointId, child.id],
    ]);
    expect(data.operations[0]!.status).toBe('running');

    // The branch's password is the new one everywhere; the parent's and the sibling's are not touched.
    expect((await api.getProjectBranchRolePassword(neon.projectId, child.id, 'neondb_owner')).data.password).toBe(data.role.password);
    const uri = (await api.getConnectionUri({ projectId: neon.projectId, branch_id: child.id, database_name: 'neondb', role_name: 'neondb_owner' })).data.uri;
    expect(decodeURIComponent(new URL(uri).password)).toBe(data.role.password);
    expect((await api.getProjectBranchRolePassword(neon.projectId, neon.defaultBranchId, 'neondb_owner')).data.password).toBe(parentPassword);
    expect(neon.branchByName('preview/pr-2')!.roles[0]!.password).toBe(parentPassword);
    expect(sibling.id).not.toBe(child.id);
    const listed = (await api.listProjectBranchRoles(neon.projectId, child.id)).data.roles[0]!;
    expect(listed.updated_at).toBe(data.role.updated_at);
    expect(listed.password).toBeUndefined();
  });

  it('answers 423 while the branch has unfinished operations (its own reset included) and 404 for an unknown role', async () => {
    const { neon, api } = f;
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'busy' }, endpoints: [{ type: EndpointType.ReadWrite }] });
    const id = data.branch.id;
    const creating = await failure(api.resetProjectBranchRolePassword(neon.projectId, id, 'neondb_owner'));
    expect(creating.status).toBe(423);
    expect(creating.data.message).toMatch(/conflicting operations/);

    f.advance(OP_MS);
    const first = (await api.resetProjectBranchRolePassword(neon.projectId, id, 'neondb_owner')).data;
    expect((await failure(api.resetProjectBranchRolePassword(neon.projectId, id, 'neondb_owner'))).status).toBe(423);
    // Other mutations wait for the reset too; reads do not.
    expect((await failure(api.updateProjectBranch(neon.projectId, id, { branch: { name: 'busy-2' } }))).status).toBe(423);
    expect((await api.getProjectBranchRolePassword(neon.projectId, id, 'neondb_owner')).data.password).toBe(first.role.password);

    f.advance(OP_MS);
    for (const op of first.operations) expect((await api.getProjectOperation(neon.projectId, op.id)).data.operation.status).toBe('finished');
    const second = (await api.resetProjectBranchRolePassword(neon.projectId, id, 'neondb_owner')).data;
    expect(second.role.password).not.toBe(first.role.password);

    const unknown = await failure(api.resetProjectBranchRolePassword(neon.projectId, id, 'nobody'));
    expect(unknown.status).toBe(404);
    expect(unknown.data.message).toMatch(/role nobody not found/);
    expect((await failure(api.resetProjectBranchRolePassword(neon.projectId, 'br-missing-1', 'neondb_owner'))).status).toBe(404);
  });

  it('starts one apply_config on a branch without endpoints', async () => {
    const { neon, api } = f;
    const bare = neon.addBranch({ name: 'bare', withEndpoint: false });
    const { data } = await api.resetProjectBranchRolePassword(neon.projectId, bare.id, 'neondb_owner');
    expect(data.operations.map((o) => [o.action, o.endpoint_id])).toEqual([['apply_config', undefined]]);
  });
});
