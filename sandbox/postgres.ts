// A real Postgres per Neon branch, embedded in the process: PGlite (Postgres compiled to WASM)
// served over the Postgres wire protocol by @electric-sql/pglite-socket. Nothing to install.
//
// Every branch gets its own PGlite instance:
//   - a root (the project's default branch) starts from a template data directory (initdb, then a
//     role and a database named like Neon's, `neondb_owner` / `neondb`) and runs the seed SQL;
//   - a child starts from a dump of its parent's data directory (`dumpDataDir`), taken when the
//     child is created; a schema-only child then empties every user table (TRUNCATE ... RESTART
//     IDENTITY), restarts every sequence and unpopulates materialized views — what restoring a
//     `pg_dump --schema-only` would give, without needing pg_dump (PGlite has none).
//
// A restore (`restore`) replaces a branch's instance with one started from a dump of the source
// branch, behind the same two listeners (same ports): open connections drop, new ones are held
// until the new instance is served, and children being copied from the old data get it first.
//
// Each branch is reachable on two TCP listeners on 127.0.0.1, one for the direct URL and one for
// the pooled URL. Both forward to ONE PGLiteSocketServer on an internal port, because a
// PGLiteSocketServer keeps its own query queue: two servers on the same PGlite would interleave
// one client's statements into another client's open transaction. The two listeners are bound
// as soon as the branch is created, so its URLs are known at once; connections made before the
// database is ready are held and forwarded when it is (like a Neon compute waking up).
//
// What the engine does NOT emulate (PGlite is one single-user Postgres session):
//   - authentication: the startup message's user, password and database name are ignored;
//     every connection works in the branch's one database (`database`) as `role`, whatever the
//     URL says (session_user is PGlite's bootstrap superuser `postgres`);
//   - separate sessions: the connections of one branch share one backend, so session state
//     (SET, temporary tables, named prepared statements, LISTEN) is shared, and statements of
//     different connections run one at a time (an open transaction makes the others wait);
//   - TLS: the server answers `N` to an SSL request, so URLs must say `sslmode=disable`;
//   - the pooler: the pooled listener reaches the same database, it is no PgBouncer;
//   - point-in-time branching: a child always copies its parent's current data.
// As on Neon, a copy's sequences may skip ahead (up to 32 values): the copy replays the WAL,
// which logs sequences that far ahead. Uncommitted rows of the parent are not copied.
//
// Costs (measured on the development machine, Node 20): the template's initdb takes 2.5 to 5.5 s
// once per process (it is cached, ~48 MB); loading a dump into a new instance 0.3 to 0.6 s;
// dumping a small database (a ~48 MB tarball, mostly catalogs and one WAL segment) 0.15 to 0.3 s,
// synchronously: the event loop, and so the create request, waits that long. Every live
// instance holds a WASM heap of ~135 MB (with shared_buffers=16MB, the default here; PGlite's
// minimum initial memory is 128 MB), so create only a few and delete them when done.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Branch } from './neon/pg-branch.js';

/** `products(id serial primary key, name text, price_cents int)` with three rows. */
export const DEFAULT_SEED_SQL = `
create table products (
  id serial primary key,
  name text not null,
  price_cents integer not null
);
insert into products (name, price_cents) values
  ('Espresso cup', 1200),
  ('Pour-over kettle', 4500),
  ('Burr grinder', 8900);
`;

export interface PostgresEngineOptions {
  /** The one database of every branch (the PGlite session's database); default `neondb`. */
  database?: string;
  /** The role every session runs as, owner of the database; default `neondb_owner`. */
  role?: string;
  /** Run once, in the database of every root branch, as `role`; default DEFAULT_SEED_SQL. */
  seedSql?: string;
  /** Concurrent client connections per branch (both listeners together); default 32. */
  maxConnections?: number;
  /** postgresql.conf lines for every instance; default `['shared_buffers=16MB']`. */
  postgresqlConf?: string[];
}

export type BranchDatabaseState = 'starting' | 'ready' | 'failed' | 'deleted';

export interface BranchDatabaseTimings {
  /** Dumping the parent (or reading the template, for a root). */
  copyMs?: number;
  /** PGlite.create loading the dump. */
  startMs?: number;
  /** Seeding (root) or emptying the tables (schema-only). */
  prepareMs?: number;
  /** From create() to accepting connections. */
  readyMs?: number;
}

