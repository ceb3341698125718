// A stateful stand-in for the Neon API v2: one project with branches, compute endpoints,
// databases, roles and asynchronous operations, served over HTTP on 127.0.0.1 through the
// common StandIn machinery (latency, faults, request log, check against Neon's OpenAPI file).
//
// Point `@neondatabase/api-client` at it with `createApiClient({ apiKey, baseURL: neon.url })`;
// paths are served at the root (no `/api/v2`), as Prism does.
//
// Time-dependent state (operation status, branch and endpoint readiness) is computed from
// timestamps when it is read, so there are no timers to clean up.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { DescriptionCheck, readPackagedDescription } from './api-description.js';
// Types only: the engine (and PGlite) is loaded when the `postgres` option asks for it.
import type { BranchDatabase, BranchDatabases } from './postgres.js';
import { bearerToken, HttpError, StandIn, type FaultPlan, type StandInRequest, type StandInResponse } from './server.js';

// ---------------------------------------------------------------------------------------------
// Public types

export interface NeonStandInOptions {
  /** Accepted bearer tokens; default `['neon-test-key']`. */
  apiKeys?: string[];
  /** Default `'proj-preview-1'` (must match `^[a-z0-9-]{1,60}$`). */
  projectId?: string;
  /** How long each operation runs before it is finished; default 300. */
  operationMs?: number;
  latencyMs?: number;
  faults?: FaultPlan;
  /** Host of an endpoint; default `${id}[-pooler].c-2.us-east-2.aws.neon.tech`. */
  endpointHost?: (endpointId: string, pooled: boolean) => string;
  /** Validate every request against the OpenAPI description; default true. */
  checkRequests?: boolean;
  /** Page size of the branch list when `limit` is absent; default 10000. */
  pageLimitDefault?: number;
  /** Clock in epoch milliseconds; default `Date.now` (lets a test move time forward). */
  now?: () => number;
  /**
   * Give every branch a real Postgres database (PGlite served over the wire protocol, see
   * postgres.ts); off by default. The default branch's database is seeded (`seedSql`, default
   * a `products` table with 3 rows); a branch created later is a copy of its parent's data
   * (schema only for `init_source: schema-only`). Endpoint hosts become `127.0.0.1:<port>` (the
   * branch's direct and pooled listeners) and connection URIs say `sslmode=disable`. A create
   * request's operations finish only once the new database accepts connections; deleting the
   * branch closes its listeners. `startNeonStandIn` waits for the default branch's database
   * (initdb: a few seconds, once per process). Every branch costs a PGlite instance (~135 MB).
   */
  postgres?: true | NeonPostgresOptions;
}

/** Settings of the stand-in's Postgres engine (`postgres` option). */
export interface NeonPostgresOptions {
  /** SQL run in the default branch's database when the stand-in starts. */
  seedSql?: string;
  /** Concurrent connections per branch (direct and pooled together); default 32. */
  maxConnections?: number;
}

export type OperationStatusValue = 'scheduling' | 'running' | 'finished' | 'failed' | 'error' | 'cancelling' | 'cancelled' | 'skipped';
export type OperationActionValue = 'create_branch' | 'create_timeline' | 'start_compute' | 'suspend_compute' | 'delete_timeline' | 'apply_config';
/** How an operation created from now on ends (see `failNextOperations`). */
export type OperationOutcome = 'error' | 'failed-then-finished';

/** A Neon Operation, as the API returns it. */
export interface StandInOperation {
  id: string;
  project_id: string;
  branch_id?: string;
  endpoint_id?: string;
  action: OperationActionValue;
  status: OperationStatusValue;
  error?: string;
  failures_count: number;
  retry_at?: string;
  created_at: string;
  updated_at: string;
  total_duration_ms: number;
}

/** A Neon Endpoint, as the API returns it. */
export interface StandInEndpoint {
  host: string;
  id: string;
  project_id: string;
  branch_id: string;
  region_id: string;
  autoscaling_limit_min_cu: number;
  autoscaling_limit_max_cu: number;
  type: 'read_write' | 'read_only';
  current_state: 'init' | 'active' | 'idle';
  pending_state?: 'init' | 'active' | 'idle';
  settings: { pg_settings: Record<string, string> };
  pooler_enabled: boolean;
  pooler_mode: 'transaction';
  disabled: boolean;
  passwordless_access: boolean;
  creation_source: string;
  created_at: string;
  updated_at: string;
  proxy_host: string;
  suspend_timeout_seconds: number;
  provisioner: string;
}

/** A Neon Database, as the API returns it. */
export interface StandInDatabase {
  id: number;
  branch_id: string;
  name: string;
  owner_name: string;
  created_at: string;
  updated_at: string;
}

/** A Neon Role as the API lists it, plus its password (for tests; the list never shows it). */
export interface StandInRole {
  branch_id: string;
  name: string;
  protected: boolean;
  authentication_method: string;
  created_at: string;
  updated_at: string;
  password: string;
}

/** A Neon Branch, as the API returns it. */
export interface NeonBranchJson {
  id: string;
  project_id: string;
  parent_id?: string;
  parent_lsn?: string;
  parent_timestamp?: string;
  name: string;
  current_state: 'init' | 'ready';
  pending_state?: 'ready';
  state_changed_at: string;
  logical_size: number;
  creation_source: string;
  primary: boolean;
  default: boolean;
  protected: boolean;
  cpu_used_sec: number;
  compute_time_seconds: number;
  active_time_seconds: number;
  written_data_bytes: number;
  data_transfer_bytes: number;
  created_at: string;
  updated_at: string;
  expires_at?: string;
  ttl_interval_seconds?: number;
  init_source: 'parent-data' | 'schema-only';
  recovery?: { deleted_at: string; recoverable_until: string; deletion_method: 'user' | 'ttl' };
}

