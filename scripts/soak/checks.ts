// The end check, from the stand-ins' own state:
// - leaks: anything on Neon (branches annotated github-pr), Vercel (values marked
//   `neon-preview acme/shop#<n>`), Netlify (branch-context values), GitHub (environments,
//   deployments) that does not belong to a still-open PR (Netlify's by head: an open PR with that
//   head that publishes to Netlify, never a fork);
// - duplicates / missing: every open PR has exactly one branch and exactly one value per key on
//   each of its targets (a fork: its environment only); stale: a value that names another compute
//   than its branch's, or a password that is not its role's current one;
// - comments: more than one sticky comment on a PR; "ready" on a PR whose close was delivered;
// - requests, faults and the requests a stand-in refused as outside the platform's API description.
import { COMMENT_MARKER, VERCEL_PROJECT, type Soak } from './context.js';
import { checkCurrentPassword } from './passwords.js';
import { branchesOf, environmentValues, publishedFor, rolePasswords } from './state.js';
import type { Platform, PullRequest } from './types.js';

/** A mark of a ready preview in the sticky comment (src/comment.ts). */
const READY_HEADING = '### Neon preview database: ready';

function leak(soak: Soak, platform: Platform, detail: string): void {
  soak.report.leaks[platform]++;
  if (soak.report.leakDetails.length < 50) soak.report.leakDetails.push(`${platform}: ${detail}`);
}

