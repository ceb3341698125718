// The preview's credentials: a password of its own, and URLs that are provably its own.
//
// Neon gives a child branch its parent's role passwords (unless the parent is protected), so a
// preview made from production would publish production's password. With `preview_password:
// rotate` the role in the URLs gets a new password on the preview branch before anything is
// published. Whether that is still to do is read from Neon itself, every run (annotations cannot
// record it: Neon writes them only when a branch is created): the preview's password is compared
// with its parent's, so a run that died before rotating is made good by the next one, and a
// synchronize publishes the password the create did.
//
// Two runs at once: a reset is sent only right after a comparison that found the two passwords
// still equal, and Neon refuses it (423) while another reset's operations run; a refused run, or
// one whose reset's answer was lost, compares again instead of resetting twice.
import * as core from '@actions/core';
import { info } from '../phases.js';
import type { Endpoint } from '@neondatabase/api-client';
import { ApiError } from '../http/failure.js';
import type { NeonClient } from './client.js';
import type { PreviewBranch } from './preview.js';
import type { ConnectionDetails } from '../variables.js';

/** Resets whose answer was lost before the run gives up (each is followed by a comparison). */
const LOST_RESETS = 3;

/**
 * `rotated`: this run gave the preview its own password; `own`: it had one already (rotated
 * earlier, or a protected parent); `inherited`: it has the parent's (`preview_password: inherit`);
 * `unknown`: Neon keeps no passwords for the project, so they cannot be compared.
 */
export type PasswordState = 'rotated' | 'own' | 'inherited' | 'unknown';

/** For the job summary and the PR comment (never the password). */
export function passwordText(state: PasswordState): string {
  switch (state) {
    case 'rotated':
      return "its own, set by this run: the parent's password does not open the preview, nor the preview's the parent";
    case 'own':
      return "its own: the parent's password does not open the preview, nor the preview's the parent";
    case 'inherited':
      return "the parent's (preview_password: inherit): whoever can read the preview's values can connect to the parent";
    case 'unknown':
      return "not known: Neon does not store this project's passwords, so they cannot be compared";
  }
}

export interface CredentialPlan {
  branch: PreviewBranch;
  /** The branch the preview's roles were copied from. */
  sourceId: Promise<string>;
  database: string;
  role: string;
  mode: 'rotate' | 'inherit';
  /** Settles when the branch's own operations have ended (a reset must wait for them). */
  ready: Promise<void>;
  /** The branch's computes: the URLs must name one of them. */
  endpoints: Endpoint[];
}

/**
 * The connection details to publish, and whether their password is the preview's own; checked to
 * be the preview's own (its computes, not the parent's password) before anything is published.
 */
export async function ownCredentials(neon: NeonClient, plan: CredentialPlan): Promise<{ connection: ConnectionDetails; password: PasswordState }> {
  const { parent, ...own } = await chooseCredentials(neon, plan);
  await checkUrlsBelongTo(neon, plan.branch, plan.endpoints, own.connection);
  // Fail closed: whatever happened meanwhile, a rotated preview never publishes its parent's password.
  if (own.password !== 'inherited' && own.connection.password === parent) {
    throw new Error(`Neon: the preview branch ${plan.branch.name} (${plan.branch.id}) still had its parent's password after the reset. Nothing was published. Run the workflow again.`);
  }
  return own;
}

