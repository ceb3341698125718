// A stateful stand-in for the parts of the Vercel REST API that neon-preview uses: project
// environment variables (create with upsert, list, single and batch delete) and deployments
// (list, redeploy), for personal and team-owned projects, served on 127.0.0.1 through the common
// StandIn machinery (latency, faults, forced failures, request log).
//
// Point `@vercel/sdk` at it with `new VercelCore({ bearerToken, serverURL: vercel.url })`.
//
// Honesty checks, both with the SDK's own zod schemas (Vercel ships no OpenAPI file in any npm
// package): every request is parsed with the schema the SDK uses to build it (an invalid one is
// answered 400 and recorded in `standIn.violations`), and every 2xx body is parsed with the
// schema the SDK validates responses with (a drift is recorded in `standIn.violations` too),
// except the answers drift mode drifts on purpose (`setDrift`, see vercel/drift.ts).
//
// Projects are read with `GET /v9/projects/{idOrName}` (the SDK's `projectsGetProject`), with the
// connected Git repository in `link` (none for a project deployed with the CLI). A preview value
// scoped to a branch (`gitBranch`) must name a branch of that repository other than its production
// branch (rules and sources in vercel/git.ts): a single-object write breaking a rule answers 400
// with Vercel's message; in an array the item goes to `failed` with that message, and an array
// of which nothing was created answers 400 "No environment variables were created"
// (vercel/terraform-provider-vercel#383: a batch whose items all failed was refused whole).
//
// Where Vercel's behaviour is not documented, the stand-in takes the reading that is harder on
// the client, and says so below:
// - the list's `gitBranch` filter also returns branch-less values (clients must re-filter);
// - the list answers every matching value in one response, `pagination.next` null, as Vercel's
//   v10 project list does (it takes no page parameter: the SDK's request has none, and `limit`
//   or `until` are answered 400 as unknown); `truncateNextEnvList` makes one answer a cut page
//   with a cursor, to see what a client does with a cursor it cannot follow;
// - a batch delete naming any unknown id answers 404 and deletes nothing;
// - a variable write arriving while another write to the same project runs answers 400
//   "an env update is already happening" (a write holds the project for `writeMs`).
import { createHash, randomBytes } from 'node:crypto';
import { BatchRemoveProjectEnvResponseBody$inboundSchema } from '@vercel/sdk/models/batchremoveprojectenvop.js';
import { CreateDeploymentResponseBody$inboundSchema } from '@vercel/sdk/models/createdeploymentresponsebody.js';
import { CreateProjectEnvResponseBody$inboundSchema } from '@vercel/sdk/models/createprojectenvop.js';
import { FilterProjectEnvsResponseBody$inboundSchema } from '@vercel/sdk/models/filterprojectenvsop.js';
import { GetDeploymentsResponseBody$inboundSchema } from '@vercel/sdk/models/getdeploymentsop.js';
import { GetProjectResponseBody$inboundSchema } from '@vercel/sdk/models/getprojectresponsebody.js';
import { RemoveProjectEnvResponseBody$inboundSchema } from '@vercel/sdk/models/removeprojectenvop.js';
import { driftCreated, driftDeployments, driftList, driftProject, driftRedeployed } from './vercel/drift.js';
import { gitBranchRefusal, NOTHING_CREATED_MESSAGE, projectJson, toLink, type GitLink } from './vercel/git.js';
import { issues, SdkSchemaCheck, type Schema } from './vercel/schemas.js';
import type { AddEnvInit, AddProjectInit, DeploymentState, EnvTarget, StandInDeployment, StandInEnv, StandInProject, StandInRedeploy, VercelStandIn, VercelStandInOptions } from './vercel/types.js';
import { bearerToken, HttpError, sleep, StandIn, type StandInRequest, type StandInResponse } from './server.js';

export type * from './vercel/types.js';

/** Vercel's message for concurrent variable writes (the 400 that is worth retrying). */
export const ENV_UPDATE_CONFLICT_MESSAGE = 'The environment variables could not be updated because an ongoing env update is already happening. Try again.';

