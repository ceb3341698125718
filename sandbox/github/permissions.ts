// Fine-grained permissions of the GitHub stand-in: what each served endpoint requires, how a
// token's permission set is checked against it, and how GitHub says so.
//
// Source of every row: GitHub's own permission data behind "Permissions required for fine-grained
// personal access tokens" (github/docs, src/github-apps/data/fpt-2022-11-28/fine-grained-pat-permissions.json),
// the same lists the REST pages show as "Fine-grained access tokens for …". Paths are relative to
// /repos/{owner}/{repo}. A row with several sets accepts any one of them (GitHub's "additional
// permissions" mark: another permission may be used instead).
//
// | method | path                                                  | accepts                          | docs page (docs.github.com/rest/…)        |
// | ------ | ----------------------------------------------------- | -------------------------------- | ----------------------------------------- |
// | GET    | (the repository)                                      | metadata=read                    | repos/repos#get-a-repository              |
// | GET    | /environments                                         | actions=read                     | deployments/environments#list-environments |
// | GET    | /environments/{environment_name}                      | actions=read                     | deployments/environments#get-an-environment |
// | PUT    | /environments/{environment_name}                      | administration=write             | deployments/environments#create-or-update-an-environment |
// | DELETE | /environments/{environment_name}                      | administration=write             | deployments/environments#delete-an-environment |
// | GET    | /environments/{environment_name}/secrets              | environments=read                | actions/secrets#list-environment-secrets  |
// | GET    | /environments/{environment_name}/secrets/public-key   | environments=read                | actions/secrets#get-an-environment-public-key |
// | GET    | /environments/{environment_name}/secrets/{secret_name}| environments=read                | actions/secrets#get-an-environment-secret |
// | PUT    | /environments/{environment_name}/secrets/{secret_name}| environments=write               | actions/secrets#create-or-update-an-environment-secret |
// | DELETE | /environments/{environment_name}/secrets/{secret_name}| environments=write               | actions/secrets#delete-an-environment-secret |
// | GET    | /environments/{environment_name}/variables            | environments=read                | actions/variables#list-environment-variables |
// | POST   | /environments/{environment_name}/variables            | environments=write               | actions/variables#create-an-environment-variable |
// | GET    | /environments/{environment_name}/variables/{name}     | environments=read                | actions/variables#get-an-environment-variable |
// | PATCH  | /environments/{environment_name}/variables/{name}     | environments=write               | actions/variables#update-an-environment-variable |
// | DELETE | /environments/{environment_name}/variables/{name}     | environments=write               | actions/variables#delete-an-environment-variable |
// | GET    | /deployments                                          | deployments=read                 | deployments/deployments#list-deployments  |
// | POST   | /deployments                                          | deployments=write                | deployments/deployments#create-a-deployment |
// | GET    | /deployments/{deployment_id}                          | deployments=read                 | deployments/deployments#get-a-deployment  |
// | DELETE | /deployments/{deployment_id}                          | deployments=write                | deployments/deployments#delete-a-deployment |
// | GET    | /deployments/{deployment_id}/statuses                 | deployments=read                 | deployments/statuses#list-deployment-statuses |
// | POST   | /deployments/{deployment_id}/statuses                 | deployments=write                | deployments/statuses#create-a-deployment-status |
// | GET    | /issues/{issue_number}/comments                       | issues=read; pull_requests=read  | issues/comments#list-issue-comments       |
// | POST   | /issues/{issue_number}/comments                       | issues=write; pull_requests=write| issues/comments#create-an-issue-comment   |
// | GET    | /issues/comments/{comment_id}                         | issues=read; pull_requests=read  | issues/comments#get-an-issue-comment      |
// | PATCH  | /issues/comments/{comment_id}                         | issues=write; pull_requests=write| issues/comments#update-an-issue-comment   |
// | DELETE | /issues/comments/{comment_id}                         | issues=write; pull_requests=write| issues/comments#delete-an-issue-comment   |
// | GET    | /pulls                                                | pull_requests=read               | pulls/pulls#list-pull-requests            |
// | GET    | /pulls/{pull_number}                                  | pull_requests=read; contents=read| pulls/pulls#get-a-pull-request            |
//
// Environment secrets and variables carry GitHub's "additional permissions" mark too; the data does
// not say which one, so the stand-in accepts Environments alone (what the action's README asks for).

