// Neon's API, one method per request the action makes, each under the run's ApiSession (the one
// retry policy). What the requests are for is preview.ts's and credentials.ts's.
import { info } from '../phases.js';
import { createApiClient, type Api, type Branch, type BranchCreateRequest, type Database, type Endpoint, type Operation } from '@neondatabase/api-client';
import { ApiError } from '../http/failure.js';
import type { ApiSession } from '../http/retry.js';
import { registerConnectionUrl } from '../secrets.js';
import type { ConnectionDetails } from '../variables.js';
import { NeonOperations } from './operations.js';
import { isManagedFor, type PreviewBranch } from './preview.js';

/** Branches per page when searching by name. */
const PAGE_SIZE = 100;
/** Branches per page when listing all of them (Neon's maximum). */
const FULL_PAGE_SIZE = 10_000;

export type NeonApi = Api<unknown>;

export function createNeonApi(apiKey: string, baseURL: string, userAgent: string): NeonApi {
  // No client-side timeout: each attempt's time limit comes from the session's AbortSignal. The
  // fetch adapter, not axios's http one: that one's helpers (follow-redirects, the proxy agent)
  // print request headers, the API key among them, when DEBUG is set.
  return createApiClient({ apiKey, baseURL, headers: { 'User-Agent': userAgent }, adapter: 'fetch' });
}

export interface FoundBranch {
  branch: Branch;
  annotations: Record<string, string>;
}

/** A new branch, as `createBranch` sends it. */
export interface NewBranch {
  name: string;
  parentId?: string;
  schemaOnly: boolean;
  expiresAt?: string;
  /** 0: Neon's default. */
  suspendTimeoutSeconds: number;
  annotations: Record<string, string>;
}

