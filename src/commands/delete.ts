// delete: the PR's values from every target, then its Neon branch. Anything already gone counts
// as removed; a branch neon-preview does not manage is left alone with a warning.
import * as core from '@actions/core';
import { started } from '../concurrency.js';
import type { Settings } from '../inputs.js';
import type { Phases } from '../phases.js';
import type { NeonClient, PreviewBranch } from '../neon.js';
import type { Target, TargetReport } from '../targets/target.js';
import { onEveryTarget } from './targets.js';

export interface DeleteResult {
  outcome: 'deleted' | 'absent' | 'kept';
  branchName: string;
  branch?: PreviewBranch;
  targets: TargetReport[];
}

export async function deletePreview(
  settings: Settings,
  neon: NeonClient,
  targets: Target[],
  phases: Phases,
  /** Called when the targets are done (successfully), before the branch is deleted. */
  afterTargets?: () => void,
): Promise<DeleteResult> {
  const names = settings.variables.map((v) => v.name);
  // The branch is looked up while the targets are cleaned; it is deleted only after them.
  const lookup = started(neon.findBranchByName(settings.neon.branchName));
  let targetError: unknown;
  let reports: TargetReport[] = [];
  if (targets.length > 0) {
    try {
      reports = await phases.run(`Remove from ${targets.map((t) => t.label).join(', ')}`, () => onEveryTarget(targets, (t) => t.remove(settings.pr, names)));
    } catch (error) {
      // The branch goes anyway: a re-run (or the sweep) removes what a target kept.
      targetError = error;
    }
  }
  if (!targetError) afterTargets?.();
  const deletion = await phases.run(`Delete Neon branch ${settings.neon.branchName}`, () => neon.deleteBranch(settings.neon.branchName, settings.pr, lookup));
  if (deletion.outcome === 'kept' && deletion.reason) core.warning(deletion.reason);
  if (deletion.outcome === 'absent') core.info(`Neon branch ${settings.neon.branchName} does not exist (already deleted).`);
  if (targetError) throw targetError;
  return { outcome: deletion.outcome, branchName: settings.neon.branchName, branch: deletion.branch, targets: reports };
}
