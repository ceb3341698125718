// A stateful stand-in for the Netlify API (the parts about environment variables, sites and
// builds), served over HTTP on 127.0.0.1 under `/api/v1` through the common StandIn machinery
// (latency, faults, request log). Every request is checked against the Swagger 2.0 description
// shipped in `@netlify/open-api` (converted to OpenAPI 3 with swagger2openapi); a mismatch is
// answered 400 and recorded in `standIn.violations`.
//
// Point a client at it with `apiUrl = netlify.url` (which ends in `/api/v1`).
//
// Behaviour, as Netlify's description and documentation state it:
// - A site belongs to an account; env endpoints are account endpoints, with `?site_id=` for the
//   site's own variables (`account_id` may be the account's id or its slug).
// - A key holds values per context (`branch` values carry the branch in `context_parameter`), each
//   with an id. `POST /accounts/{a}/env` creates keys (an array) and fails when a key exists;
//   `PATCH /accounts/{a}/env/{key}` adds or replaces one context's value on an existing key (404
//   otherwise) → 201; `PUT` replaces the key and every value (served, and visible in `puts()`);
//   `DELETE …/{key}` removes the key with every value; `DELETE …/{key}/value/{id}` one value.
//   Deleting a key's last value leaves the key, empty.
// - Secret keys (`is_secret`) are write-only: reads (and the answers of writes) leave out the
//   `value` of every value but the `dev` one. Secrets cannot have the post-processing scope, and
//   on the default `starter` plan a secret must name its scopes as builds, functions, runtime,
//   while any other choice of scopes is refused with 403 ("Upgrade your Netlify account to set
//   specific scopes").
// - `POST /sites/{id}/builds?branch=` answers a Build ({ id, deploy_id, … }); the deploy it starts
//   is served at `GET /deploys/{id}` with `deploy_ssl_url` and `admin_url`.
// - Errors are `{ code, message }`. Rate limits come with X-RateLimit-Limit/Remaining/Reset
//   (Reset in Unix seconds), on 429 and, with the `rateLimit` option, on every answer. A 204 goes
//   without a content type.
//
// Not served: `getSiteEnvVars` (its path in the description is wrong) and the undocumented
// deploy retry; a request to either is a violation or a 404.
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { DescriptionCheck, readPackagedDescription } from './api-description.js';
import { bearerToken, HttpError, StandIn, type FaultPlan, type RecordedRequest, type StandInRequest, type StandInResponse } from './server.js';

// ---------------------------------------------------------------------------------------------
// Public types

export type EnvContext = 'all' | 'dev' | 'dev-server' | 'branch-deploy' | 'deploy-preview' | 'production' | 'branch';
export type EnvScope = 'builds' | 'functions' | 'runtime' | 'post-processing';

export interface NetlifyStandInOptions {
  /** Accepted bearer tokens; default `['netlify-test-token']`. */
  tokens?: string[];
  /** Default a random UUID. */
  siteId?: string;
  /** Default `'neon-preview-demo'`. */
  siteName?: string;
  /** Default a random 24-hex id. */
  accountId?: string;
  /** Default `'neon-preview-team'`. */
  accountSlug?: string;
  /** The site's production branch (a build of it is a production deploy); default `'main'`. */
  productionBranch?: string;
  /** `starter` (default) refuses custom scopes; `pro` allows them. */
  plan?: 'starter' | 'pro';
  /** Status of the answer to creating a key that exists; Netlify documents none. Default 400. */
  keyExistsStatus?: number;
  /** Requests allowed per window (Netlify: 500 a minute); answers carry X-RateLimit-* headers. */
  rateLimit?: { limit: number; windowSeconds?: number };
  latencyMs?: number;
  faults?: FaultPlan;
  /** Check every request against the description; default true. */
  checkRequests?: boolean;
}

/** One value of a key, as stored (secret values included). */
export interface StandInEnvValue {
  id: string;
  context: EnvContext;
  context_parameter?: string;
  value: string;
}

/** A key as stored (secret values included). */
export interface StandInEnvVar {
  key: string;
  scopes: EnvScope[];
  is_secret: boolean;
  values: StandInEnvValue[];
  updated_at: string;
}