/** A branch with everything a test wants to look at. */
export interface StandInBranch extends NeonBranchJson {
  /** The branch's annotation value (`{}` when none was set). */
  annotations: Record<string, string>;
  endpoints: StandInEndpoint[];
  databases: StandInDatabase[];
  roles: StandInRole[];
  /** The branch's operations, oldest first. */
  operations: StandInOperation[];
  /** Set when the branch was deleted (only listed with `branches({ includeDeleted: true })`). */
  deleted_at?: string;
}

export interface AddBranchInit {
  name: string;
  /** Default: the default branch. Databases and roles are inherited from it unless `databases` is given. */
  parentId?: string;
  annotations?: Record<string, string>;
  /** Give the branch a ready read_write endpoint; default true. */
  withEndpoint?: boolean;
  protected?: boolean;
  /** The branch's databases (replacing the inherited ones); owner roles are created as needed. */
  databases?: { name: string; owner: string }[];
  /** Stored as given, without the API's checks. */
  expiresAt?: string;
}

export interface NeonStandIn {
  standIn: StandIn;
  /** Base URL for `@neondatabase/api-client` (`baseURL`); paths are served at the root. */
  url: string;
  projectId: string;
  defaultBranchId: string;
  /** Live (not deleted) branches, oldest first; deleted ones too with `includeDeleted`. */
  branches(options?: { includeDeleted?: boolean }): StandInBranch[];
  /** The live branch with exactly this name. */
  branchByName(name: string): StandInBranch | undefined;
  /** Every operation, oldest first. */
  operations(): StandInOperation[];
  /** Seeds a branch, created ready (its operations finished). */
  addBranch(init: AddBranchInit): StandInBranch;
  /** Adds a database to a branch (its owner role is created if missing). */
  addDatabase(branchId: string, name: string, owner: string): void;
  /**
   * The next `count` (default 1) operations the API creates — of `action` only, when given —
   * end in `error` after operationMs, or pass through `failed` (failures_count 1) for
   * operationMs before they finish.
   */
  failNextOperations(kind: OperationOutcome, options?: { count?: number; action?: OperationActionValue }): void;
  /**
   * The branches' databases when the stand-in runs with `postgres` (undefined otherwise):
   * `postgres.get(branchId)` has the ports, the state and `ready`. A branch seeded with
   * `addBranch` gets its database in the background: its operations, and so its state, wait for it.
   */
  postgres?: BranchDatabases;
  /** Stops the server and, with `postgres`, every branch's database. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Internal state

interface OperationRecord {
  id: string;
  seq: number;
  branchId?: string;
  endpointId?: string;
  action: OperationActionValue;
  createdAt: number;
  /** Waits (scheduling) for the first operation of the same request for half of its run. */
  queued: boolean;
  outcome: 'finished' | OperationOutcome;
  /** Runs until its branch's database is ready too (`postgres` option). */
  waitsForDatabase?: boolean;
}

/** When a branch's database settled (undefined: still starting), as the stand-in's clock saw it. */
type DatabaseGate = (branchId: string) => { at: number; ok: boolean } | 'starting' | undefined;

interface EndpointRecord {
  id: string;
  branchId: string;
  type: 'read_write' | 'read_only';
  suspendTimeoutSeconds: number;
  minCu: number;
  maxCu: number;
  createdAt: number;
  /** The start_compute operation; the endpoint is `init` until it finishes. */
  startOp?: string;
  deletedAt?: number;
}

interface DatabaseRecord {
  id: number;
  name: string;
  owner: string;
  createdAt: number;
}

interface RoleRecord {
  name: string;
  password: string;
  createdAt: number;
}

interface BranchRecord {
  id: string;
  seq: number;
  name: string;
  parentId?: string;
  parentLsn?: string;
  parentTimestamp?: string;
  isDefault: boolean;
  protected: boolean;
  initSource: 'parent-data' | 'schema-only';
  expiresAt?: number;
  ttlSeconds?: number;
  createdAt: number;
  modifiedAt: number;
  /** Operations of the create request; the branch is `init` until they finish. */
  creationOps: string[];
  annotation?: { value: Record<string, string>; createdAt: number; updatedAt: number };
  databases: DatabaseRecord[];
  roles: RoleRecord[];
  logicalSize: number;
  deletedAt?: number;
}

type SortBy = 'name' | 'created_at' | 'updated_at';
type SortOrder = 'asc' | 'desc';

const DESCRIPTION = '@neondatabase/api-client/public-v2-for-users.gen.yaml';
const TERMINAL: OperationStatusValue[] = ['finished', 'error', 'cancelled', 'skipped'];
const MAX_TTL_MS = 30 * 24 * 3600 * 1000;
const RECOVERY_MS = 7 * 24 * 3600 * 1000;
const LOCKED_MESSAGE = 'project already has running conflicting operations, scheduling of new ones is prohibited';
const ADJECTIVES = ['aged', 'bitter', 'calm', 'cool', 'dark', 'floral', 'icy', 'lucky', 'misty', 'proud', 'quiet', 'raspy', 'shy', 'silent', 'sweet', 'wispy'];
const NOUNS = ['breeze', 'dream', 'field', 'hill', 'king', 'meadow', 'moon', 'salad', 'smoke', 'snow', 'sound', 'term', 'union', 'voice', 'wave', 'wind'];
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

let descriptionCheck: Promise<DescriptionCheck> | undefined;

/** Neon's description, loaded once per process (it is ~430 KB of YAML). */
function neonDescriptionCheck(): Promise<DescriptionCheck> {
  descriptionCheck ??= DescriptionCheck.create(readPackagedDescription(DESCRIPTION));
  return descriptionCheck;
}

function errorCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT',
    412: 'PRECONDITION_FAILED',
    422: 'UNPROCESSABLE_ENTITY',
    423: 'LOCKED',
    429: 'TOO_MANY_REQUESTS',
    502: 'BAD_GATEWAY',
    503: 'SERVICE_UNAVAILABLE',
  };
  return codes[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'ERROR');
}

/** Seconds precision, as Neon writes its timestamps. */
function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)]!;
}

