// The Neon stand-in's compare_schema without the Postgres engine: each database of a branch has a
// schema text a test sets, copied to children at creation, diffed as Neon's API answers it.
import { EndpointType } from '@neondatabase/api-client';
import { describe, expect, it } from 'vitest';
import { failure, OP_MS, useNeon } from './neon-client.js';

const f = useNeon();

const ORDERS = `CREATE TABLE public.orders (
    id integer NOT NULL,
    product_id integer NOT NULL,
    CONSTRAINT orders_pkey PRIMARY KEY (id)
);
`;

describe('compare_schema', () => {
  it("diffs a branch's schema against its parent's: empty when equal, a unified diff a/<db> → b/<db> when not", async () => {
    const { neon, api } = f;
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'preview/pr-3' }, endpoints: [{ type: EndpointType.ReadWrite }] });
    const id = data.branch.id;
    const compare = async (extra: { base_branch_id?: string } = {}) =>
      (await api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: id, db_name: 'neondb', ...extra })).data.diff ?? '';

    expect(await neon.schema(id, 'neondb')).toBe(await neon.schema(neon.defaultBranchId, 'neondb'));
    expect(await neon.schema(id, 'neondb')).toMatch(/^CREATE TABLE public\.products \(/);
    expect(await compare()).toBe('');

    neon.setSchema(id, 'neondb', `${await neon.schema(id, 'neondb')}\n${ORDERS}`);
    const diff = await compare();
    expect(diff).toMatch(/^--- a\/neondb\n\+\+\+ b\/neondb\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    expect(diff).toContain('+CREATE TABLE public.orders (\n+    id integer NOT NULL,\n');
    expect(diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([]);
    // The parent is not changed; against an explicit base the sides are as given.
    expect(await neon.schema(neon.defaultBranchId, 'neondb')).not.toContain('orders');
    const reverse = (await api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: neon.defaultBranchId, base_branch_id: id, db_name: 'neondb' })).data.diff;
    expect(reverse).toContain('-CREATE TABLE public.orders (');

    // A child created now starts with the changed schema.
    f.advance(OP_MS);
    const grandchild = await api.createProjectBranch(neon.projectId, { branch: { name: 'preview/pr-3-child', parent_id: id } });
    expect(await neon.schema(grandchild.data.branch.id, 'neondb')).toContain('public.orders');
  });

  it('copies the texts to a schema-only branch, which has no parent to compare to without base_branch_id', async () => {
    const { neon, api } = f;
    neon.addDatabase(neon.defaultBranchId, 'analytics', 'neondb_owner');
    neon.setSchema(neon.defaultBranchId, 'analytics', 'CREATE TABLE public.events (\n    id bigint NOT NULL\n);\n');
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'schema-copy', init_source: 'schema-only' } });
    const id = data.branch.id;
    expect(await neon.schema(id, 'analytics')).toBe(await neon.schema(neon.defaultBranchId, 'analytics'));

    const orphan = await failure(api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: id, db_name: 'analytics' }));
    expect(orphan.status).toBe(400);
    expect(orphan.data.message).toMatch(/no parent/);
    const withBase = await api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: id, base_branch_id: neon.defaultBranchId, db_name: 'analytics' });
    expect(withBase.data.diff).toBe('');
  });

  it('refuses an unknown database, base branch or branch, and lsn with timestamp', async () => {
    const { neon, api } = f;
    const child = neon.addBranch({ name: 'preview/pr-4' });
    const missingDb = await failure(api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: child.id, db_name: 'nope' }));
    expect(missingDb.status).toBe(404);
    expect(missingDb.data.message).toMatch(/database nope not found/);
    expect((await failure(api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: child.id, base_branch_id: 'br-missing-1', db_name: 'neondb' }))).status).toBe(404);
    expect((await failure(api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: 'br-missing-1', db_name: 'neondb' }))).status).toBe(404);
    const both = await failure(api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: child.id, db_name: 'neondb', lsn: '0/1000000', timestamp: '2025-01-01T00:00:00Z' }));
    expect(both.status).toBe(400);
    // Only on one side: the other branch lacks the database.
    neon.addDatabase(child.id, 'only-here', 'neondb_owner');
    expect((await failure(api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId: child.id, db_name: 'only-here' }))).data.message).toMatch(
      new RegExp(`not found on branch ${neon.defaultBranchId}`),
    );
    expect(() => neon.setSchema(child.id, 'nope', '')).toThrow(/no database nope/);
  });
});
