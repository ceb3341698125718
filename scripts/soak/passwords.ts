// Issue 21: a create run never publishes the parent branch's password, not in its outputs and not
// on any target; and an open PR's values hold its branch's current password.
import type { RunResult } from '../../sandbox/action-runner.js';
import type { Soak } from './context.js';
import { parentOf, publishedFor, rolePasswords, type Published } from './state.js';
import type { PullRequest } from './types.js';

/** The published values that hold one of `passwords` (raw or URL-encoded): "where KEY (role)". */
function holding(values: Published[], passwords: Map<string, string>): string[] {
  const hits: string[] = [];
  for (const v of values) {
    for (const [password, role] of passwords) {
      if (v.value.includes(password) || v.value.includes(encodeURIComponent(password))) hits.push(`${v.key} on ${v.where} (role ${role})`);
    }
  }
  return hits;
}

/**
 * After a create run (whatever its exit): its `password`, `db_url` and `db_url_pooled` outputs,
 * and what the targets hold for the PR right then, compared with the parent branch's passwords.
 */
export function checkParentPassword(soak: Soak, pr: PullRequest, result: RunResult, what: string): void {
  const parent = parentOf(soak, pr);
  const passwords = rolePasswords(parent);
  if (passwords.size === 0) return;
  const outputs: Published[] = ['password', 'db_url', 'db_url_pooled'].flatMap((key) => (result.outputs[key] ? [{ where: 'GitHub' as const, key: `output ${key}`, value: result.outputs[key]! }] : []));
  const hits = [...holding(outputs, passwords).map((h) => h.replace(' on GitHub', '')), ...holding(publishedFor(soak, pr), passwords)];
  soak.report.parentPasswords.checked++;
  if (hits.length > 0) soak.report.parentPasswords.runs.push(`${what}: the parent branch ${parent!.name}'s password in ${hits.join(', ')}`);
}

/**
 * At the end, for an open PR: every published PGPASSWORD and URL holds the current password of
 * the role on the PR's own branch (never an earlier one, never another branch's).
 */
export function checkCurrentPassword(soak: Soak, pr: PullRequest, branchRoles: Map<string, string>): string[] {
  const current = new Map([...branchRoles].map(([password, role]) => [role, password]));
  const stale: string[] = [];
  for (const v of publishedFor(soak, pr)) {
    const key = v.key.split('@')[0]!;
    if (key === 'PGPASSWORD' && ![...current.values()].includes(v.value)) stale.push(`#${pr.number}: PGPASSWORD on ${v.where} is not the current password of any role of its branch`);
    if (/^DATABASE_URL/.test(key)) {
      let url: URL;
      try {
        url = new URL(v.value);
      } catch {
        stale.push(`#${pr.number}: ${key} on ${v.where} is not a URL`);
        continue;
      }
      const role = decodeURIComponent(url.username);
      if (current.get(role) !== decodeURIComponent(url.password)) stale.push(`#${pr.number}: ${key} on ${v.where} does not hold the current password of role ${role} on its branch`);
    }
  }
  return stale;
}
