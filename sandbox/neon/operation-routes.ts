// Operation routes: one operation, and the project's operations newest first in cursor pages.
import type { StandInRequest } from '../server.js';
import type { NeonApp } from './app.js';
import { compareKeys, decodeCursor, encodeCursor, type Ctx } from './util.js';

export function operationRoutes(app: NeonApp): void {
  const { neon } = app;
  app.serve('GET', '/projects/{project_id}/operations/{operation_id}', (req: StandInRequest, ctx: Ctx) => {
    const op = neon.operations.get(req.params.operation_id ?? '') ?? ctx.fail(404, `operation ${req.params.operation_id ?? ''} not found`);
    return { status: 200, body: { operation: neon.operationView(op) } };
  });

  app.serve('GET', '/projects/{project_id}/operations', (req: StandInRequest, ctx: Ctx) => {
    const t = app.now();
    const limit = app.limitParam(ctx, req.query.limit, 1000, app.settings.pageLimitDefault);
    // Newest first.
    const newestFirst = (a: { v: string | number; s: number }, b: { v: string | number; s: number }): number => -compareKeys(a.v, a.s, b.v, b.s);
    let rows = [...neon.operations.values()].map((o) => ({ o, v: o.createdAt, s: o.seq })).sort(newestFirst);
    if (req.query.cursor !== undefined) {
      const cursor = decodeCursor(req.query.cursor) ?? ctx.fail(400, 'invalid cursor');
      rows = rows.filter((r) => newestFirst(r, cursor) > 0);
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      status: 200,
      body: {
        operations: page.map(({ o }) => neon.operationView(o, t)),
        ...(rows.length > limit && last ? { pagination: { cursor: encodeCursor({ v: last.v, s: last.s }) } } : {}),
      },
    };
  });
}
