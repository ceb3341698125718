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
// schema the SDK validates responses with (a drift is recorded in `standIn.violations` too).
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
import { BatchRemoveProjectEnvRequest$outboundSchema, BatchRemoveProjectEnvResponseBody$inboundSchema } from '@vercel/sdk/models/batchremoveprojectenvop.js';
import { CreateDeploymentResponseBody$inboundSchema } from '@vercel/sdk/models/createdeploymentresponsebody.js';
import { CreateProjectEnvRequest$outboundSchema, CreateProjectEnvResponseBody$inboundSchema } from '@vercel/sdk/models/createprojectenvop.js';
import { FilterProjectEnvsRequest$outboundSchema, FilterProjectEnvsResponseBody$inboundSchema } from '@vercel/sdk/models/filterprojectenvsop.js';
import { GetDeploymentsRequest$outboundSchema, GetDeploymentsResponseBody$inboundSchema } from '@vercel/sdk/models/getdeploymentsop.js';
import { RemoveProjectEnvRequest$outboundSchema, RemoveProjectEnvResponseBody$inboundSchema } from '@vercel/sdk/models/removeprojectenvop.js';
import { CreateDeploymentRequest$outboundSchema } from '@vercel/sdk/models/responsebodyimages.js';
import { bearerToken, HttpError, sleep, StandIn, type FaultPlan, type RequestCheck, type StandInRequest, type StandInResponse } from './server.js';

// ---------------------------------------------------------------------------------------------
// Public types

export type EnvTarget = 'production' | 'preview' | 'development';
export type EnvType = 'plain' | 'encrypted' | 'sensitive' | 'system';

/** A team: its id (`team_…`), its slug, and the tokens that belong to its members. */
export interface VercelTeamInit {
  id: string;
  slug: string;
  /** Tokens allowed to act for the team; default: every token. */
  members?: string[];
}

export interface AddProjectInit {
  name: string;
  /** Default `prj_` + random characters. */
  id?: string;
  /** Owning team (id or slug); default: the personal account. */
  team?: string;
}

export interface VercelStandInOptions {
  /** Accepted bearer tokens; default `['vercel-test-token']`. */
  tokens?: string[];
  /** Teams; a project names its team in `addProject`. Default none. */
  teams?: VercelTeamInit[];
  /** Projects to create at start; default one personal project `preview-app` (`prj_previewapp`). */
  projects?: AddProjectInit[];
  /** The personal account's username (its dashboard slug); default `preview-user`. */
  username?: string;
  latencyMs?: number;
  faults?: FaultPlan;
  /**
   * How long one variable write (create, delete) holds its project; a write to the same project
   * in that time answers 400 "an env update is already happening". Default 0 (writes never overlap).
   */
  writeMs?: number;
}

export interface StandInProject {
  id: string;
  name: string;
  /** The owning team, or undefined for the personal account. */
  team?: { id: string; slug: string };
  /** The user's or the team's id. */
  ownerId: string;
}

/** A stored variable, with its value in the clear (the API never shows it like this). */
export interface StandInEnv {
  id: string;
  key: string;
  value: string;
  type: EnvType;
  target: EnvTarget[];
  gitBranch?: string;
  comment?: string;
  createdAt: number;
  updatedAt: number;
}

export interface AddEnvInit {
  key: string;
  value: string;
  /** Default `encrypted`. */
  type?: EnvType;
  /** Default `['preview']`. */
  target?: EnvTarget[];
  gitBranch?: string;
  comment?: string;
}

export type DeploymentState = 'BUILDING' | 'ERROR' | 'INITIALIZING' | 'QUEUED' | 'READY' | 'CANCELED';

export interface StandInDeployment {
  uid: string;
  /** The project's name, as Vercel names deployments. */
  name: string;
  projectId: string;
  url: string;
  inspectorUrl: string;
  createdAt: number;
  readyState: DeploymentState;
  /** `null` is a preview deployment. */
  target: 'production' | null;
  meta: Record<string, string>;
}

export interface AddDeploymentInit {
  /** The Git branch (`meta.githubCommitRef`). */
  branch: string;
  sha?: string;
  /** Default `null` (preview). */
  target?: 'production' | null;
  /** Default `READY`. */
  readyState?: DeploymentState;
  /** Default now (later deployments are newer). */
  createdAt?: number;
}

/** One `POST /v13/deployments` that redeployed an existing deployment. */
export interface StandInRedeploy {
  /** The new deployment. */
  deployment: StandInDeployment;
  fromDeploymentId: string;
  /** The request body's `name`, `project`, `target` and `withLatestCommit`, as sent. */
  name: string;
  project?: string;
  target?: string;
  withLatestCommit?: boolean;
  /** The query, as sent (`teamId`, `slug`, `forceNew`, `skipAutoDetectionConfirmation`). */
  query: Record<string, string>;
  /** The variables the new build sees, by key, in the clear (branch values win over branch-less ones). */
  env: Record<string, string>;
}

