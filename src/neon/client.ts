// Neon: find or create the PR's branch, wait for its operations, fetch its connection URLs,
// delete it. Every call goes through the run's ApiSession (the one retry policy).
import * as core from '@actions/core';
import { createApiClient, type Api, type Branch, type Database, type Endpoint, type Operation } from '@neondatabase/api-client';
import { createOrAdopt } from '../http/create-or-adopt.js';
import { ApiError, type ApiSession } from '../http/retry.js';
import type { NeonSettings } from '../inputs.js';
import { registerConnectionUrl } from '../secrets.js';
import { NeonOperations } from './operations.js';
import type { PullRequestRef } from '../targets/target.js';
import type { ConnectionDetails } from '../variables.js';

export const MANAGED_BY = 'neon-preview';
const CONSOLE = 'https://console.neon.tech';
/** Branches per page when searching by name. */
const PAGE_SIZE = 100;
/** Branches per page when listing all of them for the sweep (Neon's maximum). */
const FULL_PAGE_SIZE = 10_000;

export type NeonApi = Api<unknown>;

export function createNeonApi(apiKey: string, baseURL: string, userAgent: string): NeonApi {
  // No client-side timeout: each attempt's time limit comes from the session's AbortSignal. The
  // fetch adapter, not axios's http one: that one's helpers (follow-redirects, the proxy agent)
  // print request headers, the API key among them, when DEBUG is set.
  return createApiClient({ apiKey, baseURL, headers: { 'User-Agent': userAgent }, adapter: 'fetch' });
}

/** The PR's branch as the action reports it. */
export interface PreviewBranch {
  id: string;
  name: string;
  parentId?: string;
  /** RFC 3339, or undefined when the branch does not expire. */
  expiresAt?: string;
  annotations: Record<string, string>;
  /** True when this run created it. */
  created: boolean;
}

/** The PR's branch as `ensureBranch` gives it. */
export interface EnsuredBranch {
  branch: PreviewBranch;
  /** The branch's databases, when the answer that made it listed them. */
  databases?: Database[];
  /** The branch's computes: its URLs must point at one of them. */
  endpoints: Endpoint[];
  /** Settles when the branch's operations have ended; rejects when one ended in error. */
  ready: Promise<void>;
}

export interface FoundBranch {
  branch: Branch;
  annotations: Record<string, string>;
}

/** The pull request a managed branch belongs to, from its `github-pr` annotation. */
export function owningPullRequest(found: FoundBranch): number | undefined {
  const pr = Number(found.annotations['github-pr']);
  return Number.isSafeInteger(pr) && pr > 0 ? pr : undefined;
}

export function consoleUrl(projectId: string, branchId: string): string {
  return `${CONSOLE}/app/projects/${projectId}/branches/${branchId}`;
}

export function ownershipAnnotations(pr: PullRequestRef): Record<string, string> {
  const annotations: Record<string, string> = { 'managed-by': MANAGED_BY, 'github-repo': pr.repository, 'github-pr': String(pr.number) };
  if (pr.headRef) annotations['github-head-ref'] = pr.headRef;
  return annotations;
}