function randomAlnum(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

function readableId(prefix: 'br' | 'ep'): string {
  return `${prefix}-${pick(ADJECTIVES)}-${pick(NOUNS)}-${randomAlnum(8, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
}

/** Like Neon's generated passwords: `npg_` and 12 alphanumerics. */
function rolePassword(): string {
  return `npg_${randomAlnum(12)}`;
}

function lsn(): string {
  return `0/${randomInt(0x1000000, 0xfffffff).toString(16).toUpperCase()}`;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp with a timezone; undefined when it is not one. */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.parse(value.toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}

interface Cursor {
  v: string | number;
  s: number;
  by?: string;
  order?: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(text: string): Cursor | undefined {
  try {
    const parsed = asObject(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    if (!parsed || (typeof parsed.v !== 'string' && typeof parsed.v !== 'number') || typeof parsed.s !== 'number') return undefined;
    return parsed as unknown as Cursor;
  } catch {
    return undefined;
  }
}

function compareKeys(a: string | number, as: number, b: string | number, bs: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return as - bs;
}

// ---------------------------------------------------------------------------------------------
// The stand-in

class Neon {
  readonly branches = new Map<string, BranchRecord>();
  readonly endpoints = new Map<string, EndpointRecord>();
  readonly operations = new Map<string, OperationRecord>();
  readonly failPlan: { kind: OperationOutcome; count: number; action?: OperationActionValue }[] = [];
  defaultBranchId = '';
  private seq = 0;
  private databaseId = 1000;

  constructor(
    readonly projectId: string,
    readonly operationMs: number,
    readonly host: (endpointId: string, pooled: boolean) => string,
    readonly now: () => number,
    /** With the `postgres` option: operations that wait for a branch's database ask here. */
    readonly databaseGate?: DatabaseGate,
  ) {}

  nextSeq(): number {
    return ++this.seq;
  }

  // --- operations ---

  /** Creates the operations of one request; the first runs at once, the others wait a little. */
  newOperations(specs: { action: OperationActionValue; branchId?: string; endpointId?: string; waitsForDatabase?: boolean }[], at = this.now(), seeded = false): OperationRecord[] {
    return specs.map((spec, index) => {
      const op: OperationRecord = { id: randomUUID(), seq: this.nextSeq(), ...spec, createdAt: at, queued: index > 0, outcome: seeded ? 'finished' : this.drawOutcome(spec.action) };
      this.operations.set(op.id, op);
      return op;
    });
  }

  private drawOutcome(action: OperationActionValue): OperationRecord['outcome'] {
    const index = this.failPlan.findIndex((p) => !p.action || p.action === action);
    if (index < 0) return 'finished';
    const plan = this.failPlan[index]!;
    plan.count -= 1;
    if (plan.count <= 0) this.failPlan.splice(index, 1);
    return plan.kind;
  }

  /**
   * How long the operation runs before it ends (or first fails): operationMs, or longer while it
   * waits for its branch's database; undefined while that database is still starting.
   */
  private runMs(op: OperationRecord): { ms: number; ok: boolean } | undefined {
    const d = this.operationMs;
    if (!op.waitsForDatabase || !op.branchId || !this.databaseGate) return { ms: d, ok: true };
    const gate = this.databaseGate(op.branchId);
    if (gate === undefined) return { ms: d, ok: true };
    if (gate === 'starting') return undefined;
    return { ms: Math.max(d, gate.at - op.createdAt), ok: gate.ok };
  }

  /** The operation as it is at `now`. */
  operationView(op: OperationRecord, now = this.now()): StandInOperation {
    const d = this.operationMs;
    const elapsed = Math.max(0, now - op.createdAt);
    const run = this.runMs(op);
    const r = run?.ms ?? Infinity;
    const base = {
      id: op.id,
      project_id: this.projectId,
      ...(op.branchId ? { branch_id: op.branchId } : {}),
      ...(op.endpointId ? { endpoint_id: op.endpointId } : {}),
      action: op.action,
      created_at: iso(op.createdAt),
    };
    if (elapsed < r || !run) {
      const scheduling = op.queued && elapsed < d / 2;
      return { ...base, status: scheduling ? 'scheduling' : 'running', failures_count: 0, updated_at: iso(scheduling || !op.queued ? op.createdAt : op.createdAt + d / 2), total_duration_ms: Math.round(elapsed) };
    }
    if (!run.ok) {
      return { ...base, status: 'error', error: "the branch's database failed to start (stand-in Postgres engine)", failures_count: 1, updated_at: iso(op.createdAt + r), total_duration_ms: Math.round(r) };
    }
    if (op.outcome === 'error') {
      return { ...base, status: 'error', error: 'operation failed (injected by the stand-in)', failures_count: 1, updated_at: iso(op.createdAt + r), total_duration_ms: Math.round(r) };
    }
    if (op.outcome === 'failed-then-finished') {
      if (elapsed < r + d) {
        return { ...base, status: 'failed', error: 'transient failure, will be retried (injected by the stand-in)', failures_count: 1, retry_at: iso(op.createdAt + r + d), updated_at: iso(op.createdAt + r), total_duration_ms: Math.round(elapsed) };
      }
      return { ...base, status: 'finished', failures_count: 1, updated_at: iso(op.createdAt + r + d), total_duration_ms: Math.round(r + d) };
    }
    return { ...base, status: 'finished', failures_count: 0, updated_at: iso(op.createdAt + r), total_duration_ms: Math.round(r) };
  }

  /** When the operation finished (undefined when it has not, or ended otherwise). */
  private finishedAt(op: OperationRecord, now: number): number | undefined {
    const run = this.runMs(op);
    if (!run || !run.ok) return undefined;
    const end = op.createdAt + (op.outcome === 'failed-then-finished' ? run.ms + this.operationMs : run.ms);
    if (op.outcome === 'error' || now < end) return undefined;
    return end;
  }

  /** A branch is busy while one of its operations is not terminal. */
  isBusy(branchId: string, now = this.now()): boolean {
    for (const op of this.operations.values()) {
      if (op.branchId === branchId && !TERMINAL.includes(this.operationView(op, now).status)) return true;
    }
    return false;
  }

  // --- branches ---

  liveBranch(id: string): BranchRecord | undefined {
    const branch = this.branches.get(id);
    return branch && branch.deletedAt === undefined ? branch : undefined;
  }

  liveBranches(): BranchRecord[] {
    return [...this.branches.values()].filter((b) => b.deletedAt === undefined);
  }

  byName(name: string): BranchRecord | undefined {
    return this.liveBranches().find((b) => b.name === name);
  }

  children(branchId: string): BranchRecord[] {
    return this.liveBranches().filter((b) => b.parentId === branchId);
  }

  branchEndpoints(branchId: string): EndpointRecord[] {
    return [...this.endpoints.values()].filter((e) => e.branchId === branchId && e.deletedAt === undefined);
  }

  readWriteEndpoint(branchId: string): EndpointRecord | undefined {
    return this.branchEndpoints(branchId).find((e) => e.type === 'read_write');
  }

  /** When the branch became ready, or undefined while it is initialising. */
  readyAt(branch: BranchRecord, now: number): number | undefined {
    let at = branch.createdAt;
    for (const id of branch.creationOps) {
      const op = this.operations.get(id);
      if (!op) continue;
      const end = this.finishedAt(op, now);
      if (end === undefined) return undefined;
      at = Math.max(at, end);
    }
    return at;
  }

  updatedAt(branch: BranchRecord, now: number): number {
    return Math.max(branch.modifiedAt, this.readyAt(branch, now) ?? 0);
  }

  branchJson(branch: BranchRecord, now = this.now(), withRecovery = false): NeonBranchJson {
    const ready = this.readyAt(branch, now);
    return {
      id: branch.id,
      project_id: this.projectId,
      ...(branch.parentId ? { parent_id: branch.parentId } : {}),
      ...(branch.parentLsn ? { parent_lsn: branch.parentLsn } : {}),
      ...(branch.parentTimestamp ? { parent_timestamp: branch.parentTimestamp } : {}),
      name: branch.name,
      current_state: ready === undefined ? 'init' : 'ready',
      ...(ready === undefined ? { pending_state: 'ready' as const } : {}),
      state_changed_at: iso(ready ?? branch.createdAt),
      logical_size: branch.logicalSize,
      creation_source: 'console',
      primary: branch.isDefault,
      default: branch.isDefault,
      protected: branch.protected,
      cpu_used_sec: 0,
      compute_time_seconds: 0,
      active_time_seconds: 0,
      written_data_bytes: 0,
      data_transfer_bytes: 0,
      created_at: iso(branch.createdAt),
      updated_at: iso(this.updatedAt(branch, now)),
      ...(branch.expiresAt !== undefined ? { expires_at: iso(branch.expiresAt) } : {}),
      ...(branch.ttlSeconds !== undefined ? { ttl_interval_seconds: branch.ttlSeconds } : {}),
      init_source: branch.initSource,
      ...(withRecovery && branch.deletedAt !== undefined
        ? { recovery: { deleted_at: iso(branch.deletedAt), recoverable_until: iso(branch.deletedAt + RECOVERY_MS), deletion_method: 'user' as const } }
        : {}),
    };
  }

  annotationJson(branch: BranchRecord): { object: { type: string; id: string }; value: Record<string, string>; created_at?: string; updated_at?: string } {
    const a = branch.annotation;
    return {
      object: { type: 'console/branch', id: branch.id },
      value: { ...(a?.value ?? {}) },
      ...(a ? { created_at: iso(a.createdAt), updated_at: iso(a.updatedAt) } : {}),
    };
  }

  endpointJson(endpoint: EndpointRecord, now = this.now()): StandInEndpoint {
    const start = endpoint.startOp ? this.operations.get(endpoint.startOp) : undefined;
    const startedAt = start ? this.finishedAt(start, now) : endpoint.createdAt;
    const host = this.host(endpoint.id, false);
    // `127.0.0.1:<port>` with the `postgres` option: no proxy domain to take from it.
    const local = /^\d+\.\d+\.\d+\.\d+:\d+$/.test(host);
    const dot = local ? -1 : host.indexOf('.');
    return {
      host,
      id: endpoint.id,
      project_id: this.projectId,
      branch_id: endpoint.branchId,
      region_id: 'aws-us-east-2',
      autoscaling_limit_min_cu: endpoint.minCu,
      autoscaling_limit_max_cu: endpoint.maxCu,
      type: endpoint.type,
      current_state: startedAt === undefined ? 'init' : 'active',
      ...(startedAt === undefined ? { pending_state: 'active' as const } : {}),
      settings: { pg_settings: {} },
      pooler_enabled: false,
      pooler_mode: 'transaction',
      disabled: false,
      passwordless_access: true,
      creation_source: 'console',
      created_at: iso(endpoint.createdAt),
      updated_at: iso(Math.max(endpoint.createdAt, startedAt ?? 0)),
      proxy_host: dot > 0 ? host.slice(dot + 1) : local ? host.slice(0, host.lastIndexOf(':')) : host,
      suspend_timeout_seconds: endpoint.suspendTimeoutSeconds,
      provisioner: 'k8s-neonvm',
    };
  }

  databaseJson(branch: BranchRecord, db: DatabaseRecord): StandInDatabase {
    return { id: db.id, branch_id: branch.id, name: db.name, owner_name: db.owner, created_at: iso(db.createdAt), updated_at: iso(db.createdAt) };
  }

  roleJson(branch: BranchRecord, role: RoleRecord): Omit<StandInRole, 'password'> {
    return { branch_id: branch.id, name: role.name, protected: false, authentication_method: 'password', created_at: iso(role.createdAt), updated_at: iso(role.createdAt) };
  }

  snapshot(branch: BranchRecord, now = this.now()): StandInBranch {
    return {
      ...this.branchJson(branch, now),
      annotations: { ...(branch.annotation?.value ?? {}) },
      endpoints: this.branchEndpoints(branch.id).map((e) => this.endpointJson(e, now)),
      databases: branch.databases.map((d) => this.databaseJson(branch, d)),
      roles: branch.roles.map((r) => ({ ...this.roleJson(branch, r), password: r.password })),
      operations: [...this.operations.values()].filter((o) => o.branchId === branch.id).map((o) => this.operationView(o, now)),
      ...(branch.deletedAt !== undefined ? { deleted_at: iso(branch.deletedAt) } : {}),
    };
  }

  newDatabase(name: string, owner: string, at: number): DatabaseRecord {
    return { id: ++this.databaseId, name, owner, createdAt: at };
  }

  /** Creates a branch record with databases and roles copied from `parent` (if any). */
  newBranch(init: {
    name?: string;
    parent?: BranchRecord;
    schemaOnly?: boolean;
    isDefault?: boolean;
    protected?: boolean;
    expiresAt?: number;
    annotation?: Record<string, string>;
    parentLsn?: string;
    parentTimestamp?: string;
    at: number;
  }): BranchRecord {
    const id = this.uniqueId('br');
    const { parent, at } = init;
    const freshPasswords = parent?.protected ?? false;
    const branch: BranchRecord = {
      id,
      seq: this.nextSeq(),
      name: init.name ?? id,
      ...(parent && !init.schemaOnly ? { parentId: parent.id, parentLsn: init.parentLsn ?? lsn() } : {}),
      ...(parent && !init.schemaOnly && init.parentTimestamp ? { parentTimestamp: init.parentTimestamp } : {}),
      isDefault: init.isDefault ?? false,
      protected: init.protected ?? false,
      initSource: init.schemaOnly ? 'schema-only' : 'parent-data',
      ...(init.expiresAt !== undefined ? { expiresAt: init.expiresAt, ttlSeconds: Math.round((init.expiresAt - at) / 1000) } : {}),
      createdAt: at,
      modifiedAt: at,
      creationOps: [],
      ...(init.annotation ? { annotation: { value: { ...init.annotation }, createdAt: at, updatedAt: at } } : {}),
      databases: (parent?.databases ?? []).map((d) => this.newDatabase(d.name, d.owner, at)),
      roles: (parent?.roles ?? []).map((r) => ({ name: r.name, password: freshPasswords ? rolePassword() : r.password, createdAt: at })),
      logicalSize: parent ? (init.schemaOnly ? 7_536_640 : parent.logicalSize) : 30_777_344,
    };
    this.branches.set(id, branch);
    return branch;
  }

  newEndpoint(branchId: string, type: 'read_write' | 'read_only', at: number, options: { suspendTimeoutSeconds?: number; minCu?: number; maxCu?: number } = {}): EndpointRecord {
    const endpoint: EndpointRecord = {
      id: this.uniqueId('ep'),
      branchId,
      type,
      suspendTimeoutSeconds: options.suspendTimeoutSeconds ?? 0,
      minCu: options.minCu ?? 0.25,
      maxCu: options.maxCu ?? Math.max(options.minCu ?? 0.25, 2),
      createdAt: at,
    };
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  private uniqueId(prefix: 'br' | 'ep'): string {
    for (;;) {
      const id = readableId(prefix);
      if (!this.branches.has(id) && !this.endpoints.has(id)) return id;
    }
  }

  ensureRole(branch: BranchRecord, name: string, at: number): void {
    if (!branch.roles.some((r) => r.name === name)) branch.roles.push({ name, password: rolePassword(), createdAt: at });
  }
}

/** Per-request context: the request id for error bodies, and a way to fail. */
class Ctx {
  readonly requestId: string;
  constructor(headers: http.IncomingHttpHeaders) {
    const sent = headers['x-request-id'];
    this.requestId = (Array.isArray(sent) ? sent[0] : sent) || randomUUID();
  }

  fail(status: number, message: string, code = errorCode(status)): never {
    throw new HttpError(status, { code, message, request_id: this.requestId }, { 'x-request-id': this.requestId });
  }
}

export async function startNeonStandIn(options: NeonStandInOptions = {}): Promise<NeonStandIn> {
  const projectId = options.projectId ?? 'proj-preview-1';
  if (!/^[a-z0-9-]{1,60}$/.test(projectId)) throw new Error(`invalid Neon project id: ${projectId}`);
  const apiKeys = new Set(options.apiKeys ?? ['neon-test-key']);
  const operationMs = options.operationMs ?? 300;
  const pageLimitDefault = options.pageLimitDefault ?? 10000;
  const now = options.now ?? Date.now;
  const namedHost = options.endpointHost ?? ((id: string, pooled: boolean) => `${id}${pooled ? '-pooler' : ''}.c-2.us-east-2.aws.neon.tech`);
  const postgresOptions = options.postgres === true ? {} : options.postgres;
  const [requestCheck, engine] = await Promise.all([
    options.checkRequests === false ? undefined : neonDescriptionCheck(),
    postgresOptions
      ? import('./postgres.js').then(({ startPostgresEngine }) =>
          startPostgresEngine({
            database: 'neondb',
            role: 'neondb_owner',
            ...(postgresOptions.seedSql !== undefined ? { seedSql: postgresOptions.seedSql } : {}),
            ...(postgresOptions.maxConnections !== undefined ? { maxConnections: postgresOptions.maxConnections } : {}),
          }),
        )
      : undefined,
  ]);

  // With `postgres`: each branch's database, its listeners, and when it settled (stand-in clock).
  interface DatabaseEntry {
    listening?: Promise<BranchDatabase>;
    db?: BranchDatabase;
    settled?: { at: number; ok: boolean };
  }
  const databases = new Map<string, DatabaseEntry>();
  /** Starts a branch's database; resolves when its listeners (and so its hosts) are known. */
  const createDatabase = (branchId: string, init: { parentId?: string; schemaOnly?: boolean }): Promise<BranchDatabase> => {
    if (!engine) throw new Error('the stand-in runs without the postgres option');
    const entry: DatabaseEntry = {};
    databases.set(branchId, entry);
    const listening = engine.create(branchId, init).then(
      (db) => {
        entry.db = db;
        return db;
      },
      (error: unknown) => {
        entry.settled ??= { at: now(), ok: false };
        throw error;
      },
    );
    // Registered at once (create() registers the database before its first await), so the
    // operations are settled before anyone else awaiting `ready` looks at them.
    engine.get(branchId)?.ready.then(
      () => (entry.settled ??= { at: now(), ok: true }),
      () => (entry.settled ??= { at: now(), ok: false }),
    );
    listening.catch(() => undefined);
    entry.listening = listening;
    return listening;
  };
  const databaseGate: DatabaseGate = (branchId) => {
    const entry = databases.get(branchId);
    return entry ? (entry.settled ?? 'starting') : undefined;
  };
  /** `127.0.0.1:<port>` of the branch's listener with `postgres`, else the named host. */
  const endpointHost = (endpointId: string, pooled: boolean): string => {
    const endpoint = neon.endpoints.get(endpointId);
    const db = endpoint ? databases.get(endpoint.branchId)?.db : undefined;
    return db ? db.address(pooled) : namedHost(endpointId, pooled);
  };
  // TLS is not spoken by the local listeners.
  const uriQuery = engine ? 'sslmode=disable' : 'sslmode=require&channel_binding=require';

  const standIn = new StandIn('neon', {
    latencyMs: options.latencyMs,
    faults: options.faults,
    requestCheck,
    errorBody: (status, message) => ({ code: errorCode(status), message, request_id: randomUUID() }),
  });
  const neon = new Neon(projectId, operationMs, endpointHost, now, engine ? databaseGate : undefined);

  // The project's default branch `main`: ready, one read_write endpoint, neondb / neondb_owner.
  const start = now();
  const main = neon.newBranch({ name: 'main', isDefault: true, at: start });
  main.databases.push(neon.newDatabase('neondb', 'neondb_owner', start));
  main.roles.push({ name: 'neondb_owner', password: rolePassword(), createdAt: start });
  neon.newEndpoint(main.id, 'read_write', start);
  neon.defaultBranchId = main.id;
  if (engine) {
    try {
      await (await createDatabase(main.id, {})).ready;
    } catch (error) {
      await engine.stop();
      throw error;
    }
  }

  type Handler = (req: StandInRequest, ctx: Ctx) => StandInResponse | Promise<StandInResponse>;
  const serve = (method: string, path: string, handler: Handler): void => {
    standIn.route(method, path, async (req) => {
      const ctx = new Ctx(req.headers);
      const token = bearerToken(req.headers);
      if (!token || !/^Bearer\s/i.test(req.headers.authorization ?? '') || !apiKeys.has(token)) ctx.fail(401, 'authorization failed: missing or unknown API key');
      if (req.params.project_id !== projectId) ctx.fail(404, `project ${req.params.project_id ?? ''} not found`);
      const response = await handler(req, ctx);
      return { ...response, headers: { 'x-request-id': ctx.requestId, ...response.headers } };
    });
  };

  const branchOr404 = (ctx: Ctx, id: string | undefined): BranchRecord => neon.liveBranch(id ?? '') ?? ctx.fail(404, `branch ${id ?? ''} not found`);

  const lockCheck = (ctx: Ctx, branchId: string, t: number): void => {
    if (neon.isBusy(branchId, t)) ctx.fail(423, LOCKED_MESSAGE);
  };

  /** Checks an `expires_at` value; returns epoch ms. */
  const expiry = (ctx: Ctx, value: unknown, t: number): number => {
    if (typeof value !== 'string') ctx.fail(400, 'expires_at must be a string timestamp');
    const ms = parseRfc3339(value);
    if (ms === undefined) ctx.fail(400, `expires_at "${value}" is not a valid RFC 3339 timestamp with a timezone (for example 2025-06-09T18:02:16Z)`);
    if (ms <= t) ctx.fail(400, `expires_at "${value}" must be in the future`);
    if (ms - t > MAX_TTL_MS) ctx.fail(400, `expires_at "${value}" is too far in the future: the maximum is 30 days from now`);
    return ms;
  };

  const limitParam = (ctx: Ctx, value: string | undefined, max: number, fallback: number): number => {
    if (value === undefined) return Math.min(fallback, max);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) ctx.fail(400, `limit must be an integer from 1 to ${max}`);
    return n;
  };

  // --- branches ---

  serve('POST', '/projects/{project_id}/branches', async (req: StandInRequest, ctx: Ctx) => {
    const t = now();
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
    let expiresAt: number | undefined;
    if (spec.expires_at !== undefined && spec.expires_at !== null) {
      if (isProtected) ctx.fail(400, 'expiration cannot be set on a protected branch');
      expiresAt = expiry(ctx, spec.expires_at, t);
    }
    if (parent.expiresAt !== undefined) ctx.fail(400, `cannot create a branch from branch ${parent.id}: it has an expiration time`);

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

    if (name !== undefined && neon.byName(name)) ctx.fail(409, `branch with the provided name "${name}" already exists`, 'BRANCH_ALREADY_EXISTS');
    lockCheck(ctx, parent.id, t);
    if (engine && !engine.get(parent.id)) ctx.fail(500, `parent branch ${parent.id} has no database in the stand-in's Postgres engine`);

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
    const database = engine ? createDatabase(branch.id, { parentId: parent.id, schemaOnly: initSource === 'schema-only' }) : undefined;
    const endpoints = endpointSpecs.map((e) =>
      neon.newEndpoint(branch.id, e.type as 'read_write' | 'read_only', t, {
        ...(typeof e.suspend_timeout_seconds === 'number' ? { suspendTimeoutSeconds: e.suspend_timeout_seconds } : {}),
        ...(typeof e.autoscaling_limit_min_cu === 'number' ? { minCu: e.autoscaling_limit_min_cu } : {}),
        ...(typeof e.autoscaling_limit_max_cu === 'number' ? { maxCu: e.autoscaling_limit_max_cu } : {}),
      }),
    );
    const waitsForDatabase = engine !== undefined;
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
            const host = endpointHost(rw.id, false);
            return {
              connection_uri: connectionUri(role.name, role.password, host, db.name, uriQuery),
              connection_parameters: { database: db.name, password: role.password, role: role.name, host, pooler_host: endpointHost(rw.id, true) },
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

  serve('GET', '/projects/{project_id}/branches', (req: StandInRequest, ctx: Ctx) => {
    const t = now();
    const sortBy = (req.query.sort_by ?? 'updated_at') as SortBy;
    const sortOrder = (req.query.sort_order ?? 'desc') as SortOrder;
    if (!['name', 'created_at', 'updated_at'].includes(sortBy)) ctx.fail(400, 'sort_by must be one of name, created_at, updated_at');
    if (!['asc', 'desc'].includes(sortOrder)) ctx.fail(400, 'sort_order must be asc or desc');
    const limit = limitParam(ctx, req.query.limit, 10000, pageLimitDefault);
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

  serve('GET', '/projects/{project_id}/branches/count', (req: StandInRequest) => {
    const search = (req.query.search ?? '').toLowerCase();
    const count = neon.liveBranches().filter((b) => !search || b.name.toLowerCase().includes(search) || b.id.toLowerCase().includes(search)).length;
    return { status: 200, body: { count } };
  });

  serve('GET', '/projects/{project_id}/branches/{branch_id}', (req: StandInRequest, ctx: Ctx) => {
    const branch = branchOr404(ctx, req.params.branch_id);
    return { status: 200, body: { branch: neon.branchJson(branch), annotation: neon.annotationJson(branch) } };
  });

  serve('PATCH', '/projects/{project_id}/branches/{branch_id}', (req: StandInRequest, ctx: Ctx) => {
    const t = now();
    const branch = branchOr404(ctx, req.params.branch_id);
    const spec = asObject(asObject(req.body)?.branch) ?? ctx.fail(400, 'request body must be { branch: { ... } }');
    lockCheck(ctx, branch.id, t);

    if (spec.name !== undefined) {
      if (typeof spec.name !== 'string' || spec.name.length < 1 || spec.name.length > 256) ctx.fail(400, 'branch name must be 1 to 256 characters');
      const other = neon.byName(spec.name);
      if (other && other.id !== branch.id) ctx.fail(409, `branch with the provided name "${spec.name}" already exists`, 'BRANCH_ALREADY_EXISTS');
    }
    if (spec.protected !== undefined && typeof spec.protected !== 'boolean') ctx.fail(400, 'protected must be a boolean');
    const willBeProtected = typeof spec.protected === 'boolean' ? spec.protected : branch.protected;
    let expiresAt: number | null | undefined;
    if (spec.expires_at === null) expiresAt = null;
    else if (spec.expires_at !== undefined) {
      if (branch.isDefault) ctx.fail(400, 'expiration cannot be set on the default branch');
      if (willBeProtected) ctx.fail(400, 'expiration cannot be set on a protected branch');
      if (neon.children(branch.id).length > 0) ctx.fail(400, 'expiration cannot be set on a branch that has child branches');
      expiresAt = expiry(ctx, spec.expires_at, t);
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

  serve('DELETE', '/projects/{project_id}/branches/{branch_id}', async (req: StandInRequest, ctx: Ctx) => {
    const t = now();
    const branch = neon.liveBranch(req.params.branch_id ?? '');
    if (!branch) return { status: 204 };
    if (branch.isDefault) ctx.fail(400, `branch ${branch.id} is the default branch of the project and cannot be deleted`);
    if (branch.protected) ctx.fail(400, `branch ${branch.id} is protected and cannot be deleted`);
    if (neon.children(branch.id).length > 0) ctx.fail(400, `branch ${branch.id} has child branches and cannot be deleted`);
    lockCheck(ctx, branch.id, t);

    const endpoints = neon.branchEndpoints(branch.id);
    const ops = neon.newOperations(
      [...endpoints.map((e) => ({ action: 'suspend_compute' as const, branchId: branch.id, endpointId: e.id })), { action: 'delete_timeline', branchId: branch.id }],
      t,
    );
    branch.deletedAt = t;
    branch.modifiedAt = t;
    for (const e of endpoints) e.deletedAt = t;
    // A hard delete leaves nothing to recover.
    if (req.query.hard_delete === 'true') neon.branches.delete(branch.id);
    // Its URLs refuse connections from now on.
    if (engine) await engine.delete(branch.id);
    return { status: 200, body: { branch: neon.branchJson(branch, t), operations: ops.map((o) => neon.operationView(o, t)) } };
  });

  serve('GET', '/projects/{project_id}/branches/{branch_id}/endpoints', (req: StandInRequest, ctx: Ctx) => {
    const branch = branchOr404(ctx, req.params.branch_id);
    const t = now();
    return { status: 200, body: { endpoints: neon.branchEndpoints(branch.id).map((e) => neon.endpointJson(e, t)) } };
  });

  serve('GET', '/projects/{project_id}/branches/{branch_id}/databases', (req: StandInRequest, ctx: Ctx) => {
    const branch = branchOr404(ctx, req.params.branch_id);
    return { status: 200, body: { databases: branch.databases.map((d) => neon.databaseJson(branch, d)) } };
  });

  serve('GET', '/projects/{project_id}/branches/{branch_id}/roles', (req: StandInRequest, ctx: Ctx) => {
    const branch = branchOr404(ctx, req.params.branch_id);
    return { status: 200, body: { roles: branch.roles.map((r) => neon.roleJson(branch, r)) } };
  });

  serve('GET', '/projects/{project_id}/branches/{branch_id}/roles/{role_name}/reveal_password', (req: StandInRequest, ctx: Ctx) => {
    const branch = branchOr404(ctx, req.params.branch_id);
    const role = branch.roles.find((r) => r.name === req.params.role_name) ?? ctx.fail(404, `role ${req.params.role_name ?? ''} not found`);
    return { status: 200, body: { password: role.password } };
  });

  // --- endpoints ---

  serve('GET', '/projects/{project_id}/endpoints', () => {
    const t = now();
    const endpoints = [...neon.endpoints.values()].filter((e) => e.deletedAt === undefined);
    return { status: 200, body: { endpoints: endpoints.map((e) => neon.endpointJson(e, t)) } };
  });

  serve('POST', '/projects/{project_id}/endpoints', (req: StandInRequest, ctx: Ctx) => {
    const t = now();
    const spec = asObject(asObject(req.body)?.endpoint) ?? ctx.fail(400, 'request body must be { endpoint: { branch_id, type } }');
    if (spec.type !== 'read_write' && spec.type !== 'read_only') ctx.fail(400, 'endpoint type must be "read_write" or "read_only"');
    const branch = branchOr404(ctx, typeof spec.branch_id === 'string' ? spec.branch_id : undefined);
    const timeout = spec.suspend_timeout_seconds;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < -1 || timeout > 604800 || (timeout > 0 && timeout < 60))) {
      ctx.fail(400, 'suspend_timeout_seconds must be -1, 0, or from 60 to 604800');
    }
    if (spec.type === 'read_write' && neon.readWriteEndpoint(branch.id)) ctx.fail(400, `branch ${branch.id} already has a read_write endpoint; a branch can have only one`);
    lockCheck(ctx, branch.id, t);
    const endpoint = neon.newEndpoint(branch.id, spec.type, t, {
      ...(typeof timeout === 'number' ? { suspendTimeoutSeconds: timeout } : {}),
      ...(typeof spec.autoscaling_limit_min_cu === 'number' ? { minCu: spec.autoscaling_limit_min_cu } : {}),
      ...(typeof spec.autoscaling_limit_max_cu === 'number' ? { maxCu: spec.autoscaling_limit_max_cu } : {}),
    });
    const ops = neon.newOperations([{ action: 'start_compute', branchId: branch.id, endpointId: endpoint.id, waitsForDatabase: engine !== undefined }], t);
    endpoint.startOp = ops[0]!.id;
    return { status: 201, body: { endpoint: neon.endpointJson(endpoint, t), operations: ops.map((o) => neon.operationView(o, t)) } };
  });

  // --- connection URI ---

  serve('GET', '/projects/{project_id}/connection_uri', async (req: StandInRequest, ctx: Ctx) => {
    const { database_name: database, role_name: roleName } = req.query;
    if (!database) ctx.fail(400, 'database_name is required');
    if (!roleName) ctx.fail(400, 'role_name is required');
    // Without branch_id Neon answers for the project's default branch.
    const branch = branchOr404(ctx, req.query.branch_id ?? neon.defaultBranchId);
    let endpoint: EndpointRecord;
    if (req.query.endpoint_id !== undefined) {
      const found = neon.endpoints.get(req.query.endpoint_id);
      if (!found || found.deletedAt !== undefined || found.branchId !== branch.id) ctx.fail(404, `endpoint ${req.query.endpoint_id} not found on branch ${branch.id}`);
      endpoint = found;
    } else {
      endpoint = neon.readWriteEndpoint(branch.id) ?? ctx.fail(404, `branch ${branch.id} has no read_write endpoint`);
    }
    if (!branch.databases.some((d) => d.name === database)) ctx.fail(404, `database ${database} not found on branch ${branch.id}`);
    const role = branch.roles.find((r) => r.name === roleName) ?? ctx.fail(404, `role ${roleName} not found on branch ${branch.id}`);
    const pooled = req.query.pooled === 'true';
    // A branch seeded with addBranch may still be binding its listeners.
    await databases.get(branch.id)?.listening?.catch(() => undefined);
    return { status: 200, body: { uri: connectionUri(role.name, role.password, endpointHost(endpoint.id, pooled), database, uriQuery) } };
  });

  // --- operations ---

  serve('GET', '/projects/{project_id}/operations/{operation_id}', (req: StandInRequest, ctx: Ctx) => {
    const op = neon.operations.get(req.params.operation_id ?? '') ?? ctx.fail(404, `operation ${req.params.operation_id ?? ''} not found`);
    return { status: 200, body: { operation: neon.operationView(op) } };
  });

  serve('GET', '/projects/{project_id}/operations', (req: StandInRequest, ctx: Ctx) => {
    const t = now();
    const limit = limitParam(ctx, req.query.limit, 1000, pageLimitDefault);
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

  await standIn.start();

  const api: NeonStandIn = {
    standIn,
    url: standIn.url,
    projectId,
    defaultBranchId: main.id,
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
        branch.databases = [];
        branch.roles = [];
        for (const db of init.databases) {
          branch.databases.push(neon.newDatabase(db.name, db.owner, t));
          if (!branch.roles.some((r) => r.name === db.owner)) {
            const same = inherited.find((r) => r.name === db.owner);
            branch.roles.push({ name: db.owner, password: same?.password ?? rolePassword(), createdAt: t });
          }
        }
      }
      // Created ready: its operations are dated far enough back to be finished (with `postgres`,
      // once its database, copied from the parent in the background, is ready).
      if (engine) void createDatabase(branch.id, { parentId: parent.id }).catch(() => undefined);
      const waitsForDatabase = engine !== undefined;
      const past = t - 2 * operationMs - 1;
      const endpoint = init.withEndpoint === false ? undefined : neon.newEndpoint(branch.id, 'read_write', t);
      const ops = neon.newOperations(
        [{ action: 'create_branch', branchId: branch.id, waitsForDatabase }, ...(endpoint ? [{ action: 'start_compute' as const, branchId: branch.id, endpointId: endpoint.id, waitsForDatabase }] : [])],
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
      neon.ensureRole(branch, owner, t);
    },
    failNextOperations: (kind, opts = {}) => {
      neon.failPlan.push({ kind, count: opts.count ?? 1, ...(opts.action ? { action: opts.action } : {}) });
    },
    ...(engine ? { postgres: engine } : {}),
    stop: async () => {
      await Promise.all([standIn.stop(), engine?.stop()]);
    },
  };
  return api;
}

function connectionUri(role: string, password: string, host: string, database: string, query: string): string {
  return `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(password)}@${host}/${encodeURIComponent(database)}?${query}`;
}
