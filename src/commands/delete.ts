// delete: the PR's values from every target, then its Neon branch. Anything already gone counts
// as removed; a branch neon-preview does not manage, or that another pull request's preview holds,
// is left alone with a warning, and so are values another pull request's preview shares.
import * as core from '@actions/core';
import { started } from '../concurrency.js';
import type { Settings } from '../inputs.js';
import type { Phases } from '../phases.js';
import type { NeonClient } from '../neon/client.js';
import { deletePreviewBranch, type PreviewBranch } from '../neon/preview.js';
import { note } from '../note.js';
import { conflictsOf } from '../ownership.js';
import type { Target, TargetReport } from '../targets/target.js';
import { logReport, onEveryTarget } from './targets.js';

export interface DeleteResult {
  outcome: 'deleted' | 'absent' | 'kept';
  branchName: string;
  branch?: PreviewBranch;
  targets: TargetReport[];
}

export interface DeleteContext {
  neon: NeonClient;
  /** The targets, while their clients load. */
  targets: Promise<Target[]>;
  phases: Phases;
  /** Called when the targets are done (successfully), before the branch is deleted. */
  afterTargets?: () => void;
}

export async function deletePreview(settings: Settings, { neon, targets: loading, phases, afterTargets }: DeleteContext): Promise<DeleteResult> {
  const names = settings.variables.map((v) => v.name);
  const { branchName } = settings.neon;
  // The project's branches tell whose preview holds what; the branch is deleted only after the targets.
  const listing = started(neon.listBranches());
  const lookup = started(listing.then((all) => all.find((f) => f.branch.name === branchName)));
  // Only a target that names values alike for several pull requests, and would not tell them apart
  // by a marker, waits for the list (who else holds its names); the others start at once.
  const guarded = settings.targets.filter((t) => t.definition.collides && !t.definition.removesOnlyMarked);
  const shared = guarded.length === 0 ? Promise.resolve([]) : started(listing.then((all) => conflictsOf(settings.pr, branchName, all, guarded)));
  const targets = await loading;
  let targetError: unknown;
  let reports: TargetReport[] = [];
  if (targets.length > 0) {
    try {
      reports = await phases.run(
        `Remove from ${targets.map((t) => t.label).join(', ')}`,
        () =>
          onEveryTarget(targets, async (t, i) => {
            const configured = settings.targets[i]!;
            const holder = guarded.includes(configured) ? (await shared).find((c) => c.targets.includes(configured)) : undefined;
            let report: TargetReport;
            if (holder) {
              core.warning(`${t.label}: left alone, pull request #${holder.other.number} has its preview under the same names.`);
              report = {
                target: t.name,
                label: t.label,
                names: [],
                links: [],
                notes: [note`Left as they are: pull request #${holder.other.number} (head branch ${holder.other.headRef}) has its preview under the same names.`],
              };
            } else report = await t.remove(settings.pr, names);
            logReport(report, 'removed');
            return report;
          }),
        (done) => done.map((r) => `${r.label}: ${r.names.length} removed`).join(', '),
      );
    } catch (error) {
      // The branch goes anyway: a re-run (or the sweep) removes what a target kept.
      targetError = error;
    }
  }
  if (!targetError) afterTargets?.();
  const deletion = await phases.run(
    `Delete Neon branch ${branchName}`,
    async () => deletePreviewBranch(neon, settings.pr, await lookup),
    (d) => (d.outcome === 'deleted' ? `deleted ${d.branch!.id}` : d.outcome === 'absent' ? 'already deleted: no such branch' : `kept ${d.branch!.id}: not this pull request's`),
  );
  if (deletion.outcome === 'kept' && deletion.reason) core.warning(deletion.reason);
  if (targetError) throw targetError;
  return { outcome: deletion.outcome, branchName, branch: deletion.branch, targets: reports };
}