/** RFC 3339 with seconds precision, `seconds` from now. */
export function expiryFromNow(seconds: number, now = Date.now()): string {
  return new Date(now + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class NeonClient {
  /** Waiting on Neon, at one pace. */
  readonly operations: NeonOperations;

  constructor(
    private readonly api: NeonApi,
    private readonly session: ApiSession,
    private readonly projectId: string,
  ) {
    this.operations = new NeonOperations(api, session, projectId);
  }

  /** The branch whose name is exactly `name` (Neon's search matches substrings of names and ids). */
  async findBranchByName(name: string): Promise<FoundBranch | undefined> {
    const found = await this.searchBranches(name, (b) => b.name === name);
    return found[0];
  }

  /** The parent given as a name or an id, resolved to an id. */
  async resolveParentId(nameOrId: string): Promise<string> {
    const found = await this.searchBranches(nameOrId, (b) => b.id === nameOrId || b.name === nameOrId);
    const match = found.find((f) => f.branch.id === nameOrId) ?? found[0];
    if (!match) throw new Error(`Input \`parent_branch\`: no branch named or with id "${nameOrId}" in Neon project ${this.projectId}`);
    return match.branch.id;
  }

  /** Every branch of the project with its annotations (all pages). */
  listBranches(): Promise<FoundBranch[]> {
    return this.searchBranches(undefined, () => true);
  }

  /** Every branch neon-preview manages for `repository` (all pages). */
  async listManagedBranches(repository: string): Promise<FoundBranch[]> {
    return (await this.listBranches()).filter((f) => isManagedFor(f, repository));
  }

  /** The project's default branch's id (a root branch's passwords come from it). */
  async defaultBranchId(): Promise<string> {
    const found = (await this.listBranches()).find((f) => f.branch.default);
    if (!found) throw new Error(`Neon: project ${this.projectId} lists no default branch`);
    return found.branch.id;
  }

  private async searchBranches(search: string | undefined, keep: (branch: Branch) => boolean): Promise<FoundBranch[]> {
    const results: FoundBranch[] = [];
    let cursor: string | undefined;
    const limit = search === undefined ? FULL_PAGE_SIZE : PAGE_SIZE;
    for (let page = 0; page < 1000; page++) {
      const { data } = await this.session.call({ platform: 'Neon', operation: 'list branches' }, (signal) =>
        this.api.listProjectBranches({ projectId: this.projectId, ...(search === undefined ? {} : { search }), limit, cursor }, { signal }),
      );
      const annotations = (data.annotations ?? {}) as Record<string, { value?: Record<string, string> }>;
      for (const branch of data.branches) {
        if (keep(branch)) results.push({ branch, annotations: annotations[branch.id]?.value ?? {} });
      }
      cursor = data.pagination?.next;
      if (!cursor || data.branches.length === 0) return results;
    }
    return results;
  }

  /**
   * Gets the PR's branch, creating it when missing; renews the expiry and makes sure it has a
   * read-write compute when it exists. Safe against a concurrent run doing the same: a 409 or a
   * create whose outcome is unknown is followed by a new lookup, never a blind retry.
   *
   * Resolves as soon as the branch is known; `ready` settles when its operations have ended (a new
   * branch's creation; a reused branch is ready when this resolves). The branch's connection URLs
   * exist from the moment it is created, so they can be fetched (and published) meanwhile.
   * `ready` never rejects unhandled: a caller that does not wait for it loses nothing.
   */
  async ensureBranch(settings: NeonSettings, pr: PullRequestRef, lookup?: Promise<FoundBranch | undefined>): Promise<EnsuredBranch> {
    const [existing, parentId] = await Promise.all([
      lookup ?? this.findBranchByName(settings.branchName),
      settings.parentBranch ? this.resolveParentId(settings.parentBranch) : Promise.resolve(undefined),
    ]);
    if (existing) return { ...(await this.reuse(existing, settings, pr)), ready: Promise.resolve() };
    // A 409 (a concurrent run made it) or a lost answer: the branch is looked up, never made twice.
    return createOrAdopt({
      create: () => this.create(settings, pr, parentId),
      adopt: async () => {
        const found = await this.findBranchByName(settings.branchName);
        if (!found) return undefined;
        core.info(`Branch ${settings.branchName} exists (made by a concurrent run, or by this run's create whose answer was lost); reusing it`);
        return { ...(await this.reuse(found, settings, pr)), ready: Promise.resolve() };
      },
      exists: (error) => error.status === 409,
    });
  }

  private async create(settings: NeonSettings, pr: PullRequestRef, parentId: string | undefined): Promise<EnsuredBranch> {
    const expiresAt = settings.expiresInSeconds > 0 ? expiryFromNow(settings.expiresInSeconds) : undefined;
    const endpoint: { type: 'read_write'; suspend_timeout_seconds?: number } = { type: 'read_write' };
    if (settings.suspendTimeoutSeconds !== 0) endpoint.suspend_timeout_seconds = settings.suspendTimeoutSeconds;
    const annotations = ownershipAnnotations(pr);
    const { data } = await this.session.call({ platform: 'Neon', operation: 'create branch', idempotent: false }, (signal) =>
      this.api.createProjectBranch(
        this.projectId,
        {
          branch: {
            name: settings.branchName,
            ...(parentId ? { parent_id: parentId } : {}),
            ...(settings.branchType === 'schema-only' ? { init_source: 'schema-only' } : {}),
            ...(expiresAt ? { expires_at: expiresAt } : {}),
          },
          endpoints: [endpoint as never],
          annotation_value: annotations,
        },
        { signal },
      ),
    );
    core.info(`Created Neon branch ${data.branch.name} (${data.branch.id})`);
    const ready = this.operations.waitFor(data.operations);
    ready.catch(() => {});
    return { branch: toPreview(data.branch, annotations, true), databases: data.databases, endpoints: data.endpoints, ready };
  }

  private async reuse(found: FoundBranch, settings: NeonSettings, pr: PullRequestRef): Promise<{ branch: PreviewBranch; databases?: Database[]; endpoints: Endpoint[] }> {
    const { branch, annotations } = found;
    const refusal = ownershipProblem(found, pr);
    if (refusal) throw new Error(`${refusal} Choose another \`branch_name\`${refusal.includes('pull request #') ? ' (with {pr} in it)' : ''} or remove that branch.`);
    core.info(`Reusing Neon branch ${branch.name} (${branch.id})`);
    // A concurrent run may still be creating it.
    if (branch.current_state !== 'ready') await this.operations.until(() => `Neon branch ${branch.name} to be ready`, async () => (await this.getBranch(branch.id)).current_state === 'ready');
    const wantExpiry = settings.expiresInSeconds > 0 ? expiryFromNow(settings.expiresInSeconds) : null;
    // The databases (for the URLs, unless `database` and `role` name them) are listed meanwhile.
    const [expiresAt, endpoints, databases] = await Promise.all([
      wantExpiry === null && !branch.expires_at ? Promise.resolve(undefined) : this.setExpiry(branch.id, wantExpiry),
      this.ensureReadWriteEndpoint(branch.id, settings),
      settings.database && settings.role ? Promise.resolve(undefined) : this.listDatabases(branch.id),
    ]);
    return { branch: toPreview({ ...branch, expires_at: expiresAt ?? undefined }, annotations, false), endpoints, ...(databases ? { databases } : {}) };
  }

  private async getBranch(branchId: string): Promise<Branch> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'get branch' }, (signal) => this.api.getProjectBranch(this.projectId, branchId, { signal }));
    return data.branch;
  }

  /** Renews (or removes, with null) the expiry; returns the new expiry. */
  private async setExpiry(branchId: string, expiresAt: string | null): Promise<string | undefined> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'renew branch expiry' }, (signal) =>
      this.api.updateProjectBranch(this.projectId, branchId, { branch: { expires_at: expiresAt } as never }, { signal }),
    );
    await this.operations.waitFor(data.operations);
    return data.branch.expires_at ?? undefined;
  }

  /** The branch's computes, a read-write one added when it has none. */
  private async ensureReadWriteEndpoint(branchId: string, settings: NeonSettings): Promise<Endpoint[]> {
    const endpoints = await this.branchEndpoints(branchId);
    if (endpoints.some((e) => e.type === 'read_write')) return endpoints;
    core.info(`Branch ${branchId} has no read-write compute; adding one`);
    const endpoint: Record<string, unknown> = { branch_id: branchId, type: 'read_write' };
    if (settings.suspendTimeoutSeconds !== 0) endpoint.suspend_timeout_seconds = settings.suspendTimeoutSeconds;
    try {
      const { data: created } = await this.session.call({ platform: 'Neon', operation: 'add read-write compute', idempotent: false }, (signal) =>
        this.api.createProjectEndpoint(this.projectId, { endpoint: endpoint as never }, { signal }),
      );
      await this.operations.waitFor(created.operations);
      return [...endpoints, created.endpoint];
    } catch (error) {
      // A concurrent run may have added it first; only a compute that is still missing is a failure.
      const again = await this.branchEndpoints(branchId);
      if (!again.some((e) => e.type === 'read_write')) throw error;
      return again;
    }
  }

  async branchEndpoints(branchId: string): Promise<Endpoint[]> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'list branch computes' }, (signal) => this.api.listProjectBranchEndpoints(this.projectId, branchId, { signal }));
    return data.endpoints;
  }

  /** The branch an endpoint belongs to (a URL's host names its endpoint), when Neon knows it. */
  async endpointOwner(endpointId: string): Promise<{ id: string; name: string } | undefined> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'list computes' }, (signal) => this.api.listProjectEndpoints(this.projectId, { signal }));
    const endpoint = data.endpoints.find((e) => e.id === endpointId);
    if (!endpoint) return undefined;
    const branch = await this.session.call({ platform: 'Neon', operation: 'get branch', acceptStatus: [404] }, (signal) => this.api.getProjectBranch(this.projectId, endpoint.branch_id, { signal }));
    return { id: endpoint.branch_id, name: branch?.data.branch.name ?? endpoint.branch_id };
  }

  /**
   * The role's password on a branch; undefined when the branch has no such role. Rejects with a
   * 412 ApiError when the project does not store passwords.
   */
  async revealPassword(branchId: string, role: string): Promise<string | undefined> {
    const response = await this.session.call({ platform: 'Neon', operation: `read the password of role ${role}`, acceptStatus: [404] }, (signal) =>
      this.api.getProjectBranchRolePassword(this.projectId, branchId, role, { signal }),
    );
    return response?.data.password;
  }

  /**
   * Gives the role on this branch a new password; its operations are the caller's to wait for.
   * `busy` when Neon refuses it because an operation runs on the branch (423): another run's reset,
   * perhaps, which the caller looks at before trying again.
   */
  async resetPassword(branchId: string, role: string): Promise<Operation[] | 'busy'> {
    const response = await this.session.call({ platform: 'Neon', operation: `reset the password of role ${role}`, idempotent: false, acceptStatus: [423] }, (signal) =>
      this.api.resetProjectBranchRolePassword(this.projectId, branchId, role, { signal }),
    );
    if (!response) return 'busy';
    core.info(`Reset the password of role ${role} on branch ${branchId}`);
    return response.data.operations;
  }

  private async listDatabases(branchId: string): Promise<Database[]> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'list databases' }, (signal) => this.api.listProjectBranchDatabases(this.projectId, branchId, { signal }));
    return data.databases;
  }

  /** The database and role for the URLs: the inputs, else the branch's only database and its owner. */
  async resolveDatabase(branchId: string, wanted: { database?: string; role?: string }, known?: Database[]): Promise<{ database: string; role: string }> {
    if (wanted.database && wanted.role) return { database: wanted.database, role: wanted.role };
    const databases = known ?? (await this.listDatabases(branchId));
    const names = databases.map((d) => d.name).join(', ') || 'none';
    let database: Database | undefined;
    if (wanted.database) {
      database = databases.find((d) => d.name === wanted.database);
      if (!database) throw new Error(`Input \`database\`: the branch has no database "${wanted.database}"; it has: ${names}`);
    } else if (databases.length === 1) {
      database = databases[0];
    } else {
      throw new Error(`Input \`database\`: the branch has ${databases.length === 0 ? 'no database' : `several databases (${names})`}; set \`database\` to the one to publish`);
    }
    return { database: database!.name, role: wanted.role ?? database!.owner_name };
  }

  /** Direct and pooled URLs from Neon, always for this branch (never the default branch's). */
  async connectionDetails(branch: PreviewBranch, database: string, role: string): Promise<ConnectionDetails> {
    const fetchUri = async (pooled: boolean) => {
      try {
        const { data } = await this.session.call({ platform: 'Neon', operation: `get ${pooled ? 'pooled' : 'direct'} connection URL` }, (signal) =>
          this.api.getConnectionUri({ projectId: this.projectId, branch_id: branch.id, database_name: database, role_name: role, pooled }, { signal }),
        );
        return data.uri;
      } catch (error) {
        // Neon's 404 here names the missing role or database; say which inputs choose them.
        if (error instanceof ApiError && error.status === 404) {
          throw new ApiError(error.platform, error.operation, error.failure, error.attempts, error.outcomeUnknown, `check the inputs \`role\` ("${role}") and \`database\` ("${database}"): the branch must have both`);
        }
        throw error;
      }
    };
    const [directUrl, pooledUrl] = await Promise.all([fetchUri(false), fetchUri(true)]);
    // Masked before anything can print them, in every form.
    registerConnectionUrl(directUrl);
    registerConnectionUrl(pooledUrl);
    const direct = new URL(directUrl);
    const pooled = new URL(pooledUrl);
    const password = decodeURIComponent(direct.password);
    return { branchId: branch.id, branchName: branch.name, database, role, password, directUrl, pooledUrl, directHost: direct.hostname, pooledHost: pooled.hostname };
  }

  /**
   * Deletes the branch when neon-preview manages it for this repository. Returns what happened;
   * a branch that is already gone counts as deleted.
   */
  async deleteBranch(name: string, pr: PullRequestRef, lookup?: Promise<FoundBranch | undefined>): Promise<{ outcome: 'deleted' | 'absent' | 'kept'; branch?: PreviewBranch; reason?: string }> {
    // The lookup may have been started earlier (delete looks the branch up while targets are cleaned).
    const found = await (lookup ?? this.findBranchByName(name));
    if (!found) return { outcome: 'absent' };
    const branch = toPreview(found.branch, found.annotations, false);
    const refusal = ownershipProblem(found, pr);
    if (refusal) return { outcome: 'kept', branch, reason: `${refusal} It was left alone.` };
    return { outcome: await this.deleteById(branch.id), branch };
  }

  /** Deletes a branch by id and waits for the deletion; 204 and 404 mean it was already gone. */
  async deleteById(branchId: string): Promise<'deleted' | 'absent'> {
    const { outcome, operations } = await this.startDelete(branchId);
    await this.operations.waitFor(operations);
    return outcome;
  }

  /** Sends the deletion of a branch; its operations are the caller's to wait for (`settleOperations`). */
  async startDelete(branchId: string): Promise<{ outcome: 'deleted' | 'absent'; operations: Operation[] }> {
    const response = await this.session.call({ platform: 'Neon', operation: 'delete branch', acceptStatus: [404] }, (signal) =>
      this.api.deleteProjectBranch({ projectId: this.projectId, branchId }, { signal }),
    );
    const operations = response && typeof response.data === 'object' && response.data ? (response.data.operations ?? []) : [];
    return { outcome: response && response.status === 200 ? 'deleted' : 'absent', operations };
  }
}

