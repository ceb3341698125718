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
// still equal, and Neon refuses it (423) while another reset's operations run; a refused run
// compares again instead of resetting twice.
import * as core from '@actions/core';
import type { Endpoint } from '@neondatabase/api-client';
import { ApiError } from '../http/retry.js';
import type { NeonClient } from './client.js';
import type { PreviewBranch } from './preview.js';
import type { ConnectionDetails } from '../variables.js';

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
}

/** The connection details to publish, and whether their password is the preview's own. */
export async function ownCredentials(neon: NeonClient, plan: CredentialPlan): Promise<{ connection: ConnectionDetails; password: PasswordState }> {
  const { branch, database, role } = plan;
  const fetchUrls = () => neon.connectionDetails(branch, database, role);
  // The URLs exist from the moment the branch does; the parent's password is read meanwhile.
  const [first, parent] = await Promise.all([fetchUrls(), plan.sourceId.then((id) => parentPassword(neon, id, role))]);
  if (parent === 'unknown') return { connection: first, password: 'unknown' };
  if (parent === undefined || first.password !== parent) return { connection: first, password: 'own' };
  if (plan.mode === 'inherit') return { connection: first, password: 'inherited' };

  await plan.ready;
  const sourceId = await plan.sourceId;
  let outcome: { connection: ConnectionDetails; password: PasswordState } | undefined;
  const attempt = async (): Promise<boolean> => {
    // Compared again right before the reset: another run may have rotated it since.
    const [mine, theirs] = await Promise.all([neon.revealPassword(branch.id, role), neon.revealPassword(sourceId, role)]);
    if (mine !== theirs) {
      outcome = { connection: mine === first.password ? first : await fetchUrls(), password: 'own' };
      return true;
    }
    const operations = await neon.resetPassword(branch.id, role);
    if (operations === 'busy') {
      core.info(`Neon: branch ${branch.name} is busy (another run may be resetting the same password); comparing again`);
      return false;
    }
    // The new password works once these have ended; until then the old one does.
    await neon.operations.waitFor(operations);
    outcome = { connection: await fetchUrls(), password: 'rotated' };
    return true;
  };
  if (!(await attempt())) await neon.operations.until(() => `branch ${branch.name} to be idle`, attempt);
  return outcome!;
}

/** The source's password of the role; undefined when the source has no such role; `unknown` when Neon stores none. */
async function parentPassword(neon: NeonClient, sourceId: string, role: string): Promise<string | undefined | 'unknown'> {
  try {
    return await neon.revealPassword(sourceId, role);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 412) throw error;
    core.warning(`Neon does not store the passwords of this project, so neon-preview cannot tell whether the preview's password differs from its parent's (${error.message}). Check the role's password on the preview branch in the Neon console.`);
    return 'unknown';
  }
}

/** The endpoint a connection URL's host names: its first label, less `-pooler` on a pooled host. */
export function endpointIdOf(url: string, pooled: boolean): string | undefined {
  const label = new URL(url).hostname.split('.')[0] ?? '';
  if (!pooled) return label || undefined;
  return label.endsWith('-pooler') ? label.slice(0, -'-pooler'.length) : undefined;
}

/**
 * Fails closed: both URLs must name a compute of the preview branch itself (a URL of another
 * branch, usually the default one, would run the pull request's migrations on production).
 * Throws naming the branch the URL belongs to; nothing has been published then.
 */
export async function checkUrlsBelongTo(neon: NeonClient, branch: PreviewBranch, endpoints: Endpoint[], connection: ConnectionDetails): Promise<void> {
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