export interface VercelStandIn {
  standIn: StandIn;
  /** `serverURL` for `@vercel/sdk`. */
  url: string;
  /** The personal account's username. */
  username: string;
  projects(): StandInProject[];
  /** Creates a project (personal, or in a team given by id or slug). */
  addProject(init: AddProjectInit): StandInProject;
  /** A project's stored variables, oldest first, values in the clear. Id or name. */
  envs(projectIdOrName: string): StandInEnv[];
  /** Stores a variable directly (no checks, no write lock). */
  addEnv(projectIdOrName: string, init: AddEnvInit): StandInEnv;
  /** Records a Git deployment of a branch. */
  addDeployment(projectIdOrName: string, init: AddDeploymentInit): StandInDeployment;
  /** A project's deployments, newest first. */
  deployments(projectIdOrName: string): StandInDeployment[];
  /** Every redeploy, oldest first. */
  redeploys(): StandInRedeploy[];
  /**
   * The next variable list answers only its `size` oldest values, with `pagination.next` the last
   * one's `createdAt` (the cursor shape of Vercel's paginated lists). Vercel's project list does
   * not do this; it is for testing how a client treats a cursor it has no parameter to follow.
   */
  truncateNextEnvList(size: number): void;
  /** The next `count` (default 1) variable writes answer 400 "an env update is already happening". */
  busyNextEnvWrites(count?: number): void;
  /**
   * The next `times` (default 1) requests matching `path` (default any) answer 429 with
   * `X-RateLimit-Reset` `seconds` (default 0) from now, as Vercel's rate limiter does.
   */
  rateLimitNext(options?: { path?: RegExp; method?: string; seconds?: number; times?: number }): void;
  stop(): Promise<void>;
}

/** Vercel's message for concurrent variable writes (the 400 that is worth retrying). */
export const ENV_UPDATE_CONFLICT_MESSAGE = 'The environment variables could not be updated because an ongoing env update is already happening. Try again.';

// ---------------------------------------------------------------------------------------------
// Internal state

interface ProjectRecord extends StandInProject {
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
// Request checks with the SDK's own request schemas

interface Issue {
  path: (string | number)[];
  message: string;
  code?: string;
  unionErrors?: { issues: Issue[] }[];
}
type Schema = { safeParse(value: unknown): { success: boolean; error?: { issues: Issue[] } } };

/** The keys of a zod object schema, also behind a `.transform()`. */
function schemaKeys(schema: unknown): string[] {
  let current = schema as { shape?: unknown; _def?: { schema?: unknown; shape?: () => unknown } } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    const shape = typeof current._def?.shape === 'function' ? current._def.shape() : current.shape;
    if (shape && typeof shape === 'object') return Object.keys(shape);
    current = current._def?.schema as typeof current;
  }
  return [];
}

/** The problems, with full paths; for a union, those of the alternative that came closest. */
function leafIssues(list: Issue[], prefix: (string | number)[] = []): Issue[] {
  return list.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (!issue.unionErrors?.length) return [{ ...issue, path }];
    // Closest: the value had the alternative's shape at the union's level, then the fewest problems.
    const score = (alt: { issues: Issue[] }): number => {
      const leaves = leafIssues(alt.issues);
      return (leaves.some((i) => i.path.length === 0 && i.code === 'invalid_type') ? 1e6 : 0) + leaves.length;
    };
    const closest = issue.unionErrors.reduce((a, b) => (score(b) < score(a) ? b : a));
    return leafIssues(closest.issues, path);
  });
}

