// The stand-in's side of the `postgres` option: each branch's database in the Postgres engine
// (postgres.ts), its listeners, and when it settled on the stand-in's clock, which operations
// that wait for the database read through `gate`.
import type { BranchDatabase, BranchDatabases } from '../postgres.js';
import { catalogSchema } from './catalog-schema.js';
import type { DatabaseGate } from './records.js';

interface DatabaseEntry {
  listening?: Promise<BranchDatabase>;
  db?: BranchDatabase;
  /** When each generation (0: created, then one per restore) settled; undefined while it starts. */
  settled: ({ at: number; ok: boolean } | undefined)[];
}

export class EngineLink {
  private readonly entries = new Map<string, DatabaseEntry>();

  constructor(
    readonly engine: BranchDatabases,
    private readonly now: () => number,
  ) {}

  /** Starts a branch's database; resolves when its listeners (and so its hosts) are known. */
  create(branchId: string, init: { parentId?: string; schemaOnly?: boolean }): Promise<BranchDatabase> {
    const entry: DatabaseEntry = { settled: [undefined] };
    this.entries.set(branchId, entry);
    const listening = this.engine.create(branchId, init).then(
      (db) => {
        entry.db = db;
        return db;
      },
      (error: unknown) => {
        entry.settled[0] ??= { at: this.now(), ok: false };
        throw error;
      },
    );
    // Registered at once (create() registers the database before its first await), so the
    // operations are settled before anyone else awaiting `ready` looks at them.
    this.engine.get(branchId)?.ready.then(
      () => (entry.settled[0] ??= { at: this.now(), ok: true }),
      () => (entry.settled[0] ??= { at: this.now(), ok: false }),
    );
    listening.catch(() => undefined);
    entry.listening = listening;
    return listening;
  }

  readonly gate: DatabaseGate = (branchId, generation) => {
    const entry = this.entries.get(branchId);
    if (!entry || generation >= entry.settled.length) return undefined;
    return entry.settled[generation] ?? 'starting';
  };

  /**
   * Restores the branch's database from the source's behind the same listeners; returns the new
   * generation, which operations wait for.
   */
  restore(branchId: string, sourceId: string): number {
    const entry = this.entries.get(branchId);
    if (!entry) throw new Error(`branch ${branchId} has no database in the stand-in's Postgres engine`);
    const generation = entry.settled.push(undefined) - 1;
    this.engine.restore(branchId, sourceId).then(
      () => (entry.settled[generation] ??= { at: this.now(), ok: true }),
      () => (entry.settled[generation] ??= { at: this.now(), ok: false }),
    );
    return generation;
  }

  /** The branch's database once its listeners are bound. */
  db(branchId: string): BranchDatabase | undefined {
    return this.entries.get(branchId)?.db;
  }

  /** Waits until the branch's listeners are bound (a branch seeded with addBranch binds them in the background). */
  async listening(branchId: string): Promise<void> {
    await this.entries.get(branchId)?.listening?.catch(() => undefined);
  }

  /** Drops the branch's open connections and lets the socket handlers roll back what they had open. */
  async dropConnections(branchId: string): Promise<void> {
    this.engine.dropConnections(branchId);
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** The name of the one database every branch has in the engine. */
  get database(): string {
    return this.engine.database;
  }

  /**
   * The schema text of the branch's database, read from its catalog over a connection to its
   * direct listener (so it queues behind other clients' transactions and waits for a start).
   */
  async schema(branchId: string): Promise<string> {
    await this.listening(branchId);
    const db = this.db(branchId) ?? this.engine.get(branchId);
    if (!db) throw new Error(`branch ${branchId} has no database in the stand-in's Postgres engine`);
    const { default: pg } = await import('pg');
    const client = new pg.Client({ host: db.host, port: db.directPort, user: this.engine.role, database: this.engine.database, ssl: false });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await catalogSchema(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  has(branchId: string): boolean {
    return this.engine.get(branchId) !== undefined;
  }

  delete(branchId: string): Promise<void> {
    return this.engine.delete(branchId);
  }

  stop(): Promise<void> {
    return this.engine.stop();
  }
}
