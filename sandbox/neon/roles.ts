// A branch's roles: list, reveal a password, reset a password. Roles belong to a branch: a reset
// on one branch leaves the parent's and every other branch's password as it was (docs:
// neon.com/faqs/reset-database-password "the reset applies to that branch only", manage/roles).
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import type { OperationSpec } from './operations.js';
import { rolePassword, type Ctx } from './util.js';

export function roleRoutes(app: NeonApp): void {
  const { neon } = app;

  app.serve('GET', '/projects/{project_id}/branches/{branch_id}/roles', (req: StandInRequest, ctx: Ctx) => {
    const branch = app.branchOr404(ctx, req.params.branch_id);
    return { status: 200, body: { roles: branch.roles.map((r) => neon.roleJson(branch, r)) } };
  });

  app.serve('GET', '/projects/{project_id}/branches/{branch_id}/roles/{role_name}/reveal_password', (req: StandInRequest, ctx: Ctx) => {
    const branch = app.branchOr404(ctx, req.params.branch_id);
    const role = branch.roles.find((r) => r.name === req.params.role_name) ?? ctx.fail(404, `role ${req.params.role_name ?? ''} not found`);
    return { status: 200, body: { password: role.password } };
  });

  // resetProjectBranchRolePassword: answers the role with its new password (RoleOperations) and
  // the operations that apply it. The description says the old password stays valid until the
  // last operation finishes; nothing authenticates against the stand-in, so only the operations
  // (and the 423 they cause) show that.
  app.serve('POST', '/projects/{project_id}/branches/{branch_id}/roles/{role_name}/reset_password', async (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    const branch = app.branchOr404(ctx, req.params.branch_id);
    const role = branch.roles.find((r) => r.name === req.params.role_name) ?? ctx.fail(404, `role ${req.params.role_name ?? ''} not found on branch ${branch.id}`);
    app.lockCheck(ctx, branch.id, t);
    role.password = rolePassword();
    role.updatedAt = t;
    // apply_config then suspend_compute on each endpoint: the description's example and the
    // manage/roles docs ("Connections to the compute endpoint are dropped"). Without an endpoint
    // Neon's answer is undocumented: one apply_config on the branch, so a client still waits.
    const endpoints = neon.branchEndpoints(branch.id);
    const specs: OperationSpec[] =
      endpoints.length === 0
        ? [{ action: 'apply_config', branchId: branch.id }]
        : endpoints.flatMap((e) => [
            { action: 'apply_config' as const, branchId: branch.id, endpointId: e.id },
            { action: 'suspend_compute' as const, branchId: branch.id, endpointId: e.id },
          ]);
    const ops = neon.newOperations(specs, t);
    await app.engine?.dropConnections(branch.id);
    return { status: 200, body: { role: { ...neon.roleJson(branch, role), password: role.password }, operations: ops.map((o) => neon.operationView(o, t)) } };
  });
}
