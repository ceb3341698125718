// A branch's endpoints and databases, and the project's endpoints.
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import { asObject, type Ctx } from './util.js';

export function partRoutes(app: NeonApp): void {
  const { neon } = app;
  app.serve('GET', '/projects/{project_id}/branches/{branch_id}/endpoints', (req: StandInRequest, ctx: Ctx) => {
    const branch = app.branchOr404(ctx, req.params.branch_id);
    const t = app.now();
    return { status: 200, body: { endpoints: neon.branchEndpoints(branch.id).map((e) => neon.endpointJson(e, t)) } };
  });

  app.serve('GET', '/projects/{project_id}/branches/{branch_id}/databases', (req: StandInRequest, ctx: Ctx) => {
    const branch = app.branchOr404(ctx, req.params.branch_id);
    return { status: 200, body: { databases: branch.databases.map((d) => neon.databaseJson(branch, d)) } };
  });

  // --- endpoints ---

  app.serve('GET', '/projects/{project_id}/endpoints', () => {
    const t = app.now();
    const endpoints = [...neon.endpoints.values()].filter((e) => e.deletedAt === undefined);
    return { status: 200, body: { endpoints: endpoints.map((e) => neon.endpointJson(e, t)) } };
  });

  app.serve('POST', '/projects/{project_id}/endpoints', (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    const spec = asObject(asObject(req.body)?.endpoint) ?? ctx.fail(400, 'request body must be { endpoint: { branch_id, type } }');
    if (spec.type !== 'read_write' && spec.type !== 'read_only') ctx.fail(400, 'endpoint type must be "read_write" or "read_only"');
    const branch = app.branchOr404(ctx, typeof spec.branch_id === 'string' ? spec.branch_id : undefined);
    const timeout = spec.suspend_timeout_seconds;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < -1 || timeout > 604800 || (timeout > 0 && timeout < 60))) {
      ctx.fail(400, 'suspend_timeout_seconds must be -1, 0, or from 60 to 604800');
    }
    if (spec.type === 'read_write' && neon.readWriteEndpoint(branch.id)) ctx.fail(400, `branch ${branch.id} already has a read_write endpoint; a branch can have only one`);
    app.lockCheck(ctx, branch.id, t);
    const endpoint = neon.newEndpoint(branch.id, spec.type, t, {
      ...(typeof timeout === 'number' ? { suspendTimeoutSeconds: timeout } : {}),
      ...(typeof spec.autoscaling_limit_min_cu === 'number' ? { minCu: spec.autoscaling_limit_min_cu } : {}),
      ...(typeof spec.autoscaling_limit_max_cu === 'number' ? { maxCu: spec.autoscaling_limit_max_cu } : {}),
    });
    const ops = neon.newOperations([{ action: 'start_compute', branchId: branch.id, endpointId: endpoint.id, waitsForDatabase: app.engine !== undefined }], t);
    endpoint.startOp = ops[0]!.id;
    return { status: 201, body: { endpoint: neon.endpointJson(endpoint, t), operations: ops.map((o) => neon.operationView(o, t)) } };
  });
}
