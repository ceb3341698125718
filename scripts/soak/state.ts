// What the platforms hold for a pull request, read from the stand-ins' own state.
import { REPOSITORY } from '../../sandbox/action-runner.js';
import type { StandInBranch } from '../../sandbox/neon.js';
import { VERCEL_PROJECT, type Soak } from './context.js';
import type { PullRequest, TargetPlatform } from './types.js';

/** A published value: where it is, its name, its value. */
export interface Published {
  where: TargetPlatform;
  key: string;
  value: string;
}

export const vercelMarker = (number: number) => `neon-preview ${REPOSITORY}#${number}`;

/** The PR's Neon branches (annotated with it). */
export function branchesOf(soak: Soak, pr: PullRequest): StandInBranch[] {
  return soak.platforms.neon.branches().filter((b) => b.annotations['github-pr'] === String(pr.number));
}

/** Netlify's branch values for a head branch. */
export function netlifyValues(soak: Soak, head: string): Published[] {
  return soak.platforms.netlify
    .vars()
    .flatMap((v) => v.values.filter((x) => x.context === 'branch' && x.context_parameter === head).map((x) => ({ where: 'Netlify' as const, key: v.key, value: x.value })));
}

/** An environment's variables and secrets (decrypted). */
export function environmentValues(soak: Soak, name: string): Published[] | undefined {
  const { github } = soak.platforms;
  const env = github.environment(name);
  if (!env) return undefined;
  const variables = Object.entries(env.variables).map(([key, value]) => ({ where: 'GitHub' as const, key, value }));
  const secrets = env.secretNames.map((key) => ({ where: 'GitHub' as const, key, value: github.secretPlaintext(name, key) ?? '' }));
  return [...variables, ...secrets];
}

/**
 * What the targets hold for the PR: its marked Vercel values, its environment's values, and
 * Netlify's values for its head when it publishes there (`byHead`: a fork's head is the repository's).
 */
export function publishedFor(soak: Soak, pr: PullRequest, byHead = pr.targets.includes('Netlify')): Published[] {
  const vercel = soak.platforms.vercel
    .envs(VERCEL_PROJECT)
    .filter((e) => e.comment === vercelMarker(pr.number))
    .map((e) => ({ where: 'Vercel' as const, key: `${e.key}@${e.gitBranch ?? ''}`, value: e.value }));
  return [...vercel, ...(byHead ? netlifyValues(soak, pr.head) : []), ...(environmentValues(soak, pr.environment) ?? [])];
}

/** Everything the platforms hold for the PR, comparable with JSON (ids of branches, values, deployments). */
export function holdings(soak: Soak, pr: PullRequest, byHead = pr.targets.includes('Netlify')) {
  const sorted = (xs: Published[]) => xs.map((x) => `${x.where} ${x.key}=${x.value}`).sort();
  return {
    branches: branchesOf(soak, pr).map((b) => `${b.name} ${b.id}`),
    values: sorted(publishedFor(soak, pr, byHead)),
    environment: soak.platforms.github.environment(pr.environment) !== undefined,
    deployments: soak.platforms.github.deployments(pr.environment).length,
  };
}

export type Holdings = ReturnType<typeof holdings>;

/** What of `h` is there, in words ('' when nothing). */
export function whatIsHeld(h: Holdings): string {
  const parts = [
    ...h.branches.map((b) => `Neon branch ${b}`),
    ...(h.values.length > 0 ? [`${h.values.length} value(s) on ${[...new Set(h.values.map((v) => v.split(' ')[0]))].join('/')}`] : []),
    ...(h.environment ? ['a GitHub environment'] : []),
    ...(h.deployments > 0 ? [`${h.deployments} deployment(s)`] : []),
  ];
  return parts.join(', ');
}

/** Where two readings differ, in words (never the values). */
export function changes(before: Holdings, after: Holdings): string {
  const diff: string[] = [];
  if (JSON.stringify(before.branches) !== JSON.stringify(after.branches)) diff.push(`Neon branches ${before.branches.join(', ') || 'none'} → ${after.branches.join(', ') || 'none'}`);
  const keys = (xs: string[]) => new Map(xs.map((x) => [x.slice(0, x.indexOf('=')), x]));
  const [b, a] = [keys(before.values), keys(after.values)];
  for (const k of new Set([...b.keys(), ...a.keys()])) if (b.get(k) !== a.get(k)) diff.push(`${k} ${!a.has(k) ? 'removed' : !b.has(k) ? 'added' : 'changed'}`);
  if (before.environment !== after.environment) diff.push(`environment ${after.environment ? 'added' : 'removed'}`);
  return diff.join('; ');
}

/** The branch's password of each role: password → role. */
export function rolePasswords(branch: StandInBranch | undefined): Map<string, string> {
  return new Map((branch?.roles ?? []).filter((r) => r.password).map((r) => [r.password, r.name]));
}

/** The branch the PR's previews are made from. */
export function parentOf(soak: Soak, pr: PullRequest): StandInBranch | undefined {
  const { neon } = soak.platforms;
  return pr.parent ? neon.branchByName(pr.parent) : neon.branches().find((b) => b.id === neon.defaultBranchId);
}