/** Reads of the two URLs before differing passwords fail the run (each difference is a reset landing between them). */
const URL_READ_ROUNDS = 3;

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

  /** The parent given as a name or an id. */
  async resolveParent(nameOrId: string): Promise<FoundBranch> {
    const found = await this.searchBranches(nameOrId, (b) => b.id === nameOrId || b.name === nameOrId);
    const match = found.find((f) => f.branch.id === nameOrId) ?? found[0];
    if (!match) throw new Error(`Input \`parent_branch\`: no branch named or with id "${nameOrId}" in Neon project ${this.projectId}`);
    return match;
  }

  /** A deleted (still recoverable) branch named exactly `name`, when Neon lists deleted ones. */
  async findDeletedByName(name: string): Promise<FoundBranch | undefined> {
    const found = await this.searchBranches(name, (b) => b.name === name && Boolean((b as { recovery?: unknown }).recovery), true);
    return found[0];
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

  private async searchBranches(search: string | undefined, keep: (branch: Branch) => boolean, includeDeleted = false): Promise<FoundBranch[]> {
    const results: FoundBranch[] = [];
    let cursor: string | undefined;
    const limit = search === undefined ? FULL_PAGE_SIZE : PAGE_SIZE;
    for (let page = 0; page < 1000; page++) {
      const { data } = await this.session.call({ platform: 'Neon', operation: 'list branches' }, (signal) =>
        this.api.listProjectBranches({ projectId: this.projectId, ...(search === undefined ? {} : { search }), ...(includeDeleted ? { include_deleted: true } : {}), limit, cursor }, { signal }),
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

  async getBranch(branchId: string): Promise<Branch> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'get branch' }, (signal) => this.api.getProjectBranch(this.projectId, branchId, { signal }));
    return data.branch;
  }

  /** Creates a branch with one read-write compute; not retried blindly (its answer may be lost). */
  async createBranch(init: NewBranch): Promise<{ branch: Branch; endpoints: Endpoint[]; databases?: Database[]; operations: Operation[] }> {
    const endpoint: { type: 'read_write'; suspend_timeout_seconds?: number } = { type: 'read_write' };
    if (init.suspendTimeoutSeconds !== 0) endpoint.suspend_timeout_seconds = init.suspendTimeoutSeconds;
    const branch: BranchCreateRequest['branch'] = {
      name: init.name,
      ...(init.parentId ? { parent_id: init.parentId } : {}),
      ...(init.schemaOnly ? { init_source: 'schema-only' } : {}),
      ...(init.expiresAt ? { expires_at: init.expiresAt } : {}),
    };
    const { data } = await this.session.call({ platform: 'Neon', operation: 'create branch', idempotent: false }, (signal) =>
      this.api.createProjectBranch(this.projectId, { branch, endpoints: [endpoint as never], annotation_value: init.annotations }, { signal }),
    );
    return data;
  }

  /** Renews (or removes, with null) the expiry; returns the new expiry. */
  async setExpiry(branchId: string, expiresAt: string | null): Promise<string | undefined> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'renew branch expiry' }, (signal) =>
      this.api.updateProjectBranch(this.projectId, branchId, { branch: { expires_at: expiresAt } as never }, { signal }),
    );
    await this.operations.waitFor(data.operations);
    return data.branch.expires_at ?? undefined;
  }

  /** Resets the branch to `sourceId`'s current state (its operations are the caller's to wait for). */
  async restore(branchId: string, sourceId: string): Promise<{ branch: Branch; operations: Operation[] }> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'reset branch to its parent', idempotent: false }, (signal) =>
      this.api.restoreProjectBranch(this.projectId, branchId, { source_branch_id: sourceId }, { signal }),
    );
    return { branch: data.branch, operations: data.operations };
  }

  /** Brings a soft-deleted branch back; its operations are the caller's to wait for. */
  async recover(branchId: string): Promise<Operation[]> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'recover deleted branch', idempotent: false }, (signal) =>
      this.api.recoverProjectBranch(this.projectId, branchId, { signal }),
    );
    return (data as { operations?: Operation[] }).operations ?? [];
  }

  async branchEndpoints(branchId: string): Promise<Endpoint[]> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'list branch computes' }, (signal) => this.api.listProjectBranchEndpoints(this.projectId, branchId, { signal }));
    return data.endpoints;
  }

  async addReadWriteEndpoint(branchId: string, suspendTimeoutSeconds: number): Promise<{ endpoint: Endpoint; operations: Operation[] }> {
    const endpoint: Record<string, unknown> = { branch_id: branchId, type: 'read_write' };
    if (suspendTimeoutSeconds !== 0) endpoint.suspend_timeout_seconds = suspendTimeoutSeconds;
    const { data } = await this.session.call({ platform: 'Neon', operation: 'add read-write compute', idempotent: false }, (signal) =>
      this.api.createProjectEndpoint(this.projectId, { endpoint: endpoint as never }, { signal }),
    );
    return data;
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
    info(`Reset the password of role ${role} on branch ${branchId}`);
    return response.data.operations;
  }

  async listDatabases(branchId: string): Promise<Database[]> {
    const { data } = await this.session.call({ platform: 'Neon', operation: 'list databases' }, (signal) => this.api.listProjectBranchDatabases(this.projectId, branchId, { signal }));
    return data.databases;
  }

  /** The schema diff of one database of the branch against another branch (its parent when `baseId` is left out). */
  async compareSchema(branchId: string, database: string, baseId?: string): Promise<string> {
    const { data } = await this.session.call({ platform: 'Neon', operation: `compare the schema of ${database}` }, (signal) =>
      this.api.getProjectBranchSchemaComparison({ projectId: this.projectId, branchId, db_name: database, ...(baseId ? { base_branch_id: baseId } : {}) }, { signal }),
    );
    return data.diff ?? '';
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
        // Neon's 404 here names the missing branch, role or database; say what to do about it.
        if (error instanceof ApiError && error.status === 404) {
          const branchGone = error.failure.message.includes(`branch ${branch.id} not found`);
          throw new ApiError(
            error.platform,
            error.operation,
            error.failure,
            error.attempts,
            error.outcomeUnknown,
            branchGone
              ? `the branch ${branch.name} was deleted while this run used it (by a close of this pull request at the same time?); if the pull request is open, run the workflow again`
              : `check the inputs \`role\` ("${role}") and \`database\` ("${database}"): the branch must have both`,
          );
        }
        throw error;
      }
    };
    // Two reads: a password reset (another run's) can land between them. Read both again until
    // they carry one password, so a URL with the old one is never published.
    for (let round = 1; ; round++) {
      const [directUrl, pooledUrl] = await Promise.all([fetchUri(false), fetchUri(true)]);
      // Masked before anything can print them, in every form.
      registerConnectionUrl(directUrl);
      registerConnectionUrl(pooledUrl);
      const direct = new URL(directUrl);
      const pooled = new URL(pooledUrl);
      const password = decodeURIComponent(direct.password);
      if (decodeURIComponent(pooled.password) === password) {
        return { branchId: branch.id, branchName: branch.name, database, role, password, directUrl, pooledUrl, directHost: direct.hostname, pooledHost: pooled.hostname };
      }
      if (round === URL_READ_ROUNDS)
        throw new Error(
          `Neon: the direct and pooled connection URLs of branch ${branch.name} (${branch.id}) carried different passwords ${round} times in a row (the role's password is being reset meanwhile). Nothing was published. Run the workflow again.`,
        );
      info(`Neon: the password of role ${role} changed while its URLs were read (another run reset it); reading them again`);
    }
  }

  /** Deletes a branch by id and waits for the deletion; 204 and 404 mean it was already gone. */
  async deleteById(branchId: string): Promise<'deleted' | 'absent'> {
    const { outcome, operations } = await this.startDelete(branchId);
    await this.operations.waitFor(operations);
    return outcome;
  }

  /** Sends the deletion of a branch; its operations are the caller's to wait for (`operations.settle`). */
  async startDelete(branchId: string): Promise<{ outcome: 'deleted' | 'absent'; operations: Operation[] }> {
    const response = await this.session.call({ platform: 'Neon', operation: 'delete branch', acceptStatus: [404] }, (signal) =>
      this.api.deleteProjectBranch({ projectId: this.projectId, branchId }, { signal }),
    );
    const operations = response && typeof response.data === 'object' && response.data ? (response.data.operations ?? []) : [];
    return { outcome: response && response.status === 200 ? 'deleted' : 'absent', operations };
  }
}
