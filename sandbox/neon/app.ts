// What every route of the Neon stand-in shares: the model, the settings, the Postgres link, and
// the checks several routes make (authentication, lookups, locks, expiry values, page limits).
import { bearerToken, type StandIn, type StandInRequest, type StandInResponse } from '../server.js';
import type { EngineLink } from './engine.js';
import type { Neon } from './model.js';
import { LOCKED_MESSAGE, MAX_TTL_MS, RECOVERY_MS, type BranchRecord } from './records.js';
import { Ctx, iso, parseRfc3339 } from './util.js';

export interface Settings {
  projectId: string;
  apiKeys: Set<string>;
  operationMs: number;
  pageLimitDefault: number;
  now: () => number;
  /** Root branches (the default and schema-only ones) the project allows; see NeonStandInOptions. */
  rootBranchLimit: number;
  expiryUnsupported: boolean;
  deletedNamesReserved: boolean;
  /** Host of an endpoint (Neon-shaped, also with the Postgres engine). */
  namedHost: (endpointId: string, pooled: boolean) => string;
}

export type RouteHandler = (req: StandInRequest, ctx: Ctx) => StandInResponse | Promise<StandInResponse>;

export class NeonApp {
  /** See `NeonStandIn.setConnectionUriFault`. */
  connectionUriFault: 'default-branch' | undefined;

  constructor(
    readonly neon: Neon,
    readonly standIn: StandIn,
    readonly settings: Settings,
    readonly engine?: EngineLink,
  ) {}

  now(): number {
    return this.settings.now();
  }

  /** A route behind Neon's authentication and project lookup, answering with the request id. */
  serve(method: string, path: string, handler: RouteHandler): void {
    const { apiKeys, projectId } = this.settings;
    this.standIn.route(method, path, async (req) => {
      const ctx = new Ctx(req.headers);
      const token = bearerToken(req.headers);
      if (!token || !/^Bearer\s/i.test(req.headers.authorization ?? '') || !apiKeys.has(token)) ctx.fail(401, 'authorization failed: missing or unknown API key');
      if (req.params.project_id !== projectId) ctx.fail(404, `project ${req.params.project_id ?? ''} not found`);
      const response = await handler(req, ctx);
      return { ...response, headers: { 'x-request-id': ctx.requestId, ...response.headers } };
    });
  }

  branchOr404(ctx: Ctx, id: string | undefined): BranchRecord {
    return this.neon.liveBranch(id ?? '') ?? ctx.fail(404, `branch ${id ?? ''} not found`);
  }

  /**
   * 409 when another live branch has the name (branch names are unique in a project, platform-apis.md
   * §1.3), or, with `deletedNamesReserved`, a soft-deleted branch that can still be recovered.
   * Whether Neon keeps such a name reserved is undocumented (the description only says deleted
   * branches "can be recovered within a 7-day grace period"; its branch-recovery docs were
   * withdrawn, neondatabase/website #5197): the option lets a test take the harder reading.
   */
  checkNameFree(ctx: Ctx, name: string, selfId?: string): void {
    const other = this.neon.byName(name);
    if (other && other.id !== selfId) ctx.fail(409, `branch with the provided name "${name}" already exists`, 'BRANCH_ALREADY_EXISTS');
    if (!this.settings.deletedNamesReserved) return;
    const t = this.now();
    for (const b of this.neon.branches.values()) {
      if (b.name !== name || b.id === selfId || b.deletedAt === undefined || t >= b.deletedAt + RECOVERY_MS) continue;
      ctx.fail(
        409,
        `branch with the provided name "${name}" already exists: deleted branch ${b.id} keeps it until ${iso(b.deletedAt + RECOVERY_MS)}, while it can be recovered`,
        'BRANCH_ALREADY_EXISTS',
      );
    }
  }

  /** 423 while the branch has unfinished operations (the API description: a 423 is safe to retry). */
  lockCheck(ctx: Ctx, branchId: string, t: number): void {
    if (this.neon.isBusy(branchId, t)) ctx.fail(423, LOCKED_MESSAGE);
  }

  /**
   * With `expiryUnsupported`, any request carrying `expires_at` is refused as for a project outside
   * the Early Access Program: the description says of expires_at "Access to this feature is
   * currently limited to participants in the Early Access Program". The status and wording are
   * undocumented; the style follows Neon's "suspend interval changing is not allowed for your
   * account" (create-branch-action #31).
   */
  expiryAvailable(ctx: Ctx, spec: Record<string, unknown>): void {
    if (this.settings.expiryUnsupported && 'expires_at' in spec) {
      ctx.fail(403, 'branch expiration is not allowed for your account: access is limited to participants in the Early Access Program', 'FEATURE_NOT_AVAILABLE');
    }
  }

  /** Checks an `expires_at` value (docs: guides/branch-expiration, "Timestamp format requirements"); returns epoch ms. */
  expiry(ctx: Ctx, value: unknown, t: number): number {
    if (typeof value !== 'string') ctx.fail(400, 'expires_at must be a string timestamp');
    const ms = parseRfc3339(value);
    if (ms === undefined) ctx.fail(400, `expires_at "${value}" is not a valid RFC 3339 timestamp with a timezone (for example 2025-06-09T18:02:16Z)`);
    if (ms <= t) ctx.fail(400, `expires_at "${value}" must be in the future`);
    if (ms - t > MAX_TTL_MS) ctx.fail(400, `expires_at "${value}" is too far in the future: the maximum is 30 days from now`);
    return ms;
  }

  limitParam(ctx: Ctx, value: string | undefined, max: number, fallback: number): number {
    if (value === undefined) return Math.min(fallback, max);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) ctx.fail(400, `limit must be an integer from 1 to ${max}`);
    return n;
  }

  /** The endpoint's host name: its id as the first label, `-pooler` appended on the pooled host. */
  endpointHost(endpointId: string, pooled: boolean): string {
    return this.settings.namedHost(endpointId, pooled);
  }

  /**
   * A role's URL on an endpoint. With `postgres`, the URL keeps the endpoint's Neon-shaped host and
   * routes the connection to the branch's local listener with the query parameters `host` and
   * `port`, which override the URL's host in node-postgres (pg-connection-string) and libpq; the
   * local listeners speak no TLS, hence `sslmode=disable`.
   */
  connectionUri(role: { name: string; password: string }, endpointId: string, pooled: boolean, database: string): string {
    const endpoint = this.neon.endpoints.get(endpointId);
    const db = endpoint ? this.engine?.db(endpoint.branchId) : undefined;
    const query = db ? `sslmode=disable&host=${db.host}&port=${pooled ? db.pooledPort : db.directPort}` : 'sslmode=require&channel_binding=require';
    const host = this.endpointHost(endpointId, pooled);
    return `postgresql://${encodeURIComponent(role.name)}:${encodeURIComponent(role.password)}@${host}/${encodeURIComponent(database)}?${query}`;
  }
}
