// The github target's sweep against the GitHub stand-in: findManaged lists the repository's
// environments (one request per page of 100) and reads each name the `github_environment`
// template could have given back into its pull request (and head); remove with such an entry
// deletes exactly that environment. The name matcher's rules, unit by unit.
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { ApiSession } from '../../src/http/retry.js';
import type { Settings } from '../../src/inputs.js';
import { noteText } from '../../src/note.js';
import { environmentMatcher } from '../../src/targets/github/names.js';
import { github, type GitHubEnvironmentSettings } from '../../src/targets/github/index.js';
import { configure, type ManagedEntry } from '../../src/targets/target.js';
import { resolveVariables } from '../../src/variables.js';
import { githubSettings, githubTargetOf, REPOSITORY } from './github-harness.js';

let gh: GitHubStandIn;

afterEach(async () => {
  await gh?.stop();
});

async function start(): Promise<void> {
  gh = await startGitHubStandIn();
}

function settings(inputs: Record<string, string> = {}): Settings {
  return githubSettings(gh.url, { github_token: gh.tokens.admin, ...inputs });
}

const targetOf = (s: Settings, session: ApiSession) => githubTargetOf(s, session);

/** findManaged with a fresh session; returns the entries (sorted by description, code points), the requests it made and the session. */
async function findManaged(s: Settings) {
  const session = new ApiSession(30_000);
  const before = gh.standIn.requests.length;
  const { entries } = await (
    await targetOf(s, session)
  ).findManaged(
    REPOSITORY,
    s.variables.map((v) => v.name),
  );
  entries.sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
  return { entries, requests: gh.standIn.requests.slice(before), session };
}

/** What the sweep does for a closed PR's entry: remove with the entry's PR and head. */
async function removeEntry(s: Settings, entry: ManagedEntry) {
  const session = new ApiSession(30_000);
  return (await targetOf(s, session)).remove(
    { repository: REPOSITORY, number: entry.pr ?? 0, headRef: entry.headRef ?? '' },
    s.variables.map((v) => v.name),
  );
}

