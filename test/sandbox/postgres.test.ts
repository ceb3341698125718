// The Neon stand-in with its Postgres engine (`postgres` option): every branch is a real database
// (PGlite served over the Postgres wire protocol), reached with `pg` through the URLs the real
// Neon client gets from connection_uri. PGlite instances are heavy (~135 MB each): the file
// shares one stand-in and never has more than two branch databases besides main at a time.
import { createApiClient, EndpointType } from '@neondatabase/api-client';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import { sleep } from '../../sandbox/server.js';

const KEY = 'neon-test-key';
// Shorter than a database start, so the create operations have to wait for the database.
const OP_MS = 100;
// Neon-shaped hosts; the query routes the connection to the branch's local listener.
const URL_SHAPE = /^postgresql:\/\/neondb_owner:npg_[A-Za-z0-9]{12}@(ep-[a-z0-9-]+)\.stand-in\.neon\.test\/neondb\?sslmode=disable&host=127\.0\.0\.1&port=(\d+)$/;

type Client = ReturnType<typeof createApiClient>;
interface Operation {
  id: string;
}

let neon: NeonStandIn;
let api: Client;
const timings: Record<string, number | string> = {};
const clients = new Set<pg.Client>();

beforeAll(async () => {
  const started = Date.now();
  neon = await startNeonStandIn({ postgres: true, operationMs: OP_MS });
  timings['stand-in start (template + seeded main), ms'] = Date.now() - started;
  timings['template (initdb, once per process), ms'] = neon.postgres!.templateMs;
  const main = neon.postgres!.get(neon.defaultBranchId)!;
  timings['main: PGlite start from the template, ms'] = main.timings.startMs ?? '?';
  api = createApiClient({ apiKey: KEY, baseURL: neon.url });
});

afterEach(async () => {
  await Promise.all([...clients].map((c) => close(c)));
  expect(neon.standIn.violations).toEqual([]);
});

afterAll(async () => {
  timings['rss at the end, MB'] = Math.round(process.memoryUsage().rss / 1e6);
  await neon?.stop();
  console.log('Postgres engine timings', timings);
});

async function close(client: pg.Client): Promise<void> {
  clients.delete(client);
  await Promise.race([client.end().catch(() => undefined), sleep(1000)]);
}

async function connect(uri: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: uri });
  // A deleted branch drops its connections; the test looks at the failed query instead.
  client.on('error', () => undefined);
  clients.add(client);
  await client.connect();
  return client;
}

/** Runs one query on a fresh connection. */
async function rows<T extends pg.QueryResultRow = Record<string, unknown>>(uri: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = await connect(uri);
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await close(client);
  }
}

async function products(uri: string): Promise<string[]> {
  return (await rows<{ name: string }>(uri, 'select name from products order by id')).map((r) => r.name);
}

/** The direct and pooled URLs of a branch (of the default branch without an id). */
async function urls(branchId?: string): Promise<{ direct: string; pooled: string }> {
  const ask = async (pooled: boolean): Promise<string> =>
    (await api.getConnectionUri({ projectId: neon.projectId, ...(branchId ? { branch_id: branchId } : {}), database_name: 'neondb', role_name: 'neondb_owner', pooled })).data.uri;
  const [direct, pooled] = await Promise.all([ask(false), ask(true)]);
  return { direct, pooled };
}

function port(uri: string): number {
  const match = URL_SHAPE.exec(uri);
  expect(match, uri).not.toBeNull();
  return Number(match![2]);
}

/** The host name of a URL (the endpoint id, with -pooler when pooled, then the local domain). */
function hostOf(uri: string): string {
  return new URL(uri).hostname;
}

/**
 * Polls the operations until they are all finished; whenever one reports finished, the branch's
 * database must already be accepting connections. Returns how long it took.
 */