/** The repository permissions a fine-grained token (or a GitHub App installation token) can hold. */
export type RepositoryPermission = 'actions' | 'administration' | 'contents' | 'deployments' | 'environments' | 'issues' | 'metadata' | 'pull_requests';
export type Access = 'read' | 'write';
export type PermissionSet = Partial<Record<RepositoryPermission, Access>>;

/** What an endpoint accepts: any one of these single permissions, at least at that level. */
type Accepts = [RepositoryPermission, Access][];

interface Rule {
  method: string;
  /** Relative to /repos/{owner}/{repo}; `{x}` is one path segment. */
  path: string;
  accepts: Accepts;
  doc: string;
}

const RULES: Rule[] = [
  { method: 'GET', path: '', accepts: [['metadata', 'read']], doc: 'repos/repos#get-a-repository' },
  { method: 'GET', path: '/environments', accepts: [['actions', 'read']], doc: 'deployments/environments#list-environments' },
  { method: 'GET', path: '/environments/{environment_name}', accepts: [['actions', 'read']], doc: 'deployments/environments#get-an-environment' },
  { method: 'PUT', path: '/environments/{environment_name}', accepts: [['administration', 'write']], doc: 'deployments/environments#create-or-update-an-environment' },
  { method: 'DELETE', path: '/environments/{environment_name}', accepts: [['administration', 'write']], doc: 'deployments/environments#delete-an-environment' },
  { method: 'GET', path: '/environments/{environment_name}/secrets', accepts: [['environments', 'read']], doc: 'actions/secrets#list-environment-secrets' },
  { method: 'GET', path: '/environments/{environment_name}/secrets/public-key', accepts: [['environments', 'read']], doc: 'actions/secrets#get-an-environment-public-key' },
  { method: 'GET', path: '/environments/{environment_name}/secrets/{secret_name}', accepts: [['environments', 'read']], doc: 'actions/secrets#get-an-environment-secret' },
  { method: 'PUT', path: '/environments/{environment_name}/secrets/{secret_name}', accepts: [['environments', 'write']], doc: 'actions/secrets#create-or-update-an-environment-secret' },
  { method: 'DELETE', path: '/environments/{environment_name}/secrets/{secret_name}', accepts: [['environments', 'write']], doc: 'actions/secrets#delete-an-environment-secret' },
  { method: 'GET', path: '/environments/{environment_name}/variables', accepts: [['environments', 'read']], doc: 'actions/variables#list-environment-variables' },
  { method: 'POST', path: '/environments/{environment_name}/variables', accepts: [['environments', 'write']], doc: 'actions/variables#create-an-environment-variable' },
  { method: 'GET', path: '/environments/{environment_name}/variables/{name}', accepts: [['environments', 'read']], doc: 'actions/variables#get-an-environment-variable' },
  { method: 'PATCH', path: '/environments/{environment_name}/variables/{name}', accepts: [['environments', 'write']], doc: 'actions/variables#update-an-environment-variable' },
  { method: 'DELETE', path: '/environments/{environment_name}/variables/{name}', accepts: [['environments', 'write']], doc: 'actions/variables#delete-an-environment-variable' },
  { method: 'GET', path: '/deployments', accepts: [['deployments', 'read']], doc: 'deployments/deployments#list-deployments' },
  { method: 'POST', path: '/deployments', accepts: [['deployments', 'write']], doc: 'deployments/deployments#create-a-deployment' },
  { method: 'GET', path: '/deployments/{deployment_id}', accepts: [['deployments', 'read']], doc: 'deployments/deployments#get-a-deployment' },
  { method: 'DELETE', path: '/deployments/{deployment_id}', accepts: [['deployments', 'write']], doc: 'deployments/deployments#delete-a-deployment' },
  { method: 'GET', path: '/deployments/{deployment_id}/statuses', accepts: [['deployments', 'read']], doc: 'deployments/statuses#list-deployment-statuses' },
  { method: 'POST', path: '/deployments/{deployment_id}/statuses', accepts: [['deployments', 'write']], doc: 'deployments/statuses#create-a-deployment-status' },
  {
    method: 'GET',
    path: '/issues/{issue_number}/comments',
    accepts: [
      ['issues', 'read'],
      ['pull_requests', 'read'],
    ],
    doc: 'issues/comments#list-issue-comments',
  },
  {
    method: 'POST',
    path: '/issues/{issue_number}/comments',
    accepts: [
      ['issues', 'write'],
      ['pull_requests', 'write'],
    ],
    doc: 'issues/comments#create-an-issue-comment',
  },
  {
    method: 'GET',
    path: '/issues/comments/{comment_id}',
    accepts: [
      ['issues', 'read'],
      ['pull_requests', 'read'],
    ],
    doc: 'issues/comments#get-an-issue-comment',
  },
  {
    method: 'PATCH',
    path: '/issues/comments/{comment_id}',
    accepts: [
      ['issues', 'write'],
      ['pull_requests', 'write'],
    ],
    doc: 'issues/comments#update-an-issue-comment',
  },
  {
    method: 'DELETE',
    path: '/issues/comments/{comment_id}',
    accepts: [
      ['issues', 'write'],
      ['pull_requests', 'write'],
    ],
    doc: 'issues/comments#delete-an-issue-comment',
  },
  { method: 'GET', path: '/pulls', accepts: [['pull_requests', 'read']], doc: 'pulls/pulls#list-pull-requests' },
  {
    method: 'GET',
    path: '/pulls/{pull_number}',
    accepts: [
      ['pull_requests', 'read'],
      ['contents', 'read'],
    ],
    doc: 'pulls/pulls#get-a-pull-request',
  },
];

