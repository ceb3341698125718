// POST /projects/{project_id}/branches/{branch_id}/restore (restoreProjectBranch), which is also
// Neon's "reset from parent" (source_branch_id = the parent). The branch keeps its id, name,
// endpoints (so its hosts and URLs: docs guides/reset-from-parent "your connection details do not
// change"), annotations and expiry interval; its data, schema texts, databases and roles become
// the source's, and the source becomes its parent (docs postgres/backup-restore/branch-restore,
// "Technical details": a new branch is built from the source and the compute moved to it).
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import type { OperationSpec } from './operations.js';
import type { BranchRecord, OperationRecord } from './records.js';
import { asObject, lsn, type Ctx } from './util.js';

interface RestoreRequest {
  source: BranchRecord;
  preserveName?: string;
}

/** The refusals, in the order Neon's documents give them; returns what to do. */
function checkRestore(app: NeonApp, ctx: Ctx, branch: BranchRecord, body: Record<string, unknown>, t: number): RestoreRequest {
  const { neon } = app;
  if (typeof body.source_branch_id !== 'string') ctx.fail(400, 'source_branch_id is required');
  const source = neon.liveBranch(body.source_branch_id) ?? ctx.fail(404, `source branch ${body.source_branch_id} not found`);
  const pointInTime = body.source_lsn !== undefined || body.source_timestamp !== undefined;
  const preserveName = body.preserve_under_name;
  if (preserveName !== undefined && (typeof preserveName !== 'string' || preserveName.length < 1 || preserveName.length > 256)) ctx.fail(400, 'preserve_under_name must be 1 to 256 characters');
  // "Protected branches cannot be reset" (docs manage/branches, Protected branch); wording undocumented.
  if (branch.protected) ctx.fail(400, `branch ${branch.id} is protected and cannot be restored`);
  // "Root branches ... cannot be reset because they have no parent branch to reset to" (docs
  // guides/reset-from-parent). Neon does restore a root branch to a point in its own or another
  // root branch's history (instant restore); the stand-in keeps no history and refuses it too.
  if (branch.parentId === undefined) ctx.fail(400, `branch ${branch.id} is a root branch: it has no parent and cannot be restored`);
  if (source.id === branch.id) {
    // The description's BranchRestoreRequest: restoring to itself needs a point in time and preserve_under_name.
    if (!pointInTime) ctx.fail(400, 'source_lsn or source_timestamp is required when source_branch_id is the branch itself');
    if (preserveName === undefined) ctx.fail(400, 'preserve_under_name is required when source_branch_id is the branch itself');
  }
  // "Child branches do not support instant restore" (docs postgres/backup-restore/branch-restore, Limitations).
  if (pointInTime) ctx.fail(400, `branch ${branch.id} is not a root branch: point-in-time restore (source_lsn, source_timestamp) is only supported for root branches`);
  // The description: preserve_under_name "is required" when the branch has children.
  if (preserveName === undefined && neon.children(branch.id).length > 0)
    ctx.fail(400, `branch ${branch.id} has child branches: preserve_under_name is required to keep its current state and move them there`);
  // The branch becomes the source's child, and an expiring branch can have none (docs
  // guides/branch-expiration, Restrictions); Neon's answer to this case is undocumented.
  if (source.expiresAt !== undefined) ctx.fail(400, `cannot restore from branch ${source.id}: it has an expiration time and cannot have child branches`);
  if (typeof preserveName === 'string') app.checkNameFree(ctx, preserveName);
  app.lockCheck(ctx, branch.id, t);
  app.lockCheck(ctx, source.id, t);
  if (app.engine && !app.engine.has(source.id)) ctx.fail(500, `branch ${source.id} has no database in the stand-in's Postgres engine`);
  return { source, ...(typeof preserveName === 'string' ? { preserveName } : {}) };
}