async function finished(branchId: string, operations: Operation[]): Promise<number> {
  const started = Date.now();
  for (;;) {
    const statuses: string[] = await Promise.all(operations.map(async (op) => (await api.getProjectOperation(neon.projectId, op.id)).data.operation.status));
    if (statuses.includes('finished')) expect(neon.postgres!.get(branchId)!.state).toBe('ready');
    if (statuses.every((s) => s === 'finished')) return Date.now() - started;
    expect(statuses.filter((s) => !['scheduling', 'running', 'finished'].includes(s))).toEqual([]);
    if (Date.now() - started > 30_000) throw new Error(`operations still ${statuses.join(', ')}`);
    await sleep(20);
  }
}

async function refused(uri: string): Promise<void> {
  const client = new pg.Client({ connectionString: uri });
  await expect(client.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
}

describe('the Neon stand-in with a Postgres engine', () => {
  it('serves the seeded default branch on two 127.0.0.1 listeners behind Neon-shaped hosts, with sslmode=disable', async () => {
    const main = neon.branches()[0]!;
    const { direct, pooled } = await urls();
    expect(direct).toMatch(URL_SHAPE);
    expect(pooled).toMatch(URL_SHAPE);
    expect(port(pooled)).not.toBe(port(direct));
    expect(decodeURIComponent(new URL(direct).password)).toBe(main.roles[0]!.password);
    const endpoint = (await api.listProjectBranchEndpoints(neon.projectId, main.id)).data.endpoints[0]!;
    expect(endpoint.host).toBe(`${endpoint.id}.stand-in.neon.test`);
    expect(endpoint.proxy_host).toBe('stand-in.neon.test');
    expect(hostOf(direct)).toBe(endpoint.host);
    expect(hostOf(pooled)).toBe(`${endpoint.id}-pooler.stand-in.neon.test`);
    // node-postgres connects to the listener the query names, not to the URL's host.
    const parsed = new pg.Client({ connectionString: pooled });
    expect({ host: parsed.host, port: parsed.port, database: parsed.database, user: parsed.user, ssl: parsed.ssl }).toEqual({
      host: '127.0.0.1',
      port: port(pooled),
      database: 'neondb',
      user: 'neondb_owner',
      ssl: false,
    });

    for (const uri of [direct, pooled]) {
      const [info] = await rows<{ version: string; database: string; role: string }>(uri, 'select version(), current_database() as database, current_user as role');
      expect(info).toMatchObject({ database: 'neondb', role: 'neondb_owner' });
      expect(info!.version).toMatch(/^PostgreSQL \d+\.\d+ \(PGlite/);
      expect(await products(uri)).toEqual(['Espresso cup', 'Pour-over kettle', 'Burr grinder']);
    }
  });

  it("creates a branch as a copy of its parent's data, ready when its operations finish, gone when deleted", async () => {
    const main = await urls();
    const started = Date.now();
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'preview/pr-1' }, endpoints: [{ type: EndpointType.ReadWrite }] });
    timings['create request (copy started, listeners bound), ms'] = Date.now() - started;
    const branchId = data.branch.id;
    expect(data.operations.map((o) => o.status)).not.toContain('finished');
    const host = data.endpoints[0]!.host;
    expect(host).toBe(`${data.endpoints[0]!.id}.stand-in.neon.test`);
    expect(data.connection_uris?.[0]?.connection_uri).toMatch(URL_SHAPE);
    expect(data.connection_uris?.[0]?.connection_parameters.pooler_host).toBe(`${data.endpoints[0]!.id}-pooler.stand-in.neon.test`);

    timings['branch: operations finished after, ms'] = await finished(branchId, data.operations);
    const db = neon.postgres!.get(branchId)!;
    timings['branch: dump of the parent, ms'] = db.timings.copyMs ?? '?';
    timings['branch: PGlite start from the dump, ms'] = db.timings.startMs ?? '?';
    timings['branch: ready after, ms'] = db.timings.readyMs ?? '?';
    const ops = await Promise.all(data.operations.map(async (op) => (await api.getProjectOperation(neon.projectId, op.id)).data.operation));
    // The database took longer than operationMs to start; the operations waited for it.
    expect(ops[0]!.total_duration_ms).toBeGreaterThanOrEqual(OP_MS);
    expect((await api.getProjectBranch(neon.projectId, branchId)).data.branch.current_state).toBe('ready');

    const branch = await urls(branchId);
    expect(hostOf(branch.direct)).toBe(host);
    expect(data.connection_uris?.[0]?.connection_uri).toBe(branch.direct);
    expect(new Set([port(branch.direct), port(branch.pooled), port(main.direct), port(main.pooled)]).size).toBe(4);
    for (const uri of [branch.direct, branch.pooled]) {
      expect((await rows<{ version: string }>(uri, 'select version()'))[0]!.version).toContain('PGlite');
      expect(await products(uri)).toEqual(['Espresso cup', 'Pour-over kettle', 'Burr grinder']);
    }

    // A write on the branch is seen through both of its URLs, not on the parent ...
    await rows(branch.direct, "insert into products (name, price_cents) values ('Branch-only mug', 900)");
    expect(await products(branch.pooled)).toContain('Branch-only mug');
    expect(await products(main.direct)).toEqual(['Espresso cup', 'Pour-over kettle', 'Burr grinder']);
    // ... and a write on the parent after the copy is not seen on the branch.
    await rows(main.direct, "insert into products (name, price_cents) values ('Main-only tray', 2500)");
    try {
      expect(await products(branch.direct)).not.toContain('Main-only tray');
    } finally {
      await rows(main.direct, "delete from products where name = 'Main-only tray'");
    }

    // Deleting the branch closes its listeners at once, and the connections they had.
    const open = await connect(branch.pooled);
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId });
    await expect(open.query('select 1')).rejects.toThrow();
    await refused(branch.direct);
    await refused(branch.pooled);
    expect(neon.postgres!.get(branchId)).toBeUndefined();
    expect(await products(main.pooled)).toEqual(['Espresso cup', 'Pour-over kettle', 'Burr grinder']);
  });

  it('creates a schema-only branch: the tables without rows; a connection made while it starts waits for it', async () => {
    const main = await urls();
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'preview/pr-2', init_source: 'schema-only' }, endpoints: [{ type: EndpointType.ReadWrite }] });
    const branchId = data.branch.id;
    expect(data.branch.init_source).toBe('schema-only');

    // Connect before the operations finish: the listener holds the connection until the
    // database is ready.
    const { direct, pooled } = await urls(branchId);
    const startingAtConnect = neon.postgres!.get(branchId)!.state;
    const started = Date.now();
    const early = await connect(direct);
    timings['schema-only: early connection accepted after, ms'] = `${Date.now() - started} (state at connect: ${startingAtConnect})`;
    expect((await early.query<{ n: number }>('select count(*)::int as n from products')).rows[0]!.n).toBe(0);
    await finished(branchId, data.operations);
    timings['schema-only: ready after, ms'] = neon.postgres!.get(branchId)!.timings.readyMs ?? '?';

    const columns = await rows<{ column_name: string }>(pooled, "select column_name from information_schema.columns where table_name = 'products' order by ordinal_position");
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'name', 'price_cents']);
    // Its sequences start over, as after restoring a schema-only dump.
    expect(await rows(pooled, "insert into products (name, price_cents) values ('First', 1) returning id")).toEqual([{ id: 1 }]);
    expect(await products(main.direct)).toEqual(['Espresso cup', 'Pour-over kettle', 'Burr grinder']);

    await api.deleteProjectBranch({ projectId: neon.projectId, branchId });
    await refused(direct);
    await refused(pooled);
  });

  it("diffs a branch's schema read from its catalog: a table and index added on the branch show in compare_schema", async () => {
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'preview/schema' }, endpoints: [{ type: EndpointType.ReadWrite }] });
    const branchId = data.branch.id;
    await finished(branchId, data.operations);
    const compare = async () => (await api.getProjectBranchSchemaComparison({ projectId: neon.projectId, branchId, db_name: 'neondb' })).data.diff ?? '';
    // The catalog dump of the seed is the text the stand-in gives main without the engine.
    const mainSchema = await neon.schema(neon.defaultBranchId, 'neondb');
    expect(mainSchema).toBe(
      "CREATE TABLE public.products (\n    id integer DEFAULT nextval('products_id_seq'::regclass) NOT NULL,\n    name text NOT NULL,\n    price_cents integer NOT NULL,\n    CONSTRAINT products_pkey PRIMARY KEY (id)\n);\n",
    );
    expect(await compare()).toBe('');

    const { direct } = await urls(branchId);
    await rows(direct, "create table orders (id bigint generated always as identity primary key, product_id integer not null references products (id), note text default 'none')");
    await rows(direct, 'create index orders_product_idx on orders (product_id)');
    const diff = await compare();
    expect(diff).toMatch(/^--- a\/neondb\n\+\+\+ b\/neondb\n@@ /);
    for (const line of [
      '+CREATE TABLE public.orders (',
      '+    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,',
      '+    product_id integer NOT NULL,',
      "+    note text DEFAULT 'none'::text,",
      '+    CONSTRAINT orders_pkey PRIMARY KEY (id),',
      '+    CONSTRAINT orders_product_id_fkey FOREIGN KEY (product_id) REFERENCES products(id)',
      '+CREATE INDEX orders_product_idx ON public.orders USING btree (product_id);',
    ]) {
      expect(diff.split('\n')).toContain(line);
    }
    expect(await neon.schema(neon.defaultBranchId, 'neondb')).toBe(mainSchema);
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId });
  });

  it("restores a branch from its parent behind the same hosts and ports: the parent's current data, connections dropped and held meanwhile", async () => {
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'preview/reset' }, endpoints: [{ type: EndpointType.ReadWrite }] });
    const branchId = data.branch.id;
    await finished(branchId, data.operations);
    const before = await urls(branchId);
    const main = await urls();
    await rows(before.direct, "insert into products (name, price_cents) values ('Branch-only cup', 100)");
    await rows(main.direct, "insert into products (name, price_cents) values ('Main-later tray', 200)");
    try {
      const open = await connect(before.pooled);
      const restored = await api.restoreProjectBranch(neon.projectId, branchId, { source_branch_id: neon.defaultBranchId });
      expect(restored.data.branch.current_state).toBe('resetting');
      // The open connection was dropped; a new one made now waits for the restored database.
      await expect(open.query('select 1')).rejects.toThrow();
      const early = await connect(before.direct);
      const restoreOps = restored.data.operations;
      timings['restore: operations finished after, ms'] = await finished(branchId, restoreOps);
      expect((await early.query<{ name: string }>('select name from products order by id')).rows.map((r) => r.name)).toEqual(['Espresso cup', 'Pour-over kettle', 'Burr grinder', 'Main-later tray']);

      const after = await urls(branchId);
      expect(after).toEqual(before);
      expect(await products(after.pooled)).not.toContain('Branch-only cup');
      expect((await api.getProjectBranch(neon.projectId, branchId)).data.branch.current_state).toBe('ready');
      await api.deleteProjectBranch({ projectId: neon.projectId, branchId });
      await refused(after.direct);
    } finally {
      await rows(main.direct, "delete from products where name = 'Main-later tray'");
    }
  });

  it('gives a branch seeded with addBranch its database in the background; its state waits for it', async () => {
    const seeded = neon.addBranch({ name: 'seeded' });
    const db = neon.postgres!.get(seeded.id)!;
    expect(db.state).toBe('starting');
    expect(neon.branchByName('seeded')!.current_state).toBe('init');
    await db.ready;
    expect(neon.branchByName('seeded')!.current_state).toBe('ready');
    const { direct } = await urls(seeded.id);
    expect(neon.branchByName('seeded')!.endpoints[0]!.host).toBe(hostOf(direct));
    expect(await products(direct)).toEqual(['Espresso cup', 'Pour-over kettle', 'Burr grinder']);
    await api.deleteProjectBranch({ projectId: neon.projectId, branchId: seeded.id });
    await refused(direct);
  });
});
