// NeonClient against the Neon stand-in, in-process, with the real retry policy: the exact-name
// lookup among Neon's substring matches, a branch created with its ownership annotations and
// expiry or reused with the expiry renewed, concurrent creates ending in one branch, operations
// waited through `failed` and failing on `error`, the database chosen or the choice explained,
// deletion only of what neon-preview manages, and connection URLs always asked for the PR's branch.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';

const setSecret = vi.fn();
vi.mock('@actions/core', async (importOriginal) => ({ ...(await importOriginal<typeof import('@actions/core')>()), setSecret: (s: string) => setSecret(s), info: vi.fn() }));

const { ApiSession } = await import('../../src/http/retry.js');
const { ApiError } = await import('../../src/http/failure.js');
const { NeonClient, createNeonApi } = await import('../../src/neon/client.js');
const { MANAGED_BY, deletePreviewBranch, ensurePreviewBranch, resolveDatabase } = await import('../../src/neon/preview.js');
type NeonSettings = import('../../src/inputs.js').NeonSettings;
type PullRequestRef = import('../../src/targets/target.js').PullRequestRef;
type Operation = import('@neondatabase/api-client').Operation;

const KEY = 'neon-test-key';
const OP_MS = 60;
const REPOSITORY = 'octo-org/preview-app';
const PR: PullRequestRef = { repository: REPOSITORY, number: 42, headRef: 'feature/login', headSha: '1'.repeat(40) };
const MANAGED = { 'managed-by': MANAGED_BY, 'github-repo': REPOSITORY, 'github-pr': '42' };

let neon: NeonStandIn;
/** The stand-in's clock: real time, unless a test sets it (then it moves only when the test moves it). */
let clock: number | undefined;

beforeEach(async () => {
  setSecret.mockClear();
  clock = undefined;
  neon = await startNeonStandIn({ operationMs: OP_MS, now: () => clock ?? Date.now() });
});

afterEach(async () => {
  expect(neon.standIn.violations).toEqual([]);
  await neon.stop();
});

function client(apiKey = KEY) {
  const session = new ApiSession(20_000, () => {}, { baseDelayMs: 5, maxDelayMs: 20, attemptTimeoutMs: 3000 });
  return new NeonClient(createNeonApi(apiKey, neon.url, 'neon-preview-test'), session, neon.projectId);
}

function settings(overrides: Partial<NeonSettings> = {}): NeonSettings {
  return {
    apiKey: KEY,
    projectId: neon.projectId,
    apiUrl: neon.url,
    branchName: 'preview/pr-42',
    branchType: 'data',
    expiresInSeconds: 3600,
    suspendTimeoutSeconds: 0,
    previewPassword: 'rotate',
    resetOnPush: false,
    ...overrides,
  };
}

/** The PR's branch, found (as the create command looks it up: the project's list) or made. */
function ensure(s: NeonSettings, pr: PullRequestRef, neonClient = client()) {
  const lookup = neonClient.listBranches().then((all) => ({ found: all.find((b) => b.branch.name === s.branchName), all }));
  return ensurePreviewBranch(neonClient, s, pr, lookup);
}

/** Deletes the branch of that name when it is the PR's. */
async function deleteBranch(name: string, pr: PullRequestRef) {
  const neonClient = client();
  return deletePreviewBranch(neonClient, pr, await neonClient.findBranchByName(name));
}

/** Requests made from now on, read when called. */
function requestsSince() {
  const before = neon.standIn.requests.length;
  return () => neon.standIn.requests.slice(before);
}

/**
 * Runs `call` and says whether an expiry is `seconds` after some moment during it (the client
 * reads the clock once, and Neon keeps whole seconds): a bracket around the call, not a margin
 * that a busy machine could overrun.
 */
async function during<T>(call: () => Promise<T>): Promise<{ result: T; expiresIn: (seconds: number, iso: string | undefined) => boolean }> {
  const before = Date.now();
  const result = await call();
  const after = Date.now();
  return {
    result,
    expiresIn: (seconds, iso) => {
      const at = Date.parse(iso ?? '');
      return at >= Math.floor(before / 1000) * 1000 + seconds * 1000 && at <= after + seconds * 1000;
    },
  };
}