/** The branch's state before the restore, as a new branch: its data, roles, parent and children. */
function preserve(app: NeonApp, branch: BranchRecord, name: string, t: number): BranchRecord {
  const { neon } = app;
  const kept = neon.newBranch({ name, parent: branch, at: t });
  for (const key of ['parentId', 'parentLsn', 'parentTimestamp'] as const) {
    if (branch[key] === undefined) delete kept[key];
    else kept[key] = branch[key];
  }
  kept.initSource = branch.initSource;
  kept.roles = branch.roles.map((r) => ({ ...r }));
  kept.logicalSize = branch.logicalSize;
  // The description: "All existing child branches will be moved to the newly created branch".
  for (const child of neon.branches.values()) if (child.parentId === branch.id) child.parentId = kept.id;
  return kept;
}

/**
 * Roles come back as the source has them, passwords included: Neon keeps roles in the branch's
 * Postgres catalog, and "the data and schema is completely replaced" (docs guides/reset-from-parent).
 * Whether Neon also restores the passwords is not documented; the stand-in takes the reading that
 * is harder on a client which gave the branch its own password: the source's passwords come back.
 */
function takeSource(app: NeonApp, branch: BranchRecord, source: BranchRecord, t: number): void {
  branch.parentId = source.id;
  branch.parentLsn = lsn();
  delete branch.parentTimestamp;
  branch.databases = source.databases.map((d) => app.neon.newDatabase(d.name, d.owner, t));
  branch.schemas = new Map(source.schemas);
  branch.roles = source.roles.map((r) => ({ ...r }));
  branch.logicalSize = source.logicalSize;
  branch.lastResetAt = t;
  branch.modifiedAt = t;
  // "the expiration timer restarts from the reset time using the original duration" (docs guides/reset-from-parent).
  if (branch.ttlSeconds !== undefined) branch.expiresAt = t + branch.ttlSeconds * 1000;
}

export function restoreRoute(app: NeonApp): void {
  const { neon } = app;
  app.serve('POST', '/projects/{project_id}/branches/{branch_id}/restore', async (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    const branch = app.branchOr404(ctx, req.params.branch_id);
    const { source, preserveName } = checkRestore(app, ctx, branch, asObject(req.body) ?? {}, t);
    const engine = app.engine;
    const ops: OperationRecord[] = [];
    if (preserveName !== undefined) {
      const kept = preserve(app, branch, preserveName, t);
      // Its database is a copy of the branch's taken now, before the restore replaces it.
      if (engine) await engine.create(kept.id, { parentId: branch.id });
      const [create] = neon.newOperations([{ action: 'create_branch', branchId: kept.id, waitsForDatabase: engine !== undefined }], t);
      kept.creationOps = [create!.id];
      ops.push(create!);
    }
    takeSource(app, branch, source, t);
    const databaseGeneration = engine?.restore(branch.id, source.id);
    const waits = databaseGeneration !== undefined ? { waitsForDatabase: true, databaseGeneration } : {};
    // Which operations Neon starts is undocumented: a new timeline from the source, then each
    // endpoint suspended and started again on it (connections drop, docs guides/reset-from-parent).
    const endpoints = neon.branchEndpoints(branch.id);
    const specs: OperationSpec[] = [
      { action: 'create_timeline', branchId: branch.id, ...waits },
      ...endpoints.flatMap((e) => [
        { action: 'suspend_compute' as const, branchId: branch.id, endpointId: e.id },
        { action: 'start_compute' as const, branchId: branch.id, endpointId: e.id, ...waits },
      ]),
    ];
    const restoreOps = neon.newOperations(specs, t);
    branch.restoreOps = restoreOps.map((o) => o.id);
    endpoints.forEach((e, i) => (e.startOp = restoreOps[2 + 2 * i]!.id));
    ops.push(...restoreOps);
    return { status: 200, body: { branch: neon.branchJson(branch, t), operations: ops.map((o) => neon.operationView(o, t)) } };
  });
}
