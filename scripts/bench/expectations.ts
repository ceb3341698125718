// What a version of the action is expected to do in each scenario: its floor (the shortest
// sequence of dependent requests the platforms allow under the guarantees it keeps, derived in
// BENCHMARKS.md; L = latency, T = operation time) and its request budget (the counts
// BENCHMARKS.md documents for it: a run over any of them fails the benchmark).
import { NEON_BURST, NEON_PER_SECOND, type Platform } from './measures.js';
import { SCENARIOS, type Scenario, type Version } from './options.js';
import { KEYS } from './platforms.js';

export interface Floor {
  ms: number;
  formula: string;
}

/** Requests a run may make: per platform (Neon's without its polls) and Neon's operation polls. */
export type Budget = Record<Platform, number> & { polls: number };

export interface Inputs {
  /** Latency per request (ms). */
  L: number;
  /** Duration of each Neon operation (ms). */
  T: number;
  /** The sweep's project: branches (pull requests) and closed ones among them. */
  branches: number;
  closed: number;
}

export interface Expectation {
  /** How the report names the version. */
  name: string;
  /** The scenarios it can run (reset_on_push is newer than some). */
  scenarios: readonly Scenario[];
  /** Whether a created preview gets a password of its own (checked after every create run). */
  ownPassword: boolean;
  floor(scenario: Scenario, k: Inputs): Floor;
  /** Undefined: the counts are reported, not checked. */
  budget?(scenario: Scenario, k: Inputs): Budget;
}

/**
 * Rounds of polling an operation of `T` ms at the action's pace (rounds a tenth of the time
 * already waited apart, 100 ms to 2 s): every round that starts before T, and the one that sees
 * the end. The wait starts once Neon answered the request that started the operation, so the
 * operation ends within T of it; timers that fire late only make rounds fewer.
 */
export function pollRounds(T: number): number {
  let at = 100;
  let rounds = 1;
  while (at < T) {
    rounds++;
    at += Math.min(2000, Math.max(100, Math.round(at / 10)));
  }
  return rounds;
}

/** Neon's rate limit for the sweep: the list and the `closed` deletions are Neon requests 1..closed + 1. */
function sweepFloor(L: number, T: number, closed: number): Floor {
  const limited = (Math.max(0, 1 + closed - NEON_BURST) / NEON_PER_SECOND) * 1000;
  return { ms: Math.max(7 * L, limited) + L + T, formula: `max(7L, (1 + ${closed} − ${NEON_BURST}) / (700/min)) + L + T` };
}

const pages = (items: number, perPage: number): number => Math.max(1, Math.ceil(items / perPage));

const current: Expectation = {
  name: 'this version',
  scenarios: SCENARIOS,
  ownPassword: true,
  floor(scenario, { L, T, closed }) {
    switch (scenario) {
      case 'create':
        return { ms: 11 * L + 2 * T, formula: '11L + 2T' };
      case 'reuse':
        return { ms: 9 * L, formula: '9L' };
      case 'reset':
        return { ms: 11 * L + 2 * T, formula: '11L + 2T' };
      case 'delete':
        return { ms: 7 * L + T, formula: '7L + T' };
      case 'sweep':
        return sweepFloor(L, T, closed);
    }
  },
  budget(scenario, { T, branches, closed }) {
    const rounds = pollRounds(T);
    // One database (neondb): one compare_schema per create run.
    const diff = 1;
    switch (scenario) {
      case 'create':
        // Neon: list, create, URLs (2), the parent's password, both passwords again, reset, URLs (2), diff.
        // Polls: the create's 2 operations, then the reset's 2. Vercel: project, list, upsert.
        // Netlify: site, list, a create per key. GitHub: environment, create it, public key, a write
        // per key, deployment, its list, status; the comment's 2 reads, create, list again; PR state.
        return { Neon: 10 + diff, polls: 4 * rounds, Vercel: 3, Netlify: 2 + KEYS.all, GitHub: 11 + KEYS.all };
      case 'reuse':
        // Neon: list, expiry, endpoints, databases, URLs (2), the parent's password, diff.
        // Netlify: site, list, the secret keys written again (GitHub shows no secret, Netlify is
        // not asked). GitHub: environment, public key, secrets and variables listed, deployment, the
        // secrets, the list, status, the earlier one inactive and deleted; comment reads, update; PR state.
        return { Neon: 7 + diff, polls: 0, Vercel: 3, Netlify: 2 + KEYS.secret, GitHub: 13 + KEYS.secret };
      case 'reset':
        // Neon: as reuse, plus the restore, both passwords compared, the reset, the URLs again.
        // Polls: the restore's 3 operations, then the reset's 2.
        return { Neon: 13 + diff, polls: 5 * rounds, Vercel: 3, Netlify: 2 + KEYS.secret, GitHub: 13 + KEYS.secret };
      case 'delete':
        // Neon: list, delete; polls: its 2 operations. Vercel: list, one batch delete. Netlify:
        // site, list, per key: the value deleted, the key read again, deleted once empty. GitHub:
        // environment deleted, deployments listed, inactive, deleted; comment reads, update.
        return { Neon: 2, polls: 2 * rounds, Vercel: 2, Netlify: 2 + 3 * KEYS.all, GitHub: 7 };
      case 'sweep': {
        const open = branches - closed;
        // Neon: the branches (one page), a deletion per closed PR; polls: the project's operation
        // list once per round. Vercel: its values, batch deletes of 1,000. Netlify:
        // site, variables, each closed PR's values by id. GitHub: environments and open PRs (pages
        // of 100), each other PR looked up, and per closed PR: environment deleted, its deployments
        // listed, marked inactive, deleted.
        return {
          Neon: 1 + closed,
          polls: rounds,
          Vercel: 1 + Math.ceil((KEYS.all * closed) / 1000),
          Netlify: 2 + KEYS.all * closed,
          GitHub: pages(branches, 100) + pages(open, 100) + closed + 4 * closed,
        };
      }
    }
  },
};

/** The bundle of commit c880f98 (before the preview's own password, the schema diff, reset_on_push). */
const c880f98: Expectation = {
  name: 'the bundle of commit c880f98',
  scenarios: SCENARIOS.filter((s) => s !== 'reset'),
  ownPassword: false,
  floor(scenario, { L, T, closed }) {
    switch (scenario) {
      case 'create':
        return { ms: Math.max(4 * L + T, 9 * L), formula: 'max(4L + T, 9L)' };
      case 'reuse':
        return { ms: 8 * L, formula: '8L' };
      case 'delete':
        return { ms: 7 * L + T, formula: '7L + T' };
      case 'sweep':
        return sweepFloor(L, T, closed);
      case 'reset':
        throw new Error('c880f98 has no reset_on_push');
    }
  },
};

const EXPECTATIONS: Record<Version, Expectation> = { current, c880f98 };

export function expectationOf(version: Version): Expectation {
  return EXPECTATIONS[version];
}

/** What a run's counts exceed of its budget, one line per platform over it. */
export function overBudget(counts: Record<Platform, number> & { polls: number }, budget: Budget): string[] {
  return (Object.keys(budget) as (keyof Budget)[]).filter((k) => counts[k] > budget[k]).map((k) => `${k === 'polls' ? 'Neon polls' : k} ${counts[k]} > ${budget[k]}`);
}