/** One branch's database and its two listeners. */
export interface BranchDatabase {
  readonly branchId: string;
  readonly parentId?: string;
  readonly schemaOnly: boolean;
  readonly host: string;
  readonly directPort: number;
  readonly pooledPort: number;
  readonly state: BranchDatabaseState;
  /** The error that made it `failed`. */
  readonly error?: Error;
  /** Resolves when the database accepts connections; rejects if its creation failed or it was deleted first. */
  readonly ready: Promise<void>;
  readonly timings: BranchDatabaseTimings;
  /** `127.0.0.1:<port>` of the direct or pooled listener. */
  address(pooled: boolean): string;
  /** The PGlite instance, once it is started (for tests that look inside). */
  readonly pglite: PGlite | undefined;
}

/** Process-wide caches: the compiled WASM module and the template data directories. */
let wasmModule: Promise<WebAssembly.Module | undefined> | undefined;
const templates = new Map<string, Promise<{ tarball: Blob; ms: number }>>();

function compiledModule(): Promise<WebAssembly.Module | undefined> {
  // Compiling once and passing the module saves ~250 ms per instance. PGlite compiles it itself
  // when the file is not where expected.
  wasmModule ??= (async () => {
    try {
      const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
      const wasm = await readFile(new URL('pglite.wasm', pathToFileURL(entry)));
      // The compiler's lib has WebAssembly's types but not its global (no DOM lib).
      const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } };
      return await wasmApi.compile(wasm);
    } catch {
      return undefined;
    }
  })();
  return wasmModule;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The databases of a project's branches, one PGlite instance each. */
export class BranchDatabases {
  private readonly branches = new Map<string, Branch>();
  readonly database: string;
  readonly role: string;
  private readonly seedSql: string;
  private readonly maxConnections: number;
  private readonly conf: string[];
  private stopped = false;
  /** Milliseconds the template took (initdb); 0 when the process had it already. */
  templateMs = 0;

  constructor(options: PostgresEngineOptions = {}) {
    this.database = options.database ?? 'neondb';
    this.role = options.role ?? 'neondb_owner';
    this.seedSql = options.seedSql ?? DEFAULT_SEED_SQL;
    this.maxConnections = options.maxConnections ?? 32;
    this.conf = options.postgresqlConf ?? ['shared_buffers=16MB'];
  }

  /** Prepares the template (initdb, once per process and database/role/settings). */
  async init(): Promise<void> {
    const { ms, fresh } = await this.template();
    this.templateMs = fresh ? ms : 0;
  }

  /** The branch's database, live or starting (undefined once deleted). */
  get(branchId: string): BranchDatabase | undefined {
    return this.branches.get(branchId);
  }

  list(): BranchDatabase[] {
    return [...this.branches.values()];
  }

  /**
   * Creates a branch's database: a seeded root without `parentId`, else a copy of the parent's
   * data taken now (schema only with `schemaOnly`). Resolves once both listeners are bound; the
   * database itself is ready when `ready` resolves.
   */
  async create(branchId: string, options: { parentId?: string; schemaOnly?: boolean } = {}): Promise<BranchDatabase> {
    if (this.stopped) throw new Error('the Postgres engine is stopped');
    if (this.branches.has(branchId)) throw new Error(`branch ${branchId} already has a database`);
    const parent = options.parentId !== undefined ? this.branches.get(options.parentId) : undefined;
    if (options.parentId !== undefined && !parent) throw new Error(`parent branch ${options.parentId} has no database`);
    const branch = new Branch(branchId, options.parentId, options.schemaOnly ?? false);
    this.branches.set(branchId, branch);
    // The copy is requested before anything else can run on the parent: it is the parent's data
    // as of this call (PGlite queues the dump behind statements already running, before later ones).
    const began = Date.now();
    const copy = parent
      ? this.copyOf(parent, branch)
      : this.template().then(({ tarball }) => {
          branch.timings.copyMs = Date.now() - began;
          return tarball;
        });
    copy.catch(() => undefined);
    branch.start(async (b) => {
      const tarball = await copy;
      b.checkAlive();
      const started = Date.now();
      const db = await this.open(tarball);
      b.pglite = db;
      b.timings.startMs = Date.now() - started;
      b.checkAlive();
      const prepared = Date.now();
      if (!parent) await db.exec(this.seedSql);
      else if (b.schemaOnly) await emptyUserTables(db);
      b.timings.prepareMs = Date.now() - prepared;
      b.checkAlive();
      await b.serve(db, this.maxConnections);
    });
    try {
      await branch.listen();
    } catch (error) {
      await this.delete(branchId);
      throw error;
    }
    return branch;
  }

