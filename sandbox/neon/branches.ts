// Branch routes: list (search, sort, cursor pages), count, get, update (PATCH) and delete.
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import type { BranchRecord, SortBy, SortOrder } from './records.js';
import { asObject, compareKeys, decodeCursor, encodeCursor, type Ctx } from './util.js';

export function branchRoutes(app: NeonApp): void {
  const { neon } = app;
  app.serve('GET', '/projects/{project_id}/branches', (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    const sortBy = (req.query.sort_by ?? 'updated_at') as SortBy;
    const sortOrder = (req.query.sort_order ?? 'desc') as SortOrder;
    if (!['name', 'created_at', 'updated_at'].includes(sortBy)) ctx.fail(400, 'sort_by must be one of name, created_at, updated_at');
    if (!['asc', 'desc'].includes(sortOrder)) ctx.fail(400, 'sort_order must be asc or desc');
    const limit = app.limitParam(ctx, req.query.limit, 10000, app.settings.pageLimitDefault);
    const includeDeleted = req.query.include_deleted === 'true';
    const search = (req.query.search ?? '').toLowerCase();

    const key = (b: BranchRecord): string | number => (sortBy === 'name' ? b.name : sortBy === 'created_at' ? b.createdAt : neon.updatedAt(b, t));
    const direction = sortOrder === 'asc' ? 1 : -1;
    const ordered = (a: { v: string | number; s: number }, b: { v: string | number; s: number }): number => direction * compareKeys(a.v, a.s, b.v, b.s);

    let rows = [...neon.branches.values()]
      .filter((b) => (includeDeleted ? true : b.deletedAt === undefined))
      .filter((b) => !search || b.name.toLowerCase().includes(search) || b.id.toLowerCase().includes(search))
      .map((b) => ({ b, v: key(b), s: b.seq }))
      .sort(ordered);
    if (req.query.cursor !== undefined) {
      const cursor = decodeCursor(req.query.cursor);
      if (!cursor) ctx.fail(400, 'invalid cursor');
      if ((cursor.by && cursor.by !== sortBy) || (cursor.order && cursor.order !== sortOrder)) ctx.fail(400, 'the cursor was issued for another sort_by / sort_order');
      rows = rows.filter((r) => ordered(r, cursor) > 0);
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const annotations: Record<string, unknown> = {};
    for (const { b } of page) if (b.annotation) annotations[b.id] = neon.annotationJson(b);
    return {
      status: 200,
      body: {
        branches: page.map(({ b }) => neon.branchJson(b, t, includeDeleted)),
        annotations,
        ...(rows.length > limit && last ? { pagination: { next: encodeCursor({ v: last.v, s: last.s, by: sortBy, order: sortOrder }), sort_by: sortBy, sort_order: sortOrder } } : {}),
      },
    };
  });

  app.serve('GET', '/projects/{project_id}/branches/count', (req: StandInRequest) => {
    const search = (req.query.search ?? '').toLowerCase();
    const count = neon.liveBranches().filter((b) => !search || b.name.toLowerCase().includes(search) || b.id.toLowerCase().includes(search)).length;
    return { status: 200, body: { count } };
  });

  app.serve('GET', '/projects/{project_id}/branches/{branch_id}', (req: StandInRequest, ctx: Ctx) => {
    const branch = app.branchOr404(ctx, req.params.branch_id);
    return { status: 200, body: { branch: neon.branchJson(branch), annotation: neon.annotationJson(branch) } };
  });

  app.serve('PATCH', '/projects/{project_id}/branches/{branch_id}', (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    const branch = app.branchOr404(ctx, req.params.branch_id);
    const spec = asObject(asObject(req.body)?.branch) ?? ctx.fail(400, 'request body must be { branch: { ... } }');
    app.lockCheck(ctx, branch.id, t);

    if (spec.name !== undefined) {
      if (typeof spec.name !== 'string' || spec.name.length < 1 || spec.name.length > 256) ctx.fail(400, 'branch name must be 1 to 256 characters');
      app.checkNameFree(ctx, spec.name, branch.id);
    }
    if (spec.protected !== undefined && typeof spec.protected !== 'boolean') ctx.fail(400, 'protected must be a boolean');
    const willBeProtected = typeof spec.protected === 'boolean' ? spec.protected : branch.protected;
    app.expiryAvailable(ctx, spec);
    let expiresAt: number | null | undefined;
    if (spec.expires_at === null) expiresAt = null;
    else if (spec.expires_at !== undefined) {
      // Docs guides/branch-expiration, Restrictions: no expiry on protected, default or parent
      // branches ("Cannot expire branches that have children"); status and wording undocumented.
      if (branch.isDefault) ctx.fail(400, 'expiration cannot be set on the default branch');
      if (willBeProtected) ctx.fail(400, 'expiration cannot be set on a protected branch');
      if (neon.children(branch.id).length > 0) ctx.fail(400, `expiration cannot be set on branch ${branch.id}: it has child branches`);
      expiresAt = app.expiry(ctx, spec.expires_at, t);
    } else if (willBeProtected && branch.expiresAt !== undefined && !branch.protected) {
      ctx.fail(400, 'a branch with an expiration cannot be protected; remove expires_at first');
    }

    if (typeof spec.name === 'string') branch.name = spec.name;
    if (typeof spec.protected === 'boolean') branch.protected = spec.protected;
    if (expiresAt === null) {
      delete branch.expiresAt;
      delete branch.ttlSeconds;
    } else if (expiresAt !== undefined) {
      branch.expiresAt = expiresAt;
      branch.ttlSeconds = Math.round((expiresAt - t) / 1000);
    }
    branch.modifiedAt = t;
    return { status: 200, body: { branch: neon.branchJson(branch, t), operations: [] } };
  });

  app.serve('DELETE', '/projects/{project_id}/branches/{branch_id}', async (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    const branch = neon.liveBranch(req.params.branch_id ?? '');
    if (!branch) return { status: 204 };
    if (branch.isDefault) ctx.fail(400, `branch ${branch.id} is the default branch of the project and cannot be deleted`);
    if (branch.protected) ctx.fail(400, `branch ${branch.id} is protected and cannot be deleted`);
    if (neon.children(branch.id).length > 0) ctx.fail(400, `branch ${branch.id} has child branches and cannot be deleted`);
    app.lockCheck(ctx, branch.id, t);

    const endpoints = neon.branchEndpoints(branch.id);
    const ops = neon.newOperations([...endpoints.map((e) => ({ action: 'suspend_compute' as const, branchId: branch.id, endpointId: e.id })), { action: 'delete_timeline', branchId: branch.id }], t);
    branch.deletedAt = t;
    branch.modifiedAt = t;
    for (const e of endpoints) e.deletedAt = t;
    // A hard delete leaves nothing to recover.
    if (req.query.hard_delete === 'true') neon.branches.delete(branch.id);
    // Its URLs refuse connections from now on.
    if (app.engine) await app.engine.delete(branch.id);
    return { status: 200, body: { branch: neon.branchJson(branch, t), operations: ops.map((o) => neon.operationView(o, t)) } };
  });
}
