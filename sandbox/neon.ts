// A stateful stand-in for the Neon API v2: one project with branches, compute endpoints,
// databases, roles and asynchronous operations, served over HTTP on 127.0.0.1 through the
// common StandIn machinery (latency, faults, request log, check against Neon's OpenAPI file).
//
// Point `@neondatabase/api-client` at it with `createApiClient({ apiKey, baseURL: neon.url })`;
// paths are served at the root (no `/api/v2`), as Prism does.
//
// Time-dependent state (operation status, branch and endpoint readiness) is computed from
// timestamps when it is read, so there are no timers to clean up.
//
// With the `postgres` option every branch has a real database (postgres.ts) on two local
// listeners, direct and pooled. Endpoint hosts keep Neon's shape, so a client can tell from a URL
// which endpoint it belongs to: `<endpoint id>.stand-in.neon.test` and, pooled,
// `<endpoint id>-pooler.stand-in.neon.test` (RFC 2606 reserves `.test`: the names never resolve).
// A connection URI routes the connection to the listener with query parameters that both
// node-postgres (pg-connection-string: query `host`/`port` win over the URL's) and libpq honour:
//   postgresql://neondb_owner:npg_...@ep-x-pooler.stand-in.neon.test/neondb?sslmode=disable&host=127.0.0.1&port=54321
//
// The code lives in sandbox/neon/, one file per concern: types.ts (the public types), model.ts
// and operations.ts (the state), start.ts (startup), and one file per group of routes.
export { startNeonStandIn } from './neon/start.js';
export { parseRfc3339 } from './neon/util.js';
export type * from './neon/types.js';