describe('findBranchByName', () => {
  it('takes only the branch with exactly that name among the substring matches', async () => {
    const exact = neon.addBranch({ name: 'preview/pr-4' });
    neon.addBranch({ name: 'preview/pr-42' });
    neon.addBranch({ name: 'old-preview/pr-4' });
    const requests = requestsSince();

    const found = await client().findBranchByName('preview/pr-4');

    expect(found?.branch.id).toBe(exact.id);
    expect(found?.branch.name).toBe('preview/pr-4');
    // One search by that name, which Neon answers with all three (it matches substrings).
    const [list] = requests();
    expect(list!.query.search).toBe('preview/pr-4');
    expect(list!.status).toBe(200);
    expect(await client().findBranchByName('preview/pr-')).toBeUndefined();
  });

  it('follows the pages of substring matches to the exact name, with its annotations', async () => {
    const exact = neon.addBranch({ name: 'pr-7', annotations: MANAGED });
    // Newer branches come first: the exact one is on the second page of 100.
    for (let i = 0; i < 120; i++) neon.addBranch({ name: `pr-7-${i}` });
    const requests = requestsSince();

    const found = await client().findBranchByName('pr-7');

    expect(found?.branch.id).toBe(exact.id);
    expect(found?.annotations).toEqual(MANAGED);
    expect(requests().filter((r) => r.method === 'GET' && r.path.endsWith('/branches')).length).toBe(2);
  });
});

