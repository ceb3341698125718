// GET /projects/{project_id}/connection_uri (getConnectionURI): the URL of a branch's endpoint
// with a role's password.
import type { StandInRequest } from '../server.js';
import { connectionUri, type NeonApp } from './app.js';
import type { EndpointRecord } from './records.js';
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
    const role = branch.roles.find((r) => r.name === roleName) ?? ctx.fail(404, `role ${roleName} not found on branch ${branch.id}`);
    const pooled = req.query.pooled === 'true';
    // A branch seeded with addBranch may still be binding its listeners.
    await app.engine?.listening(branch.id);
    return { status: 200, body: { uri: connectionUri(role.name, role.password, app.endpointHost(endpoint.id, pooled), database, app.uriQuery) } };
  });
}
