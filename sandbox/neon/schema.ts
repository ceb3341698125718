// GET /projects/{project_id}/branches/{branch_id}/compare_schema (getProjectBranchSchemaComparison):
// the unified diff of a database's schema on the base branch (`---`, `a/<db>`) and on this
// branch (`+++`, `b/<db>`), as in the response example of Neon's API reference
// (neon.com/docs/reference/api/branches/get-project-branch-schema-comparison: "--- a/neondb\n+++ b/neondb\n@@ ...").
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import type { BranchRecord } from './records.js';
import type { Ctx } from './util.js';

/** The default branch's `neondb` without the Postgres engine: the seeded `products` table, as the catalog dump writes it. */
export const DEFAULT_SCHEMA = `CREATE TABLE public.products (
    id integer DEFAULT nextval('products_id_seq'::regclass) NOT NULL,
    name text NOT NULL,
    price_cents integer NOT NULL,
    CONSTRAINT products_pkey PRIMARY KEY (id)
);
`;

/** The schema text of a database of a branch: its catalog's with the engine, else the text a test set. */
export function schemaText(app: NeonApp, branch: BranchRecord, database: string): Promise<string> {
  if (app.engine && database === app.engine.database && app.engine.has(branch.id)) return app.engine.schema(branch.id);
  return Promise.resolve(branch.schemas.get(database) ?? '');
}

export function schemaRoutes(app: NeonApp): void {
  const { neon } = app;

  app.serve('GET', '/projects/{project_id}/branches/{branch_id}/compare_schema', async (req: StandInRequest, ctx: Ctx) => {
    const branch = app.branchOr404(ctx, req.params.branch_id);
    const database = req.query.db_name ?? ctx.fail(400, 'db_name is required');
    // getProjectBranchSchema's description: "The lsn and timestamp values cannot be specified at the same time".
    if (req.query.lsn !== undefined && req.query.timestamp !== undefined) ctx.fail(400, 'lsn and timestamp cannot be specified at the same time');
    if (req.query.base_lsn !== undefined && req.query.base_timestamp !== undefined) ctx.fail(400, 'base_lsn and base_timestamp cannot be specified at the same time');
    // Without base_branch_id the branch is compared with its parent; a root branch (the default
    // branch, a schema-only branch) has none. Neon's status and wording are undocumented; the
    // schema-diff-action refuses the same case with "has no parent to compare to".
    let base: BranchRecord;
    if (req.query.base_branch_id !== undefined) {
      base = neon.liveBranch(req.query.base_branch_id) ?? ctx.fail(404, `base branch ${req.query.base_branch_id} not found`);
    } else {
      if (branch.parentId === undefined) ctx.fail(400, `branch ${branch.id} has no parent branch to compare to; give base_branch_id`);
      base = app.branchOr404(ctx, branch.parentId);
    }
    for (const b of [branch, base]) if (!b.databases.some((d) => d.name === database)) ctx.fail(404, `database ${database} not found on branch ${b.id}`);
    // The stand-in keeps no history: lsn and timestamp (and their base_ forms) compare the heads.
    const [before, after] = await Promise.all([schemaText(app, base, database), schemaText(app, branch, database)]);
    const diff = before === after ? '' : createTwoFilesPatch(`a/${database}`, `b/${database}`, before, after, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
    return { status: 200, body: { diff } };
  });
}
