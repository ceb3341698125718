// create: the PR's branch (found or made), its credentials, published to every target.
//
// What waits for what (everything else runs at once):
// - the branch is created or reused once no other pull request's preview holds its names;
// - the targets start their reads at once and write when the URLs are there;
// - the URLs are fetched as soon as the branch exists, while Neon's operations still run (the
//   URLs do not change when they end), unless the preview's password must be rotated first;
// - nothing is published before the URLs are checked to be the preview branch's own;
// - the run is done when the values are published and the operations have ended.
import * as core from '@actions/core';
import { started } from '../concurrency.js';
import { ownCredentials, type PasswordState } from '../neon/credentials.js';
import type { Settings } from '../inputs.js';
import type { Phases } from '../phases.js';
import type { FoundBranch, NeonClient } from '../neon/client.js';
import { consoleUrl, ensurePreviewBranch, resolveDatabase, type BranchLookup, type EnsuredBranch, type PreviewBranch } from '../neon/preview.js';
import { words, type Note } from '../note.js';
import { conflictsOf, sharedThings, type Conflict } from '../ownership.js';
import type { PullRequests } from '../github/pulls.js';
import type { BranchRef, Target, TargetReport } from '../targets/target.js';
import { resolveVariables, type ConnectionDetails } from '../variables.js';
import { deletePreview } from './delete.js';
import { logReport, onEveryTarget } from './targets.js';

const PASSWORD_OUTCOME: Record<PasswordState, string> = {
  rotated: 'a password of its own (set now)',
  own: 'a password of its own',
  inherited: "the parent's password (preview_password: inherit)",
  unknown: "a password Neon cannot compare with the parent's",
};

export interface CreateResult<T = undefined> {
  branch: PreviewBranch;
  connection: ConnectionDetails;
  password: PasswordState;
  targets: TargetReport[];
  /** Why targets the inputs name got nothing. */
  skipped: Note[];
  /** Settles when the branch's operations have ended (rejects when one ended in error). */
  ready: Promise<void>;
  /** What `whenReady` gave (undefined without it), started once the branch was ready, beside the publishing. */
  afterReady: Promise<T | undefined>;
}

export interface CreateContext {
  neon: NeonClient;
  /** The targets, while their clients load (the first Neon requests do not wait for them). */
  targets: Promise<Target[]>;
  /** Pull request states, once the GitHub client has loaded (undefined without a GitHub token: every other PR counts as open). */
  pulls?: Promise<PullRequests>;
  phases: Phases;
}

export interface CreateOptions<T> {
  /** Called as soon as the URLs are known, so outputs exist even if a target fails. */
  onConnection: (branch: PreviewBranch, connection: ConnectionDetails) => void;
  /** Started once the branch is ready, beside the publishing (the schema diff): it never waits for the targets. */
  whenReady?: (branch: PreviewBranch, databases: string[]) => Promise<T>;
}

