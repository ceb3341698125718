// create: the PR's branch (found or made), its URLs, published to every target.
//
// What waits for what (everything else runs at once):
// - the targets start their reads at once and write when the URLs are there;
// - the URLs are fetched as soon as the branch exists, while Neon's operations still run (the
//   URLs do not change when they end);
// - the run is done when the values are published and the operations have ended.
import { started } from '../concurrency.js';
import type { Settings } from '../inputs.js';
import type { Phases } from '../phases.js';
import { consoleUrl, type EnsuredBranch, type NeonClient, type PreviewBranch } from '../neon.js';
import type { BranchRef, Target, TargetReport } from '../targets/target.js';
import { resolveVariables, type ConnectionDetails } from '../variables.js';
import { onEveryTarget } from './targets.js';

export interface CreateResult {
  branch: PreviewBranch;
  connection: ConnectionDetails;
  targets: TargetReport[];
  /** Settles when the branch's operations have ended (rejects when one ended in error). */
  ready: Promise<void>;
}

export async function createPreview(
  settings: Settings,
  neon: NeonClient,
  targets: Target[],
  phases: Phases,
  /** Called as soon as the URLs are known, so outputs exist even if a target fails. */
  onConnection: (branch: PreviewBranch, connection: ConnectionDetails) => void,
): Promise<CreateResult> {
  const ensured = started(neon.ensureBranch(settings.neon, settings.pr));
  // The phase lasts until the branch is ready; the URLs and the targets need only the branch.
  const branchPhase = started(
    phases.run(`Neon branch ${settings.neon.branchName}`, async () => {
      const { ready } = await ensured;
      await ready;
    }),
  );
  const connecting = started(
    ensured.then(({ branch, databases }: EnsuredBranch) =>
      phases.run('Connection URLs', async () => {
        const { database, role } = await neon.resolveDatabase(branch.id, settings.neon, databases);
        return neon.connectionDetails(branch, database, role);
      }),
    ),
  );
  const variables = started(connecting.then((connection) => resolveVariables(settings.variables, connection)));
  const branchRef = started(ensured.then(({ branch }): BranchRef => ({ id: branch.id, name: branch.name, consoleUrl: consoleUrl(settings.neon.projectId, branch.id) })));
  const ready = started(branchPhase);
  const publishing =
    targets.length === 0
      ? Promise.resolve<TargetReport[]>([])
      : started(phases.run(`Publish to ${targets.map((t) => t.label).join(', ')}`, () => onEveryTarget(targets, (t) => t.publish(settings.pr, variables, branchRef, ready))));

  // Neon's errors first: the targets only wait for them.
  const { branch } = await ensured;
  const connection = await connecting;
  onConnection(branch, connection);
  let reports: TargetReport[];
  try {
    reports = await publishing;
  } catch (error) {
    // When the branch itself failed, that is the error to report.
    await ready;
    throw error;
  }
  return { branch, connection, targets: reports, ready };
}
