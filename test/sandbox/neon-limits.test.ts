// The Neon stand-in's project rules: the root-branch allowance (schema-only branches are root
// branches), the expiry restrictions, and expiry refused outside the Early Access Program.
import { describe, expect, it } from 'vitest';
import { startNeonStandIn } from '../../sandbox/neon.js';
import { client, failure, OP_MS, useNeon } from './neon-client.js';

const f = useNeon();

describe('root branches', () => {
  it('allows 3 root branches by default, the default branch included; a deleted one frees its place', async () => {
    const { neon, api } = f;
    const first = (await api.createProjectBranch(neon.projectId, { branch: { name: 'schema-1', init_source: 'schema-only' } })).data.branch;
    await api.createProjectBranch(neon.projectId, { branch: { name: 'schema-2', init_source: 'schema-only' } });
    const refused = await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'schema-3', init_source: 'schema-only' } }));
    expect(refused.status).toBe(422);
    expect(refused.data.code).toBe('ROOT_BRANCHES_LIMIT_EXCEEDED');
    expect(refused.data.message).toMatch(/root branches limit of 3 exceeded/);
    expect(neon.branchByName('schema-3')).toBeUndefined();
    // Branches with the parent's data are no root branches.
    expect((await api.createProjectBranch(neon.projectId, { branch: { name: 'data-1' } })).status).toBe(201);

    f.advance(OP_MS);
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: first.id });
    expect((await api.createProjectBranch(neon.projectId, { branch: { name: 'schema-3', init_source: 'schema-only' } })).status).toBe(201);
  });

  it('honours rootBranchLimit', async () => {
    const strict = await startNeonStandIn({ rootBranchLimit: 1, operationMs: OP_MS });
    try {
      const refused = await failure(client(strict).createProjectBranch(strict.projectId, { branch: { name: 'schema', init_source: 'schema-only' } }));
      expect(refused.status).toBe(422);
      expect(refused.data.message).toMatch(/limit of 1 exceeded, got 1/);
    } finally {
      await strict.stop();
    }
  });
});

describe('expiry', () => {
  it('refuses a branch from an expiring parent, and an expiry on a branch with children until they are gone', async () => {
    const { neon, api } = f;
    const expiring = neon.addBranch({ name: 'expiring', expiresAt: f.inDays(1) });
    for (const init_source of ['parent-data', 'schema-only']) {
      const refused = await failure(api.createProjectBranch(neon.projectId, { branch: { name: `from-expiring-${init_source}`, parent_id: expiring.id, init_source } }));
      expect(refused.status).toBe(400);
      expect(refused.data.message).toMatch(/has an expiration time/);
    }

    const parent = neon.addBranch({ name: 'parent' });
    const kid = neon.addBranch({ name: 'kid', parentId: parent.id });
    const refused = await failure(api.updateProjectBranch(neon.projectId, parent.id, { branch: { expires_at: f.inDays(1) } }));
    expect(refused.status).toBe(400);
    expect(refused.data.message).toMatch(/has child branches/);
    expect(neon.branchByName('parent')!.expires_at).toBeUndefined();
    // Removing an expiry is allowed all the same.
    expect((await api.updateProjectBranch(neon.projectId, parent.id, { branch: { expires_at: null } })).status).toBe(200);

    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: kid.id });
    const renewed = f.inDays(2);
    expect((await api.updateProjectBranch(neon.projectId, parent.id, { branch: { expires_at: renewed } })).data.branch.expires_at).toBe(renewed);
  });

  it('with expiryUnsupported, refuses every request carrying expires_at with 403 and accepts the others', async () => {
    const outside = await startNeonStandIn({ expiryUnsupported: true, operationMs: 0 });
    try {
      const api = client(outside);
      const create = await failure(api.createProjectBranch(outside.projectId, { branch: { name: 'ttl', expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') } }));
      expect(create.status).toBe(403);
      expect(create.data.message).toMatch(/Early Access Program/);
      expect(outside.branchByName('ttl')).toBeUndefined();
      const { data } = await api.createProjectBranch(outside.projectId, { branch: { name: 'no-ttl' } });
      expect((await failure(api.updateProjectBranch(outside.projectId, data.branch.id, { branch: { expires_at: null } }))).status).toBe(403);
      expect((await api.updateProjectBranch(outside.projectId, data.branch.id, { branch: { name: 'renamed' } })).status).toBe(200);
    } finally {
      await outside.stop();
    }
  });
});
