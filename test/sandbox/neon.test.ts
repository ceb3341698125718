// The Neon stand-in, driven through the real @neondatabase/api-client. Every response the client
// receives is also checked against the response schemas of Neon's OpenAPI description.
import { EndpointType } from '@neondatabase/api-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import { sleep } from '../../sandbox/server.js';
import { client, failure, KEY, OP_MS, useNeon, type Client, type ErrorBody } from './neon-client.js';

// A fresh stand-in per test on a clock the test moves (one test below runs on the real clock).
const fixture = useNeon();
const { advance, inDays } = fixture;
let neon: NeonStandIn;
let api: Client;
beforeEach(() => {
  ({ neon, api } = fixture);
});

describe('Neon stand-in', () => {
  it('starts with a ready default branch main, one endpoint, neondb owned by neondb_owner', async () => {
    const { data } = await api.getProjectBranch(neon.projectId, neon.defaultBranchId);
    expect(data.branch).toMatchObject({ id: neon.defaultBranchId, name: 'main', default: true, current_state: 'ready', project_id: 'proj-preview-1' });
    expect(data.branch.id).toMatch(/^br-[a-z0-9-]+$/);
    const endpoints = (await api.listProjectBranchEndpoints(neon.projectId, neon.defaultBranchId)).data.endpoints;
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ type: 'read_write', branch_id: neon.defaultBranchId });
    expect(endpoints[0]!.host).toBe(`${endpoints[0]!.id}.c-2.us-east-2.aws.neon.tech`);
    const databases = (await api.listProjectBranchDatabases(neon.projectId, neon.defaultBranchId)).data.databases;
    expect(databases.map((d) => [d.name, d.owner_name])).toEqual([['neondb', 'neondb_owner']]);
    const roles = (await api.listProjectBranchRoles(neon.projectId, neon.defaultBranchId)).data.roles;
    expect(roles.map((r) => r.name)).toEqual(['neondb_owner']);
    expect(roles[0]!.password).toBeUndefined();
    const password = neon.branches()[0]!.roles[0]!.password;
    expect(password).toMatch(/^npg_[A-Za-z0-9]{12,}$/);
    expect((await api.getProjectBranchRolePassword(neon.projectId, neon.defaultBranchId, 'neondb_owner')).data.password).toBe(password);
  });

  it('creates a branch (201 with operations) that becomes ready when its operations finish', async () => {
    const { status, data } = await api.createProjectBranch(neon.projectId, {
      branch: { name: 'preview/pr-42' },
      endpoints: [{ type: EndpointType.ReadWrite, suspend_timeout_seconds: 300 }],
      annotation_value: { 'created-by': 'neon-preview', 'github-pr': '42' },
    });
    expect(status).toBe(201);
    expect(data.branch).toMatchObject({ name: 'preview/pr-42', parent_id: neon.defaultBranchId, current_state: 'init', default: false, init_source: 'parent-data' });
    expect(data.endpoints).toHaveLength(1);
    expect(data.endpoints[0]).toMatchObject({ branch_id: data.branch.id, type: 'read_write', current_state: 'init', suspend_timeout_seconds: 300 });
    expect(data.operations.map((o) => o.action)).toEqual(['create_branch', 'start_compute']);
    expect(data.operations[0]!.status).toBe('running');
    expect(['scheduling', 'running']).toContain(data.operations[1]!.status);
    expect(data.operations[1]!.endpoint_id).toBe(data.endpoints[0]!.id);
    expect(data.databases.map((d) => d.name)).toEqual(['neondb']);
    expect(data.roles.map((r) => r.name)).toEqual(['neondb_owner']);
    // The parent has one database and one role, so the response carries the connection URI,
    // with the parent's password (the parent is not protected).
    const mainPassword = neon.branches()[0]!.roles[0]!.password;
    const details = data.connection_uris?.[0];
    expect(details?.connection_parameters).toMatchObject({ database: 'neondb', role: 'neondb_owner', password: mainPassword, host: data.endpoints[0]!.host });
    expect(details?.connection_parameters.pooler_host).toBe(`${data.endpoints[0]!.id}-pooler.c-2.us-east-2.aws.neon.tech`);

    const opId = data.operations[0]!.id;
    advance(OP_MS - 1);
    expect((await api.getProjectOperation(neon.projectId, opId)).data.operation.status).toBe('running');
    expect((await api.getProjectBranch(neon.projectId, data.branch.id)).data.branch.current_state).toBe('init');
    advance(1);
    for (const op of data.operations) {
      const { operation } = (await api.getProjectOperation(neon.projectId, op.id)).data;
      expect(operation).toMatchObject({ status: 'finished', failures_count: 0, branch_id: data.branch.id, total_duration_ms: OP_MS });
    }
    const after = await api.getProjectBranch(neon.projectId, data.branch.id);
    expect(after.data.branch.current_state).toBe('ready');
    expect(after.data.annotation.value).toEqual({ 'created-by': 'neon-preview', 'github-pr': '42' });
    const endpoints = (await api.listProjectBranchEndpoints(neon.projectId, data.branch.id)).data.endpoints;
    expect(endpoints[0]!.current_state).toBe('active');
    expect(neon.branchByName('preview/pr-42')).toMatchObject({ current_state: 'ready', annotations: { 'github-pr': '42' } });
  });

  it('finishes operations on the real clock when no clock is given', async () => {
    const real = await startNeonStandIn({ operationMs: OP_MS });
    try {
      const realApi = client(real);
      const started = Date.now();
      const { data } = await realApi.createProjectBranch(real.projectId, { branch: { name: 'timed' }, endpoints: [{ type: EndpointType.ReadWrite }] });
      let status: string;
      do {
        await sleep(10);
        status = (await realApi.getProjectOperation(real.projectId, data.operations[1]!.id)).data.operation.status;
        // The bound only ends a stuck loop; a busy machine may take long to get there.
      } while (status !== 'finished' && Date.now() - started < 60_000);
      expect(status).toBe('finished');
      expect(Date.now() - started).toBeGreaterThanOrEqual(OP_MS);
      expect(real.branchByName('timed')?.current_state).toBe('ready');
      expect(real.standIn.violations).toEqual([]);
    } finally {
      await real.stop();
    }
  });

  it('creates an auto-named branch without compute when there is no body', async () => {
    const { data } = await api.createProjectBranch(neon.projectId);
    expect(data.branch.name).toBe(data.branch.id);
    expect(data.endpoints).toEqual([]);
    expect(data.operations.map((o) => o.action)).toEqual(['create_branch']);
    expect(data.connection_uris).toBeUndefined();
  });

  it('rejects a duplicate branch name with 409 and echoes X-Request-ID', async () => {
    await api.createProjectBranch(neon.projectId, { branch: { name: 'dup' } });
    const { status, data } = await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'dup' } }, { headers: { 'X-Request-ID': 'req-123' } }));
    expect(status).toBe(409);
    expect(data.message).toMatch(/branch with the provided name .* already exists/);
    expect(data.request_id).toBe('req-123');
    expect(typeof data.code).toBe('string');
    expect(neon.branches().filter((b) => b.name === 'dup')).toHaveLength(1);
  });

  it('answers 423 to mutations of a branch whose operations still run, never to reads', async () => {
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'busy' }, endpoints: [{ type: EndpointType.ReadWrite }] });
    const id = data.branch.id;
    const locked = [
      await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'child', parent_id: id } })),
      await failure(api.updateProjectBranch(neon.projectId, id, { branch: { expires_at: inDays(1) } })),
      await failure(api.deleteProjectBranch({ projectId: neon.projectId, branchId: id })),
      await failure(api.createProjectEndpoint(neon.projectId, { endpoint: { branch_id: id, type: EndpointType.ReadOnly } })),
    ];
    for (const response of locked) {
      expect(response.status).toBe(423);
      expect(response.data.message).toMatch(/conflicting operations/);
    }
    expect((await api.getProjectBranch(neon.projectId, id)).status).toBe(200);
    expect((await api.listProjectBranchEndpoints(neon.projectId, id)).status).toBe(200);
    // Other branches are not locked.
    expect((await api.createProjectBranch(neon.projectId, { branch: { name: 'other' } })).status).toBe(201);

    advance(OP_MS);
    const updated = await api.updateProjectBranch(neon.projectId, id, { branch: { expires_at: inDays(1) } });
    expect(updated.data.operations).toEqual([]);
    expect(neon.branchByName('child')).toBeUndefined();
  });

  it('searches by substring of name or id and pages with an opaque cursor', async () => {
    for (let i = 1; i <= 25; i++) neon.addBranch({ name: `preview/pr-${i}`, annotations: { 'github-pr': String(i) }, withEndpoint: i % 2 === 0 });
    neon.addBranch({ name: 'feature-x' });

    const hits = (await api.listProjectBranches({ projectId: neon.projectId, search: 'pr-1' })).data;
    expect(hits.branches.map((b) => b.name).sort()).toEqual(['preview/pr-1', ...Array.from({ length: 10 }, (_, i) => `preview/pr-1${i}`)].sort());
    expect(hits.pagination).toBeUndefined();
    expect(Object.keys(hits.annotations).sort()).toEqual(hits.branches.map((b) => b.id).sort());
    expect(hits.annotations[hits.branches[0]!.id]).toMatchObject({ object: { type: 'console/branch', id: hits.branches[0]!.id } });

    const target = neon.branchByName('preview/pr-7')!;
    const byId = (await api.listProjectBranches({ projectId: neon.projectId, search: target.id.slice(3).toUpperCase() })).data.branches;
    expect(byId.map((b) => b.name)).toEqual(['preview/pr-7']);

    const seen: string[] = [];
    let cursor: string | undefined;
    const pageSizes: number[] = [];
    do {
      const { data } = await api.listProjectBranches({ projectId: neon.projectId, search: 'preview/', sort_by: 'name', sort_order: 'asc', limit: 10, ...(cursor ? { cursor } : {}) });
      pageSizes.push(data.branches.length);
      seen.push(...data.branches.map((b) => b.name));
      cursor = data.pagination?.next;
      if (cursor) {
        expect(data.pagination).toMatchObject({ sort_by: 'name', sort_order: 'asc' });
        expect(cursor).not.toMatch(/preview/);
      }
    } while (cursor);
    expect(pageSizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `preview/pr-${i + 1}`).sort());

    // Default order: updated_at desc; without a limit everything fits on one page.
    const all = (await api.listProjectBranches({ projectId: neon.projectId })).data;
    expect(all.branches).toHaveLength(27);
    expect(all.branches.at(-1)!.name).toBe('main');
    expect(all.pagination).toBeUndefined();
    expect((await api.countProjectBranches({ projectId: neon.projectId, search: 'preview/' })).data.count).toBe(25);
    expect((await failure(api.listProjectBranches({ projectId: neon.projectId, cursor: 'not-a-cursor' }))).status).toBe(400);
  });

  it('builds connection URIs: the default branch without branch_id, -pooler when pooled', async () => {
    const main = neon.branches()[0]!;
    const child = neon.addBranch({ name: 'preview/pr-9' });
    const mainHost = main.endpoints[0]!.host;
    const childEndpoint = child.endpoints[0]!;
    const password = main.roles[0]!.password;
    expect(child.roles[0]!.password).toBe(password);

    const withoutBranch = (await api.getConnectionUri({ projectId: neon.projectId, database_name: 'neondb', role_name: 'neondb_owner' })).data.uri;
    expect(withoutBranch).toBe(`postgresql://neondb_owner:${encodeURIComponent(password)}@${mainHost}/neondb?sslmode=require&channel_binding=require`);

    const direct = (await api.getConnectionUri({ projectId: neon.projectId, branch_id: child.id, database_name: 'neondb', role_name: 'neondb_owner' })).data.uri;
    expect(new URL(direct).hostname).toBe(childEndpoint.host);
    expect(new URL(direct).hostname).toBe(`${childEndpoint.id}.c-2.us-east-2.aws.neon.tech`);
    const pooled = (await api.getConnectionUri({ projectId: neon.projectId, branch_id: child.id, database_name: 'neondb', role_name: 'neondb_owner', pooled: true })).data.uri;
    expect(new URL(pooled).hostname).toBe(`${childEndpoint.id}-pooler.c-2.us-east-2.aws.neon.tech`);
    expect(pooled.replace('-pooler', '')).toBe(direct);

    const bad = [
      await failure(api.getConnectionUri({ projectId: neon.projectId, branch_id: child.id, database_name: 'nope', role_name: 'neondb_owner' })),
      await failure(api.getConnectionUri({ projectId: neon.projectId, branch_id: child.id, database_name: 'neondb', role_name: 'nobody' })),
      await failure(api.getConnectionUri({ projectId: neon.projectId, branch_id: 'br-missing-1', database_name: 'neondb', role_name: 'neondb_owner' })),
    ];
    expect(bad.map((b) => b.status)).toEqual([404, 404, 404]);
    const noCompute = neon.addBranch({ name: 'no-compute', withEndpoint: false });
    const noEndpoint = await failure(api.getConnectionUri({ projectId: neon.projectId, branch_id: noCompute.id, database_name: 'neondb', role_name: 'neondb_owner' }));
    expect(noEndpoint.status).toBeGreaterThanOrEqual(400);
    expect(noEndpoint.status).toBeLessThan(500);
    // Missing role_name does not match the description.
    const raw = await fetch(`${neon.url}/projects/${neon.projectId}/connection_uri?database_name=neondb`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(raw.status).toBe(400);
    expect(neon.standIn.violations).toHaveLength(1);
    neon.standIn.violations.length = 0;
  });

  it('gives children of a protected branch new passwords and copies several databases without connection_uris', async () => {
    const prod = neon.addBranch({
      name: 'prod',
      protected: true,
      databases: [
        { name: 'app', owner: 'app_owner' },
        { name: 'analytics', owner: 'app_owner' },
      ],
    });
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'from-prod', parent_id: prod.id }, endpoints: [{ type: EndpointType.ReadWrite }] });
    expect(data.databases.map((d) => d.name)).toEqual(['app', 'analytics']);
    expect(data.connection_uris).toBeUndefined();
    const child = neon.branchByName('from-prod')!;
    expect(child.roles[0]!.name).toBe('app_owner');
    expect(child.roles[0]!.password).not.toBe(prod.roles[0]!.password);

    const schemaOnly = await api.createProjectBranch(neon.projectId, { branch: { name: 'schema', init_source: 'schema-only' } });
    expect(schemaOnly.data.branch.init_source).toBe('schema-only');
    expect(schemaOnly.data.branch.parent_id).toBeUndefined();
    expect(schemaOnly.data.databases.map((d) => d.name)).toEqual(['neondb']);
  });

  it('validates expires_at on create and update', async () => {
    const cases = [
      { expires_at: new Date(Date.now() - 60_000).toISOString(), message: /future/ },
      { expires_at: inDays(31), message: /30 days/ },
      { expires_at: '2030-01-01T00:00:00', message: /timezone/ },
      { expires_at: 'tomorrow', message: /RFC 3339/ },
    ];
    for (const c of cases) {
      const { status, data } = await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'ttl', expires_at: c.expires_at } }));
      expect(status).toBe(400);
      expect(data.message).toMatch(c.message);
    }
    expect(neon.branchByName('ttl')).toBeUndefined();

    const expiresAt = inDays(7);
    const { data } = await api.createProjectBranch(neon.projectId, { branch: { name: 'ttl', expires_at: expiresAt } });
    expect(data.branch.expires_at).toBe(expiresAt);
    expect(data.branch.ttl_interval_seconds).toBeGreaterThan(7 * 86400 - 5);
    expect(data.branch.ttl_interval_seconds).toBeLessThanOrEqual(7 * 86400);
    // Neon refuses to branch off an expiring branch.
    expect((await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'ttl-child', parent_id: data.branch.id } }))).status).toBe(400);

    advance(OP_MS);
    expect((await failure(api.updateProjectBranch(neon.projectId, data.branch.id, { branch: { expires_at: inDays(40) } }))).status).toBe(400);
    const renewed = inDays(14);
    expect((await api.updateProjectBranch(neon.projectId, data.branch.id, { branch: { expires_at: renewed } })).data.branch.expires_at).toBe(renewed);
    const cleared = (await api.updateProjectBranch(neon.projectId, data.branch.id, { branch: { expires_at: null } })).data.branch;
    expect(cleared.expires_at).toBeUndefined();
    expect(cleared.ttl_interval_seconds).toBeUndefined();

    const onDefault = await failure(api.updateProjectBranch(neon.projectId, neon.defaultBranchId, { branch: { expires_at: inDays(1) } }));
    expect(onDefault.status).toBe(400);
    expect(onDefault.data.message).toMatch(/default branch/);
    const prot = neon.addBranch({ name: 'protected', protected: true });
    expect((await failure(api.updateProjectBranch(neon.projectId, prot.id, { branch: { expires_at: inDays(1) } }))).data.message).toMatch(/protected/);
  });

  it('renames with PATCH and refuses an existing name', async () => {
    const a = neon.addBranch({ name: 'a' });
    neon.addBranch({ name: 'b' });
    expect((await failure(api.updateProjectBranch(neon.projectId, a.id, { branch: { name: 'b' } }))).status).toBe(409);
    expect((await api.updateProjectBranch(neon.projectId, a.id, { branch: { name: 'c' } })).data.branch.name).toBe('c');
    expect(neon.branchByName('c')?.id).toBe(a.id);
    expect((await failure(api.updateProjectBranch(neon.projectId, 'br-unknown-0', { branch: { name: 'd' } }))).status).toBe(404);
  });

  it('deletes a branch (200 with operations), then answers 204; refuses default, protected and parents', async () => {
    const branch = neon.addBranch({ name: 'preview/pr-5' });
    const first = await api.deleteProjectBranch({ projectId: neon.projectId, branchId: branch.id });
    expect(first.status).toBe(200);
    expect(first.data.branch.id).toBe(branch.id);
    expect(first.data.operations.map((o) => o.action)).toEqual(['suspend_compute', 'delete_timeline']);
    expect(neon.branchByName('preview/pr-5')).toBeUndefined();
    expect((await api.listProjectBranches({ projectId: neon.projectId, search: 'pr-5' })).data.branches).toEqual([]);
    expect((await failure(api.getProjectBranch(neon.projectId, branch.id))).status).toBe(404);
    expect((await api.listProjectEndpoints(neon.projectId)).data.endpoints.map((e) => e.branch_id)).not.toContain(branch.id);
    const deleted = (await api.listProjectBranches({ projectId: neon.projectId, include_deleted: true })).data.branches.find((b) => b.id === branch.id);
    expect(deleted?.recovery?.deletion_method).toBe('user');

    const second = await api.deleteProjectBranch({ projectId: neon.projectId, branchId: branch.id });
    expect(second.status).toBe(204);
    expect((await api.deleteProjectBranch({ projectId: neon.projectId, branchId: 'br-never-existed' })).status).toBe(204);
    // The name is free again.
    expect((await api.createProjectBranch(neon.projectId, { branch: { name: 'preview/pr-5' } })).status).toBe(201);

    expect((await failure(api.deleteProjectBranch({ projectId: neon.projectId, branchId: neon.defaultBranchId }))).data.message).toMatch(/default/);
    const prot = neon.addBranch({ name: 'keep', protected: true });
    expect((await failure(api.deleteProjectBranch({ projectId: neon.projectId, branchId: prot.id }))).data.message).toMatch(/protected/);
    const parent = neon.addBranch({ name: 'parent' });
    neon.addBranch({ name: 'kid', parentId: parent.id });
    const refused = await failure(api.deleteProjectBranch({ projectId: neon.projectId, branchId: parent.id }));
    expect(refused.status).toBe(400);
    expect(refused.data.message).toMatch(/child/);
  });

  it('adds an endpoint to a branch without one, and refuses a second read_write', async () => {
    const branch = neon.addBranch({ name: 'bare', withEndpoint: false });
    const { status, data } = await api.createProjectEndpoint(neon.projectId, { endpoint: { branch_id: branch.id, type: EndpointType.ReadWrite, suspend_timeout_seconds: 600 } });
    expect(status).toBe(201);
    expect(data.endpoint).toMatchObject({ branch_id: branch.id, type: 'read_write', suspend_timeout_seconds: 600 });
    expect(data.operations.map((o) => o.action)).toEqual(['start_compute']);
    advance(OP_MS);
    const second = await failure(api.createProjectEndpoint(neon.projectId, { endpoint: { branch_id: branch.id, type: EndpointType.ReadWrite } }));
    expect(second.status).toBe(400);
    expect(second.data.message).toMatch(/read_write/);
    expect((await api.listProjectBranchEndpoints(neon.projectId, branch.id)).data.endpoints).toHaveLength(1);
    expect((await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'two-rw' }, endpoints: [{ type: EndpointType.ReadWrite }, { type: EndpointType.ReadWrite }] }))).status).toBe(400);
  });

  it('lists operations newest first with cursor pagination', async () => {
    for (let i = 0; i < 3; i++) await api.createProjectBranch(neon.projectId, { branch: { name: `ops-${i}` }, endpoints: [{ type: EndpointType.ReadWrite }] });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await api.listProjectOperations({ projectId: neon.projectId, limit: 4, ...(cursor ? { cursor } : {}) });
      ids.push(...data.operations.map((o) => o.id));
      cursor = data.pagination?.cursor;
    } while (cursor);
    expect(ids).toEqual(
      neon
        .operations()
        .map((o) => o.id)
        .reverse(),
    );
    expect(ids).toHaveLength(6);
  });

  it('lets an operation end in error, or fail before it finishes', async () => {
    neon.failNextOperations('error', { action: 'start_compute' });
    const broken = await api.createProjectBranch(neon.projectId, { branch: { name: 'broken' }, endpoints: [{ type: EndpointType.ReadWrite }] });
    neon.failNextOperations('failed-then-finished');
    const flaky = await api.createProjectBranch(neon.projectId, { branch: { name: 'flaky' } });
    advance(OP_MS);
    const [create, start] = broken.data.operations;
    expect((await api.getProjectOperation(neon.projectId, create!.id)).data.operation.status).toBe('finished');
    const errored = (await api.getProjectOperation(neon.projectId, start!.id)).data.operation;
    expect(errored).toMatchObject({ status: 'error', failures_count: 1 });
    expect(errored.error).toBeTruthy();
    const failing = (await api.getProjectOperation(neon.projectId, flaky.data.operations[0]!.id)).data.operation;
    expect(failing).toMatchObject({ status: 'failed', failures_count: 1 });
    // A failed operation is not terminal: the branch stays locked.
    expect((await failure(api.updateProjectBranch(neon.projectId, flaky.data.branch.id, { branch: { name: 'flaky-2' } }))).status).toBe(423);
    advance(OP_MS);
    expect((await api.getProjectOperation(neon.projectId, flaky.data.operations[0]!.id)).data.operation).toMatchObject({ status: 'finished', failures_count: 1 });
    expect((await api.getProjectBranch(neon.projectId, flaky.data.branch.id)).data.branch.current_state).toBe('ready');
    expect(neon.branchByName('broken')?.current_state).toBe('init');
  });

  it('honours pageLimitDefault, checkRequests: false, projectId and addDatabase', async () => {
    const loose = await startNeonStandIn({ operationMs: 0, pageLimitDefault: 2, checkRequests: false, projectId: 'other-project' });
    try {
      const looseApi = client(loose);
      for (const name of ['x1', 'x2', 'x3']) loose.addBranch({ name });
      const first = (await looseApi.listProjectBranches({ projectId: 'other-project' })).data;
      expect(first.branches).toHaveLength(2);
      expect(first.pagination?.next).toBeTruthy();
      // Without the description check the handler still refuses a bad endpoint type.
      const bad = await fetch(`${loose.url}/projects/other-project/branches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ endpoints: [{ type: 'bogus' }] }),
      });
      expect(bad.status).toBe(400);
      expect(loose.standIn.violations).toEqual([]);
      loose.addDatabase(loose.defaultBranchId, 'extra', 'extra_owner');
      const { data } = await looseApi.createProjectBranch('other-project', { branch: { name: 'y' }, endpoints: [{ type: EndpointType.ReadWrite }] });
      expect(data.databases.map((d) => d.name)).toEqual(['neondb', 'extra']);
      expect(data.roles.map((r) => r.name)).toEqual(['neondb_owner', 'extra_owner']);
      expect(data.connection_uris).toBeUndefined();
      expect(data.operations.map((o) => o.status)).toEqual(['finished', 'finished']);
      expect(data.branch.current_state).toBe('ready');
    } finally {
      await loose.stop();
    }
  });

  it('answers a request that does not match the description with 400 and records it', async () => {
    const response = await fetch(`${neon.url}/projects/${neon.projectId}/branches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ branch: { name: 'bogus' }, endpoints: [{ type: 'bogus' }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.message).toMatch(/API description/);
    expect(neon.standIn.violations).toHaveLength(1);
    expect(neon.standIn.violations[0]).toMatch(/^POST \/projects\/proj-preview-1\/branches: .*endpoints\/0\/type/);
    expect(neon.branchByName('bogus')).toBeUndefined();
    neon.standIn.violations.length = 0;
  });

  it('answers 401 without a key or with an unknown one, and 404 for another project', async () => {
    const anonymous = await failure(client(neon, null).listProjectBranches({ projectId: neon.projectId }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.data).toMatchObject({ code: expect.any(String), message: expect.any(String), request_id: expect.any(String) });
    expect((await failure(client(neon, 'wrong-key').getProjectBranch(neon.projectId, neon.defaultBranchId))).status).toBe(401);
    const other = await failure(api.listProjectBranches({ projectId: 'someone-else' }));
    expect(other.status).toBe(404);
    expect(other.data.message).toMatch(/project/);
  });

  it('injects faults: forced failures before and after the request applies, and seeded 429s', async () => {
    neon.standIn.failNext({ method: 'POST', path: /\/branches$/, status: 503 });
    expect((await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'retry-me' } }))).status).toBe(503);
    expect(neon.branchByName('retry-me')).toBeUndefined();
    expect((await api.createProjectBranch(neon.projectId, { branch: { name: 'retry-me' } })).status).toBe(201);

    // The branch is created, but the client only sees the 502: a retry gets 409.
    neon.standIn.failNext({ method: 'POST', path: /\/branches$/, status: 502, afterApply: true });
    expect((await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'landed' } }))).status).toBe(502);
    expect(neon.branchByName('landed')).toBeDefined();
    expect((await failure(api.createProjectBranch(neon.projectId, { branch: { name: 'landed' } }))).status).toBe(409);

    neon.standIn.setFaults({ rate: 1, kinds: ['429'], seed: 7, retryAfterSeconds: 2 });
    const limited = await failure(api.listProjectBranches({ projectId: neon.projectId }));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    neon.standIn.setFaults(undefined);
    expect((await api.listProjectBranches({ projectId: neon.projectId })).status).toBe(200);
    expect(neon.standIn.requests.filter((r) => r.fault).map((r) => r.fault)).toEqual(['forced', 'forced', '429']);
  });
});
