// A Vercel project's connected Git repository, what `GET /v9/projects/{idOrName}` shows of the
// project, and the rules a branch-scoped (`gitBranch`) variable meets against that repository.
import { createHash } from 'node:crypto';
import type { VercelGitLinkInit } from './types.js';

export interface GitLink {
  org: string;
  repo: string;
  repoId: number;
  productionBranch: string;
  /** The branches that exist; undefined: every branch exists. */
  branches?: string[];
  createdAt: number;
}

/** The link a project gets from `addProject` / `setLink`: by default a GitHub repository named like the project. */
export function toLink(init: VercelGitLinkInit | null | undefined, owner: string, projectName: string, at: number): GitLink | null {
  if (init === null) return null;
  const full = init?.repo ?? `${owner}/${projectName}`;
  const [org, repo] = full.includes('/') ? (full.split('/', 2) as [string, string]) : [owner, full];
  const repoId = Number.parseInt(createHash('sha1').update(`${org}/${repo}`).digest('hex').slice(0, 8), 16);
  return { org, repo, repoId, productionBranch: init?.productionBranch ?? 'main', ...(init?.branches ? { branches: [...init.branches] } : {}), createdAt: at };
}

/**
 * Why Vercel refuses a preview value scoped to `branch`, or undefined when it takes it. "The branch
 * has to actually exist, can't be your production branch" (maintainer, vercel/terraform-provider-vercel#20):
 * - the production branch: `Cannot set Production Branch "main" for a Preview Environment Variable`
 *   (the API's message as the CLI prints it, vercel/vercel#15763);
 * - a branch the repository lacks: `Branch '*' not found in the connected Git repository.`
 *   (vercel/vercel#16111);
 * - a project with no connected repository: undocumented. The stand-in refuses with the
 *   not-found wording (no connected repository has the branch), the reading harder on a client
 *   than accepting a value no deployment would ever read.
 */
export function gitBranchRefusal(link: GitLink | null, branch: string): string | undefined {
  if (link && branch === link.productionBranch) return `Cannot set Production Branch "${branch}" for a Preview Environment Variable`;
  if (!link || (link.branches && !link.branches.includes(branch))) return `Branch '${branch}' not found in the connected Git repository.`;
  return undefined;
}

/** Vercel's answer when a batch created nothing (vercel/terraform-provider-vercel#383: "BAD_REQUEST - No environment variables were created"). */
export const NOTHING_CREATED_MESSAGE = 'No environment variables were created';

/**
 * The project as `GET /v9/projects/{idOrName}` answers it: the fields the SDK's
 * `GetProjectResponseBody` requires, and `link` (a GitHub link: `type`, `org`, `repo`, `repoId`,
 * `productionBranch`, `deployHooks`, `gitCredentialId`) only for a project with a connected repository.
 */
export function projectJson(project: { id: string; name: string; ownerId: string; link: GitLink | null; createdAt: number }): Record<string, unknown> {
  const regions = { functionDefaultRegions: ['iad1'] };
  const link = project.link;
  return {
    id: project.id,
    name: project.name,
    accountId: project.ownerId,
    alias: [],
    createdAt: project.createdAt,
    updatedAt: project.createdAt,
    defaultResourceConfig: regions,
    resourceConfig: regions,
    deploymentExpiration: {},
    directoryListing: false,
    framework: null,
    nodeVersion: '22.x',
    ...(link
      ? {
          link: {
            type: 'github',
            org: link.org,
            repo: link.repo,
            repoId: link.repoId,
            repoOwnerId: link.repoId + 1,
            productionBranch: link.productionBranch,
            deployHooks: [],
            gitCredentialId: `cred_${link.repoId.toString(36)}`,
            sourceless: false,
            createdAt: link.createdAt,
            updatedAt: link.createdAt,
          },
        }
      : {}),
  };
}