  /** Closes the branch's listeners (its URLs refuse connections) and its database. */
  async delete(branchId: string): Promise<void> {
    const branch = this.branches.get(branchId);
    if (!branch) return;
    try {
      await branch.delete();
    } finally {
      this.branches.delete(branchId);
    }
  }

  /** Drops the open connections of the branch's database, as a compute restart does. */
  dropConnections(branchId: string): void {
    this.branches.get(branchId)?.dropConnections();
  }

  /** Deletes every branch's database. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.branches.keys()].map((id) => this.delete(id)));
  }

  /**
   * Replaces the branch's data with a copy of the source's, taken now, behind the same listeners
   * (same ports): open connections drop, new ones wait. Resolves when it accepts connections.
   */
  restore(branchId: string, sourceId: string): Promise<void> {
    const branch = this.branches.get(branchId);
    const source = this.branches.get(sourceId);
    if (!branch || !source) return Promise.reject(new Error(`branch ${branch ? sourceId : branchId} has no database`));
    const copy = source.dump();
    copy.catch(() => undefined);
    return branch.replace(async () => this.open(await copy), this.maxConnections);
  }

  /** A PGlite instance on a data directory dump, as the role, in the database. */
  private async open(tarball: Blob): Promise<PGlite> {
    const module = await compiledModule();
    return PGlite.create({
      loadDataDir: tarball,
      username: this.role,
      database: this.database,
      postgresqlconf: this.conf,
      ...(module ? { pgliteWasmModule: module } : {}),
    });
  }

  private async copyOf(parent: Branch, branch: Branch): Promise<Blob> {
    if (parent.state === 'starting') await parent.ready;
    const began = Date.now();
    const tarball = await parent.dump();
    branch.timings.copyMs = Date.now() - began;
    return tarball;
  }

  private template(): Promise<{ tarball: Blob; ms: number; fresh: boolean }> {
    const key = JSON.stringify([this.database, this.role, this.conf]);
    let fresh = false;
    let cached = templates.get(key);
    if (!cached) {
      fresh = true;
      cached = makeTemplate(this.database, this.role, this.conf);
      templates.set(key, cached);
      // A failed template is not kept: the next engine tries again.
      cached.catch(() => templates.delete(key));
    }
    return cached.then((t) => ({ ...t, fresh }));
  }
}

/** initdb, then the role and its database; the data directory as an uncompressed tarball. */
async function makeTemplate(database: string, role: string, conf: string[]): Promise<{ tarball: Blob; ms: number }> {
  const began = Date.now();
  const module = await compiledModule();
  const db = await PGlite.create({ postgresqlconf: conf, ...(module ? { pgliteWasmModule: module } : {}) });
  try {
    await db.exec(`create role ${quoteIdent(role)} login createdb createrole`);
    if (database !== 'postgres') await db.exec(`create database ${quoteIdent(database)} owner ${quoteIdent(role)}`);
    const tarball = await db.dumpDataDir('none');
    return { tarball, ms: Date.now() - began };
  } finally {
    await db.close();
  }
}

/**
 * What a schema-only copy keeps: the schema. Truncates every table outside the system schemas
 * (restarting the sequences they own), restarts the other sequences, unpopulates materialized
 * views. Runs as the bootstrap superuser, so tables the role does not own are emptied too.
 */
async function emptyUserTables(db: PGlite): Promise<void> {
  const userSchema = `not in ('pg_catalog', 'information_schema') and schemaname not like 'pg\\_toast%' and schemaname not like 'pg\\_temp%'`;
  await db.transaction(async (tx) => {
    await tx.exec('set local role none');
    const tables = (await tx.query<{ name: string }>(`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname ${userSchema}`)).rows.map((r) => r.name);
    if (tables.length > 0) await tx.exec(`truncate table ${tables.join(', ')} restart identity cascade`);
    const sequences = (await tx.query<{ name: string }>(`select format('%I.%I', schemaname, sequencename) as name from pg_sequences where schemaname ${userSchema}`)).rows.map((r) => r.name);
    for (const sequence of sequences) await tx.exec(`alter sequence ${sequence} restart`);
    const views = (await tx.query<{ name: string }>(`select format('%I.%I', schemaname, matviewname) as name from pg_matviews where schemaname ${userSchema}`)).rows.map((r) => r.name);
    for (const view of views) await tx.exec(`refresh materialized view ${view} with no data`);
  });
}

/** Prepares the template and returns an engine with no branch yet. */
export async function startPostgresEngine(options: PostgresEngineOptions = {}): Promise<BranchDatabases> {
  const engine = new BranchDatabases(options);
  await engine.init();
  return engine;
}
