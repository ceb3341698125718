// Netlify: the PR's values as `branch` context values (context_parameter = the PR's head branch)
// of the site's environment variables, which other PRs and other contexts share key by key.
// The sweep finds them the same way (branch values of the mapping's keys, by branch name) and
// removes them with `remove`, which needs only the head branch.
//
// Where `@netlify/api` is used, and where not:
// - Every request is sent with the global `fetch` inside `session.call`, never through the
//   client's methods. Those methods run their own retry loop (429, ETIMEDOUT, ECONNRESET; up to
//   5 repeats, sleeping until X-RateLimit-Reset or 5 s) that cannot be switched off. It would run
//   under the project's one policy: its sleeps ignore the attempt's AbortSignal and the run's
//   deadline, its repeats are invisible to the request counts and the log, and it repeats a
//   create blindly after a reset. And a 429 that got through would reach the policy without its
//   reset header: the client's HTTPError keeps `status` and the body, never the response headers.
//   The client also throws on an empty 204 answered with a JSON content type.
// - What the client does get right is the operation table it builds from Netlify's own
//   description (`methods`: operationId → method, path, path and query parameters). Requests are
//   built from it by operationId, so paths and parameter names come from Netlify's description
//   and an operation that is not in it fails loudly. `getSiteEnvVars` is never used: its path in
//   the description already holds `/api/v1` (the client requests /api/v1/api/v1/...); the site's
//   variables come from `getEnvVars` with `site_id`.
//
// Values are written one key at a time and never with `PUT` (updateEnvVar) or a delete of a key
// that still holds other values: both would wipe other PRs' values and the site's own.
import * as core from '@actions/core';
import pLimit from 'p-limit';
import { eachLimited, started } from '../../concurrency.js';
import { ApiError, HttpStatusError, type ApiSession } from '../../http/retry.js';
import type { CommonSettings, NetlifySettings } from '../../inputs.js';
import { note, type Note } from '../../note.js';
import type { PublishedVariable } from '../../variables.js';
import type { Awaitable, BranchRef, Link, ManagedEntry, ManagedGroup, PullRequestRef, Target, TargetReport } from '../target.js';

const USER_AGENT = 'neon-preview-action';
/**
 * Per-key requests in flight at once: the default mapping's 7 keys in one round trip. Netlify
 * limits requests per minute (500), not how many are in flight; a run stays far below it.
 */
const CONCURRENCY = 8;
/** Requests in flight at once for the whole sweep. */
const SWEEP_CONCURRENCY = 16;
/** Scopes of a secret variable: every scope but post-processing, which Netlify refuses for secrets. */
const SECRET_SCOPES = ['builds', 'functions', 'runtime'];
const APP_URL = 'https://app.netlify.com';

// ---------------------------------------------------------------------------------------------
// What the API returns (the fields the target reads)

interface NetlifySite {
  id: string;
  name?: string;
  account_id?: string;
  account_slug?: string;
  admin_url?: string;
}

interface EnvVarValue {
  id?: string;
  /** Absent or empty when Netlify hides it (values of secret variables). */
  value?: string;
  context?: string;
  context_parameter?: string;
}

interface EnvVar {
  key: string;
  is_secret?: boolean;
  values?: EnvVarValue[];
}

interface NetlifyBuild {
  id?: string;
  deploy_id?: string;
}

interface NetlifyDeploy {
  id?: string;
  deploy_ssl_url?: string;
  admin_url?: string;
}

// ---------------------------------------------------------------------------------------------
// Requests built from @netlify/api's operation table, sent with fetch under the one policy

interface Operation {
  operationId: string;
  verb: string;
  path: string;
  parameters: { path?: Record<string, unknown>; query?: Record<string, unknown> };
}

/**
 * The operation table, by operationId. `@netlify/api` (with the client it also holds) is loaded on
 * the first request: a run without the Netlify target, and the start of one with it, do not pay for it.
 */
let operations: Promise<Map<string, Operation>> | undefined;
function operationTable(): Promise<Map<string, Operation>> {
  operations ??= import('@netlify/api').then(({ methods }) => new Map((methods as Operation[]).map((op) => [op.operationId, op])));
  return operations;
}

