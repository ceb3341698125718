// create: the PR's branch (found or made), its URLs, published to every target.
import type { Settings } from '../inputs.js';
import type { Phases } from '../phases.js';
import { consoleUrl, type NeonClient, type PreviewBranch } from '../neon.js';
import type { Target, TargetReport } from '../targets/target.js';
import { resolveVariables, type ConnectionDetails } from '../variables.js';
import { onEveryTarget } from './targets.js';

export interface CreateResult {
  branch: PreviewBranch;
  connection: ConnectionDetails;
  targets: TargetReport[];
}

export async function createPreview(
  settings: Settings,
  neon: NeonClient,
  targets: Target[],
  phases: Phases,
  /** Called as soon as the URLs are known, so outputs exist even if a target fails. */
  onConnection: (branch: PreviewBranch, connection: ConnectionDetails) => void,
): Promise<CreateResult> {
  const { branch, databases } = await phases.run(`Neon branch ${settings.neon.branchName}`, () => neon.ensureBranch(settings.neon, settings.pr));
  const connection = await phases.run('Connection URLs', async () => {
    const { database, role } = await neon.resolveDatabase(branch.id, settings.neon, databases);
    return neon.connectionDetails(branch, database, role);
  });
  onConnection(branch, connection);

  const variables = resolveVariables(settings.variables, connection);
  const branchRef = { id: branch.id, name: branch.name, consoleUrl: consoleUrl(settings.neon.projectId, branch.id) };
  const reports = targets.length === 0 ? [] : await phases.run(`Publish to ${targets.map((t) => t.label).join(', ')}`, () => onEveryTarget(targets, (t) => t.publish(settings.pr, variables, branchRef)));
  return { branch, connection, targets: reports };
}