// ---------------------------------------------------------------------------------------------
// Internal state

interface ProjectRecord extends Omit<StandInProject, 'link'> {
  link: GitLink | null;
  createdAt: number;
  envs: StandInEnv[];
  deployments: StandInDeployment[];
  /** Epoch ms until which a variable write holds the project. */
  busyUntil: number;
}

interface TeamRecord {
  id: string;
  slug: string;
  members?: Set<string>;
}

/** Who a request acts for: the personal account, or a team. */
interface Scope {
  team?: TeamRecord;
}

const MAX_VALUE_LENGTH = 65_536;
const MAX_GIT_BRANCH = 250;
const MAX_COMMENT = 500;
const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_TARGETS: EnvTarget[] = ['production', 'preview', 'development'];

function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

function errorCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal_server_error' : 'error';
  }
}

function fail(status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): never {
  throw new HttpError(status, { error: { code: errorCode(status), message, ...extra } }, headers);
}

function rateLimitHeaders(seconds: number): Record<string, string> {
  const reset = Math.ceil(Date.now() / 1000 + seconds);
  return { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) };
}

/** What a list or create response shows of a value: sensitive never, encrypted as ciphertext. */
function shownValue(env: StandInEnv, decrypt: boolean): { value: string; decrypted: boolean } {
  if (env.type === 'sensitive') return { value: '', decrypted: false };
  if (env.type === 'encrypted' && !decrypt) return { value: createHash('sha256').update(`${env.id}:${env.value}`).digest('base64'), decrypted: false };
  return { value: env.value, decrypted: env.type === 'encrypted' };
}

function envJson(env: StandInEnv, decrypt = false): Record<string, unknown> {
  return {
    id: env.id,
    key: env.key,
    ...shownValue(env, decrypt),
    type: env.type,
    target: [...env.target],
    ...(env.gitBranch !== undefined ? { gitBranch: env.gitBranch } : {}),
    ...(env.comment !== undefined ? { comment: env.comment } : {}),
    configurationId: null,
    createdAt: env.createdAt,
    updatedAt: env.updatedAt,
    createdBy: null,
    customEnvironmentIds: [],
  };
}

// ---------------------------------------------------------------------------------------------
// The stand-in