type OperationId = 'getSite' | 'getEnvVars' | 'getEnvVar' | 'createEnvVars' | 'setEnvVarValue' | 'deleteEnvVarValue' | 'deleteEnvVar' | 'createSiteBuild' | 'getDeploy';

interface Answer<T> {
  status: number;
  body: T;
}

interface RequestOptions {
  /** What the call does, for logs and errors. */
  operation: string;
  body?: unknown;
  idempotent?: boolean;
  /** Statuses that resolve to `undefined` instead of failing (e.g. 404 for already gone). */
  acceptStatus?: number[];
}

class NetlifyRest {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly session: ApiSession,
  ) {}

  url(op: Operation | undefined, operationId: OperationId, params: Record<string, string | undefined>): string {
    if (!op) throw new Error(`Netlify: operation ${operationId} is not in @netlify/api's description`);
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`Netlify: ${operationId} needs ${name}`);
      return encodeURIComponent(value);
    });
    const query = new URLSearchParams();
    for (const name of Object.keys(op.parameters.query ?? {})) {
      const value = params[name];
      if (value !== undefined) query.set(name, value);
    }
    const search = query.toString();
    return `${this.apiUrl}${path}${search ? `?${search}` : ''}`;
  }

  async request<T>(operationId: OperationId, params: Record<string, string | undefined>, options: RequestOptions): Promise<Answer<T> | undefined> {
    const op = (await operationTable()).get(operationId);
    const url = this.url(op, operationId, params);
    const method = (op?.verb ?? 'get').toUpperCase();
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json', 'user-agent': USER_AGENT };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return this.session.call<Answer<T> | undefined>(
      { platform: 'Netlify', operation: options.operation, idempotent: options.idempotent, acceptStatus: options.acceptStatus },
      async (signal) => {
        const response = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal });
        const text = await response.text();
        const body = parseBody(text, response.headers.get('content-type'));
        if (!response.ok) throw new HttpStatusError(response.status, response.headers, body);
        return { status: response.status, body: body as T };
      },
    );
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Ownership

/** A value of this PR: the `branch` context for the PR's head branch. */
function isOwnValue(value: EnvVarValue, headRef: string): boolean {
  return value.context === 'branch' && value.context_parameter === headRef;
}

function ownValues(envVar: EnvVar, headRef: string): EnvVarValue[] {
  return (envVar.values ?? []).filter((v) => isOwnValue(v, headRef));
}

/**
 * Strings that only a value made from the PR's Neon branch contains: the branch id and the
 * hosts of its computes (pooled and direct form of every host the current values name).
 */
export function neonBranchMarks(variables: PublishedVariable[], branch: BranchRef): string[] {
  const marks = new Set<string>();
  if (branch.id) marks.add(branch.id);
  for (const variable of variables) {
    const host = hostOf(variable.value);
    if (!host) continue;
    const [label, ...rest] = host.split('.');
    const base = (label ?? '').replace(/-pooler$/, '');
    if (!base || rest.length === 0) continue;
    marks.add([base, ...rest].join('.'));
    marks.add([`${base}-pooler`, ...rest].join('.'));
  }
  return [...marks];
}

/** The host of a postgres URL, or the value itself when it is a host name. */
function hostOf(value: string): string | undefined {
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      return new URL(value).hostname.toLowerCase() || undefined;
    } catch {
      return undefined;
    }
  }
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value) ? value.toLowerCase() : undefined;
}

/** True when a readable value was evidently made from the PR's Neon branch. */
function carriesMark(value: EnvVarValue, marks: string[]): boolean {
  const text = value.value?.toLowerCase();
  return !!text && marks.some((mark) => text.includes(mark.toLowerCase()));
}

// ---------------------------------------------------------------------------------------------

/** Statuses a create may be refused with because the key exists (Netlify documents none). */
const KEY_MAY_EXIST = new Set([400, 409, 422]);