export interface StandInBuild {
  id: string;
  deploy_id: string;
  /** The `branch` query parameter; undefined = production. */
  branch?: string;
  context: 'production' | 'branch-deploy';
  created_at: string;
}

export interface SeedValue {
  context: EnvContext;
  contextParameter?: string;
  value: string;
  /** Only when the key is created by this call. */
  secret?: boolean;
  /** Only when the key is created by this call; default every scope (secrets: all but post-processing). */
  scopes?: EnvScope[];
}

export interface NetlifyStandIn {
  standIn: StandIn;
  /** API base URL, ending in `/api/v1`. */
  url: string;
  siteId: string;
  siteName: string;
  accountId: string;
  accountSlug: string;
  /** The site's variables, oldest first, as stored (secret values included; copies). */
  vars(): StandInEnvVar[];
  /** One of the site's variables, or undefined. */
  variable(key: string): StandInEnvVar | undefined;
  /** The stored value of a key for a context (and branch), or undefined. */
  valueOf(key: string, context: EnvContext, contextParameter?: string): string | undefined;
  /** Seeds a value on the site (creating the key when missing) without the API's checks; returns its id. */
  setValue(key: string, seed: SeedValue): string;
  /** Builds started, oldest first. */
  builds(): StandInBuild[];
  /** Every PUT request received (whatever its answer): `updateEnvVar` wipes other PRs' values. */
  puts(): RecordedRequest[];
  /** The next `times` requests (default 1) get 429 with X-RateLimit-Reset about `seconds` (default 1) ahead. */
  rateLimitNext(times?: number, seconds?: number): void;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------

const DESCRIPTION = '@netlify/open-api/dist/swagger.json';
const ALL_SCOPES: EnvScope[] = ['builds', 'functions', 'runtime', 'post-processing'];
const SECRET_SCOPES: EnvScope[] = ['builds', 'functions', 'runtime'];
const CONTEXTS: EnvContext[] = ['all', 'dev', 'dev-server', 'branch-deploy', 'deploy-preview', 'production', 'branch'];

interface Swagger2OpenApi {
  convertObj(swagger: unknown, options: Record<string, unknown>): Promise<{ openapi: Record<string, unknown> }>;
}

let descriptionCheck: Promise<DescriptionCheck> | undefined;

/** Netlify's Swagger 2.0 description as OpenAPI 3, loaded once per process. */
function netlifyDescriptionCheck(): Promise<DescriptionCheck> {
  descriptionCheck ??= (async () => {
    const s2o = createRequire(import.meta.url)('swagger2openapi') as Swagger2OpenApi;
    const { openapi } = await s2o.convertObj(readPackagedDescription(DESCRIPTION), { patch: true, warnOnly: true });
    return DescriptionCheck.create(openapi);
  })();
  return descriptionCheck;
}

function fail(status: number, message: string): never {
  throw new HttpError(status, { code: status, message });
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function copyVar(v: StandInEnvVar): StandInEnvVar {
  return { ...v, scopes: [...v.scopes], values: v.values.map((x) => ({ ...x })) };
}

/** A key as the API shows it: secret values other than `dev` without their value. */
function shown(v: StandInEnvVar): Record<string, unknown> {
  return {
    key: v.key,
    scopes: [...v.scopes],
    is_secret: v.is_secret,
    updated_at: v.updated_at,
    values: v.values.map((x) =>
      v.is_secret && x.context !== 'dev' ? { id: x.id, context: x.context, ...(x.context_parameter !== undefined ? { context_parameter: x.context_parameter } : {}) } : { ...x },
    ),
  };
}

function sameSlot(a: { context: string; context_parameter?: string }, b: { context: string; context_parameter?: string }): boolean {
  return a.context === b.context && (a.context !== 'branch' || a.context_parameter === b.context_parameter);
}

/** Reads one `{ context, context_parameter?, value }` of a request. */
function readValue(raw: unknown, where: string): Omit<StandInEnvValue, 'id'> {
  const body = asObject(raw) ?? fail(400, `${where} must be an object`);
  const context = body.context;
  if (typeof context !== 'string' || !(CONTEXTS as string[]).includes(context)) fail(400, `${where}: context must be one of ${CONTEXTS.join(', ')}`);
  if (typeof body.value !== 'string') fail(400, `${where}: value must be a string`);
  const parameter = body.context_parameter;
  if (context === 'branch' && (typeof parameter !== 'string' || parameter === '')) fail(400, `${where}: context_parameter (the branch name) is required when context is branch`);
  return { context: context as EnvContext, value: body.value, ...(context === 'branch' ? { context_parameter: parameter as string } : {}) };
}

export async function startNetlifyStandIn(options: NetlifyStandInOptions = {}): Promise<NetlifyStandIn> {
  const tokens = new Set(options.tokens ?? ['netlify-test-token']);
  const siteId = options.siteId ?? randomUUID();
  const siteName = options.siteName ?? 'neon-preview-demo';
  const accountId = options.accountId ?? randomBytes(12).toString('hex');
  const accountSlug = options.accountSlug ?? 'neon-preview-team';
  const productionBranch = options.productionBranch ?? 'main';
  const plan = options.plan ?? 'starter';
  const keyExistsStatus = options.keyExistsStatus ?? 400;
  const requestCheck = options.checkRequests === false ? undefined : await netlifyDescriptionCheck();

  const rateHeaders = (remaining: number, resetSeconds: number): Record<string, string> => ({
    'x-ratelimit-limit': String(options.rateLimit?.limit ?? 500),
    'x-ratelimit-remaining': String(Math.max(0, remaining)),
    'x-ratelimit-reset': String(resetSeconds),
  });
  /** Unix seconds about `seconds` from now (rounded up to a whole second, as Netlify sends). */
  const resetIn = (seconds: number): number => Math.ceil((Date.now() + seconds * 1000) / 1000);

  const standIn = new StandIn('netlify', {
    basePath: '/api/v1',
    latencyMs: options.latencyMs,
    faults: options.faults,
    requestCheck,
    errorBody: (status, message) => ({ code: status, message }),
    rateLimitHeaders: (seconds) => rateHeaders(0, resetIn(seconds)),
  });

  // Variables per store: the site's (by site id) and the account's own (key '').
  const stores = new Map<string, Map<string, StandInEnvVar>>([
    [siteId, new Map()],
    ['', new Map()],
  ]);
  const builds: StandInBuild[] = [];
  const deploys = new Map<string, Record<string, unknown>>();
  const window = { start: 0, count: 0 };

  const now = (): string => new Date().toISOString();
  const siteJson = (): Record<string, unknown> => ({
    id: siteId,
    site_id: siteId,
    name: siteName,
    state: 'current',
    url: `http://${siteName}.netlify.app`,
    ssl_url: `https://${siteName}.netlify.app`,
    admin_url: `https://app.netlify.com/sites/${siteName}`,
    account_id: accountId,
    account_slug: accountSlug,
    account_name: 'Neon Preview Team',
    build_settings: { repo_branch: productionBranch, provider: 'github' },
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: now(),
  });

  type Handler = (req: StandInRequest) => StandInResponse;
  const serve = (method: string, path: string, handler: Handler): void => {
    standIn.route(method, path, (req) => {
      const token = bearerToken(req.headers);
      if (!token || !/^Bearer\s/i.test(req.headers.authorization ?? '') || !tokens.has(token)) fail(401, 'Access Denied');
      let headers: Record<string, string> = {};
      if (options.rateLimit) {
        const windowMs = (options.rateLimit.windowSeconds ?? 60) * 1000;
        const t = Date.now();
        const start = Math.floor(t / windowMs) * windowMs;
        if (start !== window.start) Object.assign(window, { start, count: 0 });
        window.count++;
        headers = rateHeaders(options.rateLimit.limit - window.count, Math.ceil((start + windowMs) / 1000));
        if (window.count > options.rateLimit.limit) throw new HttpError(429, { code: 429, message: 'Too Many Requests' }, { ...headers, 'x-ratelimit-remaining': '0' });
      }
      const response = handler(req);
      return { ...response, headers: { ...headers, ...response.headers } };
    });
  };

  const storeOf = (req: StandInRequest): Map<string, StandInEnvVar> => {
    const account = req.params.account_id;
    if (account !== accountId && account !== accountSlug) fail(404, 'Not Found');
    const site = req.query.site_id;
    if (site === undefined || site === '') return stores.get('')!;
    return stores.get(site) ?? fail(404, 'Not Found');
  };
  const keyOf = (req: StandInRequest, store: Map<string, StandInEnvVar>): StandInEnvVar => store.get(req.params.key ?? '') ?? fail(404, 'Not Found');

  /** Checks a key's scopes against the secret rules and the plan. */
  const scopesFor = (raw: unknown, secret: boolean, key: string): EnvScope[] => {
    if (raw !== undefined && (!Array.isArray(raw) || raw.some((s) => !(ALL_SCOPES as unknown[]).includes(s)))) fail(400, `${key}: scopes must be some of ${ALL_SCOPES.join(', ')}`);
    const scopes = raw === undefined ? [...ALL_SCOPES] : [...new Set(raw as EnvScope[])];
    if (secret && scopes.includes('post-processing')) fail(400, `${key}: secret environment variables cannot have the post-processing scope`);
    const custom = secret ? !(scopes.length === SECRET_SCOPES.length && SECRET_SCOPES.every((s) => scopes.includes(s))) : scopes.length !== ALL_SCOPES.length;
    if (custom && plan === 'starter') fail(403, 'Upgrade your Netlify account to set specific scopes');
    return scopes;
  };

  // --- sites, builds, deploys ---

  serve('GET', '/sites/{site_id}', (req) => {
    if (req.params.site_id !== siteId) fail(404, 'Not Found');
    return { status: 200, body: siteJson() };
  });

  serve('POST', '/sites/{site_id}/builds', (req) => {
    if (req.params.site_id !== siteId) fail(404, 'Not Found');
    const branch = req.query.branch || undefined;
    const t = now();
    const build: StandInBuild = {
      id: randomBytes(12).toString('hex'),
      deploy_id: randomBytes(12).toString('hex'),
      branch,
      context: !branch || branch === productionBranch ? 'production' : 'branch-deploy',
      created_at: t,
    };
    builds.push(build);
    deploys.set(build.deploy_id, {
      id: build.deploy_id,
      site_id: siteId,
      build_id: build.id,
      state: 'enqueued',
      name: siteName,
      url: `http://${siteName}.netlify.app`,
      ssl_url: `https://${siteName}.netlify.app`,
      admin_url: `https://app.netlify.com/sites/${siteName}/deploys/${build.deploy_id}`,
      deploy_url: `http://${build.deploy_id}--${siteName}.netlify.app`,
      deploy_ssl_url: `https://${build.deploy_id}--${siteName}.netlify.app`,
      branch: branch ?? productionBranch,
      context: build.context,
      created_at: t,
      updated_at: t,
    });
    return { status: 200, body: { id: build.id, deploy_id: build.deploy_id, done: false, created_at: t } };
  });

  serve('GET', '/deploys/{deploy_id}', (req) => {
    const deploy = deploys.get(req.params.deploy_id ?? '') ?? fail(404, 'Not Found');
    return { status: 200, body: { ...deploy } };
  });

  // --- environment variables ---

  serve('GET', '/accounts/{account_id}/env', (req) => {
    const store = storeOf(req);
    const contextName = req.query.context_name;
    const scope = req.query.scope;
    const list = [...store.values()]
      .filter((v) => !scope || v.scopes.includes(scope as EnvScope))
      .map((v) => (contextName ? { ...v, values: v.values.filter((x) => x.context === contextName || x.context === 'all') } : v))
      .filter((v) => !contextName || v.values.length > 0);
    return { status: 200, body: list.map(shown) };
  });

  serve('POST', '/accounts/{account_id}/env', (req) => {
    const store = storeOf(req);
    if (!Array.isArray(req.body)) fail(400, 'request body must be an array of environment variables');
    const created: StandInEnvVar[] = [];
    for (const [index, raw] of (req.body as unknown[]).entries()) {
      const spec = asObject(raw) ?? fail(400, `item ${index} must be an object`);
      const key = spec.key;
      if (typeof key !== 'string' || key === '') fail(400, `item ${index}: key is required`);
      if (store.has(key) || created.some((c) => c.key === key)) fail(keyExistsStatus, `Environment variable ${key} already exists`);
      const secret = spec.is_secret === true;
      const values: StandInEnvValue[] = [];
      for (const [i, rawValue] of (Array.isArray(spec.values) ? spec.values : []).entries()) {
        const value = readValue(rawValue, `${key} values[${i}]`);
        if (values.some((v) => sameSlot(v, value))) fail(400, `${key}: two values for the same context`);
        values.push({ id: randomUUID(), ...value });
      }
      created.push({ key, scopes: scopesFor(spec.scopes, secret, key), is_secret: secret, values, updated_at: now() });
    }
    for (const v of created) store.set(v.key, v);
    return { status: 201, body: created.map(shown) };
  });

  serve('GET', '/accounts/{account_id}/env/{key}', (req) => ({ status: 200, body: shown(keyOf(req, storeOf(req))) }));

  serve('PATCH', '/accounts/{account_id}/env/{key}', (req) => {
    const envVar = keyOf(req, storeOf(req));
    const value = readValue(req.body, 'request body');
    const existing = envVar.values.find((v) => sameSlot(v, value));
    if (existing) existing.value = value.value;
    else envVar.values.push({ id: randomUUID(), ...value });
    envVar.updated_at = now();
    return { status: 201, body: shown(envVar) };
  });

  serve('PUT', '/accounts/{account_id}/env/{key}', (req) => {
    const store = storeOf(req);
    const envVar = keyOf(req, store);
    const body = asObject(req.body) ?? fail(400, 'request body must be an object');
    if (envVar.is_secret && body.is_secret === false) fail(400, 'a secret environment variable cannot be made plain');
    const secret = envVar.is_secret || body.is_secret === true;
    const values: StandInEnvValue[] = [];
    for (const [i, raw] of (Array.isArray(body.values) ? body.values : []).entries()) {
      const value = readValue(raw, `values[${i}]`);
      if (values.some((v) => sameSlot(v, value))) fail(400, 'two values for the same context');
      values.push({ id: randomUUID(), ...value });
    }
    // Every value not in the body is gone: other PRs' values included.
    Object.assign(envVar, { scopes: scopesFor(body.scopes, secret, envVar.key), is_secret: secret, values, updated_at: now() });
    return { status: 200, body: shown(envVar) };
  });

  serve('DELETE', '/accounts/{account_id}/env/{key}', (req) => {
    const store = storeOf(req);
    keyOf(req, store);
    store.delete(req.params.key ?? '');
    return { status: 204 };
  });

  serve('DELETE', '/accounts/{account_id}/env/{key}/value/{id}', (req) => {
    const envVar = keyOf(req, storeOf(req));
    const index = envVar.values.findIndex((v) => v.id === req.params.id);
    if (index < 0) fail(404, 'Not Found');
    envVar.values.splice(index, 1);
    envVar.updated_at = now();
    return { status: 204 };
  });

  await standIn.start();
  const site = stores.get(siteId)!;

  return {
    standIn,
    url: standIn.url,
    siteId,
    siteName,
    accountId,
    accountSlug,
    vars: () => [...site.values()].map(copyVar),
    variable: (key) => {
      const v = site.get(key);
      return v ? copyVar(v) : undefined;
    },
    valueOf: (key, context, contextParameter) => site.get(key)?.values.find((v) => sameSlot(v, { context, context_parameter: contextParameter }))?.value,
    setValue: (key, seed) => {
      let envVar = site.get(key);
      if (!envVar) {
        envVar = { key, scopes: seed.scopes ?? (seed.secret ? [...SECRET_SCOPES] : [...ALL_SCOPES]), is_secret: seed.secret === true, values: [], updated_at: now() };
        site.set(key, envVar);
      }
      const slot = { context: seed.context, ...(seed.context === 'branch' ? { context_parameter: seed.contextParameter ?? '' } : {}) };
      const existing = envVar.values.find((v) => sameSlot(v, slot));
      if (existing) {
        existing.value = seed.value;
        return existing.id;
      }
      const id = randomUUID();
      envVar.values.push({ id, ...slot, value: seed.value });
      return id;
    },
    builds: () => builds.map((b) => ({ ...b })),
    puts: () => standIn.requests.filter((r) => r.method === 'PUT'),
    rateLimitNext: (times = 1, seconds = 1) => {
      standIn.failNext({ path: /./, status: 429, times, body: { code: 429, message: 'Too Many Requests' }, headers: rateHeaders(0, resetIn(seconds)) });
    },
    stop: () => standIn.stop(),
  };
}
