// The stand-in's model of one Neon project: branches, endpoints, databases and roles, and how
// each looks in the API's answers at a given time (readiness is derived from operations).
import { OperationLog } from './operations.js';
import { RECOVERY_MS, type BranchRecord, type DatabaseGate, type DatabaseRecord, type EndpointRecord, type RoleRecord } from './records.js';
import type { NeonBranchJson, StandInBranch, StandInDatabase, StandInEndpoint, StandInRole } from './types.js';
import { iso, lsn, readableId, rolePassword } from './util.js';

export class Neon extends OperationLog {
  readonly branches = new Map<string, BranchRecord>();
  readonly endpoints = new Map<string, EndpointRecord>();
  defaultBranchId = '';
  private databaseId = 1000;

  constructor(
    projectId: string,
    operationMs: number,
    readonly host: (endpointId: string, pooled: boolean) => string,
    now: () => number,
    databaseGate?: DatabaseGate,
  ) {
    super(projectId, operationMs, now, databaseGate);
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
    return this.allFinishedAt(branch.creationOps, branch.createdAt, now);
  }

  updatedAt(branch: BranchRecord, now: number): number {
    return Math.max(branch.modifiedAt, this.readyAt(branch, now) ?? 0);
  }

  branchJson(branch: BranchRecord, now = this.now(), withRecovery = false): NeonBranchJson {
    const ready = this.readyAt(branch, now);
    const reset = branch.lastResetAt !== undefined ? this.allFinishedAt(branch.restoreOps ?? [], branch.lastResetAt, now) : undefined;
    const state = ready === undefined ? 'init' : branch.lastResetAt !== undefined && reset === undefined ? 'resetting' : 'ready';
    return {
      id: branch.id,
      project_id: this.projectId,
      ...(branch.parentId ? { parent_id: branch.parentId } : {}),
      ...(branch.parentLsn ? { parent_lsn: branch.parentLsn } : {}),
      ...(branch.parentTimestamp ? { parent_timestamp: branch.parentTimestamp } : {}),
      name: branch.name,
      current_state: state,
      ...(state !== 'ready' ? { pending_state: 'ready' as const } : {}),
      state_changed_at: iso(state === 'resetting' ? branch.lastResetAt! : (reset ?? ready ?? branch.createdAt)),
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
      ...(branch.lastResetAt !== undefined ? { last_reset_at: iso(branch.lastResetAt) } : {}),
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
    const dot = host.indexOf('.');
    return {
      host,
      id: endpoint.id,
      project_id: this.projectId,
      branch_id: endpoint.branchId,
      region_id: 'aws-us-east-2',
      autoscaling_limit_min_cu: endpoint.minCu,
      autoscaling_limit_max_cu: endpoint.maxCu,
      type: endpoint.type,
      current_state: startedAt === undefined ? 'init' : endpoint.idle ? 'idle' : 'active',
      ...(startedAt === undefined ? { pending_state: 'active' as const } : {}),
      settings: { pg_settings: {} },
      pooler_enabled: false,
      pooler_mode: 'transaction',
      disabled: false,
      passwordless_access: true,
      creation_source: 'console',
      created_at: iso(endpoint.createdAt),
      updated_at: iso(Math.max(endpoint.createdAt, startedAt ?? 0)),
      proxy_host: dot > 0 ? host.slice(dot + 1) : host,
      suspend_timeout_seconds: endpoint.suspendTimeoutSeconds,
      provisioner: 'k8s-neonvm',
    };
  }

  databaseJson(branch: BranchRecord, db: DatabaseRecord): StandInDatabase {
    return { id: db.id, branch_id: branch.id, name: db.name, owner_name: db.owner, created_at: iso(db.createdAt), updated_at: iso(db.createdAt) };
  }

  roleJson(branch: BranchRecord, role: RoleRecord): Omit<StandInRole, 'password'> {
    return { branch_id: branch.id, name: role.name, protected: false, authentication_method: 'password', created_at: iso(role.createdAt), updated_at: iso(role.updatedAt ?? role.createdAt) };
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
    // A child has its parent's roles with their passwords, new ones only under a protected parent
    // (docs: neon.com manage/branches "Postgres role passwords on branches", manage/roles).
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
      // A child, schema-only ones too, starts with its parent's schema.
      schemas: new Map(parent?.schemas ?? []),
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