export function checkLeaks(soak: Soak): void {
  const { neon, vercel, netlify, github } = soak.platforms;
  const pulls = [...soak.pulls.values()];
  const open = new Set(pulls.filter((p) => p.open).map((p) => p.number));
  const ownHeads = new Set(pulls.filter((p) => p.open && p.targets.includes('Netlify')).map((p) => p.head));
  const environments = new Map<string, PullRequest[]>();
  for (const p of pulls) environments.set(p.environment.toLowerCase(), [...(environments.get(p.environment.toLowerCase()) ?? []), p]);
  const environmentOpen = (name: string) => (environments.get(name.toLowerCase()) ?? []).some((p) => p.open);
  const state = (n: number) => (soak.pulls.get(n) ? (soak.pulls.get(n)!.open ? 'open' : 'closed') : 'unknown');

  for (const b of neon.branches()) {
    if (soak.seeded.has(b.id)) continue;
    const pr = Number(b.annotations['github-pr']);
    if (!open.has(pr)) leak(soak, 'Neon', `branch ${b.name} (${b.id}) of ${state(pr)} PR #${b.annotations['github-pr'] ?? '?'}`);
  }
  for (const e of vercel.envs(VERCEL_PROJECT)) {
    const pr = Number(/^neon-preview acme\/shop#(\d+)$/.exec(e.comment ?? '')?.[1]);
    if (!open.has(pr)) leak(soak, 'Vercel', `${e.key} on ${e.gitBranch ?? '(all branches)'} (${e.comment ?? 'no comment'}, ${state(pr)})`);
  }
  for (const v of netlify.vars()) {
    for (const x of v.values) {
      if (x.context !== 'branch' || !ownHeads.has(x.context_parameter ?? ''))
        leak(soak, 'Netlify', `${v.key} for ${x.context}${x.context_parameter ? ` ${x.context_parameter} (no open PR of the repository has this head)` : ''}`);
    }
  }
  for (const env of github.environments()) if (!environmentOpen(env.name)) leak(soak, 'GitHub', `environment ${env.name}`);
  const deployments = new Map<string, number>();
  for (const d of github.deployments()) if (!environmentOpen(d.environment)) deployments.set(d.environment, (deployments.get(d.environment) ?? 0) + 1);
  for (const [env, n] of deployments) leak(soak, 'GitHub', `${n} deployment(s) to ${env}`);
  for (const env of new Set([
    ...deployments.keys(),
    ...github
      .environments()
      .filter((e) => !environmentOpen(e.name))
      .map((e) => e.name),
  ]))
    soak.report.evidence.push(...requestsTouching(soak, env));
}

/** The GitHub stand-in's requests about an environment and its deployments: "+12.3 s POST /repos/…/deployments (pr-7) → 201". */
function requestsTouching(soak: Soak, env: string): string[] {
  const { github } = soak.platforms;
  const ids = new Set(github.deployments(env).map((d) => String(d.id)));
  const named = (r: { path: string; query: Record<string, string>; body: unknown }) =>
    r.path.includes(`/environments/${encodeURIComponent(env)}`) ||
    r.query.environment === env ||
    (r.body as { environment?: unknown } | undefined)?.environment === env ||
    [...ids].some((id) => r.path.includes(`/deployments/${id}`));
  const lines = github.standIn.requests.filter(named).map((r) => {
    const at = ((r.at - soak.startedAt) / 1000).toFixed(1);
    return `  +${at} s ${r.method} ${r.path}${r.query.environment ? `?environment=${r.query.environment}` : ''} → ${r.status}${r.fault ? ` (${r.fault})` : ''}`;
  });
  // The first and the last requests: what made it, and what last touched it.
  const shown = lines.length <= 40 ? lines : [...lines.slice(0, 10), `  … ${lines.length - 40} more`, ...lines.slice(-30)];
  return [`${env} (deployments still there: ${[...ids].join(', ') || 'none'}):`, ...shown];
}

/** One open PR: its branch, one value per key on each of its targets, each naming its branch. */
function checkOpenPull(soak: Soak, pr: PullRequest): void {
  const { report, keys } = soak;
  const mine = branchesOf(soak, pr);
  if (mine.length > 1) report.duplicates.push(`#${pr.number}: ${mine.length} Neon branches (${mine.map((b) => b.name).join(', ')})`);
  if (mine.length === 0) report.missing.push(`#${pr.number}: no Neon branch`);
  const environment = environmentValues(soak, pr.environment);
  if (!environment) report.missing.push(`#${pr.number}: no GitHub environment ${pr.environment}`);
  const values = publishedFor(soak, pr);
  const foreign = [
    ...new Set(
      publishedFor(soak, pr, false)
        .filter((v) => !pr.targets.includes(v.where))
        .map((v) => v.where),
    ),
  ];
  if (foreign.length > 0) (pr.fork ? report.forkProblems : report.duplicates).push(`#${pr.number} (open): has values on ${foreign.join(', ')}, not one of its targets`);
  for (const key of keys) {
    for (const where of pr.targets) {
      const n = values.filter((v) => v.where === where && v.key.split('@')[0] === key).length;
      if (n > 1) report.duplicates.push(`#${pr.number}: ${n} values of ${key} on ${where}`);
      if (n === 0) report.missing.push(`#${pr.number}: no value of ${key} on ${where}`);
    }
  }
  const branch = mine[0];
  if (!branch) return;
  // The values name the PR's current branch (its compute's host and its role's password), not an earlier one.
  const host = branch.endpoints.find((e) => e.type === 'read_write')?.host;
  for (const v of values) {
    if (v.key.split('@')[0] === 'PGHOST_UNPOOLED' && v.value !== host) report.stale.push(`#${pr.number}: PGHOST_UNPOOLED on ${v.where} is ${v.value}, the branch's compute is ${host}`);
  }
  report.stale.push(...checkCurrentPassword(soak, pr, rolePasswords(branch)));
}

export function checkOpenPulls(soak: Soak): void {
  const open = [...soak.pulls.values()].filter((p) => p.open);
  soak.report.openPullRequests = open.length;
  soak.report.closedPullRequests = soak.pulls.size - open.length;
  for (const pr of open) checkOpenPull(soak, pr);
}

export function checkComments(soak: Soak): void {
  const { report } = soak;
  for (const pr of soak.pulls.values()) {
    const mine = soak.platforms.github.comments(pr.number).filter((c) => c.body.includes(COMMENT_MARKER));
    if (mine.length > 1) report.duplicateComments.push(`#${pr.number} (${pr.kind}): ${mine.length} sticky comments`);
    if (!pr.open && pr.closeDelivered && mine.some((c) => c.body.includes(READY_HEADING)))
      report.readyComments.push(`#${pr.number} (${pr.kind}): closed, its close delivered, and its comment says "ready"`);
  }
}

export function countRequests(soak: Soak): void {
  const { report, names, platforms } = soak;
  for (const p of names) {
    const { requests, violations } = platforms.standIns[p];
    report.requests[p] = requests.length;
    for (const r of requests) {
      if (!r.fault || r.fault === 'forced') continue;
      report.faults[p]++;
      report.faultKinds[r.fault] = (report.faultKinds[r.fault] ?? 0) + 1;
    }
    for (const v of violations) report.violations.push(`${p}: ${v}`);
  }
}
