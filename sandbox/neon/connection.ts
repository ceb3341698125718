// GET /projects/{project_id}/connection_uri (getConnectionURI): the URL of a branch's endpoint
// with a role's password.
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import type { EndpointRecord, RoleRecord } from './records.js';
import type { Ctx } from './util.js';

export function connectionRoute(app: NeonApp): void {
  const { neon } = app;

  app.serve('GET', '/projects/{project_id}/connection_uri', async (req: StandInRequest, ctx: Ctx) => {
    const { database_name: database, role_name: roleName } = req.query;
    if (!database) ctx.fail(400, 'database_name is required');
    if (!roleName) ctx.fail(400, 'role_name is required');
    // Without branch_id Neon answers for the project's default branch.
    const branch = app.branchOr404(ctx, req.query.branch_id ?? neon.defaultBranchId);
    let endpoint: EndpointRecord;
    if (req.query.endpoint_id !== undefined) {
      const found = neon.endpoints.get(req.query.endpoint_id);
      if (!found || found.deletedAt !== undefined || found.branchId !== branch.id) ctx.fail(404, `endpoint ${req.query.endpoint_id} not found on branch ${branch.id}`);
      endpoint = found;
    } else {
      endpoint = neon.readWriteEndpoint(branch.id) ?? ctx.fail(404, `branch ${branch.id} has no read_write endpoint`);
    }
    if (!branch.databases.some((d) => d.name === database)) ctx.fail(404, `database ${database} not found on branch ${branch.id}`);
    let role = branch.roles.find((r) => r.name === roleName) ?? ctx.fail(404, `role ${roleName} not found on branch ${branch.id}`);
    const pooled = req.query.pooled === 'true';
    const wrong = app.connectionUriFault === 'default-branch' ? defaultBranchAnswer(app, database, roleName) : undefined;
    if (wrong) ({ endpoint, role } = wrong);
    // A branch seeded with addBranch may still be binding its listeners.
    await app.engine?.listening(endpoint.branchId);
    return { status: 200, body: { uri: app.connectionUri(role, endpoint.id, pooled, database) } };
  });
}

/**
 * The fault `setConnectionUriFault('default-branch')`: the default branch's endpoint and role, the
 * bug Neon's own tools had (create-branch-action #27 and #34, reset-branch-action PR #9: the
 * default branch's connection string for another branch). Undefined when the default branch has
 * no read_write endpoint, database or role to build that URL from.
 */
function defaultBranchAnswer(app: NeonApp, database: string, roleName: string): { endpoint: EndpointRecord; role: RoleRecord } | undefined {
  const main = app.neon.liveBranch(app.neon.defaultBranchId);
  const endpoint = main ? app.neon.readWriteEndpoint(main.id) : undefined;
  const role = main?.roles.find((r) => r.name === roleName);
  if (!main || !endpoint || !role || !main.databases.some((d) => d.name === database)) return undefined;
  return { endpoint, role };
}