function issues(schema: Schema, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : leafIssues(result.error?.issues ?? []).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

interface CheckedOperation {
  method: string;
  pattern: RegExp;
  /** Path parameter names, in order. */
  params: string[];
  schema: Schema;
  /** Query parameters that are numbers or booleans on the SDK side. */
  numbers?: string[];
  booleans?: string[];
  body: boolean;
}

const CHECKED: CheckedOperation[] = [
  { method: 'POST', pattern: /^\/v10\/projects\/([^/]+)\/env$/, params: ['idOrName'], schema: CreateProjectEnvRequest$outboundSchema, body: true },
  { method: 'GET', pattern: /^\/v10\/projects\/([^/]+)\/env$/, params: ['idOrName'], schema: FilterProjectEnvsRequest$outboundSchema, body: false },
  { method: 'DELETE', pattern: /^\/v9\/projects\/([^/]+)\/env\/([^/]+)$/, params: ['idOrName', 'id'], schema: RemoveProjectEnvRequest$outboundSchema, body: false },
  { method: 'DELETE', pattern: /^\/v1\/projects\/([^/]+)\/env$/, params: ['idOrName'], schema: BatchRemoveProjectEnvRequest$outboundSchema, body: true },
  { method: 'GET', pattern: /^\/v7\/deployments$/, params: [], schema: GetDeploymentsRequest$outboundSchema, numbers: ['from', 'limit', 'to', 'since', 'until'], booleans: ['rollbackCandidate'], body: false },
  { method: 'POST', pattern: /^\/v13\/deployments$/, params: [], schema: CreateDeploymentRequest$outboundSchema, body: true },
];

/** Checks each request with the zod schema the SDK builds that request from. */
class SdkSchemaCheck implements RequestCheck {
  check(req: Parameters<RequestCheck['check']>[0]): string[] {
    const operation = CHECKED.find((op) => op.method === req.method && op.pattern.test(req.path));
    if (!operation) return [];
    const match = operation.pattern.exec(req.path)!;
    const input: Record<string, unknown> = {};
    operation.params.forEach((name, i) => (input[name] = decodeURIComponent(match[i + 1]!)));
    const problems: string[] = [];
    const known = schemaKeys(operation.schema);
    for (const [key, raw] of Object.entries(req.query)) {
      if (!known.includes(key) || operation.params.includes(key) || key === 'requestBody') {
        problems.push(`unknown query parameter ${key}`);
        continue;
      }
      if (operation.numbers?.includes(key)) input[key] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
      else if (operation.booleans?.includes(key)) input[key] = raw === 'true' ? true : raw === 'false' ? false : raw;
      else input[key] = raw;
    }
    if (operation.body) {
      if (req.body === undefined) problems.push('a JSON body is required');
      input.requestBody = req.body;
    }
    return [...problems, ...issues(operation.schema, input)];
  }
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
    const record: ProjectRecord = { id, name: init.name, team: team ? { id: team.id, slug: team.slug } : undefined, ownerId: team?.id ?? userId, envs: [], deployments: [], busyUntil: 0 };
    projects.push(record);
    return publicProject(record);
  };

  const publicProject = (p: ProjectRecord): StandInProject => ({ id: p.id, name: p.name, ...(p.team ? { team: { ...p.team } } : {}), ownerId: p.ownerId });

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

  /** Sends a 2xx body, recording a violation when the SDK's response schema would reject it. */
  const reply = (req: StandInRequest, schema: Schema, status: number, body: unknown): StandInResponse => {
    for (const problem of issues(schema, body)) standIn.violations.push(`${req.method} ${req.path}: response ${status}: ${problem}`);
    return { status, body };
  };

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
        if (target.length !== 1 || target[0] !== 'preview') fail(400, `Invalid request: gitBranch is only allowed with target ["preview"] (${item.key}).`);
        if (item.gitBranch.length > MAX_GIT_BRANCH) fail(400, `Invalid request: gitBranch should NOT be longer than ${MAX_GIT_BRANCH} characters (${item.key}).`);
      }
      if (item.comment !== undefined && item.comment.length > MAX_COMMENT) fail(400, `Invalid request: comment should NOT be longer than ${MAX_COMMENT} characters (${item.key}).`);
    }
    const upsert = req.query.upsert === 'true';
    const sameSlot = (e: StandInEnv, item: AddEnvInit): boolean => e.key === item.key && (e.gitBranch ?? '') === (item.gitBranch ?? '') && e.target.some((t) => (item.target ?? []).includes(t));
    if (!upsert) {
      const duplicate = items.find((item) => project.envs.some((e) => sameSlot(e, item)));
      if (duplicate) fail(403, `A variable with the name "${duplicate.key}" already exists for the target ${(duplicate.target ?? []).join(', ')} on branch ${duplicate.gitBranch || '(all)'}.`, { key: duplicate.key, envVarKey: duplicate.key });
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
    const shown = created.map((e) => envJson(e));
    const createdPart = single ? (shown[0] ? { created: shown[0] } : {}) : { created: shown };
    return reply(req, CreateProjectEnvResponseBody$inboundSchema, 201, { ...createdPart, failed });
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
    return reply(req, FilterProjectEnvsResponseBody$inboundSchema, 200, body);
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
    return reply(req, GetDeploymentsResponseBody$inboundSchema, 200, { deployments: page.map(({ d, p }) => deploymentJson(d, p)), pagination: { count: page.length, next, prev: null } });
  });

  standIn.route('POST', '/v13/deployments', (req) => {
    const scope = scopeOf(req);
    const body = req.body as { name: string; deploymentId?: string; project?: string; target?: string; withLatestCommit?: boolean };
    if (!body.deploymentId) fail(400, 'The stand-in only serves redeploys: send deploymentId.');
    const owner = projects.find((p) => p.team?.id === scope.team?.id && p.deployments.some((d) => d.uid === body.deploymentId));
    const source = owner?.deployments.find((d) => d.uid === body.deploymentId);
    if (!owner || !source) fail(404, `Deployment ${body.deploymentId} not found.`);
    if (body.project !== undefined && body.project !== owner.id && body.project !== owner.name) fail(400, `Invalid request: deployment ${body.deploymentId} does not belong to project ${body.project}.`);
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
    return reply(req, CreateDeploymentResponseBody$inboundSchema, 200, response);
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
