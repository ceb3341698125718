// Vercel: the PR's values as preview variables scoped to its head branch (`gitBranch`), each
// marked with the PR in its comment, so remove (and a later publish) finds exactly this PR's
// values. Optionally redeploys the branch's newest preview so it builds with them.
//
// Requests: publish = list + upsert (+ one batch delete when values left the mapping)
// (+ list deployments + redeploy with `vercel_redeploy`); remove = list (+ one batch delete);
// findManaged (sweep) = 1 list of the whole project.
// Every call goes through the run's ApiSession (the one retry policy); the SDK never retries.
import * as core from '@actions/core';
import type { VercelCore } from '@vercel/sdk/core.js';
import { started } from '../../concurrency.js';
import { ApiError, HttpStatusError, type ApiSession, type CallFailure, type CallOptions } from '../../http/retry.js';
import type { CommonSettings, VercelSettings } from '../../inputs.js';
import { note, type Note } from '../../note.js';
import type { PublishedVariable } from '../../variables.js';
import type { Awaitable, BranchRef, Link, ManagedEntry, ManagedGroup, PullRequestRef, Target, TargetReport } from '../target.js';

/** The comment that marks a value as this PR's: `neon-preview <owner/repo>#<n>`. */
export function ownershipComment(pr: PullRequestRef): string {
  return `neon-preview ${pr.repository}#${pr.number}`;
}

/**
 * The PR number a value's comment marks it with for `repository`, or undefined when the comment is
 * not exactly `neon-preview <repository>#<n>` with `n` a positive integer (another repository's
 * marker, a hand-written comment, none).
 */