class NetlifyTarget implements Target {
  readonly name = 'netlify' as const;
  readonly label = 'Netlify';
  private readonly rest: NetlifyRest;
  private site?: Promise<NetlifySite>;
  /** The last `findManaged`: the account and the listed variables of the mapping's keys. */
  private found?: { account: string; variables: EnvVar[] };

  constructor(
    private readonly settings: NetlifySettings,
    session: ApiSession,
  ) {
    this.rest = new NetlifyRest(settings.apiUrl, settings.token, session);
  }

  /** Netlify's values name no pull request: two from one head branch share them. */
  collides(a: PullRequestRef, b: PullRequestRef): boolean {
    return a.headRef !== '' && a.headRef === b.headRef;
  }

  async publish(pr: PullRequestRef, values: Awaitable<PublishedVariable[]>, branchRef: Awaitable<BranchRef>, ready?: Promise<void>): Promise<TargetReport> {
    const head = requireHead(pr);
    // The site and its variables are read at once, while the values may still be on their way.
    const reading = started(
      this.getSite().then(async (site) => {
        const account = accountOf(site);
        return { site, account, existing: await this.listVariables(account) };
      }),
    );
    const [variables, branch] = await Promise.all([values, branchRef]);
    const { site, account, existing } = await reading;
    const byKey = new Map(existing.map((v) => [v.key, v]));
    const notes: Note[] = [];
    let unchanged = 0;

    await eachLimited(variables, CONCURRENCY, async (variable) => {
      const current = byKey.get(variable.name);
      if (current && !current.is_secret && !variable.secret && ownValues(current, head).some((v) => v.value === variable.value)) {
        unchanged++;
        return;
      }
      if (current && variable.secret && !current.is_secret) {
        notes.push(note`${variable.name} exists on the site as a plain (not secret) variable, so its value for branch ${head} is readable in the Netlify UI and API; mark the variable secret in Netlify to hide it (the action never rewrites a whole variable).`);
      }
      await this.writeValue(account, variable, head, current !== undefined);
    });
    core.info(`Netlify: set ${variables.length - unchanged} value(s) for branch ${head}${unchanged ? `, ${unchanged} already up to date` : ''}`);
    if (unchanged > 0) notes.push(note`${unchanged} value(s) were already up to date.`);

    // This PR's values of keys that left the mapping: removed only when provably the action's.
    const wanted = new Set(variables.map((v) => v.name));
    const marks = neonBranchMarks(variables, branch);
    const dropped: EnvVar[] = [];
    const kept: string[] = [];
    for (const envVar of existing) {
      if (wanted.has(envVar.key)) continue;
      const mine = ownValues(envVar, head);
      if (mine.length === 0) continue;
      if (mine.every((v) => carriesMark(v, marks))) dropped.push(envVar);
      else kept.push(envVar.key);
    }
    const removedNames: string[] = [];
    const emptied: string[] = [];
    await eachLimited(dropped, CONCURRENCY, async (envVar) => {
      const outcome = await this.removeOwnValues(account, envVar, head);
      if (outcome !== 'absent') removedNames.push(envVar.key);
      if (outcome === 'key-deleted') emptied.push(envVar.key);
    });
    if (kept.length > 0) {
      notes.push(note`Left the values for branch ${head} of ${kept.sort().join(', ')}: not in ${'env_vars'}, and secret or not naming this PR's Neon branch, so the action cannot tell whether it set them. Delete them in Netlify if it did.`);
    }
    if (emptied.length > 0) notes.push(note`Deleted ${emptied.sort().join(', ')}: no other value was left in them.`);

    const links: Link[] = [{ label: 'Netlify environment variables', url: envSettingsUrl(site) }];
    if (this.settings.redeploy) {
      // The build will connect to the branch: not before its operations have ended.
      await ready;
      await this.startBuild(site, head, links, notes);
    }
    else notes.push(note`Netlify applies these values to builds of branch ${head} (branch deploys); they reach a build started after this run.`);

    return { target: 'netlify', label: this.label, names: variables.map((v) => v.name), removedNames: removedNames.sort(), links, notes };
  }

