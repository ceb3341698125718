// The Neon stand-in's restore (reset from parent): the branch keeps its id, name, endpoints,
// annotations and expiry interval, takes the source's data, schema and role passwords, and is
// `resetting` while the operations run; preserve_under_name keeps the old state as a new branch.
import { EndpointType } from '@neondatabase/api-client';
import { describe, expect, it } from 'vitest';
import { failure, OP_MS, useNeon } from './neon-client.js';

const f = useNeon();

describe('restore', () => {
  it('resets a branch from its parent: same id, name, hosts and annotations; the parent’s schema and passwords; expiry restarted', async () => {
    const { neon, api } = f;
    const mainPassword = neon.branches()[0]!.roles[0]!.password;
    const created = await api.createProjectBranch(neon.projectId, {
      branch: { name: 'preview/pr-9', expires_at: f.inDays(2) },
      endpoints: [{ type: EndpointType.ReadWrite }],
      annotation_value: { 'github-pr': '9' },
    });
    const id = created.data.branch.id;
    const ttl = created.data.branch.ttl_interval_seconds!;
    f.advance(OP_MS);
    const own = (await api.resetProjectBranchRolePassword(neon.projectId, id, 'neondb_owner')).data.role.password!;
    neon.setSchema(id, 'neondb', 'CREATE TABLE public.only_here (\n    id integer\n);\n');
    f.advance(3600_000);

    const { status, data } = await api.restoreProjectBranch(neon.projectId, id, { source_branch_id: neon.defaultBranchId });
    expect(status).toBe(200);
    expect(data.branch).toMatchObject({ id, name: 'preview/pr-9', parent_id: neon.defaultBranchId, current_state: 'resetting', pending_state: 'ready', ttl_interval_seconds: ttl });
    expect(Date.parse(data.branch.expires_at!)).toBe(Math.floor((f.now() + ttl * 1000) / 1000) * 1000);
    expect(data.branch.last_reset_at).toBeDefined();
    const endpointId = created.data.endpoints[0]!.id;
    expect(data.operations.map((o) => [o.action, o.endpoint_id])).toEqual([
      ['create_timeline', undefined],
      ['suspend_compute', endpointId],
      ['start_compute', endpointId],
    ]);
    expect((await failure(api.restoreProjectBranch(neon.projectId, id, { source_branch_id: neon.defaultBranchId }))).status).toBe(423);

    // The parent's password and schema are back; the endpoint and its host are the same.
    const after = neon.branchByName('preview/pr-9')!;
    expect(after.roles[0]!.password).toBe(mainPassword);
    expect(after.roles[0]!.password).not.toBe(own);
    expect(await neon.schema(id, 'neondb')).toBe(await neon.schema(neon.defaultBranchId, 'neondb'));
    expect(after.endpoints.map((e) => [e.id, e.host])).toEqual(created.data.endpoints.map((e) => [e.id, e.host]));
    expect(after.annotations).toEqual({ 'github-pr': '9' });

    f.advance(OP_MS);
    const ready = (await api.getProjectBranch(neon.projectId, id)).data.branch;
    expect(ready.current_state).toBe('ready');
    expect(ready.pending_state).toBeUndefined();
    for (const op of data.operations) expect((await api.getProjectOperation(neon.projectId, op.id)).data.operation.status).toBe('finished');
  });

  it('needs preserve_under_name when the branch has children, and then keeps the old state there with the children', async () => {
    const { neon, api } = f;
    const parent = neon.addBranch({ name: 'feature' });
    const kid = neon.addBranch({ name: 'feature/kid', parentId: parent.id });
    neon.setSchema(parent.id, 'neondb', 'CREATE TABLE public.feature_table (\n    id integer\n);\n');
    const oldPassword = parent.roles[0]!.password;

    const refused = await failure(api.restoreProjectBranch(neon.projectId, parent.id, { source_branch_id: neon.defaultBranchId }));
    expect(refused.status).toBe(400);
    expect(refused.data.message).toMatch(/preserve_under_name is required/);
    expect((await failure(api.restoreProjectBranch(neon.projectId, parent.id, { source_branch_id: neon.defaultBranchId, preserve_under_name: 'main' }))).status).toBe(409);

    const { data } = await api.restoreProjectBranch(neon.projectId, parent.id, { source_branch_id: neon.defaultBranchId, preserve_under_name: 'feature_old' });
    expect(data.operations.map((o) => o.action)).toEqual(['create_branch', 'create_timeline', 'suspend_compute', 'start_compute']);
    const kept = neon.branchByName('feature_old')!;
    expect(kept).toMatchObject({ parent_id: neon.defaultBranchId, init_source: 'parent-data' });
    expect(kept.endpoints).toEqual([]);
    expect(kept.roles[0]!.password).toBe(oldPassword);
    expect(await neon.schema(kept.id, 'neondb')).toContain('feature_table');
    expect(neon.branchByName('feature/kid')!.parent_id).toBe(kept.id);
    expect(kid.id).toBe(neon.branchByName('feature/kid')!.id);
    expect(await neon.schema(parent.id, 'neondb')).not.toContain('feature_table');
    expect(neon.branchByName('feature')!.id).toBe(parent.id);
  });

  it('refuses root, protected, point-in-time and self restores, unknown sources, and sources with an expiry', async () => {
    const { neon, api } = f;
    const restore = (branchId: string, body: Parameters<typeof api.restoreProjectBranch>[2]) => failure(api.restoreProjectBranch(neon.projectId, branchId, body));
    const schemaOnly = (await api.createProjectBranch(neon.projectId, { branch: { name: 'schema', init_source: 'schema-only' } })).data.branch;
    f.advance(OP_MS);
    for (const root of [schemaOnly.id, neon.defaultBranchId]) {
      const r = await restore(root, { source_branch_id: neon.defaultBranchId });
      expect(r.status).toBe(400);
      expect(r.data.message).toMatch(/root branch/);
    }
    const prot = neon.addBranch({ name: 'prod-copy', protected: true });
    expect((await restore(prot.id, { source_branch_id: neon.defaultBranchId })).data.message).toMatch(/protected/);

    const child = neon.addBranch({ name: 'child' });
    expect((await restore(child.id, { source_branch_id: child.id })).data.message).toMatch(/source_lsn or source_timestamp is required/);
    expect((await restore(child.id, { source_branch_id: child.id, source_timestamp: '2025-01-01T00:00:00Z' })).data.message).toMatch(/preserve_under_name is required/);
    expect((await restore(child.id, { source_branch_id: child.id, source_timestamp: '2025-01-01T00:00:00Z', preserve_under_name: 'x' })).data.message).toMatch(/only supported for root branches/);
    expect((await restore(child.id, { source_branch_id: neon.defaultBranchId, source_lsn: '0/1000000' })).data.message).toMatch(/only supported for root branches/);
    expect((await restore(child.id, { source_branch_id: 'br-missing-1' })).status).toBe(404);
    expect((await restore('br-missing-1', { source_branch_id: neon.defaultBranchId })).status).toBe(404);
    const expiring = neon.addBranch({ name: 'expiring', expiresAt: f.inDays(1) });
    expect((await restore(child.id, { source_branch_id: expiring.id })).data.message).toMatch(/expiration/);
    // Any other branch can be the source; it becomes the parent.
    const other = neon.addBranch({ name: 'other' });
    const moved = (await api.restoreProjectBranch(neon.projectId, child.id, { source_branch_id: other.id })).data.branch;
    expect(moved.parent_id).toBe(other.id);
  });
});
