// POST /projects/{project_id}/branches (createProjectBranch): a child of the parent (or a
// schema-only root), its endpoints and the operations that make it ready.
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import { asObject, type Ctx } from './util.js';

export function createBranchRoute(app: NeonApp): void {
  const { neon } = app;
  app.serve('POST', '/projects/{project_id}/branches', async (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    if (req.body !== undefined && !asObject(req.body)) ctx.fail(400, 'request body must be a JSON object');
    const body = asObject(req.body) ?? {};
    const spec = asObject(body.branch) ?? {};
    const endpointSpecs = Array.isArray(body.endpoints) ? body.endpoints.map((e) => asObject(e) ?? {}) : [];

    const parentId = typeof spec.parent_id === 'string' && spec.parent_id !== '' ? spec.parent_id : neon.defaultBranchId;
    const parent = neon.liveBranch(parentId) ?? ctx.fail(404, `parent branch ${parentId} not found`);

    let name: string | undefined;
    if (spec.name !== undefined) {
      if (typeof spec.name !== 'string' || spec.name.length < 1 || spec.name.length > 256) ctx.fail(400, 'branch name must be 1 to 256 characters');
      name = spec.name;
    }
    const initSource = spec.init_source ?? 'parent-data';
    if (initSource !== 'parent-data' && initSource !== 'schema-only') ctx.fail(400, `init_source must be "parent-data" or "schema-only", got ${JSON.stringify(initSource)}`);
    const isProtected = spec.protected === true;
    app.expiryAvailable(ctx, spec);
    let expiresAt: number | undefined;
    if (spec.expires_at !== undefined && spec.expires_at !== null) {
      // Docs guides/branch-expiration, Restrictions: "Cannot expire protected branches".
      if (isProtected) ctx.fail(400, 'expiration cannot be set on a protected branch');
      expiresAt = app.expiry(ctx, spec.expires_at, t);
    }
    // Docs guides/branch-expiration, Restrictions: no "children from expiring branches"; status and
    // wording undocumented. A schema-only branch is no child, but it is refused too (harder reading).
    if (parent.expiresAt !== undefined) ctx.fail(400, `cannot create a branch from branch ${parent.id}: it has an expiration time`);
    // Schema-only branches are root branches, and a project has a plan's allowance of them, the
    // default branch included (docs guides/branching-schema-only: Free 3, Launch 5, Scale 10,
    // Business 25). Neon's wording is undocumented: shaped like its project limit answer
    // (neonctl #255: 422 PROJECTS_LIMIT_EXCEEDED "user projects limit of 1 exceeded, got 1").
    const roots = neon.liveBranches().filter((b) => b.parentId === undefined).length;
    if (initSource === 'schema-only' && roots >= app.settings.rootBranchLimit) {
      ctx.fail(422, `root branches limit of ${app.settings.rootBranchLimit} exceeded, got ${roots}: a schema-only branch is a root branch`, 'ROOT_BRANCHES_LIMIT_EXCEEDED');
    }

    let readWrite = 0;
    for (const e of endpointSpecs) {
      if (e.type !== 'read_write' && e.type !== 'read_only') ctx.fail(400, `endpoint type must be "read_write" or "read_only"`);
      if (e.type === 'read_write') readWrite += 1;
      const timeout = e.suspend_timeout_seconds;
      if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < -1 || timeout > 604800 || (timeout > 0 && timeout < 60))) {
        ctx.fail(400, 'suspend_timeout_seconds must be -1, 0, or from 60 to 604800');
      }
    }
    if (readWrite > 1) ctx.fail(400, 'a branch can have only one read_write endpoint');

    let annotation: Record<string, string> | undefined;
    if (body.annotation_value !== undefined) {
      const value = asObject(body.annotation_value) ?? ctx.fail(400, 'annotation_value must be an object of strings');
      if (Object.values(value).some((v) => typeof v !== 'string') || Object.keys(value).length > 50) ctx.fail(400, 'annotation_value must be a flat map of at most 50 strings');
      annotation = value as Record<string, string>;
    }

    if (name !== undefined) app.checkNameFree(ctx, name);
    app.lockCheck(ctx, parent.id, t);
    if (app.engine && !app.engine.has(parent.id)) ctx.fail(500, `parent branch ${parent.id} has no database in the stand-in's Postgres engine`);

    const branch = neon.newBranch({
      ...(name !== undefined ? { name } : {}),
      parent,
      schemaOnly: initSource === 'schema-only',
      protected: isProtected,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(annotation ? { annotation } : {}),
      ...(typeof spec.parent_lsn === 'string' ? { parentLsn: spec.parent_lsn } : {}),
      ...(typeof spec.parent_timestamp === 'string' ? { parentTimestamp: spec.parent_timestamp } : {}),
      at: t,
    });
    // The copy of the parent's data is taken now; the new database starts while the operations run.
    const database = app.engine ? app.engine.create(branch.id, { parentId: parent.id, schemaOnly: initSource === 'schema-only' }) : undefined;
    const endpoints = endpointSpecs.map((e) =>
      neon.newEndpoint(branch.id, e.type as 'read_write' | 'read_only', t, {
        ...(typeof e.suspend_timeout_seconds === 'number' ? { suspendTimeoutSeconds: e.suspend_timeout_seconds } : {}),
        ...(typeof e.autoscaling_limit_min_cu === 'number' ? { minCu: e.autoscaling_limit_min_cu } : {}),
        ...(typeof e.autoscaling_limit_max_cu === 'number' ? { maxCu: e.autoscaling_limit_max_cu } : {}),
      }),
    );
    const waitsForDatabase = app.engine !== undefined;
    const ops = neon.newOperations(
      [{ action: 'create_branch', branchId: branch.id, waitsForDatabase }, ...endpoints.map((e) => ({ action: 'start_compute' as const, branchId: branch.id, endpointId: e.id, waitsForDatabase }))],
      t,
    );
    branch.creationOps = ops.map((o) => o.id);
    endpoints.forEach((e, i) => (e.startOp = ops[i + 1]!.id));
    // Its hosts are the ports of its listeners, bound in a few milliseconds.
    if (database) await database;

    const rw = endpoints.find((e) => e.type === 'read_write');
    const connectionUris =
      rw && branch.databases.length === 1 && branch.roles.length === 1
        ? branch.databases.map((db) => {
            const role = branch.roles[0]!;
            const host = app.endpointHost(rw.id, false);
            return {
              connection_uri: app.connectionUri(role, rw.id, false, db.name),
              connection_parameters: { database: db.name, password: role.password, role: role.name, host, pooler_host: app.endpointHost(rw.id, true) },
            };
          })
        : undefined;

    return {
      status: 201,
      body: {
        branch: neon.branchJson(branch, t),
        endpoints: endpoints.map((e) => neon.endpointJson(e, t)),
        operations: ops.map((o) => neon.operationView(o, t)),
        roles: branch.roles.map((r) => neon.roleJson(branch, r)),
        databases: branch.databases.map((d) => neon.databaseJson(branch, d)),
        ...(connectionUris ? { connection_uris: connectionUris } : {}),
      },
    };
  });
}
