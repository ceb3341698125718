// What each of the target's GitHub requests needs from the token, and the one line a refusal gets.
// Fine-grained permissions (fine-grained tokens, GitHub Apps) are GitHub's own permission data
// (github/docs, src/github-apps/data/fpt-2022-11-28/fine-grained-pat-permissions.json; the
// stand-in's sandbox/github/permissions.ts serves the same rows); classic scopes are the REST
// description's notes (@octokit/openapi). The workflow's GITHUB_TOKEN has no `administration` or
// `environments` key under `permissions:` (docs, "Controlling permissions for GITHUB_TOKEN").
import type { CallFailure } from '../../http/failure.js';

type Access = 'read' | 'write';

interface Need {
  /** Relative to /repos/{owner}/{repo}. */
  method: string;
  path: string;
  /** The fine-grained repository permission, as GitHub names it in `x-accepted-github-permissions`. */
  permission: string;
  access: Access;
  /** What a classic personal access token needs. */
  classic: string;
}

const ENV = '/environments/{environment_name}';

/** Every request the target makes. */
export const REQUESTS = {
  'list environments': { method: 'GET', path: '/environments', permission: 'actions', access: 'read', classic: 'repo' },
  'get environment': { method: 'GET', path: ENV, permission: 'actions', access: 'read', classic: 'repo' },
  'create environment': { method: 'PUT', path: ENV, permission: 'administration', access: 'write', classic: 'repo' },
  'delete environment': { method: 'DELETE', path: ENV, permission: 'administration', access: 'write', classic: 'repo' },
  'get public key': { method: 'GET', path: `${ENV}/secrets/public-key`, permission: 'environments', access: 'read', classic: 'repo' },
  'list secrets': { method: 'GET', path: `${ENV}/secrets`, permission: 'environments', access: 'read', classic: 'repo' },
  'set secret': { method: 'PUT', path: `${ENV}/secrets/{secret_name}`, permission: 'environments', access: 'write', classic: 'repo' },
  'delete secret': { method: 'DELETE', path: `${ENV}/secrets/{secret_name}`, permission: 'environments', access: 'write', classic: 'repo' },
  'list variables': { method: 'GET', path: `${ENV}/variables`, permission: 'environments', access: 'read', classic: 'repo' },
  'create variable': { method: 'POST', path: `${ENV}/variables`, permission: 'environments', access: 'write', classic: 'repo' },
  'update variable': { method: 'PATCH', path: `${ENV}/variables/{name}`, permission: 'environments', access: 'write', classic: 'repo' },
  'delete variable': { method: 'DELETE', path: `${ENV}/variables/{name}`, permission: 'environments', access: 'write', classic: 'repo' },
  'list deployments': { method: 'GET', path: '/deployments', permission: 'deployments', access: 'read', classic: 'repo' },
  'create deployment': { method: 'POST', path: '/deployments', permission: 'deployments', access: 'write', classic: 'repo or repo_deployment' },
  'set deployment status': { method: 'POST', path: '/deployments/{deployment_id}/statuses', permission: 'deployments', access: 'write', classic: 'repo or repo_deployment' },
  'delete deployment': { method: 'DELETE', path: '/deployments/{deployment_id}', permission: 'deployments', access: 'write', classic: 'repo or repo_deployment' },
} as const satisfies Record<string, Need>;

export type RequestName = keyof typeof REQUESTS;

/** What the whole target needs, for a token made for it. */
const TARGET_NEEDS = 'Actions: read, Administration: write, Environments: write and Deployments: write';

/** Permissions the workflow's GITHUB_TOKEN can never be given. */
const NEVER_IN_WORKFLOW_TOKEN = new Set(['administration', 'environments']);

const LABELS: Record<string, string> = { pull_requests: 'Pull requests', repository_projects: 'Projects' };

/** `pull_requests=write` as GitHub's settings page names it: "Pull requests: write". */
function label(name: string, access: string): string {
  const title = LABELS[name] ?? `${name.charAt(0).toUpperCase()}${name.slice(1).replace(/_/g, ' ')}`;
  return `${title}: ${access}`;
}

/**
 * The sets of permissions an `x-accepted-github-permissions` value accepts: sets separated by `;`
 * (any one of them will do), the permissions of one set by `,` (all of them), each `name=level`
 * (GitHub changelog 2023-08-10). Empty when the header is absent or unreadable.
 */
export function acceptedSets(header: string | undefined): [string, string][][] {
  if (!header) return [];
  const sets = header.split(';').map((set) =>
    set
      .split(',')
      .map((part) => part.trim().split('=') as [string, string?])
      .filter((pair): pair is [string, string] => !!pair[0] && !!pair[1] && /^[a-z_]+$/.test(pair[0]) && /^[a-z]+$/.test(pair[1])),
  );
  return sets.every((set) => set.length > 0) ? sets : [];
}

function describeSets(sets: [string, string][][]): string {
  return sets.map((set) => set.map(([name, access]) => label(name, access)).join(' and ')).join(' or ');
}

/**
 * Why a 403 that is no rate limit refused `request`, and what to do, in one sentence each: the
 * permission from GitHub's answer (its header), else from the table; which token can never have it.
 */
export function forbiddenHelp(request: RequestName, failure: CallFailure): string {
  const need = REQUESTS[request];
  const fromHeader = acceptedSets(failure.headers['x-accepted-github-permissions']);
  const sets = fromHeader.length > 0 ? fromHeader : [[[need.permission, need.access] as [string, string]]];
  const missing = describeSets(sets);
  // Every accepted set holds a permission the workflow's token cannot have.
  const never = sets.every((set) => set.some(([name]) => NEVER_IN_WORKFLOW_TOKEN.has(name)));
  const lacks = `The token in \`github_token\` lacks ${missing}, which this request needs${never ? " and which the workflow's GITHUB_TOKEN can never have" : ''}`;
  if (need.permission === 'deployments') {
    const key = `deployments: ${need.access}`;
    return `${lacks}: grant it to the fine-grained token or GitHub App (a classic token needs the ${need.classic} scope; the workflow's GITHUB_TOKEN needs \`${key}\` under \`permissions:\`)`;
  }
  // Said once: the clause above, or here.
  const workflowToken = never ? '' : "; the workflow's GITHUB_TOKEN can never manage environments";
  return (
    `${lacks}. The github target needs a fine-grained personal access token or GitHub App token with ${TARGET_NEEDS} ` +
    `(a classic token needs the repo scope${workflowToken}): store it as a secret and pass it as \`github_token: \${{ secrets.NEON_PREVIEW_GITHUB_TOKEN }}\``
  );
}

/** GitHub's refusal of environments on a private repository of a Free plan. */
export function isPlanRefusal(failure: CallFailure): boolean {
  return failure.status === 403 && /upgrade to github (pro|team|enterprise)|make this repository public/i.test(failure.message);
}

export function planHelp(repository: string): string {
  return `Environments on a private repository need GitHub Pro, Team or Enterprise: make ${repository} public, upgrade its owner's plan, or drop \`github\` from \`targets\``;
}

export const BAD_CREDENTIALS_HELP = 'The token in `github_token` is not valid (expired, revoked or mistyped): create a new one and update the secret that holds it';
