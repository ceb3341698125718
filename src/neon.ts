// Neon: find or create the PR's branch, wait for its operations, fetch its connection URLs,
// delete it. Every call goes through the run's ApiSession (the one retry policy).
import * as core from '@actions/core';
import { createApiClient, type Api, type Branch, type Database, type Operation } from '@neondatabase/api-client';
import { ApiError, type ApiSession } from './http/retry.js';
import type { NeonSettings } from './inputs.js';
import type { PullRequestRef } from './targets/target.js';
import type { ConnectionDetails } from './variables.js';

export const MANAGED_BY = 'neon-preview';
const CONSOLE = 'https://console.neon.tech';
/** Branches per page when searching by name. */
const PAGE_SIZE = 100;
/** Branches per page when listing all of them for the sweep (Neon's maximum). */
const FULL_PAGE_SIZE = 10_000;

export type NeonApi = Api<unknown>;

export function createNeonApi(apiKey: string, baseURL: string, userAgent: string): NeonApi {
  // No client-side timeout: each attempt's time limit comes from the session's AbortSignal.
  return createApiClient({ apiKey, baseURL, headers: { 'User-Agent': userAgent } });
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

export interface FoundBranch {
  branch: Branch;
  annotations: Record<string, string>;
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

const TERMINAL_OK = new Set(['finished', 'skipped', 'cancelled']);

export class NeonClient {
  constructor(
    private readonly api: NeonApi,
    private readonly session: ApiSession,
    private readonly projectId: string,
  ) {}

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

  /** Every branch neon-preview manages for `repository` (all pages). */
  async listManagedBranches(repository: string): Promise<FoundBranch[]> {
    return this.searchBranches(undefined, () => true).then((all) => all.filter((f) => f.annotations['managed-by'] === MANAGED_BY && f.annotations['github-repo'] === repository));
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
   */
  async ensureBranch(settings: NeonSettings, pr: PullRequestRef): Promise<{ branch: PreviewBranch; databases?: Database[] }> {
    const [existing, parentId] = await Promise.all([
      this.findBranchByName(settings.branchName),
      settings.parentBranch ? this.resolveParentId(settings.parentBranch) : Promise.resolve(undefined),
    ]);
    let found = existing;
    for (let attempt = 1; ; attempt++) {
      if (found) return { branch: await this.reuse(found, settings, pr) };
      try {
        return await this.create(settings, pr, parentId);
      } catch (error) {
        const conflict = error instanceof ApiError && error.status === 409;
        const unknown = error instanceof ApiError && error.outcomeUnknown;
        if ((!conflict && !unknown) || attempt >= 5) throw error;
        core.info(conflict ? `Branch ${settings.branchName} was created by a concurrent run; reusing it` : `Creating branch ${settings.branchName} may or may not have worked (${error.message}); looking it up again`);
        found = await this.findBranchByName(settings.branchName);
        if (!found && conflict) throw error;
      }
    }
  }

  private async create(settings: NeonSettings, pr: PullRequestRef, parentId: string | undefined): Promise<{ branch: PreviewBranch; databases?: Database[] }> {
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
    await this.waitForOperations(data.operations);
    return { branch: toPreview(data.branch, annotations, true), databases: data.databases };
  }

  private async reuse(found: FoundBranch, settings: NeonSettings, pr: PullRequestRef): Promise<PreviewBranch> {
    const { branch, annotations } = found;
    if (annotations['managed-by'] !== MANAGED_BY) {
      throw new Error(`Neon branch ${branch.name} (${branch.id}) exists but was not created by neon-preview (no managed-by=${MANAGED_BY} annotation); it is left alone. Choose another \`branch_name\` or remove that branch.`);
    }
    if (annotations['github-repo'] && annotations['github-repo'] !== pr.repository) {
      throw new Error(`Neon branch ${branch.name} belongs to ${annotations['github-repo']}, not ${pr.repository}; set \`branch_name\` to a template unique to this repository (e.g. ${pr.repository.split('/')[1]}/pr-{pr}).`);
    }
    core.info(`Reusing Neon branch ${branch.name} (${branch.id})`);
    if (branch.current_state !== 'ready') await this.waitForBranchReady(branch.id);
    const wantExpiry = settings.expiresInSeconds > 0 ? expiryFromNow(settings.expiresInSeconds) : null;
    const [expiresAt] = await Promise.all([
      wantExpiry === null && !branch.expires_at ? Promise.resolve(undefined) : this.setExpiry(branch.id, wantExpiry),
      this.ensureReadWriteEndpoint(branch.id, settings),
    ]);
    return toPreview({ ...branch, expires_at: expiresAt ?? undefined }, annotations, false);
  }

  /** Waits for a branch that a concurrent run is still creating. */
  private async waitForBranchReady(branchId: string): Promise<void> {
    const started = Date.now();
    for (;;) {
      await this.session.sleep(Math.min(2000, Math.max(100, (Date.now() - started) * 0.2)), `Neon branch ${branchId} to be ready`);
      const { data } = await this.session.call({ platform: 'Neon', operation: 'get branch' }, (signal) => this.api.getProjectBranch(this.projectId, branchId, { signal }));
      if (data.branch.current_state === 'ready') return;
    }
  }

  /** Renews (or removes, with null) the expiry; returns the new expiry. */
  private async setExpiry(branchId: string, expiresAt: string | null): Promise<string | undefined> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'renew branch expiry' }, (signal) =>
      this.api.updateProjectBranch(this.projectId, branchId, { branch: { expires_at: expiresAt } as never }, { signal }),
    );
    await this.waitForOperations(data.operations);
    return data.branch.expires_at ?? undefined;
  }

  private async ensureReadWriteEndpoint(branchId: string, settings: NeonSettings): Promise<void> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'list branch computes' }, (signal) =>
      this.api.listProjectBranchEndpoints(this.projectId, branchId, { signal }),
    );
    if (data.endpoints.some((e) => e.type === 'read_write')) return;
    core.info(`Branch ${branchId} has no read-write compute; adding one`);
    const endpoint: Record<string, unknown> = { branch_id: branchId, type: 'read_write' };
    if (settings.suspendTimeoutSeconds !== 0) endpoint.suspend_timeout_seconds = settings.suspendTimeoutSeconds;
    try {
      const { data: created } = await this.session.call({ platform: 'Neon', operation: 'add read-write compute', idempotent: false }, (signal) =>
        this.api.createProjectEndpoint(this.projectId, { endpoint: endpoint as never }, { signal }),
      );
      await this.waitForOperations(created.operations);
    } catch (error) {
      // A concurrent run may have added it first; only a compute that is still missing is a failure.
      const again = await this.session.call({ platform: 'Neon', operation: 'list branch computes' }, (signal) =>
        this.api.listProjectBranchEndpoints(this.projectId, branchId, { signal }),
      );
      if (!again.data.endpoints.some((e) => e.type === 'read_write')) throw error;
    }
  }

  /**
   * Polls the operations until each ends. `finished`, `skipped` and `cancelled` end them; `failed`
   * does not (Neon retries it); `error` is a failure. Operations of one request run one after
   * another, so only the last unfinished one is polled until it ends, then the others are checked.
   * The pace grows with the time already waited (a quarter of it, 250 ms to 2 s), so polling adds
   * only a fraction of the operation's own duration.
   */
  async waitForOperations(operations: Operation[] | undefined): Promise<void> {
    let pending = (operations ?? []).filter((op) => !TERMINAL_OK.has(op.status));
    const started = Date.now();
    while (pending.length > 0) {
      const last = pending[pending.length - 1]!;
      await this.session.sleep(Math.min(2000, Math.max(250, (Date.now() - started) / 4)), `Neon operations (${pending.map((op) => op.action).join(', ')})`);
      const latest = await this.getOperation(last);
      if (latest.status === 'error') throw operationError(latest);
      if (!TERMINAL_OK.has(latest.status)) continue;
      const earlier = await Promise.all(pending.slice(0, -1).map((op) => this.getOperation(op)));
      const broken = earlier.find((op) => op.status === 'error');
      if (broken) throw operationError(broken);
      pending = earlier.filter((op) => !TERMINAL_OK.has(op.status));
    }
  }

  private async getOperation(op: Operation): Promise<Operation> {
    const { data } = await this.session.call({ platform: 'Neon', operation: `check operation ${op.action}` }, (signal) =>
      this.api.getProjectOperation(this.projectId, op.id, { signal }),
    );
    return data.operation;
  }

  /** The database and role for the URLs: the inputs, else the branch's only database and its owner. */
  async resolveDatabase(branchId: string, wanted: { database?: string; role?: string }, known?: Database[]): Promise<{ database: string; role: string }> {
    if (wanted.database && wanted.role) return { database: wanted.database, role: wanted.role };
    const databases =
      known ??
      (
        await this.session.call({ platform: 'Neon', operation: 'list databases' }, (signal) =>
          this.api.listProjectBranchDatabases(this.projectId, branchId, { signal }),
        )
      ).data.databases;
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
      const { data } = await this.session.call({ platform: 'Neon', operation: `get ${pooled ? 'pooled' : 'direct'} connection URL` }, (signal) =>
        this.api.getConnectionUri({ projectId: this.projectId, branch_id: branch.id, database_name: database, role_name: role, pooled }, { signal }),
      );
      return data.uri;
    };
    const [directUrl, pooledUrl] = await Promise.all([fetchUri(false), fetchUri(true)]);
    core.setSecret(directUrl);
    core.setSecret(pooledUrl);
    const direct = new URL(directUrl);
    const pooled = new URL(pooledUrl);
    const password = decodeURIComponent(direct.password);
    // Masked before anything can print them: the password raw and as it appears in URLs.
    for (const secret of new Set([password, direct.password, encodeURIComponent(password)])) if (secret) core.setSecret(secret);
    return { branchId: branch.id, branchName: branch.name, database, role, password, directUrl, pooledUrl, directHost: direct.hostname, pooledHost: pooled.hostname };
  }

  /**
   * Deletes the branch when neon-preview manages it for this repository. Returns what happened;
   * a branch that is already gone counts as deleted.
   */
  async deleteBranch(name: string, pr: PullRequestRef): Promise<{ outcome: 'deleted' | 'absent' | 'kept'; branch?: PreviewBranch; reason?: string }> {
    const found = await this.findBranchByName(name);
    if (!found) return { outcome: 'absent' };
    const branch = toPreview(found.branch, found.annotations, false);
    if (found.annotations['managed-by'] !== MANAGED_BY) {
      return { outcome: 'kept', branch, reason: `Neon branch ${name} (${branch.id}) has no managed-by=${MANAGED_BY} annotation, so neon-preview did not create it; it was left alone.` };
    }
    if (found.annotations['github-repo'] && found.annotations['github-repo'] !== pr.repository) {
      return { outcome: 'kept', branch, reason: `Neon branch ${name} belongs to ${found.annotations['github-repo']}, not ${pr.repository}; it was left alone.` };
    }
    return { outcome: await this.deleteById(branch.id), branch };
  }

  /** Deletes a branch by id and waits for the deletion; 204 and 404 mean it was already gone. */
  async deleteById(branchId: string): Promise<'deleted' | 'absent'> {
    const response = await this.session.call({ platform: 'Neon', operation: 'delete branch', acceptStatus: [404] }, (signal) =>
      this.api.deleteProjectBranch({ projectId: this.projectId, branchId }, { signal }),
    );
    const operations = response && typeof response.data === 'object' && response.data ? response.data.operations : undefined;
    await this.waitForOperations(operations);
    return response && response.status === 200 ? 'deleted' : 'absent';
  }
}

function operationError(op: Operation): Error {
  return new Error(`Neon: operation ${op.action} (${op.id}) on branch ${op.branch_id ?? '?'} ended in error${op.error ? `: ${op.error}` : ''}`);
}

function toPreview(branch: Branch, annotations: Record<string, string>, created: boolean): PreviewBranch {
  return { id: branch.id, name: branch.name, parentId: branch.parent_id, expiresAt: branch.expires_at ?? undefined, annotations, created };
}