describe('findManaged (sweep)', () => {
  it('returns the environments the default template pr-{pr} names, case-insensitively, in one request', async () => {
    await start();
    for (const name of ['pr-1', 'pr-2', 'PR-3', 'pr-x', 'staging', 'production', 'pr-01', 'pr-0', 'pr-', 'pr-4-old', 'my-pr-5', 'pr-99999999999999999999']) gh.seedEnvironment(name);
    const { entries, requests, session } = await findManaged(settings());
    expect(entries).toEqual([
      { pr: 3, description: 'environment PR-3' },
      { pr: 1, description: 'environment pr-1' },
      { pr: 2, description: 'environment pr-2' },
    ]);
    expect(requests.map((r) => `${r.method} ${r.path} ${new URLSearchParams(r.query as Record<string, string>).toString()}`)).toEqual([`GET /repos/${REPOSITORY}/environments per_page=100&page=1`]);
    expect(session.stats.requests.GitHub).toBe(1);
    expect(gh.standIn.violations).toEqual([]);

    // The sweep's remove for PR 3 renders pr-3, which is PR-3 to GitHub.
    await removeEntry(settings(), entries[0]!);
    expect(gh.environment('PR-3')).toBeUndefined();
  });

  it('after remove for pr-1 the environment is gone and no longer found; the others stay', async () => {
    await start();
    for (const name of ['pr-1', 'pr-2', 'staging']) gh.seedEnvironment(name, { secrets: { DATABASE_URL: 'postgresql://x' }, variables: { PGHOST: 'h' } });
    const s = settings();
    const before = await findManaged(s);
    const entry = before.entries.find((e) => e.pr === 1)!;
    expect(entry).toEqual({ pr: 1, description: 'environment pr-1' });

    const report = await removeEntry(s, entry);
    expect(report.notes.map(noteText)).toContain('Deleted environment pr-1 with its secrets and variables.');
    expect(gh.environment('pr-1')).toBeUndefined();
    expect(
      gh
        .environments()
        .map((e) => e.name)
        .sort(),
    ).toEqual(['pr-2', 'staging']);

    const after = await findManaged(s);
    expect(after.entries).toEqual([{ pr: 2, description: 'environment pr-2' }]);
    expect(after.session.stats.requests.GitHub).toBe(1);
  });

  it('reads the PR number and the sanitised head from a template preview-{pr}-{head}; rendering them gives the name back', async () => {
    await start();
    const names = ['preview-7-feature/login', 'Preview-8-Fix-2.1_b', 'preview-9-a', 'preview-10-', 'preview-x-main', 'preview-11', 'pr-12', 'staging', 'preview-12-has space'];
    for (const name of names) gh.seedEnvironment(name);
    const s = settings({ github_environment: 'preview-{pr}-{head}' });
    const { entries, session } = await findManaged(s);
    expect(entries).toEqual([
      { pr: 8, headRef: 'Fix-2.1_b', description: 'environment Preview-8-Fix-2.1_b' },
      { pr: 7, headRef: 'feature/login', description: 'environment preview-7-feature/login' },
      { pr: 9, headRef: 'a', description: 'environment preview-9-a' },
    ]);
    expect(session.stats.requests.GitHub).toBe(1);

    // What create named for PR 42 on feature/login is found again as PR 42 with that head.
    const target = await targetOf(s, new ApiSession(30_000));
    const details = {
      branchId: 'br-1',
      branchName: 'preview/pr-42',
      database: 'neondb',
      role: 'neondb_owner',
      password: 'pw',
      directUrl: 'postgresql://neondb_owner:pw@ep-1.neon.tech/neondb',
      pooledUrl: 'postgresql://neondb_owner:pw@ep-1-pooler.neon.tech/neondb',
      directHost: 'ep-1.neon.tech',
      pooledHost: 'ep-1-pooler.neon.tech',
    };
    await target.publish(await target.prepare(s.pr), s.pr, resolveVariables(s.variables, details), { id: 'br-1', name: 'preview/pr-42', consoleUrl: 'https://console.neon.tech' });
    expect(gh.environment('preview-42-feature/login')).toBeDefined();
    expect((await findManaged(s)).entries).toContainEqual({ pr: 42, headRef: 'feature/login', description: 'environment preview-42-feature/login' });

    // remove with an entry's values deletes exactly that environment.
    await removeEntry(s, entries[0]!);
    await removeEntry(s, entries[1]!);
    expect(
      gh
        .environments()
        .map((e) => e.name)
        .sort(),
    ).toEqual(['pr-12', 'preview-10-', 'preview-11', 'preview-12-has space', 'preview-42-feature/login', 'preview-9-a', 'preview-x-main', 'staging']);
    expect(gh.standIn.violations).toEqual([]);
  });

  it('follows every page of more than 100 environments, one request per page', async () => {
    await start();
    for (let pr = 1; pr <= 230; pr++) gh.seedEnvironment(`pr-${pr}`);
    for (let i = 0; i < 20; i++) gh.seedEnvironment(`staging-${i}`);
    const { entries, requests, session } = await findManaged(settings());
    expect(entries.map((e) => e.pr).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 230 }, (_, i) => i + 1));
    expect(requests.map((r) => [r.query.per_page, r.query.page])).toEqual([
      ['100', '1'],
      ['100', '2'],
      ['100', '3'],
    ]);
    expect(session.stats.requests.GitHub).toBe(3);
  });

  it('with a template without {pr}, returns the head only; without placeholders, nothing and asks nothing', async () => {
    await start();
    for (const name of ['preview/feature/login', 'preview/main', 'pr-1', 'preview/']) gh.seedEnvironment(name);
    const byHead = await findManaged(settings({ github_environment: 'preview/{head}' }));
    expect(byHead.entries).toEqual([
      { headRef: 'feature/login', description: 'environment preview/feature/login' },
      { headRef: 'main', description: 'environment preview/main' },
    ]);
    // The inputs refuse such a template; should one get through, it names no pull request.
    const s = settings();
    const fixedTemplate: GitHubEnvironmentSettings = { environmentTemplate: 'shared-preview', mappingHasSecrets: true };
    const fixed = await findManaged({ ...s, targets: [configure(github, fixedTemplate)] });
    expect(fixed.entries).toEqual([]);
    expect(fixed.requests).toEqual([]);
  });

  it('reports a name that fits the template in more than one way without a PR, so the sweep keeps it', async () => {
    await start();
    for (const name of ['12abc', '1abc', 'abc']) gh.seedEnvironment(name);
    const { entries } = await findManaged(settings({ github_environment: '{pr}{head}' }));
    expect(entries).toEqual([
      { description: 'environment 12abc (fits `github_environment` {pr}{head} in more than one way, so its pull request is unknown)' },
      { pr: 1, headRef: 'abc', description: 'environment 1abc' },
    ]);
  });
});

describe('environmentMatcher', () => {
  it('escapes the template, anchors it, and reads each placeholder once', () => {
    const dots = environmentMatcher('a.b+{pr}(x)')!;
    expect(dots('a.b+5(x)')).toEqual({ pr: 5 });
    expect(dots('aXb+5(x)')).toBeUndefined();
    expect(dots('a.b+5(x)!')).toBeUndefined();
    expect(dots('za.b+5(x)')).toBeUndefined();
    // A placeholder used twice must repeat the same text (case aside, as GitHub compares names).
    const twice = environmentMatcher('{head}/{pr}/{head}')!;
    expect(twice('main/3/MAIN')).toEqual({ pr: 3, headRef: 'main' });
    expect(twice('main/3/dev')).toBeUndefined();
    expect(environmentMatcher('static')).toBeUndefined();
  });

  it('takes a head with digits and hyphens when the separator settles it, and flags names with two readings', () => {
    const headFirst = environmentMatcher('{head}-{pr}')!;
    expect(headFirst('release-2-15')).toEqual({ pr: 15, headRef: 'release-2' });
    const prFirst = environmentMatcher('{pr}-{head}')!;
    expect(prFirst('15-release-2')).toEqual({ pr: 15, headRef: 'release-2' });
    // Nothing separates the head from the number: fix12 may be PR 12 on fix or PR 2 on fix1.
    expect(environmentMatcher('{head}{pr}')!('fix12')).toEqual({ ambiguous: true });
    expect(environmentMatcher('{head}{pr}')!('fix1')).toEqual({ pr: 1, headRef: 'fix' });
    expect(environmentMatcher('{pr}0{head}')!('105a')).toEqual({ pr: 1, headRef: '5a' });
    expect(environmentMatcher('{pr}0{head}')!('1005a')).toEqual({ ambiguous: true });
  });
});
