// The handle a test gets from startNeonStandIn: looks at the stand-in's state and seeds it without
// going through the API.
import type { NeonApp } from './app.js';
import type { NeonStandIn } from './types.js';
import { schemaText } from './schema.js';
import { rolePassword } from './util.js';

export function testHandle(app: NeonApp): NeonStandIn {
  const { neon, standIn, engine } = app;
  const now = (): number => app.now();
  const { operationMs } = app.settings;
  return {
    standIn,
    url: standIn.url,
    projectId: app.settings.projectId,
    defaultBranchId: neon.defaultBranchId,
    branches: (opts = {}) => {
      const t = now();
      return [...neon.branches.values()]
        .filter((b) => opts.includeDeleted || b.deletedAt === undefined)
        .sort((a, b) => a.seq - b.seq)
        .map((b) => neon.snapshot(b, t));
    },
    branchByName: (name) => {
      const branch = neon.byName(name);
      return branch ? neon.snapshot(branch) : undefined;
    },
    operations: () => {
      const t = now();
      return [...neon.operations.values()].sort((a, b) => a.seq - b.seq).map((o) => neon.operationView(o, t));
    },
    addBranch: (init) => {
      const t = now();
      if (neon.byName(init.name)) throw new Error(`a branch named ${init.name} already exists`);
      const parent = neon.liveBranch(init.parentId ?? neon.defaultBranchId);
      if (!parent) throw new Error(`parent branch ${init.parentId ?? ''} not found`);
      const expiresAt = init.expiresAt !== undefined ? Date.parse(init.expiresAt) : undefined;
      if (expiresAt !== undefined && Number.isNaN(expiresAt)) throw new Error(`invalid expiresAt: ${init.expiresAt ?? ''}`);
      const branch = neon.newBranch({
        name: init.name,
        parent,
        protected: init.protected ?? false,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(init.annotations ? { annotation: init.annotations } : {}),
        at: t,
      });
      if (init.databases) {
        const inherited = branch.roles;
        const schemas = branch.schemas;
        branch.databases = [];
        branch.roles = [];
        branch.schemas = new Map();
        for (const db of init.databases) {
          branch.databases.push(neon.newDatabase(db.name, db.owner, t));
          branch.schemas.set(db.name, schemas.get(db.name) ?? '');
          if (!branch.roles.some((r) => r.name === db.owner)) {
            const same = inherited.find((r) => r.name === db.owner);
            branch.roles.push({ name: db.owner, password: same?.password ?? rolePassword(), createdAt: t });
          }
        }
      }
      // Created ready: its operations are dated far enough back to be finished (with `postgres`,
      // once its database, copied from the parent in the background, is ready).
      if (engine) void engine.create(branch.id, { parentId: parent.id }).catch(() => undefined);
      const waitsForDatabase = engine !== undefined;
      const past = t - 2 * operationMs - 1;
      const endpoint = init.withEndpoint === false ? undefined : neon.newEndpoint(branch.id, 'read_write', t);
      const ops = neon.newOperations(
        [
          { action: 'create_branch', branchId: branch.id, waitsForDatabase },
          ...(endpoint ? [{ action: 'start_compute' as const, branchId: branch.id, endpointId: endpoint.id, waitsForDatabase }] : []),
        ],
        past,
        true,
      );
      branch.creationOps = ops.map((o) => o.id);
      if (endpoint) endpoint.startOp = ops[1]!.id;
      return neon.snapshot(branch, t);
    },
    addDatabase: (branchId, name, owner) => {
      const branch = neon.liveBranch(branchId);
      if (!branch) throw new Error(`branch ${branchId} not found`);
      if (branch.databases.some((d) => d.name === name)) throw new Error(`database ${name} already exists on ${branchId}`);
      const t = now();
      branch.databases.push(neon.newDatabase(name, owner, t));
      branch.schemas.set(name, '');
      neon.ensureRole(branch, owner, t);
    },
    setSchema: (branchId, database, ddl) => {
      const branch = neon.liveBranch(branchId);
      if (!branch?.databases.some((d) => d.name === database)) throw new Error(`branch ${branchId} has no database ${database}`);
      if (engine && database === engine.database) throw new Error(`with the postgres option the schema of ${database} is its catalog's: change the database itself`);
      branch.schemas.set(database, ddl);
    },
    schema: (branchId, database) => {
      const branch = neon.liveBranch(branchId);
      if (!branch?.databases.some((d) => d.name === database)) throw new Error(`branch ${branchId} has no database ${database}`);
      return schemaText(app, branch, database);
    },
    setConnectionUriFault: (kind) => {
      app.connectionUriFault = kind;
    },
    failNextOperations: (kind, opts = {}) => {
      neon.failPlan.push({ kind, count: opts.count ?? 1, ...(opts.action ? { action: opts.action } : {}) });
    },
    ...(engine ? { postgres: engine.engine } : {}),
    stop: async () => {
      await Promise.all([standIn.stop(), engine?.stop()]);
    },
  };
}
