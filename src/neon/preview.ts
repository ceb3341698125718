// The pull request's branch: found or made, its name never taken from another pull request, its
// expiry renewed, optionally reset to its parent's current state on every push; and deleted on
// close. The requests themselves are NeonClient's.
import * as core from '@actions/core';
import { info } from '../phases.js';
import type { Branch, Database, Endpoint } from '@neondatabase/api-client';
import { createOrAdopt } from '../http/create-or-adopt.js';
import { ApiError } from '../http/failure.js';
import type { NeonSettings } from '../inputs.js';
import type { PullRequestRef } from '../targets/target.js';
import type { FoundBranch, NeonClient } from './client.js';

export const MANAGED_BY = 'neon-preview';
const CONSOLE = 'https://console.neon.tech';

/** The PR's branch as the action reports it. */
export interface PreviewBranch {
  id: string;
  name: string;
  parentId?: string;
  /** RFC 3339, or undefined when the branch does not expire. */
  expiresAt?: string;
  /** When it was last reset to its parent's state (RFC 3339), if ever. */
  lastResetAt?: string;
  annotations: Record<string, string>;
  /** True when this run created it. */
  created: boolean;
}

/** The PR's branch as `ensurePreviewBranch` gives it. */
export interface EnsuredBranch {
  branch: PreviewBranch;
  /** The branch's databases, when known without another request. */
  databases?: Database[];
  /** The branch's computes: its URLs must point at one of them. */
  endpoints: Endpoint[];
  /** Settles when the branch's operations have ended; rejects when one ended in error. */
  ready: Promise<void>;
}

/** The project's branches as a run looked them up: this PR's by name, and all (for children). */
export interface BranchLookup {
  found?: FoundBranch;
  all: FoundBranch[];
  /** What another (closed) pull request left under this one's names was removed first. */
  tookOver?: boolean;
}

export function consoleUrl(projectId: string, branchId: string): string {
  return `${CONSOLE}/app/projects/${projectId}/branches/${branchId}`;
}

/** The pull request a managed branch belongs to, from its `github-pr` annotation. */
export function owningPullRequest(found: FoundBranch): number | undefined {
  const pr = Number(found.annotations['github-pr']);
  return Number.isSafeInteger(pr) && pr > 0 ? pr : undefined;
}

/** Whether a branch was made by neon-preview for this repository's pull requests. */
export function isManagedFor(found: FoundBranch, repository: string): boolean {
  return found.annotations['managed-by'] === MANAGED_BY && found.annotations['github-repo'] === repository;
}

/**
 * Why the branch is not this pull request's to reuse or delete (its annotations name no
 * neon-preview, another repository or another pull request), or undefined when it is.
 */
function ownershipProblem(found: FoundBranch, pr: PullRequestRef): string | undefined {
  const { branch, annotations } = found;
  if (annotations['managed-by'] !== MANAGED_BY) return `Neon branch ${branch.name} (${branch.id}) was not created by neon-preview: it has no managed-by=${MANAGED_BY} annotation.`;
  if (annotations['github-repo'] && annotations['github-repo'] !== pr.repository) return `Neon branch ${branch.name} belongs to ${annotations['github-repo']}, not ${pr.repository}.`;
  if (annotations['github-pr'] !== undefined && owningPullRequest(found) !== pr.number)
    return `Neon branch ${branch.name} belongs to pull request #${annotations['github-pr']}, not #${pr.number} (its github-pr annotation).`;
  return undefined;
}

function ownershipAnnotations(pr: PullRequestRef): Record<string, string> {
  const annotations: Record<string, string> = { 'managed-by': MANAGED_BY, 'github-repo': pr.repository, 'github-pr': String(pr.number) };
  if (pr.headRef) annotations['github-head-ref'] = pr.headRef;
  // A fork's head branch is named in the fork: never one of this repository's branches.
  if (pr.headRepository) annotations['github-head-repo'] = pr.headRepository;
  return annotations;
}