export interface Requirement {
  accepts: Accepts;
  /** The endpoint's documentation URL, as GitHub puts it in error bodies. */
  documentationUrl: string;
}

/** The requirement of a served route (its template relative to /repos/{owner}/{repo}). */
export function requirementOf(method: string, path: string): Requirement {
  const rule = RULES.find((r) => r.method === method.toUpperCase() && r.path === path);
  if (!rule) throw new Error(`GitHub stand-in: no permission rule for ${method} ${path || '(repository)'}`);
  return { accepts: rule.accepts, documentationUrl: `https://docs.github.com/rest/${rule.doc}` };
}

/** Whether a permission set meets the requirement (write includes read). */
export function allows(permissions: PermissionSet, requirement: Requirement): boolean {
  return requirement.accepts.some(([name, access]) => {
    const held = permissions[name];
    return held === 'write' || (held === 'read' && access === 'read');
  });
}

/**
 * The `x-accepted-github-permissions` value: each accepted set as `name=level`, sets separated by
 * `; ` (GitHub changelog 2023-08-10, "X-Accepted-GitHub-Permissions header for fine-grained
 * permission actors": `repository_projects=write; organization_projects=admin`).
 */
export function acceptedHeader(requirement: Requirement): string {
  return requirement.accepts.map(([name, access]) => `${name}=${access}`).join('; ');
}

/** Every permission at write: a token that may do everything the stand-in serves. */
export const ALL_WRITE: PermissionSet = {
  actions: 'write',
  administration: 'write',
  contents: 'write',
  deployments: 'write',
  environments: 'write',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'write',
};
