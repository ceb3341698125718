// The vercel target's part in the sweep, against the Vercel stand-in: findManaged lists the whole
// project once and returns this repository's marked values per (PR, branch) with the listing;
// removeManaged removes the groups' values from that listing in batch deletes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreLog } from '../setup-actions-core.js';
import { BATCH_DELETE, DEFAULT_KEYS, LIST, PASSWORD, REPO, summary, VercelHarness, type Run } from './vercel-harness.js';

let h: VercelHarness;

beforeEach(async () => {
  h = await VercelHarness.start();
});

afterEach(async () => {
  await h.stop();
});

async function findManaged(run: Run = {}) {
  return (await h.target(run)).findManaged(
    REPO,
    h.specs(run).map((s) => s.name),
  );
}

/** Values of two PRs of this repository (PR 8's written directly: its Neon branch may be long gone), and values that are not theirs. */
async function seed(project = 'prj_previewapp', team?: string) {
  await h.publish({ pr: 7, head: 'feature/a', project, team });
  const pr8 = [
    h.vercel.addEnv(project, { key: 'DATABASE_URL', value: 'pr-8', type: 'sensitive', gitBranch: 'feature/b', comment: `neon-preview ${REPO}#8` }),
    h.vercel.addEnv(project, { key: 'OLD_NAME', value: 'left the mapping', gitBranch: 'feature/b', comment: `neon-preview ${REPO}#8` }),
  ];
  const others = [
    h.vercel.addEnv(project, { key: 'DATABASE_URL', value: 'other repo', gitBranch: 'feature/c', comment: 'neon-preview other/repo#5' }),
    h.vercel.addEnv(project, { key: 'DATABASE_URL', value: 'prefix repo', gitBranch: 'feature/c', comment: `neon-preview ${REPO}-2#5` }),
    h.vercel.addEnv(project, { key: 'SENTRY_DSN', value: 'unmarked', gitBranch: 'feature/a' }),
    h.vercel.addEnv(project, { key: 'DATABASE_URL', value: 'every preview' }),
    // This repository's marker, but on no branch (remove would never touch it), or not a preview value.
    h.vercel.addEnv(project, { key: 'DATABASE_URL', value: 'branch-less', comment: `neon-preview ${REPO}#9` }),
    h.vercel.addEnv(project, { key: 'DATABASE_URL', value: 'production', target: ['production'], comment: `neon-preview ${REPO}#9` }),
    // Not exactly `#<positive integer>`.
    ...[
      `neon-preview ${REPO}#07`,
      `neon-preview ${REPO}#0`,
      `neon-preview ${REPO}#-3`,
      `neon-preview ${REPO}#1.5`,
      `neon-preview ${REPO}#5 (old)`,
      `neon-preview ${REPO}#`,
      `Neon-preview ${REPO}#5`,
      ` neon-preview ${REPO}#5`,
    ].map((comment, i) => h.vercel.addEnv(project, { key: `ODD_${i}`, value: 'x', gitBranch: 'feature/d', comment })),
  ];
  return { pr8, others };
}

const PR7 = { pr: 7, headRef: 'feature/a', description: `${DEFAULT_KEYS.join(', ')} on feature/a` };
const PR8 = { pr: 8, headRef: 'feature/b', description: 'DATABASE_URL, OLD_NAME on feature/b' };

