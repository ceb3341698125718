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
// The code lives in sandbox/neon/, one file per concern: types.ts (the public types), model.ts
// and operations.ts (the state), start.ts (startup), and one file per group of routes.
export { startNeonStandIn } from './neon/start.js';
export { parseRfc3339 } from './neon/util.js';
export type * from './neon/types.js';