/** RFC 3339 with seconds precision, `seconds` from now. */
function expiryFromNow(seconds: number, now = Date.now()): string {
  return new Date(now + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toPreview(branch: Branch, annotations: Record<string, string>, created: boolean): PreviewBranch {
  const lastResetAt = (branch as { last_reset_at?: string }).last_reset_at;
  return { id: branch.id, name: branch.name, parentId: branch.parent_id, expiresAt: branch.expires_at ?? undefined, lastResetAt, annotations, created };
}

/**
 * Gets the PR's branch, creating it when missing; when it exists, resets it (`reset_on_push`),
 * renews the expiry and makes sure it has a read-write compute. Safe against a concurrent run
 * doing the same: a 409 or a create whose outcome is unknown is followed by a new lookup, never a
 * blind retry. Resolves as soon as the branch is known; `ready` settles when a new branch's
 * operations have ended (its URLs exist from its creation, so they can be fetched meanwhile).
 */
export async function ensurePreviewBranch(neon: NeonClient, settings: NeonSettings, pr: PullRequestRef, lookup: Promise<BranchLookup>): Promise<EnsuredBranch> {
  const [{ found, all }, parent] = await Promise.all([lookup, settings.parentBranch ? neon.resolveParent(settings.parentBranch) : Promise.resolve(undefined)]);
  if (found) return { ...(await reuse(neon, found, settings, pr, all)), ready: Promise.resolve() };
  if (parent?.branch.expires_at) {
    throw new Error(
      `Input \`parent_branch\`: branch ${parent.branch.name} expires (${parent.branch.expires_at}), and Neon makes no branch from a branch that has an expiry; choose another parent, or remove its expiry in the Neon console`,
    );
  }
  return createOrAdopt({
    create: () => create(neon, settings, pr, parent?.branch.id),
    // A 409 (a concurrent run made it) or a lost answer: the branch is looked up, never made twice.
    // Only a 409 can mean a deleted branch holds the name; after a lost answer nothing live means
    // the create did not land (a deleted branch is then another's, e.g. a closed PR's just removed).
    adopt: async (error) => {
      const again = (await neon.findBranchByName(settings.branchName)) ?? (error.outcomeUnknown ? undefined : await recoverDeleted(neon, settings.branchName, pr));
      if (!again) return undefined;
      info(`Neon branch ${settings.branchName} exists (made by a concurrent run, or by this run's create whose answer was lost); reusing it`);
      return { ...(await reuse(neon, again, settings, pr, all)), ready: Promise.resolve() };
    },
    exists: (error) => error.status === 409,
  });
}

async function create(neon: NeonClient, settings: NeonSettings, pr: PullRequestRef, parentId: string | undefined): Promise<EnsuredBranch> {
  const expiresAt = settings.expiresInSeconds > 0 ? expiryFromNow(settings.expiresInSeconds) : undefined;
  const annotations = ownershipAnnotations(pr);
  try {
    const data = await neon.createBranch({
      name: settings.branchName,
      parentId,
      schemaOnly: settings.branchType === 'schema-only',
      expiresAt,
      suspendTimeoutSeconds: settings.suspendTimeoutSeconds,
      annotations,
    });
    const ready = neon.operations.waitFor(data.operations);
    ready.catch(() => {});
    return { branch: toPreview(data.branch, annotations, true), databases: data.databases, endpoints: data.endpoints, ready };
  } catch (error) {
    throw explainCreateRefusal(error, settings);
  }
}

/** Neon's refusals of a create whose cause the inputs can fix, with what to set. */
function explainCreateRefusal(error: unknown, settings: NeonSettings): unknown {
  if (!(error instanceof ApiError) || error.status === undefined || error.status < 400 || error.status >= 500 || error.status === 409 || error.status === 423 || error.status === 429) return error;
  const message = error.failure.message;
  let hint: string | undefined;
  if (settings.branchType === 'schema-only' && /root branch/i.test(message)) {
    hint =
      'A schema-only branch is a root branch, and Neon allows few per project (Free 3 including the default branch, Launch 5, Scale 10, Business 25): delete root branches you no longer need, or set `branch_type: data`';
  } else if (settings.expiresInSeconds > 0 && /expir|early access/i.test(message)) {
    hint = "Neon refused the branch's expiry (`expires_in`); set `expires_in: 0` to create preview branches without one (the close, or the nightly sweep, still deletes them)";
  }
  return hint ? new ApiError(error.platform, error.operation, error.failure, error.attempts, error.outcomeUnknown, hint) : error;
}

/**
 * A deleted branch of this pull request that still holds the name (Neon keeps a deleted branch
 * recoverable for 7 days; whether its name stays taken is undocumented): recovered, to be reused.
 */
async function recoverDeleted(neon: NeonClient, name: string, pr: PullRequestRef): Promise<FoundBranch | undefined> {
  const deleted = await neon.findDeletedByName(name);
  if (!deleted) return undefined;
  if (ownershipProblem(deleted, pr)) {
    throw new Error(
      `Neon keeps the name ${name} for deleted branch ${deleted.branch.id}, which neon-preview did not make for pull request #${pr.number}, until it can no longer be recovered; delete it for good in the Neon console, or choose another \`branch_name\``,
    );
  }
  info(`Neon branch ${name} was deleted (by an earlier close) and still holds the name; recovering it for pull request #${pr.number}`);
  await neon.operations.waitFor(await neon.recover(deleted.branch.id));
  return (await neon.findBranchByName(name)) ?? undefined;
}

async function reuse(neon: NeonClient, found: FoundBranch, settings: NeonSettings, pr: PullRequestRef, all: FoundBranch[]): Promise<Omit<EnsuredBranch, 'ready'>> {
  let { branch } = found;
  const refusal = ownershipProblem(found, pr);
  if (refusal) throw new Error(`${refusal} Choose another \`branch_name\`${refusal.includes('pull request #') ? ' (with {pr} in it)' : ''} or remove that branch.`);
  // A concurrent run may still be creating (or resetting) it.
  if (branch.current_state !== 'ready')
    await neon.operations.until(
      () => `Neon branch ${branch.name} to be ready`,
      async () => (branch = await neon.getBranch(branch.id)).current_state === 'ready',
    );
  const children = all.filter((b) => b.branch.parent_id === branch.id && b.branch.id !== branch.id);
  if (settings.resetOnPush) branch = await resetToParent(neon, branch, children);
  const wantExpiry = settings.expiresInSeconds > 0 ? expiryFromNow(settings.expiresInSeconds) : null;
  const renew = wantExpiry !== null || Boolean(branch.expires_at);
  if (renew && children.length > 0) {
    core.warning(
      `Neon branch ${branch.name} has child branches (${children.map((c) => c.branch.name).join(', ')}), and Neon sets no expiry on a branch that has children: its expiry was not renewed. The close (or the nightly sweep) still deletes it once the children are gone.`,
    );
  }
  // The databases (for the URLs, unless `database` and `role` name them) are listed meanwhile.
  const [expiresAt, endpoints, databases] = await Promise.all([
    renew && children.length === 0 ? neon.setExpiry(branch.id, wantExpiry) : Promise.resolve(branch.expires_at ?? undefined),
    ensureReadWriteEndpoint(neon, branch.id, settings),
    settings.database && settings.role ? Promise.resolve(undefined) : neon.listDatabases(branch.id),
  ]);
  return { branch: toPreview({ ...branch, expires_at: expiresAt ?? undefined }, found.annotations, false), endpoints, ...(databases ? { databases } : {}) };
}

/**
 * `reset_on_push`: the branch takes its parent's current state (same id, computes and hosts). A
 * root branch (schema-only) has no parent to take it from; a branch with children can be reset
 * only by keeping its old state under another name, which the action never does unasked.
 */
async function resetToParent(neon: NeonClient, branch: Branch, children: FoundBranch[]): Promise<Branch> {
  if (!branch.parent_id) {
    core.notice(`reset_on_push: Neon branch ${branch.name} is a root branch (schema-only branches are), so it has no parent to be reset to; it was not reset`);
    return branch;
  }
  if (children.length > 0) {
    throw new Error(
      `reset_on_push: Neon branch ${branch.name} has child branches (${children.map((c) => c.branch.name).join(', ')}), and Neon resets a branch with children only when its old state is kept as a new branch (preserve_under_name), which neon-preview does not do unasked; delete the children, or set \`reset_on_push: false\``,
    );
  }
  const { branch: reset, operations } = await neon.restore(branch.id, branch.parent_id);
  info(`Resetting Neon branch ${branch.name} to the current state of its parent ${branch.parent_id}`);
  await neon.operations.waitFor(operations);
  return reset;
}

/** The branch's computes, a read-write one added when it has none. */
async function ensureReadWriteEndpoint(neon: NeonClient, branchId: string, settings: NeonSettings): Promise<Endpoint[]> {
  const endpoints = await neon.branchEndpoints(branchId);
  if (endpoints.some((e) => e.type === 'read_write')) return endpoints;
  info(`Branch ${branchId} has no read-write compute; adding one`);
  try {
    const { endpoint, operations } = await neon.addReadWriteEndpoint(branchId, settings.suspendTimeoutSeconds);
    await neon.operations.waitFor(operations);
    return [...endpoints, endpoint];
  } catch (error) {
    // A concurrent run may have added it first; only a compute that is still missing is a failure.
    const again = await neon.branchEndpoints(branchId);
    if (!again.some((e) => e.type === 'read_write')) throw error;
    return again;
  }
}

/** The database and role for the URLs: the inputs, else the branch's only database and its owner. */
export async function resolveDatabase(neon: NeonClient, branchId: string, wanted: { database?: string; role?: string }, known?: Database[]): Promise<{ database: string; role: string }> {
  if (wanted.database && wanted.role) return { database: wanted.database, role: wanted.role };
  const databases = known ?? (await neon.listDatabases(branchId));
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

/**
 * Deletes the branch when neon-preview manages it for this pull request. Returns what happened;
 * a branch that is already gone counts as deleted.
 */
export async function deletePreviewBranch(
  neon: NeonClient,
  pr: PullRequestRef,
  found: FoundBranch | undefined,
): Promise<{ outcome: 'deleted' | 'absent' | 'kept'; branch?: PreviewBranch; reason?: string }> {
  if (!found) return { outcome: 'absent' };
  const branch = toPreview(found.branch, found.annotations, false);
  const refusal = ownershipProblem(found, pr);
  if (refusal) return { outcome: 'kept', branch, reason: `${refusal} It was left alone.` };
  return { outcome: await neon.deleteById(branch.id), branch };
}
