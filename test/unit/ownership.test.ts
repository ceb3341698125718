import { describe, expect, it } from 'vitest';
import type { FoundBranch } from '../../src/neon/client.js';
import { conflictsOf, sharedThings } from '../../src/ownership.js';
import type { ConfiguredTarget, PullRequestRef } from '../../src/targets/target.js';

const REPO = 'acme/shop';

function branch(name: string, annotations: Record<string, string>): FoundBranch {
  return { branch: { id: `br-${name.replace(/\W/g, '')}`, name } as FoundBranch['branch'], annotations };
}
const managed = (name: string, pr: number, head: string, repo = REPO) => branch(name, { 'managed-by': 'neon-preview', 'github-repo': repo, 'github-pr': String(pr), 'github-head-ref': head });

/** Targets as the conflicts see them: their definition's name and label, and their collision rule. */
const byHead = { definition: { name: 'netlify', label: 'Netlify' }, collides: (a: PullRequestRef, b: PullRequestRef) => a.headRef !== '' && a.headRef === b.headRef } as unknown as ConfiguredTarget;
const byMarker = { definition: { name: 'vercel', label: 'Vercel' }, collides: () => false } as unknown as ConfiguredTarget;

const pr = (number: number, headRef: string): PullRequestRef => ({ repository: REPO, number, headRef });

describe('conflictsOf', () => {
  it('finds the other pull request holding this run’s Neon branch name, and what its targets share', () => {
    const all = [managed('preview/feat-x', 11, 'feat@x'), managed('preview/pr-12', 12, 'feat#x'), managed('preview/pr-13', 13, 'other')];
    const found = conflictsOf(pr(14, 'feat#x'), 'preview/feat-x', all, [byHead, byMarker]);
    expect(found.map((c) => [c.other.number, c.sameBranchName, c.targets.map((t) => t.definition.name)])).toEqual([
      [11, true, []],
      [12, false, ['netlify']],
    ]);
    expect(sharedThings(found[0]!)).toBe('the Neon branch preview/feat-x');
    expect(sharedThings(found[1]!)).toBe('the same Netlify values');
  });

  it('ignores this pull request’s own branch, other repositories’, unmanaged and unannotated ones', () => {
    const all = [
      managed('preview/feat-x', 14, 'feat#x'),
      managed('preview/feat-x-other', 11, 'feat#x', 'acme/other'),
      branch('preview/feat-x-hand', { 'github-pr': '11' }),
      branch('preview/feat-x-nopr', { 'managed-by': 'neon-preview', 'github-repo': REPO }),
    ];
    expect(conflictsOf(pr(14, 'feat#x'), 'preview/feat-x', all, [byHead])).toEqual([]);
  });

  it('a target that tells pull requests apart by its own marker never conflicts', () => {
    expect(conflictsOf(pr(2, 'same'), 'preview/pr-2', [managed('preview/pr-1', 1, 'same')], [byMarker])).toEqual([]);
  });
});