/** Whether a branch was made by neon-preview for this repository's pull requests. */
export function isManagedFor(found: FoundBranch, repository: string): boolean {
  return found.annotations['managed-by'] === MANAGED_BY && found.annotations['github-repo'] === repository;
}

/**
 * Why the branch is not this pull request's to reuse or delete (its annotations name no
 * neon-preview, another repository or another pull request), or undefined when it is.
 */
export function ownershipProblem(found: FoundBranch, pr: PullRequestRef): string | undefined {
  const { branch, annotations } = found;
  if (annotations['managed-by'] !== MANAGED_BY) return `Neon branch ${branch.name} (${branch.id}) was not created by neon-preview: it has no managed-by=${MANAGED_BY} annotation.`;
  if (annotations['github-repo'] && annotations['github-repo'] !== pr.repository) return `Neon branch ${branch.name} belongs to ${annotations['github-repo']}, not ${pr.repository}.`;
  const owner = owningPullRequest(found);
  if (annotations['github-pr'] !== undefined && owner !== pr.number) return `Neon branch ${branch.name} belongs to pull request #${annotations['github-pr']}, not #${pr.number} (its github-pr annotation).`;
  return undefined;
}

function toPreview(branch: Branch, annotations: Record<string, string>, created: boolean): PreviewBranch {
  return { id: branch.id, name: branch.name, parentId: branch.parent_id, expiresAt: branch.expires_at ?? undefined, annotations, created };
}