async function chooseCredentials(neon: NeonClient, plan: CredentialPlan): Promise<{ connection: ConnectionDetails; password: PasswordState; parent?: string }> {
  const { branch, database, role } = plan;
  const fetchUrls = () => neon.connectionDetails(branch, database, role);
  // A branch ready before the comparison (a reused one) can be reset on that comparison; one still
  // being made is compared again right before its reset (another run may rotate it meanwhile).
  const readyBefore = await settledYet(plan.ready);
  // The URLs exist from the moment the branch does; the parent's password is read meanwhile.
  const [first, parent] = await Promise.all([fetchUrls(), plan.sourceId.then((id) => parentPassword(neon, id, role))]);
  if (parent === 'unknown') return { connection: first, password: 'unknown' };
  if (parent === undefined || first.password !== parent) return { connection: first, password: 'own' };
  if (plan.mode === 'inherit') return { connection: first, password: 'inherited' };

  await plan.ready;
  const sourceId = await plan.sourceId;
  let outcome: { connection: ConnectionDetails; password: PasswordState } | undefined;
  let lost = 0;
  const reset = async (): Promise<boolean> => {
    let operations: Awaited<ReturnType<NeonClient['resetPassword']>>;
    try {
      operations = await neon.resetPassword(branch.id, role);
    } catch (error) {
      // It may have landed: compare again rather than reset blindly (a second reset could undo a
      // password another run has published meanwhile).
      if (!(error instanceof ApiError && error.outcomeUnknown) || ++lost > LOST_RESETS) throw error;
      info(`Neon: the answer to the password reset was lost; comparing again`);
      return false;
    }
    if (operations === 'busy') {
      info(`Neon: branch ${branch.name} is busy (another run may be resetting the same password); comparing again`);
      return false;
    }
    // The new password works once these have ended; until then the old one does.
    await neon.operations.waitFor(operations);
    outcome = { connection: await fetchUrls(), password: 'rotated' };
    return true;
  };
  const compareThenReset = async (): Promise<boolean> => {
    const [mine, theirs] = await Promise.all([neon.revealPassword(branch.id, role), neon.revealPassword(sourceId, role)]);
    if (mine === theirs) return reset();
    outcome = { connection: mine === first.password ? first : await fetchUrls(), password: 'own' };
    return true;
  };
  if (!(await (readyBefore ? reset() : compareThenReset()))) await neon.operations.until(() => `branch ${branch.name} to be idle`, compareThenReset);
  return { ...outcome!, parent };
}

/** Whether the promise has settled by now (without waiting for it). */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (
    (await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      Promise.resolve(pending),
    ])) !== pending
  );
}

/** The source's password of the role; undefined when the source has no such role; `unknown` when Neon stores none. */
async function parentPassword(neon: NeonClient, sourceId: string, role: string): Promise<string | undefined | 'unknown'> {
  try {
    return await neon.revealPassword(sourceId, role);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 412) throw error;
    core.warning(
      `Neon does not store the passwords of this project, so neon-preview cannot tell whether the preview's password differs from its parent's (${error.message}). Check the role's password on the preview branch in the Neon console.`,
    );
    return 'unknown';
  }
}

/** The endpoint a connection URL's host names: its first label, less `-pooler` on a pooled host. */
function endpointIdOf(url: string, pooled: boolean): string | undefined {
  const label = new URL(url).hostname.split('.')[0] ?? '';
  if (!pooled) return label || undefined;
  return label.endsWith('-pooler') ? label.slice(0, -'-pooler'.length) : undefined;
}

/**
 * Fails closed: both URLs must name a compute of the preview branch itself (a URL of another
 * branch, usually the default one, would run the pull request's migrations on production).
 * Throws naming the branch the URL belongs to; nothing has been published then.
 */
async function checkUrlsBelongTo(neon: NeonClient, branch: PreviewBranch, endpoints: Endpoint[], connection: ConnectionDetails): Promise<void> {
  const own = new Set(endpoints.map((e) => e.id));
  for (const [url, pooled] of [
    [connection.directUrl, false],
    [connection.pooledUrl, true],
  ] as const) {
    const id = endpointIdOf(url, pooled);
    if (id && own.has(id)) continue;
    const host = new URL(url).hostname;
    const owner = id ? await neon.endpointOwner(id) : undefined;
    const whose = owner ? `branch ${owner.name} (${owner.id})` : 'no compute of this branch';
    throw new Error(
      `Neon: the ${pooled ? 'pooled' : 'direct'} connection URL Neon gave for branch ${branch.name} (${branch.id}) points at ${host}, a compute of ${whose}, not of the preview branch. Nothing was published. Run the workflow again; if it persists, report it to Neon.`,
    );
  }
}