export async function createPreview<T = undefined>(settings: Settings, { neon, targets, pulls, phases }: CreateContext, { onConnection, whenReady }: CreateOptions<T>): Promise<CreateResult<T>> {
  const { pr } = settings;
  const skipped = settings.skippedTargets.map((s) => words(s.reason));
  for (const s of settings.skippedTargets) core.notice(s.reason);
  // Every target's reads start once it is loaded, beside Neon's; nothing is written before the URLs are checked.
  const loaded = started(targets);
  const prepared = started(loaded.then((all) => all.map((t) => started(t.prepare(pr)))));
  // Who holds which name is known from the settings alone: Neon's next request does not wait for the targets' code.
  const lookup = started(neon.listBranches().then((all) => clearNames(settings, all, { neon, targets, pulls, phases })));
  // The phase lasts until the branch is ready; the URLs and the targets need only the branch.
  let ensured!: Promise<EnsuredBranch>;
  const ready = started(
    phases
      .run(
        `Neon branch ${settings.neon.branchName}`,
        async () => {
          ensured = started(ensurePreviewBranch(neon, settings.neon, pr, lookup));
          const { branch, ready: operations } = await ensured;
          await operations;
          return branch;
        },
        (b) => `${b.created ? 'created' : 'reused'} ${b.id}${b.parentId ? ` from ${b.parentId}` : ''}, ready${b.expiresAt ? `; expires ${b.expiresAt}` : ''}`,
      )
      .then(() => undefined),
  );
  const credentials = started(
    ensured.then(({ branch, databases, endpoints, ready: operations }) =>
      phases.run(
        'Connection URLs',
        async () => {
          const { database, role } = await resolveDatabase(neon, branch.id, settings.neon, databases);
          const sourceId = started(sourceOf(settings, neon, branch));
          return ownCredentials(neon, { branch, sourceId, database, role, mode: settings.neon.previewPassword, ready: operations, endpoints });
        },
        ({ connection, password }) => `role ${connection.role} on database ${connection.database}, ${PASSWORD_OUTCOME[password]}; both URLs name computes of ${branch.id}`,
      ),
    ),
  );
  // `whenReady` goes once the branch is ready and its password reset has ended (the reset restarts
  // the compute); the databases are listed meanwhile when the answer that gave the branch did not.
  const afterReady = started(
    whenReady
      ? Promise.all([ensured.then(async (e) => (e.databases ?? (await neon.listDatabases(e.branch.id))).map((d) => d.name)), ready, credentials]).then(async ([names]) =>
          whenReady((await ensured).branch, names),
        )
      : Promise.resolve(undefined),
  );
  const publishing = started(
    credentials.then(async ({ connection }) => {
      const active = await loaded;
      if (active.length === 0) return [];
      const variables = resolveVariables(settings.variables, connection);
      const [{ branch }, early, { tookOver }] = await Promise.all([ensured, prepared, lookup]);
      // What a closed pull request left was removed after the first reads: read again.
      const reads = tookOver ? active.map((t) => t.prepare(pr)) : early;
      const branchRef: BranchRef = { id: branch.id, name: branch.name, consoleUrl: consoleUrl(settings.neon.projectId, branch.id) };
      return phases.run(
        `Publish to ${active.map((t) => t.label).join(', ')}`,
        () =>
          onEveryTarget(active, async (t, i) => {
            const state = await reads[i]!;
            let report = await t.publish(state, pr, variables, branchRef);
            if (t.afterReady) {
              // What makes a deployment use the values connects to the branch: not before it is ready.
              await ready;
              const added = await t.afterReady(state, pr);
              report = { ...report, links: [...report.links, ...added.links], notes: [...report.notes, ...added.notes] };
            }
            logReport(report, 'set');
            return report;
          }),
        (reports) => reports.map((r) => `${r.label}: ${r.names.length} set`).join(', '),
      );
    }),
  );

  // Neon's errors first: the targets only wait for them.
  const { branch } = await ensured;
  const { connection, password } = await credentials;
  onConnection(branch, connection);
  let reports: TargetReport[];
  try {
    reports = await publishing;
  } catch (error) {
    // When the branch itself failed, that is the error to report.
    await ready;
    throw error;
  }
  return { branch, connection, password, targets: reports, skipped, ready, afterReady };
}

/** The branch the preview's roles came from: its parent, or for a root (schema-only) branch the one it was made from. */
async function sourceOf(settings: Settings, neon: NeonClient, branch: PreviewBranch): Promise<string> {
  if (branch.parentId) return branch.parentId;
  return settings.neon.parentBranch ? (await neon.resolveParent(settings.neon.parentBranch)).branch.id : neon.defaultBranchId();
}

/**
 * This pull request's branch from the project's list, once no other pull request's preview holds
 * one of its names. One held by a pull request that is open (or whose state GitHub would not
 * give) fails the run naming it; one left behind by a closed pull request is removed first, as
 * that pull request's close would have.
 */
async function clearNames(settings: Settings, all: FoundBranch[], context: CreateContext): Promise<BranchLookup> {
  const mine = all.find((f) => f.branch.name === settings.neon.branchName);
  const conflicts = conflictsOf(settings.pr, settings.neon.branchName, all, settings.targets);
  if (conflicts.length === 0) return { found: mine, all };
  const pulls = await context.pulls;
  const states = await Promise.all(
    conflicts.map(async (c) => ({ conflict: c, ...(pulls ? await pulls.state(c.other.number) : { state: 'unknown' as const, reason: 'no `github_token` to ask GitHub' }) })),
  );
  const held = states.find((s) => s.state === 'open' || s.state === 'unknown');
  if (held) throw new Error(heldMessage(settings, held.conflict, held.state, held.reason));
  for (const { conflict } of states) {
    core.warning(
      `Pull request #${conflict.other.number} is closed but left ${sharedThings(conflict)} behind; removing them first, as its close would have, so pull request #${settings.pr.number} can have them.`,
    );
    await context.phases.run(
      `Remove what closed pull request #${conflict.other.number} left`,
      () => deletePreview({ ...settings, pr: conflict.other, neon: { ...settings.neon, branchName: conflict.branch.branch.name } }, context),
      (removed) => `its branch ${removed.outcome}`,
    );
  }
  return { found: conflicts.some((c) => c.sameBranchName) ? undefined : mine, all, tookOver: true };
}

function heldMessage(settings: Settings, conflict: Conflict, state: string, reason?: string): string {
  const { number, headRef } = conflict.other;
  const status = state === 'open' ? 'which is open' : `whose state GitHub would not give (${reason ?? 'unknown'})`;
  const advice =
    conflict.sameBranchName || conflict.targets.some((t) => !t.definition.scopedByBranch)
      ? ' Put {pr} in `branch_name` and `github_environment` so every pull request gets names of its own.'
      : ' Two open pull requests from one branch cannot both have values scoped to it; close one of them.';
  return `Pull request #${settings.pr.number} cannot have ${sharedThings(conflict)}: they belong to pull request #${number} (head branch ${headRef || 'unknown'}), ${status}. Nothing was reused or changed.${advice}`;
}