describe('findManaged', () => {
  it("finds exactly this repository's PR values, one entry per PR and branch, from one list of the project", async () => {
    await seed();
    const from = h.vercel.standIn.requests.length;

    const { entries } = await findManaged();

    expect(entries).toEqual([PR7, PR8]);
    // One list of the whole project: no gitBranch filter.
    expect(h.lines(from)).toEqual([LIST]);
    expect(h.vercel.standIn.requests[from]!.query).toEqual({});
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    expect(coreLog).toContain(`Vercel: left alone 1 value(s) marked for ${REPO} but applying to every preview branch (neon-preview scopes its values to a branch)`);
    expect(coreLog.filter((l) => l.startsWith('::warning::'))).toEqual([]);
  });

  it("a found PR's values go with remove(pr, headRef from the entry); findManaged no longer finds them", async () => {
    const { pr8, others } = await seed();
    const [first] = (await findManaged()).entries;
    const from = h.vercel.standIn.requests.length;

    // What the sweep sends without removeManaged: the number from the marker, the head branch from the value's gitBranch.
    const target = await h.target();
    const report = await target.remove({ repository: REPO, number: first!.pr!, headRef: first!.headRef! }, []);

    expect(report.names).toEqual(DEFAULT_KEYS);
    expect(h.lines(from)).toEqual([LIST, BATCH_DELETE]);
    expect((await findManaged()).entries).toEqual([PR8]);
    expect(summary(h.vercel.envs('prj_previewapp'))).toEqual(summary([...pr8, ...others]));

    // And PR 8's values, names outside the mapping included.
    await target.remove({ repository: REPO, number: 8, headRef: 'feature/b' }, []);
    expect((await findManaged()).entries).toEqual([]);
    expect(summary(h.vercel.envs('prj_previewapp'))).toEqual(summary(others));
  });

  it('keeps one entry per branch when a PR has values on two branches', async () => {
    h.vercel.addEnv('prj_previewapp', { key: 'B', value: '1', gitBranch: 'renamed/x', comment: `neon-preview ${REPO}#3` });
    h.vercel.addEnv('prj_previewapp', { key: 'A', value: '1', gitBranch: 'first/x', comment: `neon-preview ${REPO}#3` });
    h.vercel.addEnv('prj_previewapp', { key: 'A', value: '1', gitBranch: 'renamed/x', comment: `neon-preview ${REPO}#3` });
    h.vercel.addEnv('prj_previewapp', { key: 'A', value: '1', gitBranch: 'feature/z', comment: `neon-preview ${REPO}#12` });

    expect((await findManaged()).entries).toEqual([
      { pr: 3, headRef: 'first/x', description: 'A on first/x' },
      { pr: 3, headRef: 'renamed/x', description: 'A, B on renamed/x' },
      { pr: 12, headRef: 'feature/z', description: 'A on feature/z' },
    ]);
  });

  it('finds nothing on a project without marked values', async () => {
    h.vercel.addEnv('prj_previewapp', { key: 'DATABASE_URL', value: 'x', gitBranch: 'feature/a' });
    expect((await findManaged()).entries).toEqual([]);
    expect(h.lines()).toEqual([LIST]);
  });

  it('names the team on the list of a team project', async () => {
    await seed('prj_teamapp', 'acme');
    const from = h.vercel.standIn.requests.length;

    expect((await findManaged({ project: 'team-app', team: 'acme' })).entries).toEqual([PR7, PR8]);

    expect(h.lines(from)).toEqual(['GET /v10/projects/team-app/env']);
    expect(h.vercel.standIn.requests[from]!.query).toEqual({ slug: 'acme' });
  });

  it('warns that the read is incomplete when the list ever carries a cursor it cannot follow, and returns what it saw', async () => {
    await seed();
    h.vercel.truncateNextEnvList(3);
    const from = h.vercel.standIn.requests.length;

    const { entries } = await findManaged();

    expect(entries).toEqual([{ pr: 7, headRef: 'feature/a', description: expect.stringMatching(/ on feature\/a$/) }]);
    expect(h.lines(from)).toHaveLength(1);
    expect(coreLog.filter((l) => l.startsWith('::warning::'))).toEqual([
      expect.stringMatching(
        /^::warning::Vercel: the variable list of project prj_previewapp says more follow \(pagination\.next \d+\) but takes no page parameter; only the first 3 value\(s\) were looked at$/,
      ),
    ]);
  });

  it('fails like every call when Vercel refuses the list, saying what to check', async () => {
    await expect(findManaged({ token: 'wrong-token-123' })).rejects.toThrow(/^Vercel: list variables failed: HTTP 401: .*Check vercel_token/);
  });
});

describe('removeManaged', () => {
  it('removes what findManaged found for several PRs in one batch delete, without listing again', async () => {
    const { others } = await seed();
    const target = await h.target();
    const { entries, listing } = await target.findManaged(REPO, []);
    const from = h.vercel.standIn.requests.length;

    const done = target.removeManaged!(
      listing,
      entries.map((e) => ({ pr: e.pr!, entries: [e] })),
      [],
    );
    expect(done).toHaveLength(2);
    await Promise.all(done);

    expect(h.lines(from)).toEqual([BATCH_DELETE]);
    expect(summary(h.vercel.envs('prj_previewapp'))).toEqual(summary(others));
    expect((await findManaged()).entries).toEqual([]);
  });

  it('removes only the groups it is given', async () => {
    const { pr8, others } = await seed();
    const target = await h.target();
    const { entries, listing } = await target.findManaged(REPO, []);

    await Promise.all(target.removeManaged!(listing, [{ pr: 7, entries: entries.filter((e) => e.pr === 7) }], []));

    expect(summary(h.vercel.envs('prj_previewapp'))).toEqual(summary([...pr8, ...others]));
  });

  it('after a 404 (some values gone meanwhile), lists once and removes the rest', async () => {
    const { others } = await seed();
    const target = await h.target();
    const { entries, listing } = await target.findManaged(REPO, []);
    const from = h.vercel.standIn.requests.length;
    h.vercel.standIn.failNext({ method: 'DELETE', path: /^\/v1\/projects\/[^/]+\/env$/, status: 404 });

    await Promise.all(target.removeManaged!(listing, [{ pr: entries[0]!.pr!, entries: [entries[0]!] }], []));

    expect(h.lines(from)).toEqual([BATCH_DELETE, LIST, BATCH_DELETE]);
    expect((await findManaged()).entries).toEqual([PR8]);
    expect(summary(h.vercel.envs('prj_previewapp')).length).toBe(summary(others).length + 2);
  });

  it('sends nothing for groups with nothing listed', async () => {
    const target = await h.target();
    const done = target.removeManaged!(new Map(), [{ pr: 4, entries: [{ pr: 4, headRef: 'feature/x', description: 'A on feature/x' }] }], []);
    await Promise.all(done);
    expect(h.lines()).toEqual([]);
  });
});
