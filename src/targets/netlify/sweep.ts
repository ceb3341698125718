// The sweep's side of Netlify: values name no pull request, so what is found is the mapping's keys'
// `branch` values, one entry per branch, and the sweep ties each branch to its pull requests.
import pLimit from 'p-limit';
import { started } from '../../concurrency.js';
import type { ManagedEntry, ManagedGroup } from '../target.js';
import type { EnvVar, EnvVarValue, NetlifyApi } from './api.js';

/** Requests in flight at once for the whole sweep (Netlify has no batch delete). */
export const SWEEP_CONCURRENCY = 16;

/** What `findManaged` listed, for `removeManaged`: the site's account and its variables of the mapping's keys. */
export interface NetlifyListing {
  account: string;
  variables: EnvVar[];
}

/** A branch value with a branch name: one `remove` can address. Other contexts are never the action's. */
function branchOf(value: EnvVarValue): string | undefined {
  return value.context === 'branch' && value.context_parameter ? value.context_parameter : undefined;
}

function onBranchOf(value: EnvVarValue, heads: Set<string>): boolean {
  const head = branchOf(value);
  return head !== undefined && heads.has(head);
}

/** One entry per branch holding a value of the listed keys, e.g. "DATABASE_URL, PGHOST on feature/x". */
export function entriesOf(variables: EnvVar[]): ManagedEntry[] {
  const keysByBranch = new Map<string, Set<string>>();
  for (const envVar of variables) {
    for (const value of envVar.values ?? []) {
      const head = branchOf(value);
      if (head === undefined) continue;
      const keys = keysByBranch.get(head) ?? keysByBranch.set(head, new Set()).get(head)!;
      keys.add(envVar.key);
    }
  }
  return [...keysByBranch].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([head, keys]) => ({ headRef: head, description: `${[...keys].sort().join(', ')} on ${head}` }));
}

/**
 * Deletes each group's branch values by id from the listing (no new read per pull request); a key
 * whose every listed value belonged to swept branches goes too, as `remove` would (once a fresh
 * read shows it empty), with the last group that held a value in it.
 */
export function removeFromListing(api: NetlifyApi, { account, variables }: NetlifyListing, groups: ManagedGroup[]): Promise<void>[] {
  const limit = pLimit(SWEEP_CONCURRENCY);
  const headsOf = (g: ManagedGroup) => new Set(g.entries.flatMap((e) => (e.headRef === undefined ? [] : [e.headRef])));
  const swept = new Set(groups.flatMap((g) => [...headsOf(g)]));
  /** Per group, per key: its values' deletions. */
  const deletions = groups.map((g) => {
    const heads = headsOf(g);
    const byKey = new Map<string, Promise<unknown>>();
    for (const envVar of variables) {
      const mine = (envVar.values ?? []).filter((v) => v.id && onBranchOf(v, heads));
      if (mine.length > 0) byKey.set(envVar.key, started(Promise.all(mine.map((v) => limit(() => api.deleteValue(account, envVar.key, v))))));
    }
    return byKey;
  });
  const cleanups = groups.map(() => [] as Promise<unknown>[]);
  for (const envVar of variables) {
    const values = envVar.values ?? [];
    if (values.length === 0 || !values.every((v) => onBranchOf(v, swept))) continue;
    const holders = deletions.flatMap((byKey, i) => (byKey.has(envVar.key) ? [i] : []));
    const last = holders.at(-1);
    if (last === undefined) continue;
    const emptied = async () => {
      await Promise.all(holders.map((i) => deletions[i]!.get(envVar.key)));
      const fresh = await limit(() => api.getVariable(account, envVar.key));
      if (fresh && (fresh.values ?? []).length === 0) await limit(() => api.deleteVariable(account, envVar.key));
    };
    cleanups[last]!.push(started(emptied()));
  }
  return groups.map((_, i) => started(Promise.all([...deletions[i]!.values(), ...cleanups[i]!]).then(() => undefined)));
}
