// POST /projects/{project_id}/branches/{branch_id}/recover (recoverProjectBranch, beta in the
// description): a soft-deleted branch comes back within 7 days of its deletion, with its endpoints
// idle, its connection strings unchanged, and without its expiry ("TTL branches become non-TTL
// branches after recovery"). Neon's refusals are undocumented; the stand-in's are its own reading.
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import { RECOVERY_MS } from './records.js';
import type { Ctx } from './util.js';

export function recoverRoute(app: NeonApp): void {
  const { neon } = app;
  app.serve('POST', '/projects/{project_id}/branches/{branch_id}/recover', (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    const id = req.params.branch_id ?? '';
    // A hard-deleted branch is gone from the records: nothing to recover.
    const branch = neon.branches.get(id) ?? ctx.fail(404, `branch ${id} not found`);
    const deletedAt = branch.deletedAt ?? ctx.fail(400, `branch ${id} is not deleted`);
    if (t >= deletedAt + RECOVERY_MS) ctx.fail(404, `branch ${id} not found: its 7-day recovery period is over`);
    const parent = branch.parentId !== undefined ? neon.branches.get(branch.parentId) : undefined;
    if (parent?.deletedAt !== undefined) ctx.fail(400, `branch ${id} cannot be recovered before its parent branch ${parent.id}`);
    app.checkNameFree(ctx, branch.name, branch.id);
    app.lockCheck(ctx, branch.id, t);
    // Deleting the branch deleted its database in the engine: the stand-in cannot bring it back.
    if (app.engine) ctx.fail(500, `branch ${id} cannot be recovered: the stand-in's Postgres engine keeps no data of deleted branches`);

    delete branch.deletedAt;
    delete branch.expiresAt;
    delete branch.ttlSeconds;
    branch.modifiedAt = t;
    for (const endpoint of neon.endpoints.values()) {
      if (endpoint.branchId !== branch.id || endpoint.deletedAt !== deletedAt) continue;
      delete endpoint.deletedAt;
      endpoint.idle = true;
    }
    return { status: 200, body: { branch: neon.branchJson(branch, t), endpoints: neon.branchEndpoints(branch.id).map((e) => neon.endpointJson(e, t)) } };
  });
}