  async remove(pr: PullRequestRef, names: string[]): Promise<TargetReport> {
    const head = requireHead(pr);
    const site = await this.getSite();
    const account = accountOf(site);
    const existing = await this.listVariables(account);
    const byKey = new Map(existing.map((v) => [v.key, v]));
    const removed: string[] = [];
    const emptied: string[] = [];
    const absent: string[] = [];
    const targets = names.filter((name) => {
      const envVar = byKey.get(name);
      const has = envVar !== undefined && ownValues(envVar, head).length > 0;
      if (!has) absent.push(name);
      return has;
    });
    await eachLimited(targets, CONCURRENCY, async (name) => {
      const outcome = await this.removeOwnValues(account, byKey.get(name)!, head);
      if (outcome === 'absent') absent.push(name);
      else removed.push(name);
      if (outcome === 'key-deleted') emptied.push(name);
    });
    core.info(`Netlify: removed ${removed.length} value(s) for branch ${head}`);
    const notes: Note[] = [];
    if (emptied.length > 0) notes.push(note`Deleted ${emptied.sort().join(', ')}: no other value was left in them.`);
    if (absent.length > 0) notes.push(note`No value for branch ${head} in ${absent.sort().join(', ')} (already removed).`);
    return { target: 'netlify', label: this.label, names: removed.sort(), links: [{ label: 'Netlify environment variables', url: envSettingsUrl(site) }], notes };
  }

