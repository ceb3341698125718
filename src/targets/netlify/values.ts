// A pull request's values are the `branch` values for its head branch, in keys other pull requests
// and the site share: written one by one, never with PUT, and a key deleted only once a fresh read
// shows it empty, so no one else's value is ever lost.
import { createOrAdopt } from '../../http/create-or-adopt.js';
import type { PublishedVariable } from '../../variables.js';
import type { BranchRef } from '../target.js';
import type { EnvVar, EnvVarValue, NetlifyApi, NewEnvVar } from './api.js';

/** Netlify refuses the post-processing scope for secrets. */
const SECRET_SCOPES = ['builds', 'functions', 'runtime'];
/** Netlify documents no status for a create refused because the key exists. */
const KEY_MAY_EXIST = new Set([400, 409, 422]);

function isOwnValue(value: EnvVarValue, head: string): boolean {
  return value.context === 'branch' && value.context_parameter === head;
}

export function ownValues(envVar: EnvVar, head: string): EnvVarValue[] {
  return (envVar.values ?? []).filter((v) => isOwnValue(v, head));
}

/** Sets the branch's value of one key: PATCH on an existing key, create when it is missing. */
export async function writeValue(api: NetlifyApi, account: string, variable: PublishedVariable, head: string, keyListed: boolean): Promise<void> {
  const value = { context: 'branch' as const, context_parameter: head, value: variable.value };
  const patch = async () => ((await api.setValue(account, variable.name, value)) ? true : undefined);
  // A listed key may be gone since (its last other value removed): then it is created.
  if (keyListed && (await patch())) return;
  const envVar: NewEnvVar = { key: variable.name, values: [value], ...(variable.secret ? { is_secret: true, scopes: SECRET_SCOPES } : {}) };
  await createOrAdopt({
    create: async () => {
      await api.createVariable(account, envVar);
      return true;
    },
    adopt: patch,
    exists: (error) => error.status !== undefined && KEY_MAY_EXIST.has(error.status),
  });
}

export type Removal = 'values-deleted' | 'key-deleted' | 'absent';

/** Deletes the branch's values of one key by id; the key too when a fresh read shows nothing else came in meanwhile. */
export async function removeOwnValues(api: NetlifyApi, account: string, listed: EnvVar, head: string): Promise<Removal> {
  const deleted = await Promise.all(ownValues(listed, head).flatMap((value) => (value.id ? [api.deleteValue(account, listed.key, value)] : [])));
  let keyDeleted = false;
  if ((listed.values ?? []).every((v) => isOwnValue(v, head))) {
    const fresh = await api.getVariable(account, listed.key);
    if (fresh && (fresh.values ?? []).length === 0) keyDeleted = await api.deleteVariable(account, listed.key);
  }
  if (!deleted.some(Boolean)) return 'absent';
  return keyDeleted ? 'key-deleted' : 'values-deleted';
}

/**
 * The branch's values of keys that left the mapping: `dropped` when every one provably came from
 * this pull request's Neon branch, `kept` (by key) when the action cannot tell who set them.
 */
export function leftTheMapping(existing: EnvVar[], variables: PublishedVariable[], branch: BranchRef, head: string): { dropped: EnvVar[]; kept: string[] } {
  const wanted = new Set(variables.map((v) => v.name));
  const marks = neonBranchMarks(variables, branch);
  const dropped: EnvVar[] = [];
  const kept: string[] = [];
  for (const envVar of existing) {
    if (wanted.has(envVar.key)) continue;
    const mine = ownValues(envVar, head);
    if (mine.length === 0) continue;
    if (mine.every((v) => carriesMark(v, marks))) dropped.push(envVar);
    else kept.push(envVar.key);
  }
  return { dropped, kept };
}

/** What only values made from this Neon branch contain: its id and its computes' hosts, pooled and direct. */
function neonBranchMarks(variables: PublishedVariable[], branch: BranchRef): string[] {
  const marks = new Set<string>();
  if (branch.id) marks.add(branch.id.toLowerCase());
  for (const variable of variables) {
    const [label, ...rest] = hostOf(variable.value)?.split('.') ?? [];
    const base = (label ?? '').replace(/-pooler$/, '');
    if (!base || rest.length === 0) continue;
    marks.add([base, ...rest].join('.'));
    marks.add([`${base}-pooler`, ...rest].join('.'));
  }
  return [...marks];
}

/** The host of a postgres URL, or the value itself when it is a host name. */
function hostOf(value: string): string | undefined {
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      return new URL(value).hostname.toLowerCase() || undefined;
    } catch {
      return undefined;
    }
  }
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value) ? value.toLowerCase() : undefined;
}

function carriesMark(value: EnvVarValue, marks: string[]): boolean {
  const text = value.value?.toLowerCase();
  return !!text && marks.some((mark) => text.includes(mark));
}
