// The Neon stand-in's internal records: what it stores per branch, endpoint and operation.
import type { OperationActionValue, OperationOutcome, OperationStatusValue } from './types.js';

export interface OperationRecord {
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
  /** Which of the branch's databases it waits for: 0 the created one, then one per restore. */
  databaseGeneration?: number;
}

/** When a branch's database (of a generation) settled, as the stand-in's clock saw it. */
export type DatabaseGate = (branchId: string, generation: number) => { at: number; ok: boolean } | 'starting' | undefined;

export interface EndpointRecord {
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
  /** Recovered endpoints are idle until something starts them (the recover description). */
  idle?: boolean;
}

export interface DatabaseRecord {
  id: number;
  name: string;
  owner: string;
  createdAt: number;
}

export interface RoleRecord {
  name: string;
  password: string;
  createdAt: number;
  /** Set when its password was reset. */
  updatedAt?: number;
}

export interface BranchRecord {
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
  /** Operations of the last restore; the branch is `resetting` until they finish. */
  restoreOps?: string[];
  lastResetAt?: number;
  annotation?: { value: Record<string, string>; createdAt: number; updatedAt: number };
  databases: DatabaseRecord[];
  /** Schema text (SQL DDL) per database name, what compare_schema diffs without the Postgres engine. */
  schemas: Map<string, string>;
  roles: RoleRecord[];
  logicalSize: number;
  deletedAt?: number;
}

export type SortBy = 'name' | 'created_at' | 'updated_at';
export type SortOrder = 'asc' | 'desc';

export const TERMINAL: OperationStatusValue[] = ['finished', 'error', 'cancelled', 'skipped'];
export const MAX_TTL_MS = 30 * 24 * 3600 * 1000;
export const RECOVERY_MS = 7 * 24 * 3600 * 1000;
export const LOCKED_MESSAGE = 'project already has running conflicting operations, scheduling of new ones is prohibited';
