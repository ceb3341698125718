// Drift mode of the Vercel stand-in: answers that drift from `@vercel/sdk`'s zod schemas the way
// Vercel's live answers do. The SDK validates every answer and throws `ResponseValidationError` on
// such a drift although the request succeeded: vercel/sdk#104 (an upsert's 201 to
// `createProjectEnv`), #30 (`pagination.prev` as the string `'0'`), #175 (a required nested key
// missing from `getProjects`), #206 (a `security` object of a new shape). Which fields drift next
// is not knowable; the stand-in drifts the ones a client of the variable API meets.

/** Fields the SDK's schemas do not know (it strips them; a client must ignore them too). */
const NEW_FIELDS = { lastEditedByDisplayName: 'preview-user', environmentMetadata: { source: 'api', revision: 2 } };

/**
 * Variables Vercel keeps beside the client's own, of kinds the SDK's enums lack: a `type` outside
 * `encrypted | plain | secret | sensitive | system`, and a `target` naming a custom environment
 * (`staging`, the kind vercel/sdk#143 cannot write). Both are branch-less, so every list shows them.
 */
export function otherVariables(at: number): Record<string, unknown>[] {
  const base = { configurationId: null, createdAt: at, updatedAt: at, createdBy: null, customEnvironmentIds: [], securityIssues: [], decrypted: false, value: '' };
  return [
    { ...base, id: 'drift_managed_type', key: 'INTEGRATION_MANAGED_TOKEN', type: 'managed', target: ['production', 'preview'] },
    { ...base, id: 'drift_custom_target', key: 'STAGING_ONLY_FLAG', type: 'plain', value: 'on', target: ['preview', 'staging'] },
  ].map((env) => ({ ...env, ...NEW_FIELDS }));
}

/** A list answer drifted: new fields on every variable, the other variables, pagination numbers as strings (#30). */
export function driftList(body: { envs: Record<string, unknown>[]; pagination: { count: number; next: number | null; prev: number | null } }, at: number): Record<string, unknown> {
  const envs = [...body.envs.map((env) => ({ ...env, ...NEW_FIELDS })), ...otherVariables(at)];
  const { next } = body.pagination;
  return { envs, pagination: { count: String(envs.length), next: next === null ? null : String(next), prev: '0' } };
}

/**
 * An upsert's 201 drifted as in vercel/sdk#104 (the issue names no field): `failed` left out when
 * nothing failed (the SDK's schema requires the array) and new fields on each created variable.
 */
export function driftCreated(body: { created?: unknown; failed: unknown[] }): Record<string, unknown> {
  const withFields = (value: unknown): unknown => (value && typeof value === 'object' ? { ...(value as Record<string, unknown>), ...NEW_FIELDS } : value);
  const created = Array.isArray(body.created) ? body.created.map(withFields) : withFields(body.created);
  return { ...(body.created !== undefined ? { created } : {}), ...(body.failed.length > 0 ? { failed: body.failed } : {}) };
}

/** Pagination numbers as strings, as the deployments list answered in vercel/sdk#30. */
export function driftPagination(pagination: { count: number; next: number | null; prev: number | null }): Record<string, unknown> {
  return { count: String(pagination.count), next: pagination.next === null ? null : String(pagination.next), prev: '0' };
}

/**
 * A project answer drifted: without `alias`, which the SDK's schema requires (vercel/sdk#206),
 * `security.managedRules` empty (#193), a `framework` the SDK's enum lacks (the enum grows with
 * Vercel's frameworks: vercel/sdk#272 adds members), and new fields. `link` is as Vercel sends it.
 */
export function driftProject(body: Record<string, unknown>): Record<string, unknown> {
  const { alias: _alias, ...rest } = body;
  return { ...rest, ...NEW_FIELDS, framework: 'brand-new-framework', security: { firewallEnabled: false, managedRules: {} } };
}

/**
 * A deployments list drifted: pagination numbers as strings (#30), and on each deployment new
 * fields and a `source` the SDK's enum lacks (an unknown enum value, as 17.1 of the issues says).
 */
export function driftDeployments(body: { deployments: Record<string, unknown>[]; pagination: { count: number; next: number | null; prev: number | null } }): Record<string, unknown> {
  return { deployments: body.deployments.map((d) => ({ ...d, ...NEW_FIELDS, source: 'agent' })), pagination: driftPagination(body.pagination) };
}

/**
 * A redeploy's answer drifted: the new deployment in a state the SDK's enum lacks (the enum has
 * grown before: `BLOCKED`), and new fields. The deployment is created all the same.
 */
export function driftRedeployed(body: Record<string, unknown>): Record<string, unknown> {
  return { ...body, ...NEW_FIELDS, readyState: 'PROVISIONING', status: 'PROVISIONING' };
}
