// Waiting on Neon: its operations (polled until they end) and anything else read until it holds,
// all at one pace: rounds a tenth of the time already waited apart, 100 ms to 2 s, so polling adds
// at most a tenth of the wait itself, and a round never starts before the previous one answered.
import type { Api, Operation } from '@neondatabase/api-client';
import type { ApiSession } from '../http/retry.js';

const TERMINAL_OK = new Set(['finished', 'skipped', 'cancelled']);
/** The first round, and the shortest time between two. */
const POLL_MIN_MS = 100;
/** The longest time between two rounds. */
const POLL_MAX_MS = 2000;
/** How often a long wait says that it still waits. */
const PROGRESS_MS = 10_000;
/** Operations per page when the sweep reads the project's operation list (Neon's maximum). */
const OPERATIONS_PAGE_SIZE = 1000;

/** Time between the starts of two rounds: a tenth of the time already waited, 100 ms to 2 s. */
export function pollIntervalMs(elapsedMs: number): number {
  return Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, Math.round(elapsedMs / 10)));
}

export function isFinished(op: Operation): boolean {
  return TERMINAL_OK.has(op.status);
}

function operationError(op: Operation): Error {
  return new Error(`Neon: operation ${op.action} (${op.id}) on branch ${op.branch_id ?? '?'} ended in error${op.error ? `: ${op.error}` : ''}`);
}

export class NeonOperations {
  constructor(
    private readonly api: Api<unknown>,
    private readonly session: ApiSession,
    private readonly projectId: string,
  ) {}

  /**
   * Runs `round` at the polling pace until it says done, the first time after the shortest
   * interval. `what` names what is awaited, for the error when the run's timeout comes first.
   */
  async until(what: () => string, round: () => Promise<boolean>): Promise<void> {
    const started = Date.now();
    let next = started + POLL_MIN_MS;
    let said = started;
    for (;;) {
      await this.session.sleep(next - Date.now(), what());
      next = Date.now() + pollIntervalMs(Date.now() - started);
      if (await round()) return;
      // A long wait says, at most every PROGRESS_MS, what it waits for and for how long so far.
      if (Date.now() - said >= PROGRESS_MS) {
        said = Date.now();
        this.session.progress(`Waiting for ${what()}: ${Math.round((said - started) / 1000)} s so far`);
      }
    }
  }

  /**
   * Polls the operations until each ends. `finished`, `skipped` and `cancelled` end them; `failed`
   * does not (Neon retries it); `error` is a failure. Every unfinished operation is asked for in
   * each round, all at once, so the round that sees the last one end also sees how the others ended.
   */
  async waitFor(operations: Operation[] | undefined): Promise<void> {
    let pending = (operations ?? []).filter((op) => !isFinished(op));
    if (pending.length === 0) return;
    await this.until(
      () => `Neon operations (${pending.map((op) => op.action).join(', ')})`,
      async () => {
        const latest = await Promise.all(pending.map((op) => this.get(op)));
        const broken = latest.find((op) => op.status === 'error');
        if (broken) throw operationError(broken);
        pending = latest.filter((op) => !isFinished(op));
        return pending.length === 0;
      },
    );
  }

  /**
   * Waits for many operations at once (the sweep's deletions) and returns how each ended in error
   * (by operation id; absent = ended well). Each round reads the project's operation list, newest
   * first, a page of up to 1000 covering them all with one request, rather than one request per
   * operation (Neon's rate limit is shared with the deletions themselves); an operation the first
   * pages do not reach (a busy project) is asked for by id.
   */
  async settle(operations: Operation[]): Promise<Map<string, Error>> {
    const failures = new Map<string, Error>();
    let pending = new Map(operations.filter((op) => !isFinished(op)).map((op) => [op.id, op]));
    if (pending.size === 0) return failures;
    await this.until(
      () => `Neon operations (${pending.size} of ${operations.length})`,
      async () => {
        const seen = await this.recent(pending);
        const missing = [...pending.values()].filter((op) => !seen.has(op.id));
        for (const op of await Promise.all(missing.map((m) => this.get(m)))) seen.set(op.id, op);
        const still = new Map<string, Operation>();
        for (const [id, op] of pending) {
          const latest = seen.get(id) ?? op;
          if (latest.status === 'error') failures.set(id, operationError(latest));
          else if (!isFinished(latest)) still.set(id, latest);
        }
        pending = still;
        return pending.size === 0;
      },
    );
    return failures;
  }

  /** The project's newest operations, page by page, until every wanted one was seen (at most 3 pages). */
  private async recent(wanted: Map<string, Operation>): Promise<Map<string, Operation>> {
    const seen = new Map<string, Operation>();
    const oldest = Math.min(...[...wanted.values()].map((op) => Date.parse(op.created_at)).filter(Number.isFinite));
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const { data } = await this.session.call({ platform: 'Neon', operation: 'list operations' }, (signal) =>
        this.api.listProjectOperations({ projectId: this.projectId, limit: OPERATIONS_PAGE_SIZE, ...(cursor ? { cursor } : {}) }, { signal }),
      );
      for (const op of data.operations) if (wanted.has(op.id)) seen.set(op.id, op);
      cursor = data.pagination?.cursor;
      const last = data.operations[data.operations.length - 1];
      // Newest first: past the oldest wanted operation (Neon dates them to the second), none is left.
      const pastOldest = last !== undefined && Date.parse(last.created_at) < oldest - 1000;
      if (seen.size === wanted.size || !cursor || data.operations.length === 0 || pastOldest) break;
    }
    return seen;
  }

  private async get(op: Operation): Promise<Operation> {
    const { data } = await this.session.call({ platform: 'Neon', operation: `check operation ${op.action}` }, (signal) => this.api.getProjectOperation(this.projectId, op.id, { signal }));
    return data.operation;
  }
}
