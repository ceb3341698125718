// Neon's asynchronous operations, as the stand-in keeps them: each request's operations run for
// `operationMs` on the stand-in's clock (longer while a branch's database starts, with `postgres`),
// and their status is computed from timestamps when read, so there are no timers.
import { randomUUID } from 'node:crypto';
import { TERMINAL, type DatabaseGate, type OperationRecord } from './records.js';
import type { OperationActionValue, OperationOutcome, StandInOperation } from './types.js';
import { iso } from './util.js';

export interface OperationSpec {
  action: OperationActionValue;
  branchId?: string;
  endpointId?: string;
  waitsForDatabase?: boolean;
  databaseGeneration?: number;
}

export class OperationLog {
  readonly operations = new Map<string, OperationRecord>();
  readonly failPlan: { kind: OperationOutcome; count: number; action?: OperationActionValue }[] = [];
  private seq = 0;

  constructor(
    readonly projectId: string,
    readonly operationMs: number,
    readonly now: () => number,
    /** With the `postgres` option: operations that wait for a branch's database ask here. */
    readonly databaseGate?: DatabaseGate,
  ) {}

  nextSeq(): number {
    return ++this.seq;
  }

  /** Creates the operations of one request; the first runs at once, the others wait a little. */
  newOperations(specs: OperationSpec[], at = this.now(), seeded = false): OperationRecord[] {
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
    const gate = this.databaseGate(op.branchId, op.databaseGeneration ?? 0);
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
      return {
        ...base,
        status: scheduling ? 'scheduling' : 'running',
        failures_count: 0,
        updated_at: iso(scheduling || !op.queued ? op.createdAt : op.createdAt + d / 2),
        total_duration_ms: Math.round(elapsed),
      };
    }
    if (!run.ok) {
      return {
        ...base,
        status: 'error',
        error: "the branch's database failed to start (stand-in Postgres engine)",
        failures_count: 1,
        updated_at: iso(op.createdAt + r),
        total_duration_ms: Math.round(r),
      };
    }
    if (op.outcome === 'error') {
      return { ...base, status: 'error', error: 'operation failed (injected by the stand-in)', failures_count: 1, updated_at: iso(op.createdAt + r), total_duration_ms: Math.round(r) };
    }
    if (op.outcome === 'failed-then-finished') {
      if (elapsed < r + d) {
        return {
          ...base,
          status: 'failed',
          error: 'transient failure, will be retried (injected by the stand-in)',
          failures_count: 1,
          retry_at: iso(op.createdAt + r + d),
          updated_at: iso(op.createdAt + r),
          total_duration_ms: Math.round(elapsed),
        };
      }
      return { ...base, status: 'finished', failures_count: 1, updated_at: iso(op.createdAt + r + d), total_duration_ms: Math.round(r + d) };
    }
    return { ...base, status: 'finished', failures_count: 0, updated_at: iso(op.createdAt + r), total_duration_ms: Math.round(r) };
  }

  /** When the operation finished (undefined when it has not, or ended otherwise). */
  finishedAt(op: OperationRecord, now: number): number | undefined {
    const run = this.runMs(op);
    if (!run || !run.ok) return undefined;
    const end = op.createdAt + (op.outcome === 'failed-then-finished' ? run.ms + this.operationMs : run.ms);
    if (op.outcome === 'error' || now < end) return undefined;
    return end;
  }

  /** When every one of these operations finished (`from` when there are none), or undefined. */
  allFinishedAt(ids: string[], from: number, now: number): number | undefined {
    let at = from;
    for (const id of ids) {
      const op = this.operations.get(id);
      if (!op) continue;
      const end = this.finishedAt(op, now);
      if (end === undefined) return undefined;
      at = Math.max(at, end);
    }
    return at;
  }

  /** A branch is busy while one of its operations is not terminal. */
  isBusy(branchId: string, now = this.now()): boolean {
    for (const op of this.operations.values()) {
      if (op.branchId === branchId && !TERMINAL.includes(this.operationView(op, now).status)) return true;
    }
    return false;
  }
}