describe('ensureBranch', () => {
  it('creates the branch with the ownership annotations, the expiry and a read-write compute', async () => {
    const requests = requestsSince();
    const { result, expiresIn } = await during(() => ensure(settings({ expiresInSeconds: 7200, suspendTimeoutSeconds: 300 }), PR));
    const { branch, databases, ready } = result;

    expect(branch.created).toBe(true);
    expect(branch.name).toBe('preview/pr-42');
    expect(branch.parentId).toBe(neon.defaultBranchId);
    expect(branch.annotations).toEqual({ ...MANAGED, 'github-head-ref': 'feature/login' });
    expect(expiresIn(7200, branch.expiresAt)).toBe(true);
    expect(databases?.map((d) => d.name)).toEqual(['neondb']);

    const stored = neon.branchByName('preview/pr-42')!;
    expect(stored.id).toBe(branch.id);
    expect(stored.annotations).toEqual(branch.annotations);
    expect(stored.expires_at).toBe(branch.expiresAt);
    expect(stored.endpoints.map((e) => [e.type, e.suspend_timeout_seconds])).toEqual([['read_write', 300]]);
    const creates = requests().filter((r) => r.method === 'POST');
    expect(creates).toHaveLength(1);

    // Resolved before the branch is ready; `ready` settles once its operations have finished.
    await ready;
    expect(neon.branchByName('preview/pr-42')!.current_state).toBe('ready');
    expect(neon.branchByName('preview/pr-42')!.operations.every((op) => op.status === 'finished')).toBe(true);
  });

  it('creates a branch without expiry when expiresInSeconds is 0, schema-only when asked', async () => {
    const { branch, ready } = await ensure(settings({ expiresInSeconds: 0, branchType: 'schema-only' }), PR);
    await ready;
    expect(branch.expiresAt).toBeUndefined();
    const stored = neon.branchByName('preview/pr-42')!;
    expect(stored.expires_at).toBeUndefined();
    expect(stored.init_source).toBe('schema-only');
    const create = neon.standIn.requestsTo(/\/branches$/, 'POST')[0]!;
    expect((create.body as { branch: Record<string, unknown> }).branch).toEqual({ name: 'preview/pr-42', init_source: 'schema-only' });
  });

  it('creates the branch from the parent named by name or by id', async () => {
    const parent = neon.addBranch({ name: 'staging' });
    const byName = await ensure(settings({ parentBranch: 'staging' }), PR);
    expect(byName.branch.parentId).toBe(parent.id);
    const byId = await ensure(settings({ branchName: 'preview/pr-43', parentBranch: parent.id }), { ...PR, number: 43 });
    expect(byId.branch.parentId).toBe(parent.id);
    expect(neon.standIn.requestsTo(/\/branches$/, 'POST').map((r) => (r.body as { branch: { parent_id?: string } }).branch.parent_id)).toEqual([parent.id, parent.id]);
    await Promise.all([byName.ready, byId.ready]);
  });

  it('fails naming the input when the parent branch does not exist, creating nothing', async () => {
    await expect(ensure(settings({ parentBranch: 'no-such-parent' }), PR)).rejects.toThrow(/`parent_branch`: no branch named or with id "no-such-parent"/);
    expect(neon.branchByName('preview/pr-42')).toBeUndefined();
  });

  it('reuses its branch and renews the expiry', async () => {
    const seeded = neon.addBranch({ name: 'preview/pr-42', annotations: MANAGED, expiresAt: new Date(Date.now() + 600_000).toISOString() });
    const requests = requestsSince();

    const { result, expiresIn } = await during(() => ensure(settings({ expiresInSeconds: 86_400 }), PR));
    const { branch, ready } = result;
    await ready;

    expect(branch.created).toBe(false);
    expect(branch.id).toBe(seeded.id);
    expect(expiresIn(86_400, branch.expiresAt)).toBe(true);
    expect(neon.branchByName('preview/pr-42')!.expires_at).toBe(branch.expiresAt);
    expect(neon.branches().filter((b) => b.name === 'preview/pr-42')).toHaveLength(1);
    expect(requests().filter((r) => r.method === 'POST')).toEqual([]);
    expect(requests().filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('reusing a branch with expiresInSeconds 0 removes its expiry', async () => {
    neon.addBranch({ name: 'preview/pr-42', annotations: MANAGED, expiresAt: new Date(Date.now() + 600_000).toISOString() });
    const { branch } = await ensure(settings({ expiresInSeconds: 0 }), PR);
    expect(branch.expiresAt).toBeUndefined();
    expect(neon.branchByName('preview/pr-42')!.expires_at).toBeUndefined();
  });

  it('reuses the branch it just created, waiting for it to be ready, with the same id', async () => {
    const first = await ensure(settings(), PR);
    const { result: second, expiresIn } = await during(() => ensure(settings({ expiresInSeconds: 7200 }), PR));
    expect(second.branch.created).toBe(false);
    expect(second.branch.id).toBe(first.branch.id);
    expect(expiresIn(7200, neon.branchByName('preview/pr-42')!.expires_at)).toBe(true);
    await first.ready;
  });

  it('leaves one branch when two runs create it at once: the 409 leads to reuse', async () => {
    // Both look the name up before either creates it, whichever answer comes first.
    const lookups = [neon.standIn.hold('GET', /\/branches$/), neon.standIn.hold('GET', /\/branches$/)];
    const both = Promise.all([ensure(settings(), PR), ensure(settings(), PR)]);
    await Promise.all(lookups.map((h) => h.arrived));
    for (const h of lookups) h.release();
    const [a, b] = await both;
    await Promise.all([a.ready, b.ready]);

    expect(a.branch.id).toBe(b.branch.id);
    expect([a.branch.created, b.branch.created].sort()).toEqual([false, true]);
    expect(neon.branches().filter((br) => br.name === 'preview/pr-42')).toHaveLength(1);
    expect(
      neon.standIn
        .requestsTo(/\/branches$/, 'POST')
        .map((r) => r.status)
        .sort(),
    ).toEqual([201, 409]);
  });

  it('looks the branch up again, without a second create, when the answer to the create is lost after it landed', async () => {
    neon.standIn.failNext({ method: 'POST', path: /\/branches$/, status: 502, afterApply: true });
    const { branch, ready } = await ensure(settings(), PR);
    await ready;
    expect(branch.id).toBe(neon.branchByName('preview/pr-42')!.id);
    expect(neon.standIn.requestsTo(/\/branches$/, 'POST')).toHaveLength(1);
    expect(neon.branches().filter((br) => br.name === 'preview/pr-42')).toHaveLength(1);
  });

  it('creates again when the branch a 409 named is gone by the time it is looked up; after five such creates, throws the 409', async () => {
    neon.standIn.failNext({ method: 'POST', path: /\/branches$/, status: 409, body: { code: 'BRANCH_ALREADY_EXISTS', message: 'branch already exists' } });
    const made = await ensure(settings(), PR);
    expect(made.branch.created).toBe(true);
    expect(neon.standIn.requestsTo(/\/branches$/, 'POST')).toHaveLength(2);

    neon.standIn.failNext({ method: 'POST', path: /\/branches$/, status: 409, body: { code: 'BRANCH_ALREADY_EXISTS', message: 'branch already exists' }, times: 5 });
    const error: unknown = await ensure(settings({ branchName: 'preview/pr-44' }), { ...PR, number: 44 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as InstanceType<typeof ApiError>).status).toBe(409);
    expect(neon.standIn.requestsTo(/\/branches$/, 'POST')).toHaveLength(2 + 5);
  });

  it('creates again when the answer to the create is lost before it landed, though a deleted branch of another PR had the name', async () => {
    // What a takeover leaves: the closed PR 41's branch of this name, deleted just now.
    neon.addBranch({ name: 'preview/pr-42', annotations: { ...MANAGED, 'github-pr': '41' } });
    expect((await deleteBranch('preview/pr-42', { ...PR, number: 41 })).outcome).toBe('deleted');
    neon.standIn.failNext({ method: 'POST', path: /\/branches$/, status: 'reset' });
    const { branch, ready } = await ensure(settings(), PR);
    await ready;
    expect(branch.created).toBe(true);
    expect(neon.branchByName('preview/pr-42')!.annotations['github-pr']).toBe('42');
    expect(neon.standIn.requestsTo(/\/branches$/, 'POST')).toHaveLength(2);
  });

  it('refuses a branch of that name that neon-preview did not create, or that belongs to another repository', async () => {
    neon.addBranch({ name: 'preview/pr-42', annotations: { owner: 'someone' } });
    await expect(ensure(settings(), PR)).rejects.toThrow(/was not created by neon-preview/);
    neon.addBranch({ name: 'preview/pr-43', annotations: { ...MANAGED, 'github-repo': 'other-org/other-app' } });
    await expect(ensure(settings({ branchName: 'preview/pr-43' }), PR)).rejects.toThrow(/belongs to other-org\/other-app, not octo-org\/preview-app/);
    expect(neon.standIn.requestsTo(/\/branches/, 'PATCH')).toEqual([]);
  });
});

describe('waitForOperations', () => {
  it('waits through an operation that is `failed` until it finishes', async () => {
    neon.failNextOperations('failed-then-finished', { action: 'create_branch' });
    const { branch, ready } = await ensure(settings(), PR);
    await ready;
    // Had `failed` ended the wait, the operation would still be failed now.
    const create = neon.operations().find((op) => op.branch_id === branch.id && op.action === 'create_branch')!;
    expect(create).toMatchObject({ status: 'finished', failures_count: 1 });
  });

  it('polls operations given to it until each has ended, past `failed`', async () => {
    // The stand-in's clock stands still and moves only between the rounds of polls, so what
    // each round sees is fixed however fast the machine is: round 1 both `failed`, round 2 both
    // `finished`.
    const t0 = Date.now();
    clock = t0;
    neon.failNextOperations('failed-then-finished', { count: 2 });
    const { data } = await createNeonApi(KEY, neon.url, 'neon-preview-test').createProjectBranch(neon.projectId, { branch: { name: 'raw' }, endpoints: [{ type: 'read_write' } as never] });
    expect(data.operations.map((op) => op.status)).toEqual(['running', 'scheduling']);
    const requests = requestsSince();
    const ours = () => neon.operations().filter((op) => op.branch_id === data.branch.id);
    /** Holds the next round (one poll per operation), moves the clock to `at`, then lets it be answered. */
    const round = async (at: number) => {
      const holds = data.operations.map(() => neon.standIn.hold('GET', /\/operations\//));
      await Promise.all(holds.map((h) => h.arrived));
      clock = at;
      return () => holds.forEach((h) => h.release());
    };

    const waited = client().operations.waitFor(data.operations);
    const releaseFirst = await round(t0 + OP_MS + 1);
    expect(ours().map((op) => op.status)).toEqual(['failed', 'failed']);
    // The second round is held before the first is answered, so none can slip past unheld.
    const second = round(t0 + 2 * OP_MS + 1);
    releaseFirst();
    // Had `failed` ended the wait, it would end here instead of asking again.
    const next = await Promise.race([second, waited.then(() => 'ended on `failed`' as const)]);
    expect(next).not.toBe('ended on `failed`');
    (next as () => void)();
    await waited;

    expect(ours().map((op) => [op.status, op.failures_count])).toEqual([
      ['finished', 1],
      ['finished', 1],
    ]);
    // Both asked for in each round; the round that saw them `failed` did not end the wait, the
    // one that saw them `finished` did.
    const polls = requests().filter((r) => r.path.includes('/operations/'));
    expect(polls.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(polls.map((r) => r.path)).size).toBe(2);
  });

  it('rejects naming the operation that ended in `error`', async () => {
    neon.failNextOperations('error', { action: 'start_compute' });
    const { branch, ready } = await ensure(settings(), PR);
    const op = neon.operations().find((o) => o.branch_id === branch.id && o.action === 'start_compute')!;
    await expect(ready).rejects.toThrow(`Neon: operation start_compute (${op.id}) on branch ${branch.id} ended in error: operation failed (injected by the stand-in)`);
  });

  it('resolves at once for operations already ended, without a request', async () => {
    const requests = requestsSince();
    await client().operations.waitFor([{ id: 'op-1', action: 'create_branch', status: 'finished' } as Operation, { id: 'op-2', action: 'start_compute', status: 'skipped' } as Operation]);
    await client().operations.waitFor(undefined);
    expect(requests()).toEqual([]);
  });
});

describe('resolveDatabase', () => {
  it('without `database`, fails when the branch has several databases, listing them', async () => {
    const b = neon.addBranch({
      name: 'multi',
      databases: [
        { name: 'app', owner: 'app_owner' },
        { name: 'analytics', owner: 'analyst' },
      ],
    });
    await expect(resolveDatabase(client(), b.id, {})).rejects.toThrow('Input `database`: the branch has several databases (app, analytics); set `database` to the one to publish');
  });

  it('fails naming the input when the named database is missing', async () => {
    const b = neon.addBranch({
      name: 'multi',
      databases: [
        { name: 'app', owner: 'app_owner' },
        { name: 'analytics', owner: 'analyst' },
      ],
    });
    await expect(resolveDatabase(client(), b.id, { database: 'reports' })).rejects.toThrow('Input `database`: the branch has no database "reports"; it has: app, analytics');
  });

  it('takes the named database and its owner, or the only database and its owner, or the role given', async () => {
    const b = neon.addBranch({
      name: 'multi',
      databases: [
        { name: 'app', owner: 'app_owner' },
        { name: 'analytics', owner: 'analyst' },
      ],
    });
    expect(await resolveDatabase(client(), b.id, { database: 'analytics' })).toEqual({ database: 'analytics', role: 'analyst' });
    expect(await resolveDatabase(client(), b.id, { database: 'analytics', role: 'app_owner' })).toEqual({ database: 'analytics', role: 'app_owner' });
    const single = neon.addBranch({ name: 'single' });
    expect(await resolveDatabase(client(), single.id, {})).toEqual({ database: 'neondb', role: 'neondb_owner' });
    expect(await resolveDatabase(client(), single.id, { role: 'reader' })).toEqual({ database: 'neondb', role: 'reader' });
  });

  it('asks Neon nothing when both inputs are given or the databases are known', async () => {
    const requests = requestsSince();
    expect(await resolveDatabase(client(), 'br-any', { database: 'd', role: 'r' })).toEqual({ database: 'd', role: 'r' });
    expect(await resolveDatabase(client(), 'br-any', {}, [{ name: 'shop', owner_name: 'shopkeeper' } as never])).toEqual({ database: 'shop', role: 'shopkeeper' });
    expect(requests()).toEqual([]);
    await expect(resolveDatabase(client(), 'br-any', {}, [])).rejects.toThrow('the branch has no database; set `database`');
  });
});

describe('deleteBranch', () => {
  it("keeps a branch neon-preview did not create, or another repository's", async () => {
    neon.addBranch({ name: 'preview/pr-42' });
    neon.addBranch({ name: 'preview/pr-43', annotations: { ...MANAGED, 'github-repo': 'other-org/other-app' } });

    const unmanaged = await deleteBranch('preview/pr-42', PR);
    expect(unmanaged.outcome).toBe('kept');
    expect(unmanaged.reason).toMatch(/has no managed-by=neon-preview annotation/);
    const foreign = await deleteBranch('preview/pr-43', PR);
    expect(foreign.outcome).toBe('kept');
    expect(foreign.reason).toMatch(/belongs to other-org\/other-app/);

    expect(neon.branchByName('preview/pr-42')).toBeDefined();
    expect(neon.branchByName('preview/pr-43')).toBeDefined();
    expect(neon.standIn.requestsTo(/\/branches\//, 'DELETE')).toEqual([]);
  });

  it("says 'absent' for a branch that does not exist", async () => {
    const result = await deleteBranch('preview/pr-404', PR);
    expect(result).toEqual({ outcome: 'absent' });
    expect(neon.standIn.requestsTo(/\/branches\//, 'DELETE')).toEqual([]);
  });

  it('deletes its branch and waits for the deletion; deleting it again by id says absent', async () => {
    const b = neon.addBranch({ name: 'preview/pr-42', annotations: MANAGED });
    const result = await deleteBranch('preview/pr-42', PR);
    expect(result.outcome).toBe('deleted');
    expect(result.branch?.id).toBe(b.id);
    expect(neon.branchByName('preview/pr-42')).toBeUndefined();
    const deleted = neon.branches({ includeDeleted: true }).find((x) => x.id === b.id)!;
    expect(deleted.operations.filter((op) => op.action === 'delete_timeline').map((op) => op.status)).toEqual(['finished']);
    expect(await client().deleteById(b.id)).toBe('absent');
  });
});

describe('connectionDetails', () => {
  it("always asks for the PR branch's URLs, by branch_id, and masks the password", async () => {
    const b = neon.addBranch({ name: 'preview/pr-42', annotations: MANAGED });
    const requests = requestsSince();
    const branch = { id: b.id, name: b.name, annotations: MANAGED, created: false };

    const details = await client().connectionDetails(branch, 'neondb', 'neondb_owner');

    const asked = requests().filter((r) => r.path.endsWith('/connection_uri'));
    expect(asked).toHaveLength(2);
    for (const r of asked) expect(r.query).toMatchObject({ branch_id: b.id, database_name: 'neondb', role_name: 'neondb_owner' });
    expect(asked.map((r) => r.query.pooled).sort()).toEqual(['false', 'true']);

    const endpoint = b.endpoints[0]!.id;
    const password = b.roles.find((r) => r.name === 'neondb_owner')!.password;
    expect(details).toMatchObject({
      branchId: b.id,
      branchName: 'preview/pr-42',
      database: 'neondb',
      role: 'neondb_owner',
      password,
      directHost: `${endpoint}.c-2.us-east-2.aws.neon.tech`,
      pooledHost: `${endpoint}-pooler.c-2.us-east-2.aws.neon.tech`,
    });
    expect(details.directUrl).toContain(`@${endpoint}.c-2.us-east-2.aws.neon.tech/neondb`);
    expect(setSecret).toHaveBeenCalledWith(password);
    expect(setSecret).toHaveBeenCalledWith(details.directUrl);
    expect(setSecret).toHaveBeenCalledWith(details.pooledUrl);
  });

  it('names the inputs `role` and `database` when Neon does not know them', async () => {
    const b = neon.addBranch({ name: 'preview/pr-42', annotations: MANAGED });
    const branch = { id: b.id, name: b.name, annotations: MANAGED, created: false };
    await expect(client().connectionDetails(branch, 'neondb', 'ghost')).rejects.toThrow('check the inputs `role` ("ghost") and `database` ("neondb"): the branch must have both');
  });

  it('says the branch is gone, not the inputs, when it was deleted meanwhile (a close of the same pull request)', async () => {
    const b = neon.addBranch({ name: 'preview/pr-42', annotations: MANAGED });
    const branch = { id: b.id, name: b.name, annotations: MANAGED, created: false };
    expect((await deleteBranch('preview/pr-42', PR)).outcome).toBe('deleted');
    const error: unknown = await client()
      .connectionDetails(branch, 'neondb', 'neondb_owner')
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/branch preview\/pr-42 was deleted while this run used it/);
    expect(String(error)).not.toContain('check the inputs');
  });
});
