// The Neon stand-in's connection URIs under the wrong-branch fault: the default branch's URL for
// another branch, the bug of Neon's own tools (create-branch-action #27/#34, reset-branch-action #9).
import { describe, expect, it } from 'vitest';
import { failure, useNeon } from './neon-client.js';

const f = useNeon();

describe('the wrong-branch connection URI fault', () => {
  it("answers with the default branch's host and password while on, for direct and pooled URLs", async () => {
    const { neon, api } = f;
    const main = neon.branches()[0]!;
    const child = neon.addBranch({ name: 'preview/pr-7' });
    await api.resetProjectBranchRolePassword(neon.projectId, child.id, 'neondb_owner');
    const childPassword = neon.branchByName('preview/pr-7')!.roles[0]!.password;
    const ask = async (pooled: boolean) => (await api.getConnectionUri({ projectId: neon.projectId, branch_id: child.id, database_name: 'neondb', role_name: 'neondb_owner', pooled })).data.uri;

    const right = new URL(await ask(false));
    expect(right.hostname).toBe(child.endpoints[0]!.host);
    expect(decodeURIComponent(right.password)).toBe(childPassword);

    neon.setConnectionUriFault('default-branch');
    const direct = new URL(await ask(false));
    const pooled = new URL(await ask(true));
    expect(direct.hostname).toBe(main.endpoints[0]!.host);
    expect(pooled.hostname).toBe(main.endpoints[0]!.host.replace(main.endpoints[0]!.id, `${main.endpoints[0]!.id}-pooler`));
    expect(decodeURIComponent(direct.password)).toBe(main.roles[0]!.password);
    expect(direct.pathname).toBe('/neondb');
    // Unknown branches, roles and databases are still refused.
    expect((await failure(api.getConnectionUri({ projectId: neon.projectId, branch_id: 'br-missing-1', database_name: 'neondb', role_name: 'neondb_owner' }))).status).toBe(404);
    expect((await failure(api.getConnectionUri({ projectId: neon.projectId, branch_id: child.id, database_name: 'neondb', role_name: 'nobody' }))).status).toBe(404);

    neon.setConnectionUriFault(undefined);
    expect(new URL(await ask(false)).hostname).toBe(child.endpoints[0]!.host);
  });
});
