// The sweep's rules, as pure functions of what was found and what GitHub says.
import { describe, expect, it } from 'vitest';
import { groupFound, planSweep, type Group, type HeadInfo, type PullInfo } from '../../src/commands/sweep-plan.js';
import type { FoundBranch } from '../../src/neon/client.js';
import type { ManagedEntry } from '../../src/targets/target.js';

const REPO = 'acme/shop';
const branch = (name: string, pr?: number, head?: string): FoundBranch => ({
  branch: { id: `br-${name.replace(/\W/g, '')}`, name } as FoundBranch['branch'],
  annotations: { 'managed-by': 'neon-preview', 'github-repo': REPO, ...(pr === undefined ? {} : { 'github-pr': String(pr) }), ...(head ? { 'github-head-ref': head } : {}) },
});
const describe_ = (g: Group<string>) => [...g.branches.map((b) => b.branch.name), ...g.entries.map((e) => `${e.target}: ${e.entry.description}`)];
const states = (entries: [number, PullInfo['state']][]) => new Map(entries.map(([n, state]) => [n, { state }] as const));

function plan(branches: FoundBranch[], found: Record<string, ManagedEntry[]>, pulls: [number, PullInfo['state']][], heads: [string, HeadInfo][] = []) {
  const grouping = groupFound(
    branches,
    Object.entries(found).map(([target, entries]) => ({ target, entries })),
  );
  return { grouping, plan: planSweep(grouping, states(pulls), new Map(heads), describe_) };
}

describe('the sweep plan', () => {
  it('removes what belongs to closed and missing pull requests, keeps open and unknown ones with the reason', () => {
    const { plan: p } = plan([branch('pr-1', 1), branch('pr-2', 2), branch('pr-3', 3), branch('pr-4', 4)], { vercel: [{ pr: 1, headRef: 'a', description: 'DATABASE_URL on a' }] }, [
      [1, 'closed'],
      [2, 'missing'],
      [3, 'open'],
      [4, 'unknown'],
    ]);
    expect(p.remove.map((r) => [r.group.pr, r.state, describe_(r.group)])).toEqual([
      [1, 'closed', ['pr-1', 'vercel: DATABASE_URL on a']],
      [2, 'missing', ['pr-2']],
    ]);
    expect(p.kept.map((r) => [r.pr, r.state, r.note])).toEqual([
      [3, 'open', 'pull request is open'],
      [4, 'unknown', 'pull request state unknown'],
    ]);
  });

  it('asks GitHub about every pull request named, and by head only where no number is known', () => {
    const { grouping } = plan(
      [branch('pr-1', 1, 'feat/a')],
      {
        netlify: [
          { headRef: 'feat/a', description: 'x' },
          { headRef: 'feat/z', description: 'y' },
        ],
      },
      [],
    );
    expect(grouping.prNumbers).toEqual([1]);
    expect(grouping.unknownHeads).toEqual(['feat/z']);
  });

  it('removes a head branch shared by several pull requests only when all are closed, with the newest', () => {
    const branches = [branch('pr-5', 5, 'shared'), branch('pr-6', 6, 'shared')];
    const found = { netlify: [{ headRef: 'shared', description: 'DATABASE_URL on shared' }] };
    const oneOpen = plan(branches, found, [
      [5, 'closed'],
      [6, 'open'],
    ]).plan;
    expect(oneOpen.remove.map((r) => [r.group.pr, describe_(r.group)])).toEqual([[5, ['pr-5']]]);
    expect(oneOpen.kept.find((r) => r.items.includes('netlify: DATABASE_URL on shared'))).toMatchObject({ pr: 6, state: 'open', outcome: 'kept' });

    const allClosed = plan(branches, found, [
      [5, 'closed'],
      [6, 'closed'],
    ]).plan;
    expect(allClosed.remove.map((r) => [r.group.pr, describe_(r.group)])).toEqual([
      [5, ['pr-5']],
      [6, ['pr-6', 'netlify: DATABASE_URL on shared']],
    ]);
  });

  it('keeps a shared head branch when one of its pull requests is unknown, saying why', () => {
    const { plan: p } = plan([branch('pr-7', 7, 'h'), branch('pr-8', 8, 'h')], { netlify: [{ headRef: 'h', description: 'v on h' }] }, [
      [7, 'closed'],
      [8, 'unknown'],
    ]);
    expect(p.kept.find((r) => r.items.includes('netlify: v on h'))).toMatchObject({ pr: 8, state: 'unknown' });
  });

  it('a head branch no number is known for goes with the state GitHub gives for that head', () => {
    const { plan: p } = plan(
      [],
      {
        netlify: [
          { headRef: 'old', description: 'v on old' },
          { headRef: 'live', description: 'v on live' },
        ],
      },
      [],
      [
        ['old', { state: 'closed', number: 30 }],
        ['live', { state: 'open', number: 31 }],
      ],
    );
    expect(p.remove.map((r) => r.group.pr)).toEqual([30]);
    expect(p.kept.map((r) => [r.pr, r.state])).toEqual([[31, 'open']]);
  });

  it('keeps what names no pull request: a branch without github-pr, an entry without PR or branch', () => {
    const { plan: p } = plan([branch('mystery')], { github: [{ description: 'environment odd' }] }, []);
    expect(p.remove).toEqual([]);
    expect(p.kept.map((r) => [r.items, r.note])).toEqual([
      [['mystery'], 'no valid github-pr annotation'],
      [['github: environment odd'], 'names no pull request or branch'],
    ]);
  });
});
