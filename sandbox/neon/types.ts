// The Neon stand-in's public types: its options, the API objects it answers with, and the test handle.
import type { BranchDatabases } from '../postgres.js';
import type { FaultPlan, StandIn } from '../server.js';

export interface NeonStandInOptions {
  /** Accepted bearer tokens; default `['neon-test-key']`. */
  apiKeys?: string[];
  /** Default `'proj-preview-1'` (must match `^[a-z0-9-]{1,60}$`). */
  projectId?: string;
  /** How long each operation runs before it is finished; default 300. */
  operationMs?: number;
  latencyMs?: number;
  faults?: FaultPlan;
  /** Host of an endpoint; default `${id}[-pooler].c-2.us-east-2.aws.neon.tech`, with `postgres` `${id}[-pooler].stand-in.neon.test`. */
  endpointHost?: (endpointId: string, pooled: boolean) => string;
  /** Validate every request against the OpenAPI description; default true. */
  checkRequests?: boolean;
  /** Page size of the branch list when `limit` is absent; default 10000. */
  pageLimitDefault?: number;
  /**
   * Root branches the project allows, the default branch and schema-only branches included; a
   * schema-only create beyond it is refused with 422. Default 3, Neon's Free plan (Launch 5,
   * Scale 10, Business 25: docs guides/branching-schema-only).
   */
  rootBranchLimit?: number;
  /** Refuse every request carrying `expires_at` (403), as Neon does for a project outside the Early Access Program. */
  expiryUnsupported?: boolean;
  /**
   * A soft-deleted branch keeps its name while it can be recovered (7 days): a create or rename
   * to that name is refused with 409. Default false; Neon does not document it either way.
   */
  deletedNamesReserved?: boolean;
  /** Clock in epoch milliseconds; default `Date.now` (lets a test move time forward). */
  now?: () => number;
  /**
   * Give every branch a real Postgres database (PGlite served over the wire protocol, see
   * postgres.ts); off by default. The default branch's database is seeded (`seedSql`, default
   * a `products` table with 3 rows); a branch created later is a copy of its parent's data
   * (schema only for `init_source: schema-only`). Endpoint hosts keep Neon's shape under a local
   * domain (`ep-x.stand-in.neon.test`, `ep-x-pooler.stand-in.neon.test`), and connection URIs
   * route to the branch's direct or pooled listener with `?sslmode=disable&host=127.0.0.1&port=N`
   * (see the header of sandbox/neon.ts). A create
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
  /** `resetting` while a restore's operations run (BranchState in the API description). */
  current_state: 'init' | 'ready' | 'resetting';
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
  /** When the branch was last restored. */
  last_reset_at?: string;
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
   * Sets the schema text (SQL DDL) of a database of a branch, what compare_schema diffs. A branch
   * created later starts with a copy of its parent's texts. With `postgres` the engine's database
   * (`neondb`) has no text: its schema is read from its catalog (change the database instead).
   */
  setSchema(branchId: string, database: string, ddl: string): void;
  /** The schema text compare_schema uses for a database of a branch (from the catalog with `postgres`). */
  schema(branchId: string, database: string): Promise<string>;
  /**
   * With `'default-branch'`, `GET /projects/{project_id}/connection_uri` answers with the default
   * branch's URL (its endpoint host, its role's password) whatever `branch_id` says, the bug of
   * create-branch-action #27/#34 and reset-branch-action #9; `undefined` turns it off.
   */
  setConnectionUriFault(kind: 'default-branch' | undefined): void;
  /**
   * The branches' databases when the stand-in runs with `postgres` (undefined otherwise):
   * `postgres.get(branchId)` has the ports, the state and `ready`. A branch seeded with
   * `addBranch` gets its database in the background: its operations, and so its state, wait for it.
   */
  postgres?: BranchDatabases;
  /** Stops the server and, with `postgres`, every branch's database. */
  stop(): Promise<void>;
}