export function markedPullRequest(comment: string | undefined, repository: string): number | undefined {
  const prefix = `neon-preview ${repository}#`;
  if (comment === undefined || !comment.startsWith(prefix)) return undefined;
  const digits = comment.slice(prefix.length);
  if (!/^[1-9][0-9]*$/.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Vercel's 400 for concurrent variable writes to one project ("an env update is already
 * happening"): refused, so safe to send again. The API description names no error code for it,
 * so the message is matched.
 */
export function isEnvUpdateConflict(failure: CallFailure): boolean {
  return failure.status === 400 && /already happening|ongoing (env )?update/i.test(failure.message);
}

/** The most ids one batch delete takes. */
const BATCH_LIMIT = 1000;
/** Deployments looked at when searching the branch's newest preview. */
const DEPLOYMENT_LOOKUP_LIMIT = 10;

/** A variable as the list returns it, reduced to what matching needs. */
interface ListedValue {
  id?: string;
  key: string;
  target?: string[] | string;
  gitBranch?: string;
  comment?: string;
}

interface Deployment {
  uid: string;
  name: string;
  createdAt: number;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };

function hasPreview(target: ListedValue['target']): boolean {
  return Array.isArray(target) ? target.includes('preview') : target === 'preview';
}

function unique(names: string[]): string[] {
  return [...new Set(names)].sort();
}

class VercelTarget implements Target {
  readonly name = 'vercel' as const;
  readonly label = 'Vercel';
  /** The SDK and its client, loaded on the first call (see vercel-sdk.ts). */
  private sdk?: Promise<{ client: VercelCore; api: typeof import('./sdk.js') }>;
  /** `teamId` or `slug`, sent with every call for a team project. */
  private readonly scope: { teamId?: string; slug?: string };
  /** The last `findManaged`: value ids by `<pr>\0<branch>`. */
  private found?: Map<string, string[]>;

  constructor(
    private readonly settings: VercelSettings,
    private readonly session: ApiSession,
  ) {
    const team = settings.team;
    this.scope = team === undefined ? {} : team.startsWith('team_') ? { teamId: team } : { slug: team };
  }

  async publish(pr: PullRequestRef, values: Awaitable<PublishedVariable[]>, _branch?: Awaitable<BranchRef>, ready?: Promise<void>): Promise<TargetReport> {
    const head = headOf(pr);
    const marker = ownershipComment(pr);
    // The reads start at once, while the values may still be on their way.
    const listing = started(this.listBranchValues(head));
    const latest = this.settings.redeploy ? started(this.findLatestPreview(head)) : undefined;
    const variables = await values;
    const names = new Set(variables.map((v) => v.name));

    // Read first: a value of one of our keys on this branch that is not ours would be taken over
    // by the upsert (and later deleted as ours), so it stops the publish instead.
    const listed = await listing;
    const foreign = listed.filter((e) => names.has(e.key) && e.gitBranch === head && hasPreview(e.target) && e.comment !== marker);
    if (foreign.length > 0) {
      const keys = unique(foreign.map((e) => e.key));
      throw new Error(
        `Vercel: publish variables failed: project ${this.settings.project} already has a preview value of ${keys.join(', ')} for branch ${head} that neon-preview did not create for ${pr.repository}#${pr.number} (its comment differs); it is left alone. Remove it, or publish under other names with \`env_prefix\`.`,
      );
    }
    const stale = listed.filter((e) => this.isOwned(e, head, marker) && !names.has(e.key));

    if (variables.length > 0) await this.upsert(head, marker, variables);
    if (stale.length > 0) await this.removeValues(stale, head, marker);
    core.info(`Vercel: published ${variables.length} variable(s) to project ${this.settings.project} for preview deployments of ${head}${stale.length ? `; removed ${unique(stale.map((e) => e.key)).join(', ')}` : ''}`);

    const links: Link[] = [];
    const notes: Note[] = [];
    let inspectorUrl: string | undefined;
    if (latest) {
      const deployment = await latest;
      if (!deployment) {
        core.notice(`Vercel: no preview deployment of ${head} yet, so nothing was redeployed; the next Git push builds with the values.`);
        notes.push(note`No preview deployment of ${head} yet; the next Git push will build with the values.`);
      } else {
        // The deployment will connect to the branch: not before its operations have ended.
        await ready;
        const redeployed = await this.redeploy(deployment);
        inspectorUrl = redeployed.inspectorUrl;
        if (redeployed.url) links.push({ label: 'Vercel redeploy', url: redeployed.url });
        notes.push(note`Redeployed the newest preview deployment of ${head} (${deployment.uid}) so it builds with the values.`);
      }
    } else {
      notes.push(note`Vercel applies variables to new deployments only: the next push to ${head} builds with them (or set ${'vercel_redeploy: true'}).`);
    }
    const settingsUrl = this.settingsPageUrl(inspectorUrl);
    if (settingsUrl) links.unshift({ label: 'Vercel environment variables', url: settingsUrl });
    return { target: 'vercel', label: this.label, names: variables.map((v) => v.name), removedNames: unique(stale.map((e) => e.key)), links, notes };
  }

  async remove(pr: PullRequestRef): Promise<TargetReport> {
    const head = headOf(pr);
    const marker = ownershipComment(pr);
    const owned = (await this.listBranchValues(head)).filter((e) => this.isOwned(e, head, marker));
    if (owned.length > 0) await this.removeValues(owned, head, marker);
    const names = unique(owned.map((e) => e.key));
    core.info(names.length ? `Vercel: removed ${names.join(', ')} from project ${this.settings.project} (branch ${head})` : `Vercel: project ${this.settings.project} holds no values of ${pr.repository}#${pr.number} for branch ${head}`);
    const settingsUrl = this.settingsPageUrl();
    return { target: 'vercel', label: this.label, names, links: settingsUrl ? [{ label: 'Vercel environment variables', url: settingsUrl }] : [], notes: [] };
  }

  /**
   * Sweep: every preview value of the project marked `neon-preview <repository>#<n>` and scoped to a
   * branch, one entry per (PR, branch) with the keys in the description, ordered by PR and branch.
   * The whole project comes in one list request (no `gitBranch` filter), so values whose names left
   * the mapping (`names` is not needed) and values of PRs whose Neon branch is gone are found too.
   * A marked value without a branch is no value remove would touch (remove matches the branch), so
   * it is not reported as managed; it is left alone, as is every value of another repository.
   */
  async findManaged(repository: string): Promise<ManagedEntry[]> {
    const groups = new Map<string, { pr: number; headRef: string; keys: string[] }>();
    this.found = new Map();
    let branchless = 0;
    for (const e of await this.listAllValues()) {
      const pr = markedPullRequest(e.comment, repository);
      if (pr === undefined || typeof e.id !== 'string' || !hasPreview(e.target)) continue;
      if (!e.gitBranch) {
        branchless++;
        continue;
      }
      const id = `${pr}\u0000${e.gitBranch}`;
      const group = groups.get(id) ?? groups.set(id, { pr, headRef: e.gitBranch, keys: [] }).get(id)!;
      group.keys.push(e.key);
      (this.found.get(id) ?? this.found.set(id, []).get(id)!).push(e.id);
    }
    if (branchless > 0) core.info(`Vercel: left alone ${branchless} value(s) marked for ${repository} but applying to every preview branch (neon-preview scopes its values to a branch)`);
    return [...groups.values()]
      .sort((a, b) => a.pr - b.pr || (a.headRef < b.headRef ? -1 : a.headRef > b.headRef ? 1 : 0))
      .map(({ pr, headRef, keys }) => ({ pr, headRef, description: `${unique(keys).join(', ')} on ${headRef}` }));
  }

  /**
   * Sweep: the values the last `findManaged` found for the groups' (pull request, branch) pairs,
   * all in batch deletes of up to 1000 ids, one after another (Vercel refuses concurrent variable
   * writes to one project): a sweep of 200 pull requests costs 2 requests instead of 400. Those
   * are exactly the values `remove` would delete (the PR's marker, its branch, preview). Every
   * group settles when the whole batch job is done.
   */
  removeManaged(groups: ManagedGroup[]): Promise<void>[] {
    const found = this.found ?? new Map<string, string[]>();
    const ids = [...new Set(groups.flatMap((g) => g.entries.flatMap((e) => (e.headRef === undefined ? [] : (found.get(`${e.pr ?? g.pr}\u0000${e.headRef}`) ?? [])))))];
    const done = ids.length === 0 ? Promise.resolve() : started(this.removeIds(ids));
    if (ids.length > 0) done.then(() => core.info(`Vercel: removed ${ids.length} value(s) of ${groups.length} pull request(s) from project ${this.settings.project}`), () => {});
    return groups.map(() => done);
  }

  /** Removes values by id in batches; after a 404 (some already gone), the rest of that batch as the list shows it. */
  private async removeIds(ids: string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += BATCH_LIMIT) {
      const batch = ids.slice(start, start + BATCH_LIMIT);
      if (await this.batchRemove(batch)) continue;
      const present = new Set((await this.listAllValues()).flatMap((e) => (typeof e.id === 'string' ? [e.id] : [])));
      const left = batch.filter((id) => present.has(id));
      if (left.length > 0) await this.batchRemove(left);
    }
  }

  /** This PR's value: exactly its branch, a preview value, its marker. */
  private isOwned(e: ListedValue, head: string, marker: string): e is ListedValue & { id: string } {
    return typeof e.id === 'string' && e.gitBranch === head && hasPreview(e.target) && e.comment === marker;
  }

  /** The project's values that the `gitBranch` filter returns (re-filtered by the caller). */
  private async listBranchValues(head: string): Promise<ListedValue[]> {
    const body = await this.call('list variables', {}, ({ client, api }, signal) =>
      api.projectsFilterProjectEnvs(client, { idOrName: this.settings.project, gitBranch: head, ...this.scope }, { signal }),
    );
    return ('envs' in body ? body.envs : [body]) as ListedValue[];
  }

  /**
   * Every value of the project, in one request. The list takes no page parameter (the SDK's request
   * has none) and answers every value with `pagination.next` null; should it ever carry a cursor,
   * there is no documented way to follow it, so the read is said to be incomplete (a warning: the
   * sweep then only leaves values behind, it never removes one it should not).
   */
  private async listAllValues(): Promise<ListedValue[]> {
    // The same request the SDK sends, but its answer is read without the SDK's response schemas:
    // validating a large project's answer (14,000 values) against them takes seconds of CPU, and
    // the sweep reads five fields of each value, each checked where it is used.
    const url = new URL(`${this.settings.apiUrl.replace(/\/+$/, '')}/v10/projects/${encodeURIComponent(this.settings.project)}/env`);
    for (const [name, value] of Object.entries(this.scope)) url.searchParams.set(name, value);
    const body = await this.call('list variables', {}, async (_sdk, signal): Promise<Result<{ envs?: unknown; pagination?: { next?: unknown } }>> => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${this.settings.token}`, accept: 'application/json', 'user-agent': 'neon-preview-action' }, signal });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      if (!response.ok) return { ok: false, error: new HttpStatusError(response.status, response.headers, parsed) };
      if (!parsed || typeof parsed !== 'object') return { ok: false, error: new Error('Vercel: list variables returned no JSON object') };
      return { ok: true, value: parsed as { envs?: unknown; pagination?: { next?: unknown } } };
    });
    if (!Array.isArray(body.envs)) return [body as ListedValue];
    const envs = body.envs.filter((e): e is ListedValue => !!e && typeof e === 'object' && typeof (e as ListedValue).key === 'string');
    const next = body.pagination?.next;
    if (next !== undefined && next !== null) {
      core.warning(`Vercel: the variable list of project ${this.settings.project} says more follow (pagination.next ${String(next)}) but takes no page parameter; only the first ${envs.length} value(s) were looked at`);
    }
    return envs;
  }

  /** Every value in one request; `upsert` updates a value of the same key and branch in place. */
  private async upsert(head: string, marker: string, variables: PublishedVariable[]): Promise<void> {
    const requestBody = variables.map((v) => ({
      key: v.name,
      value: v.value,
      type: v.secret ? ('sensitive' as const) : ('encrypted' as const),
      target: ['preview' as const],
      gitBranch: head,
      comment: marker,
    }));
    const body = await this.call('publish variables', {}, ({ client, api }, signal) =>
      api.projectsCreateProjectEnv(client, { idOrName: this.settings.project, upsert: 'true', ...this.scope, requestBody }, { signal }),
    );
    if (body.failed.length > 0) {
      const reasons = body.failed.map(({ error }) => `${error.key ?? error.envVarKey ?? '(unnamed)'}: ${error.message}${error.code ? ` (${error.code})` : ''}`);
      throw new Error(`Vercel: publish variables failed: ${reasons.join('; ')}`);
    }
  }

  /**
   * Removes values by id, in batches. A 404 means some were already gone (a concurrent run): the
   * rest is looked up again and removed.
   */
  private async removeValues(values: { id?: string }[], head: string, marker: string): Promise<void> {
    const ids = values.flatMap((v) => (v.id ? [v.id] : []));
    for (let start = 0; start < ids.length; start += BATCH_LIMIT) {
      const batch = ids.slice(start, start + BATCH_LIMIT);
      const removed = await this.batchRemove(batch);
      if (removed) continue;
      const wanted = new Set(batch);
      const left = (await this.listBranchValues(head)).flatMap((e) => (this.isOwned(e, head, marker) && wanted.has(e.id) ? [e.id] : []));
      if (left.length > 0) await this.batchRemove(left);
    }
  }

  /** True when removed, false on 404 (one or more ids unknown). */
  private async batchRemove(ids: string[]): Promise<boolean> {
    const body = await this.call('remove variables', { acceptStatus: [404] }, ({ client, api }, signal) =>
      api.projectsBatchRemoveProjectEnv(client, { idOrName: this.settings.project, ...this.scope, requestBody: { ids } }, { signal }),
    );
    return body !== undefined;
  }

  /** The newest preview deployment built from the head branch, if any. */
  private async findLatestPreview(head: string): Promise<Deployment | undefined> {
    const body = await this.call('find the preview deployment', {}, ({ client, api }, signal) =>
      api.deploymentsGetDeployments(client, { projectId: this.settings.project, branch: head, target: 'preview', limit: DEPLOYMENT_LOOKUP_LIMIT, ...this.scope }, { signal }),
    );
    const previews = body.deployments.filter((d) => !d.target && d.meta?.githubCommitRef === head && d.readyState !== 'DELETED');
    previews.sort((a, b) => b.createdAt - a.createdAt);
    return previews[0];
  }

  /** A new preview deployment from the given one (no `target`: it stays a preview). */
  private async redeploy(from: Deployment): Promise<{ url?: string; inspectorUrl?: string }> {
    // Loaded only here: its request and response schemas alone take longer to build than the rest
    // of the Vercel client, and only runs with `vercel_redeploy` need them.
    const { deploymentsCreateDeployment } = await import('@vercel/sdk/funcs/deploymentsCreateDeployment.js');
    const body = await this.call('redeploy the preview', { idempotent: false }, ({ client }, signal) =>
      deploymentsCreateDeployment(
        client,
        { ...this.scope, skipAutoDetectionConfirmation: '1', requestBody: { name: from.name, deploymentId: from.uid, project: this.settings.project, withLatestCommit: true } },
        { signal },
      ),
    );
    if (!('url' in body)) return {};
    return { url: `https://${body.url}`, inspectorUrl: body.inspectorUrl ?? undefined };
  }

  /**
   * The dashboard page of the project's variables: from a deployment's inspector URL
   * (`https://vercel.com/<scope>/<project>/<id>`), else from the team slug and project name.
   */
  private settingsPageUrl(inspectorUrl?: string): string | undefined {
    if (inspectorUrl) {
      try {
        const url = new URL(inspectorUrl);
        const [scope, project] = url.pathname.split('/').filter(Boolean);
        if (scope && project) return `${url.origin}/${scope}/${project}/settings/environment-variables`;
      } catch {
        // fall through to what the inputs tell
      }
    }
    const { team, project } = this.settings;
    if (team && !team.startsWith('team_') && !project.startsWith('prj_')) return `https://vercel.com/${encodeURIComponent(team)}/${encodeURIComponent(project)}/settings/environment-variables`;
    return undefined;
  }

  /** One call under the session's policy, the SDK's Result unwrapped so failures throw into it. */
  private async call<T>(operation: string, options: Partial<CallOptions>, send: (sdk: { client: VercelCore; api: typeof import('./sdk.js') }, signal: AbortSignal) => Promise<Result<T>>): Promise<T> {
    this.sdk ??= import('./sdk.js').then((api) => ({ api, client: new api.VercelCore({ bearerToken: this.settings.token, serverURL: this.settings.apiUrl, retryConfig: { strategy: 'none' } }) }));
    const sdk = await this.sdk;
    try {
      return await this.session.call({ platform: 'Vercel', operation, retryIf: isEnvUpdateConflict, ...options }, async (signal) => {
        const result = await send(sdk, signal);
        if (!result.ok) throw result.error;
        return result.value;
      });
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** Adds what to check to an access failure (never the token). */
  private explain(error: unknown): unknown {
    if (!(error instanceof ApiError)) return error;
    const { project, team } = this.settings;
    const teamPart = team ? ` in team ${team}` : '';
    let hint: string | undefined;
    if (error.status === 401) hint = 'Check vercel_token: Vercel did not accept it (revoked, expired or mistyped; create one under Account Settings → Tokens)';
    if (error.status === 403) hint = `Check that vercel_token can access project ${project}${teamPart}${team ? ' (the token must be scoped to that team)' : ' (and set vercel_team if it is a team project)'}`;
    if (error.status === 404) hint = `Check vercel_project (${project})${team ? ` and vercel_team (${team})` : ': the token sees no such personal project; set vercel_team if it belongs to a team'}`;
    return hint ? new ApiError(error.platform, error.operation, error.failure, error.attempts, error.outcomeUnknown, hint) : error;
  }
}

function headOf(pr: PullRequestRef): string {
  if (!pr.headRef) throw new Error("Vercel: the PR's head branch is unknown, and Vercel scopes values by branch; set `head_ref`");
  return pr.headRef;
}

export function createVercelTarget(settings: CommonSettings, session: ApiSession): Target {
  if (!settings.vercel) throw new Error('Vercel: the vercel_* inputs were not read (targets has no vercel)');
  return new VercelTarget(settings.vercel, session);
}