  /**
   * Sweep: the `branch` context values of the mapping's keys, one entry per branch (Netlify values
   * name no pull request, so `pr` stays unset and the sweep ties each branch to its PRs). The
   * description lists the keys, e.g. "DATABASE_URL, PGHOST on feature/x". Values of other
   * contexts (production, deploy-preview, all, ...) and keys outside `names` are never listed;
   * nor is a branch value without a branch name, which `remove` could not address. One list of
   * the site's variables (after the site lookup, when this target has not made it yet).
   * `repository` is not used: the site is the one configured for this repository's workflow.
   */
  async findManaged(_repository: string, names: string[]): Promise<ManagedEntry[]> {
    const site = await this.getSite();
    const wanted = new Set(names);
    const keysByBranch = new Map<string, Set<string>>();
    const account = accountOf(site);
    const listed = (await this.listVariables(account)).filter((v) => wanted.has(v.key));
    this.found = { account, variables: listed };
    for (const envVar of listed) {
      for (const value of envVar.values ?? []) {
        const head = value.context === 'branch' ? value.context_parameter : undefined;
        if (!head) continue;
        const keys = keysByBranch.get(head) ?? keysByBranch.set(head, new Set()).get(head)!;
        keys.add(envVar.key);
      }
    }
    const entries = [...keysByBranch]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([head, keys]): ManagedEntry => ({ headRef: head, description: `${[...keys].sort().join(', ')} on ${head}` }));
    core.info(`Netlify: ${entries.length} branch(es) hold values of the mapping's keys`);
    return entries;
  }

  /**
   * Sweep: the branch values the last `findManaged` listed for each group's head branches, each
   * deleted by its id (Netlify has no batch delete; at most SWEEP_CONCURRENCY requests in flight
   * for the whole sweep), from that listing: no new list per pull request. A key whose listed
   * values all belonged to the swept branches is deleted once they are gone, as `remove` does
   * (after a fresh read shows it empty), by the last group that held a value in it.
   */
  removeManaged(groups: ManagedGroup[]): Promise<void>[] {
    const found = this.found;
    if (!found) return groups.map(() => Promise.resolve());
    const { account, variables } = found;
    const limit = pLimit(SWEEP_CONCURRENCY);
    const headsOf = (g: ManagedGroup) => new Set(g.entries.flatMap((e) => (e.headRef === undefined ? [] : [e.headRef])));
    const swept = new Set(groups.flatMap((g) => [...headsOf(g)]));
    /** Per group, per key: its values' deletions. */
    const deletions = groups.map((g) => {
      const heads = headsOf(g);
      const byKey = new Map<string, Promise<unknown>>();
      for (const envVar of variables) {
        const mine = (envVar.values ?? []).filter((v) => v.id && v.context === 'branch' && v.context_parameter !== undefined && heads.has(v.context_parameter));
        if (mine.length === 0) continue;
        const params = { account_id: account, key: envVar.key, site_id: this.settings.siteId };
        byKey.set(
          envVar.key,
          started(Promise.all(mine.map((v) => limit(() => this.rest.request('deleteEnvVarValue', { ...params, id: v.id }, { operation: `delete ${envVar.key} value for branch ${v.context_parameter ?? ''}`, acceptStatus: [404] }))))),
        );
      }
      return byKey;
    });
    const cleanups = groups.map(() => [] as Promise<unknown>[]);
    for (const envVar of variables) {
      const values = envVar.values ?? [];
      const onlySwept = values.length > 0 && values.every((v) => v.context === 'branch' && v.context_parameter !== undefined && swept.has(v.context_parameter));
      if (!onlySwept) continue;
      const holders = deletions.flatMap((byKey, i) => (byKey.has(envVar.key) ? [i] : []));
      const last = holders[holders.length - 1];
      if (last === undefined) continue;
      const params = { account_id: account, key: envVar.key, site_id: this.settings.siteId };
      cleanups[last]!.push(
        started(
          (async () => {
            await Promise.all(holders.map((i) => deletions[i]!.get(envVar.key)));
            const fresh = (await limit(() => this.rest.request<EnvVar>('getEnvVar', params, { operation: `get ${envVar.key}`, acceptStatus: [404] })))?.body;
            if (fresh && (fresh.values ?? []).length === 0) await limit(() => this.rest.request('deleteEnvVar', params, { operation: `delete ${envVar.key}`, acceptStatus: [404] }));
          })(),
        ),
      );
    }
    return groups.map((_, i) => started(Promise.all([...deletions[i]!.values(), ...cleanups[i]!]).then(() => undefined)));
  }

  private getSite(): Promise<NetlifySite> {
    this.site ??= this.rest
      .request<NetlifySite>('getSite', { site_id: this.settings.siteId }, { operation: `get site ${this.settings.siteId}` })
      .then((answer) => {
        const site = answer?.body;
        if (!site || typeof site !== 'object') throw new Error(`Netlify: get site ${this.settings.siteId} returned no site`);
        return site;
      });
    this.site.catch(() => (this.site = undefined));
    return this.site;
  }

  private async listVariables(account: string): Promise<EnvVar[]> {
    const answer = await this.rest.request<EnvVar[]>('getEnvVars', { account_id: account, site_id: this.settings.siteId }, { operation: 'list site environment variables' });
    const list = answer?.body;
    if (!Array.isArray(list)) throw new Error('Netlify: list site environment variables returned no list');
    return list.filter((v) => v && typeof v.key === 'string');
  }

  /** Sets the PR's value of one key: PATCH on an existing key, create when it is missing. */
  private async writeValue(account: string, variable: PublishedVariable, head: string, keyExists: boolean): Promise<void> {
    const value = { context: 'branch', context_parameter: head, value: variable.value };
    const patch = (): Promise<Answer<EnvVar> | undefined> =>
      this.rest.request<EnvVar>('setEnvVarValue', { account_id: account, key: variable.name, site_id: this.settings.siteId }, { operation: `set ${variable.name} for branch ${head}`, body: value, acceptStatus: [404] });

    // A key seen in the list may have been deleted since (its last other PR closed): then create it.
    if (keyExists && (await patch())) return;
    for (let attempt = 1; ; attempt++) {
      const envVar: Record<string, unknown> = { key: variable.name, values: [value] };
      if (variable.secret) Object.assign(envVar, { is_secret: true, scopes: SECRET_SCOPES });
      try {
        await this.rest.request('createEnvVars', { account_id: account, site_id: this.settings.siteId }, { operation: `create ${variable.name}`, body: [envVar], idempotent: false });
        return;
      } catch (error) {
        if (!(error instanceof ApiError) || !(error.outcomeUnknown || (error.status !== undefined && KEY_MAY_EXIST.has(error.status)))) throw error;
        // Another run created the key first (or this create landed although its answer was lost):
        // set the value on it. A key that still does not exist means the create was refused.
        if (await patch()) return;
        if (!error.outcomeUnknown || attempt >= 3) throw error;
      }
    }
  }

  /**
   * Removes this PR's values of one key, each by its id (all at once). When the list showed no
   * other value in the key, the key is read again and deleted only if no value is left in it: a
   * value another run added meanwhile keeps its key.
   */
  private async removeOwnValues(account: string, listed: EnvVar, head: string): Promise<'values-deleted' | 'key-deleted' | 'absent'> {
    const key = listed.key;
    const params = { account_id: account, key, site_id: this.settings.siteId };
    const mine = ownValues(listed, head).filter((v) => v.id);
    const answers = await Promise.all(
      mine.map((value) => this.rest.request('deleteEnvVarValue', { ...params, id: value.id }, { operation: `delete ${key} value for branch ${head}`, acceptStatus: [404] })),
    );
    const deleted = answers.filter(Boolean).length;
    let keyDeleted = false;
    if ((listed.values ?? []).every((v) => isOwnValue(v, head))) {
      const fresh = (await this.rest.request<EnvVar>('getEnvVar', params, { operation: `get ${key}`, acceptStatus: [404] }))?.body;
      if (fresh && (fresh.values ?? []).length === 0) {
        keyDeleted = Boolean(await this.rest.request('deleteEnvVar', params, { operation: `delete ${key}`, acceptStatus: [404] }));
      }
    }
    if (deleted === 0) return 'absent';
    return keyDeleted ? 'key-deleted' : 'values-deleted';
  }

  /** Starts a build of the head branch, which Netlify runs as a branch deploy. */
  private async startBuild(site: NetlifySite, head: string, links: Link[], notes: Note[]): Promise<void> {
    let build: NetlifyBuild | undefined;
    try {
      build = (await this.rest.request<NetlifyBuild>('createSiteBuild', { site_id: site.id ?? this.settings.siteId, branch: head }, { operation: `start a build of branch ${head}`, idempotent: false }))?.body;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}. The variables were published; start a build of branch ${head} in Netlify (or re-run) so a deploy picks them up.`);
    }
    const deployId = build?.deploy_id;
    if (!deployId) {
      notes.push(build?.id ? note`Started a Netlify build of branch ${head} (build ${build.id}).` : note`Started a Netlify build of branch ${head}.`);
      return;
    }
    const deploy = (await this.rest.request<NetlifyDeploy>('getDeploy', { deploy_id: deployId }, { operation: `get deploy ${deployId}`, acceptStatus: [404] }))?.body;
    if (deploy?.admin_url) links.push({ label: `Netlify deploy ${deployId}`, url: deploy.admin_url });
    if (deploy?.deploy_ssl_url) links.push({ label: `Branch deploy of ${head}`, url: deploy.deploy_ssl_url });
    notes.push(note`Started a Netlify build of branch ${head} (deploy ${deployId}); it runs as a branch deploy with the new values.`);
  }
}

function requireHead(pr: PullRequestRef): string {
  if (!pr.headRef) throw new Error("Netlify: the PR's head branch is unknown, and Netlify scopes the values by branch; set `head_ref`");
  return pr.headRef;
}

function accountOf(site: NetlifySite): string {
  const account = site.account_id || site.account_slug;
  if (!account) throw new Error(`Netlify: site ${site.id} has no account_id or account_slug`);
  return account;
}

function envSettingsUrl(site: NetlifySite): string {
  const admin = site.admin_url && /^https:\/\//.test(site.admin_url) ? site.admin_url.replace(/\/+$/, '') : `${APP_URL}/sites/${encodeURIComponent(site.name ?? site.id)}`;
  return `${admin}/configuration/env`;
}

export function createNetlifyTarget(settings: CommonSettings, session: ApiSession): Target {
  if (!settings.netlify) throw new Error('Netlify: `targets` has netlify but there are no Netlify settings');
  return new NetlifyTarget(settings.netlify, session);
}
