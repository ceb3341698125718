// Secrets: every URL, password (raw and URL-encoded) and token, searched in every run's
// stdout/stderr (except `::add-mask::` lines) and job summary, and in every PR comment. Reported
// by what they are, never by any part of their value.
import { leakedSecrets, type RunResult } from '../../sandbox/action-runner.js';
import type { Soak } from './context.js';

/**
 * Every password the Neon stand-in ever gave a role (also of runs that failed before their
 * outputs), each added to its PR's; and those of the seeded branches (the default branch, staging).
 */
function rolePasswords(soak: Soak): { all: Map<string, string>; seeded: Map<string, string> } {
  const all = new Map<string, string>();
  const seeded = new Map<string, string>();
  for (const branch of soak.platforms.neon.branches({ includeDeleted: true })) {
    const pr = soak.pulls.get(Number(branch.annotations['github-pr']));
    for (const role of branch.roles) {
      if (!role.password) continue;
      const what = `password of role ${role.name} on ${branch.name}`;
      for (const [form, how] of [
        [role.password, ''],
        [encodeURIComponent(role.password), ' (URL-encoded)'],
      ] as const) {
        all.set(form, `${what}${how}`);
        if (soak.seeded.has(branch.id)) seeded.set(form, `${what}${how}`);
        if (pr && !pr.secrets.has(form)) pr.secrets.set(form, `${what}${how}`);
      }
    }
  }
  return { all, seeded };
}

export function searchSecrets(soak: Soak, sweepResults: RunResult[]): void {
  const { report, tokens } = soak;
  const passwords = rolePasswords(soak);
  const all = new Map<string, string>([...tokens, ...passwords.all]);
  for (const pr of soak.pulls.values()) {
    // Its own URLs and passwords, the tokens, and the passwords of the branches previews come from.
    const secrets = new Map([...pr.secrets, ...tokens, ...passwords.seeded]);
    for (const [value, what] of pr.secrets) all.set(value, `${what} of #${pr.number}`);
    for (const result of pr.results) for (const found of leakedSecrets(result, [...secrets.keys()])) report.secrets.push(`#${pr.number} run output or summary: ${secrets.get(found)}`);
    for (const c of soak.platforms.github.comments(pr.number)) for (const [value, what] of secrets) if (c.body.includes(value)) report.secrets.push(`#${pr.number} comment ${c.id}: ${what}`);
  }
  for (const result of sweepResults) for (const found of leakedSecrets(result, [...all.keys()])) report.secrets.push(`sweep output or summary: ${all.get(found)}`);
}