export async function startVercelStandIn(options: VercelStandInOptions = {}): Promise<VercelStandIn> {
  const tokens = new Set(options.tokens ?? ['vercel-test-token']);
  const username = options.username ?? 'preview-user';
  const userId = `user_${randomId(20)}`;
  const writeMs = options.writeMs ?? 0;
  const teams: TeamRecord[] = (options.teams ?? []).map((t) => ({ id: t.id, slug: t.slug, members: t.members ? new Set(t.members) : undefined }));
  const projects: ProjectRecord[] = [];
  const redeploys: StandInRedeploy[] = [];
  let busyWrites = 0;
  let truncateList: number | undefined;
  let drift = options.drift ?? false;

  const standIn = new StandIn('vercel', {
    latencyMs: options.latencyMs,
    faults: options.faults,
    requestCheck: new SdkSchemaCheck(),
    errorBody: (status, message) => ({ error: { code: errorCode(status), message } }),
    rateLimitHeaders,
  });

  // --- state helpers ---------------------------------------------------------------------------

  const teamByIdOrSlug = (value: string): TeamRecord | undefined => teams.find((t) => t.id === value || t.slug === value);

  const addProject = (init: AddProjectInit): StandInProject => {
    let team: TeamRecord | undefined;
    if (init.team !== undefined) {
      team = teamByIdOrSlug(init.team);
      if (!team) throw new Error(`addProject: unknown team ${init.team}`);
    }
    const id = init.id ?? `prj_${randomId(24)}`;
    if (projects.some((p) => p.id === id)) throw new Error(`addProject: project id ${id} exists`);
    if (projects.some((p) => p.name === init.name && p.team?.id === team?.id)) throw new Error(`addProject: ${init.name} exists in that account`);
    const at = Date.now();
    const link = toLink(init.link, team?.slug ?? username, init.name, at);
    const record: ProjectRecord = {
      id,
      name: init.name,
      team: team ? { id: team.id, slug: team.slug } : undefined,
      ownerId: team?.id ?? userId,
      link,
      createdAt: at,
      envs: [],
      deployments: [],
      busyUntil: 0,
    };
    projects.push(record);
    return publicProject(record);
  };

  const publicProject = (p: ProjectRecord): StandInProject => ({
    id: p.id,
    name: p.name,
    ...(p.team ? { team: { ...p.team } } : {}),
    ownerId: p.ownerId,
    link: p.link && { org: p.link.org, repo: p.link.repo, productionBranch: p.link.productionBranch, ...(p.link.branches ? { branches: [...p.link.branches] } : {}) },
  });

  /** For the test-facing accessors: a project by id or (unambiguous) name, in any account. */
  const anyProject = (idOrName: string): ProjectRecord => {
    const byId = projects.find((p) => p.id === idOrName);
    if (byId) return byId;
    const named = projects.filter((p) => p.name === idOrName);
    if (named.length === 1) return named[0]!;
    throw new Error(named.length ? `project name ${idOrName} is ambiguous; use its id` : `no project ${idOrName}`);
  };

  const newDeployment = (project: ProjectRecord, init: { meta: Record<string, string>; target: 'production' | null; readyState: DeploymentState; createdAt: number }): StandInDeployment => {
    const suffix = randomId(24);
    const scopeSlug = project.team?.slug ?? username;
    const deployment: StandInDeployment = {
      uid: `dpl_${suffix}`,
      name: project.name,
      projectId: project.id,
      url: `${project.name}-${suffix.slice(0, 9).toLowerCase()}-${scopeSlug}.vercel.app`,
      inspectorUrl: `https://vercel.com/${scopeSlug}/${project.name}/${suffix}`,
      createdAt: init.createdAt,
      readyState: init.readyState,
      target: init.target,
      meta: init.meta,
    };
    project.deployments.push(deployment);
    return deployment;
  };

  /** The variables a build of `branch` for `target` sees: branch values win over branch-less ones. */
  const buildEnv = (project: ProjectRecord, target: EnvTarget, branch: string | undefined): Record<string, string> => {
    const env: Record<string, string> = {};
    const applies = project.envs.filter((e) => e.target.includes(target));
    for (const e of applies) if (e.gitBranch === undefined) env[e.key] = e.value;
    if (target === 'preview' && branch) for (const e of applies) if (e.gitBranch === branch) env[e.key] = e.value;
    return env;
  };

  for (const init of options.projects ?? [{ name: 'preview-app', id: 'prj_previewapp' }]) addProject(init);

  // --- request helpers -------------------------------------------------------------------------

  /** Authenticates and resolves `teamId` / `slug` into the scope the request acts for. */
  const scopeOf = (req: StandInRequest): Scope => {
    const token = bearerToken(req.headers);
    if (!token || !tokens.has(token)) fail(401, 'The request is not authorized: the token is missing, invalid or expired.', { invalidToken: true });
    const wanted = req.query.teamId ?? req.query.slug;
    if (wanted === undefined) return {};
    const team = req.query.teamId !== undefined ? teams.find((t) => t.id === req.query.teamId) : teams.find((t) => t.slug === req.query.slug);
    if (!team || (team.members && !team.members.has(token))) fail(403, 'You do not have permission to access this resource: not a member of the team.');
    return { team };
  };

  /** The project in the request's scope: a team project is not found without its team. */
  const projectOf = (req: StandInRequest, scope: Scope): ProjectRecord => {
    const idOrName = req.params.idOrName ?? '';
    const project = projects.find((p) => (p.id === idOrName || p.name === idOrName) && p.team?.id === scope.team?.id);
    return project ?? fail(404, 'Project not found', { projectId: idOrName });
  };

  /** Holds the project for one variable write, or refuses while another write runs. */
  const beginWrite = async (project: ProjectRecord): Promise<void> => {
    const t = Date.now();
    if (busyWrites > 0) {
      busyWrites--;
      fail(400, ENV_UPDATE_CONFLICT_MESSAGE);
    }
    if (t < project.busyUntil) fail(400, ENV_UPDATE_CONFLICT_MESSAGE);
    if (writeMs > 0) {
      project.busyUntil = t + writeMs;
      await sleep(writeMs);
    }
  };

  /** Sends a 2xx body, recording a violation when the SDK's response schema would reject it (unless drifted on purpose). */
  const reply = (req: StandInRequest, schema: Schema, status: number, body: unknown, drifted = false): StandInResponse => {
    if (!drifted) for (const problem of issues(schema, body)) standIn.violations.push(`${req.method} ${req.path}: response ${status}: ${problem}`);
    return { status, body };
  };

  // --- projects --------------------------------------------------------------------------------

  standIn.route('GET', '/v9/projects/{idOrName}', (req) => {
    const body = projectJson(projectOf(req, scopeOf(req)));
    return drift ? reply(req, GetProjectResponseBody$inboundSchema, 200, driftProject(body), true) : reply(req, GetProjectResponseBody$inboundSchema, 200, body);
  });

  // --- environment variables -------------------------------------------------------------------

  standIn.route('POST', '/v10/projects/{idOrName}/env', async (req) => {
    const scope = scopeOf(req);
    const project = projectOf(req, scope);
    const single = !Array.isArray(req.body);
    const items = (single ? [req.body] : (req.body as unknown[])) as AddEnvInit[];
    if (items.length === 0) fail(400, 'Invalid request: should NOT have fewer than 1 items.');
    for (const item of items) {
      const target = item.target ?? [];
      if (item.gitBranch !== undefined && item.gitBranch !== null && item.gitBranch !== '') {
        // Vercel's wording as its CLI relays it (colophon-group/jobseek#6769).
        if (target.length !== 1 || target[0] !== 'preview') fail(400, 'Invalid request: `target` must be "preview" when specifying a `gitBranch`', { key: item.key, envVarKey: item.key });
        if (item.gitBranch.length > MAX_GIT_BRANCH) fail(400, `Invalid request: gitBranch should NOT be longer than ${MAX_GIT_BRANCH} characters (${item.key}).`);
        // One value alone is refused whole with the rule's message (vercel/vercel#15763, #16111).
        const refusal = single ? gitBranchRefusal(project.link, item.gitBranch) : undefined;
        if (refusal) fail(400, refusal, { key: item.key, envVarKey: item.key, gitBranch: item.gitBranch });
      }
      if (item.comment !== undefined && item.comment.length > MAX_COMMENT) fail(400, `Invalid request: comment should NOT be longer than ${MAX_COMMENT} characters (${item.key}).`);
    }
    const upsert = req.query.upsert === 'true';
    const sameSlot = (e: StandInEnv, item: AddEnvInit): boolean => e.key === item.key && (e.gitBranch ?? '') === (item.gitBranch ?? '') && e.target.some((t) => (item.target ?? []).includes(t));
    if (!upsert) {
      const duplicate = items.find((item) => project.envs.some((e) => sameSlot(e, item)));
      if (duplicate)
        fail(403, `A variable with the name "${duplicate.key}" already exists for the target ${(duplicate.target ?? []).join(', ')} on branch ${duplicate.gitBranch || '(all)'}.`, {
          key: duplicate.key,
          envVarKey: duplicate.key,
        });
    }
    await beginWrite(project);

    const created: StandInEnv[] = [];
    const failed: { error: Record<string, unknown> }[] = [];
    const t = Date.now();
    for (const item of items) {
      const where = { key: item.key, envVarKey: item.key, target: item.target ?? [], ...(item.gitBranch ? { gitBranch: item.gitBranch } : {}) };
      if (!KEY_PATTERN.test(item.key)) {
        failed.push({ error: { code: 'invalid_key', message: `The name "${item.key}" is invalid: use letters, digits and underscores, not starting with a digit.`, ...where } });
        continue;
      }
      if (item.value.length > MAX_VALUE_LENGTH) {
        failed.push({ error: { code: 'value_too_long', message: `The value of "${item.key}" is longer than ${MAX_VALUE_LENGTH} characters.`, ...where } });
        continue;
      }
      // The item's code is undocumented; Vercel's message is the one a single write gets.
      const refusal = item.gitBranch ? gitBranchRefusal(project.link, item.gitBranch) : undefined;
      if (refusal) {
        failed.push({ error: { code: 'bad_request', message: refusal, ...where } });
        continue;
      }
      const existing = project.envs.find((e) => sameSlot(e, item));
      if (existing) {
        Object.assign(existing, { value: item.value, type: item.type ?? existing.type, target: [...(item.target ?? existing.target)], comment: item.comment, updatedAt: t });
        if (existing.comment === undefined) delete existing.comment;
        created.push(existing);
        continue;
      }
      const env: StandInEnv = { id: randomId(16), key: item.key, value: item.value, type: item.type ?? 'encrypted', target: [...(item.target ?? [])], createdAt: t, updatedAt: t };
      if (item.gitBranch) env.gitBranch = item.gitBranch;
      if (item.comment !== undefined) env.comment = item.comment;
      project.envs.push(env);
      created.push(env);
    }
    if (!single && created.length === 0) fail(400, NOTHING_CREATED_MESSAGE);
    const shown = created.map((e) => envJson(e));
    const createdPart = single ? (shown[0] ? { created: shown[0] } : {}) : { created: shown };
    const body = { ...createdPart, failed };
    return drift ? reply(req, CreateProjectEnvResponseBody$inboundSchema, 201, driftCreated(body), true) : reply(req, CreateProjectEnvResponseBody$inboundSchema, 201, body);
  });

  standIn.route('GET', '/v10/projects/{idOrName}/env', (req) => {
    const scope = scopeOf(req);
    const project = projectOf(req, scope);
    const branch = req.query.gitBranch;
    const decrypt = req.query.decrypt === 'true';
    // Values that apply to the branch: its own and the branch-less ones.
    const matching = project.envs.filter((e) => branch === undefined || e.gitBranch === undefined || e.gitBranch === branch);
    // Every value in one answer, unless a test asked for one cut page.
    const size = truncateList;
    truncateList = undefined;
    const envs = size !== undefined && size < matching.length ? matching.slice(0, size) : matching;
    const next = envs.length < matching.length ? envs[envs.length - 1]!.createdAt : null;
    const body = { envs: envs.map((e) => ({ ...envJson(e, decrypt), securityIssues: [] })), pagination: { count: envs.length, next, prev: null } };
    return drift ? reply(req, FilterProjectEnvsResponseBody$inboundSchema, 200, driftList(body, project.createdAt), true) : reply(req, FilterProjectEnvsResponseBody$inboundSchema, 200, body);
  });

  standIn.route('DELETE', '/v9/projects/{idOrName}/env/{id}', async (req) => {
    const scope = scopeOf(req);
    const project = projectOf(req, scope);
    const env = project.envs.find((e) => e.id === req.params.id) ?? fail(404, `Environment variable ${req.params.id ?? ''} not found.`);
    await beginWrite(project);
    project.envs = project.envs.filter((e) => e !== env);
    return reply(req, RemoveProjectEnvResponseBody$inboundSchema, 200, envJson(env));
  });

  standIn.route('DELETE', '/v1/projects/{idOrName}/env', async (req) => {
    const scope = scopeOf(req);
    const project = projectOf(req, scope);
    const ids = (req.body as { ids: string[] }).ids;
    if (ids.length < 1 || ids.length > 1000) fail(400, 'Invalid request: ids should have 1 to 1000 items.');
    const unknown = ids.filter((id) => !project.envs.some((e) => e.id === id));
    if (unknown.length > 0) fail(404, `Environment variables not found: ${unknown.join(', ')}.`);
    await beginWrite(project);
    const gone = new Set(ids);
    project.envs = project.envs.filter((e) => !gone.has(e.id));
    return reply(req, BatchRemoveProjectEnvResponseBody$inboundSchema, 200, { deleted: gone.size, ids: [...gone] });
  });

  // --- deployments -----------------------------------------------------------------------------

  const deploymentJson = (d: StandInDeployment, project: ProjectRecord): Record<string, unknown> => ({
    uid: d.uid,
    name: d.name,
    url: d.url,
    created: d.createdAt,
    createdAt: d.createdAt,
    buildingAt: d.createdAt,
    ...(d.readyState === 'READY' ? { ready: d.createdAt } : {}),
    creator: { uid: userId, username },
    inspectorUrl: d.inspectorUrl,
    meta: { ...d.meta },
    projectId: project.id,
    readyState: d.readyState,
    state: d.readyState,
    target: d.target,
    type: 'LAMBDAS',
    source: 'git',
  });

  standIn.route('GET', '/v7/deployments', (req) => {
    const scope = scopeOf(req);
    let candidates = projects.filter((p) => p.team?.id === scope.team?.id);
    const wanted = req.query.projectId;
    if (wanted !== undefined) {
      candidates = candidates.filter((p) => p.id === wanted || p.name === wanted);
      if (candidates.length === 0) fail(404, 'Project not found', { projectId: wanted });
    }
    const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) fail(400, 'Invalid request: limit should be an integer from 1 to 100.');
    const states = req.query.state?.split(',').map((s) => s.trim().toUpperCase());
    const target = req.query.target;
    if (target !== undefined && target !== 'preview' && target !== 'production') fail(400, 'Invalid request: target should be one of preview, production.');
    const found = candidates
      .flatMap((p) => p.deployments.map((d) => ({ d, p })))
      .filter(({ d }) => req.query.branch === undefined || d.meta.githubCommitRef === req.query.branch)
      .filter(({ d }) => req.query.sha === undefined || d.meta.githubCommitSha === req.query.sha)
      .filter(({ d }) => target === undefined || (target === 'preview' ? d.target === null : d.target === target))
      .filter(({ d }) => !states || states.includes(d.readyState))
      .sort((a, b) => b.d.createdAt - a.d.createdAt);
    const page = found.slice(0, limit);
    const next = found.length > limit ? page[page.length - 1]!.d.createdAt : null;
    const pagination = { count: page.length, next, prev: null };
    const body = { deployments: page.map(({ d, p }) => deploymentJson(d, p)), pagination };
    return drift ? reply(req, GetDeploymentsResponseBody$inboundSchema, 200, driftDeployments(body), true) : reply(req, GetDeploymentsResponseBody$inboundSchema, 200, body);
  });

  standIn.route('POST', '/v13/deployments', (req) => {
    const scope = scopeOf(req);
    const body = req.body as { name: string; deploymentId?: string; project?: string; target?: string; withLatestCommit?: boolean };
    if (!body.deploymentId) fail(400, 'The stand-in only serves redeploys: send deploymentId.');
    const owner = projects.find((p) => p.team?.id === scope.team?.id && p.deployments.some((d) => d.uid === body.deploymentId));
    const source = owner?.deployments.find((d) => d.uid === body.deploymentId);
    if (!owner || !source) fail(404, `Deployment ${body.deploymentId} not found.`);
    if (body.project !== undefined && body.project !== owner.id && body.project !== owner.name)
      fail(400, `Invalid request: deployment ${body.deploymentId} does not belong to project ${body.project}.`);
    if (body.target !== undefined && body.target !== 'production' && body.target !== 'preview') fail(400, 'Invalid request: target should be production or preview (or a custom environment).');
    const target = body.target === 'production' ? 'production' : null;
    const t = Date.now();
    const deployment = newDeployment(owner, { meta: { ...source.meta }, target, readyState: 'QUEUED', createdAt: Math.max(t, ...owner.deployments.map((d) => d.createdAt + 1)) });
    redeploys.push({
      deployment,
      fromDeploymentId: source.uid,
      name: body.name,
      ...(body.project !== undefined ? { project: body.project } : {}),
      ...(body.target !== undefined ? { target: body.target } : {}),
      ...(body.withLatestCommit !== undefined ? { withLatestCommit: body.withLatestCommit } : {}),
      query: { ...req.query },
      env: buildEnv(owner, target === 'production' ? 'production' : 'preview', source.meta.githubCommitRef),
    });
    const response = {
      id: deployment.uid,
      name: deployment.name,
      url: deployment.url,
      inspectorUrl: deployment.inspectorUrl,
      alias: [],
      aliasAssigned: false,
      aliasError: null,
      bootedAt: t,
      build: { env: [] },
      buildingAt: t,
      buildSkipped: false,
      createdAt: deployment.createdAt,
      createdIn: 'iad1',
      creator: { uid: userId, username },
      env: [],
      isInConcurrentBuildsQueue: false,
      isInSystemBuildsQueue: false,
      meta: { ...deployment.meta },
      ownerId: owner.ownerId,
      plan: 'hobby',
      projectId: owner.id,
      projectSettings: {},
      public: false,
      readyState: deployment.readyState,
      regions: ['iad1'],
      routes: null,
      status: deployment.readyState,
      target,
      type: 'LAMBDAS',
      version: 2,
    };
    return drift ? reply(req, CreateDeploymentResponseBody$inboundSchema, 200, driftRedeployed(response), true) : reply(req, CreateDeploymentResponseBody$inboundSchema, 200, response);
  });

  await standIn.start();

  return {
    standIn,
    url: standIn.url,
    username,
    projects: () => projects.map(publicProject),
    addProject,
    envs: (idOrName) => anyProject(idOrName).envs.map((e) => ({ ...e, target: [...e.target] })),
    addEnv: (idOrName, init) => {
      const project = anyProject(idOrName);
      const t = Date.now();
      const env: StandInEnv = { id: randomId(16), key: init.key, value: init.value, type: init.type ?? 'encrypted', target: [...(init.target ?? ['preview'])], createdAt: t, updatedAt: t };
      for (const target of env.target) if (!ENV_TARGETS.includes(target)) throw new Error(`addEnv: unknown target ${target}`);
      if (init.gitBranch !== undefined) env.gitBranch = init.gitBranch;
      if (init.comment !== undefined) env.comment = init.comment;
      project.envs.push(env);
      return { ...env, target: [...env.target] };
    },
    addDeployment: (idOrName, init) => {
      const project = anyProject(idOrName);
      const meta: Record<string, string> = { githubCommitRef: init.branch, githubCommitSha: init.sha ?? randomBytes(20).toString('hex'), githubDeployment: '1' };
      return { ...newDeployment(project, { meta, target: init.target ?? null, readyState: init.readyState ?? 'READY', createdAt: init.createdAt ?? Date.now() }) };
    },
    deployments: (idOrName) => [...anyProject(idOrName).deployments].sort((a, b) => b.createdAt - a.createdAt),
    redeploys: () => [...redeploys],
    truncateNextEnvList: (size) => {
      if (!Number.isInteger(size) || size < 1) throw new Error(`truncateNextEnvList: size must be a positive integer, got ${size}`);
      truncateList = size;
    },
    setLink: (idOrName, link) => {
      const project = anyProject(idOrName);
      project.link = toLink(link, project.team?.slug ?? username, project.name, Date.now());
    },
    setDrift: (on) => {
      drift = on;
    },
    busyNextEnvWrites: (count = 1) => {
      busyWrites += count;
    },
    rateLimitNext: ({ path = /.*/, method, seconds = 0, times = 1 } = {}) => {
      const headers = rateLimitHeaders(seconds);
      const reset = Number(headers['x-ratelimit-reset']);
      standIn.failNext({
        method,
        path,
        times,
        status: 429,
        headers,
        body: { error: { code: 'rate_limited', message: 'Rate limit exceeded', limit: { remaining: 0, reset, resetMs: reset * 1000, total: 100 } } },
      });
    },
    stop: () => standIn.stop(),
  };
}
