// `npm run demo` as a person runs it, read line by line: what it says first, the first step's log
// as GitHub shows it (groups, labels, masks, no workflow command), aligned tables, the schema
// diff of the table it adds, what it says about the preview's password, no secret anywhere, and
// its checks passed. Nothing here depends on how fast the machine is. Also the log renderer
// alone, on the workflow commands the action does not print today.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../sandbox/action-runner.js';
import { GitHubLog } from '../../sandbox/demo/log.js';

describe('npm run demo', () => {
  let lines: string[];
  let code: number;

  beforeAll(async () => {
    const child = spawn('npm', ['run', '--silent', 'demo'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    const read = (stream: NodeJS.ReadableStream) =>
      new Promise<void>((resolve) =>
        createInterface({ input: stream })
          .on('line', (l) => out.push(stripVTControlCharacters(l)))
          .on('close', resolve),
      );
    const [exit] = await Promise.all([new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1))), read(child.stdout), read(child.stderr)]);
    lines = out;
    code = exit;
  });

  const text = () => lines.join('\n');
  const after = (marker: string) => lines.slice(lines.findIndex((l) => l.startsWith(marker)));

  it('passes its own checks and ends with the total time', () => {
    expect(code, text()).toBe(0);
    expect(lines).toContain('Checks: all passed');
    expect(lines).toContain('Requests the real platforms would refuse: none');
    expect(lines.at(-1)).toMatch(/^Total time: \d+\.\d s \(from the start of "npm[^"]*" to this line\)$/);
  });

  it('says what it is before it starts anything, then what is starting', () => {
    expect(lines[0]).toMatch(/^neon-preview demo: /);
    expect(lines[1]).toMatch(/^Starting /);
    expect(lines[2]).toMatch(/^ {2}loading PGlite .* \d+\.\d s$/);
  });

  it("shows the first step's log as GitHub does: groups, masked inputs, no workflow command", () => {
    const log = lines.filter((l) => l.startsWith('  │ '));
    expect(log).toContain('  │ ▸ Run OWNER/neon-preview@v1');
    expect(log).toContain('  │       neon_api_key: ***');
    expect(log.some((l) => l.startsWith('  │ ▸ Neon branch preview/pr-42'))).toBe(true);
    expect(lines.filter((l) => /(^|\s)::[a-z-]+( [^:]*)?::/.test(l))).toEqual([]);
  });

  it('prints no secret: not the tokens, not a password, not a whole URL', () => {
    expect(text()).not.toMatch(/napi_demo_key|vercel_demo_token|netlify_demo_token|github_pat_|ghs_/);
    expect(text()).not.toMatch(/npg_\w{4,}/);
    expect(text()).not.toMatch(/postgres(ql)?:\/\/[^:\s]+:(?!\*{8}@)[^@\s]+@/);
  });

  it('aligns the value column of every table and explains * once', () => {
    const rows = ['  command ', '  Neon ', '  PR #42 comment ', '  DATABASE_URL_UNPOOLED (direct) ', "  the parent's password on it ", '  Password (PR comment) '];
    const columns = rows.map((label) => {
      const line = lines.find((l) => l.startsWith(label));
      expect(line, label).toBeDefined();
      const rest = line!.slice(label.trimEnd().length);
      return label.trimEnd().length + rest.length - rest.trimStart().length;
    });
    expect(new Set(columns).size, JSON.stringify(columns)).toBe(1);
    expect(lines.filter((l) => l.includes('(* = stored as a secret)'))).toHaveLength(1);
  });

  it('adds a table on the preview and shows it in the next comment, as its schema diff', () => {
    expect(lines.some((l) => /^ {2}migration on the preview +create table reviews/.test(l))).toBe(true);
    const diff = after("The PR comment's schema diff").filter((l) => l.startsWith('  │ '));
    expect(diff[0]).toBe('  │ Schema changes against the parent branch');
    expect(diff[1]).toBe('  │ ▸ neondb: 1 table added, 1 index added');
    expect(diff).toContain('  │     +CREATE TABLE public.reviews (');
    expect(diff).toContain('  │     +CREATE INDEX reviews_product_id_idx ON public.reviews USING btree (product_id);');
  });

  it('says the preview has its own password, and what the stand-in cannot show', () => {
    const block = after("The preview's own password").slice(0, 8).join('\n');
    expect(block).toMatch(/Password \(PR comment\) +its own/);
    expect(block).toMatch(/the preview's password +Neon's, the output's and the published URLs' are one, not the parent's/);
    // PGlite accepts any password: the demo says so instead of claiming a refusal.
    expect(block).toMatch(/the parent's password on it +(refused \(28P01|accepted: the stand-in's Postgres \(PGlite\) checks no password)/);
  });

  it('keeps the database checks: both URLs answer, the write stays on the preview, the URLs are refused after the close', () => {
    expect(lines.filter((l) => /^ {2}DATABASE_URL(_UNPOOLED)? \((pooled|direct)\) +select version\(\): PostgreSQL/.test(l))).toHaveLength(4);
    expect(lines.some((l) => /a row written on the preview +the preview has 4 rows, the parent still 3/.test(l))).toBe(true);
    expect(lines.filter((l) => /^ {2}the old (pooled|direct) URL +refuses connections/.test(l))).toHaveLength(2);
  });
});

describe('the log as GitHub shows it', () => {
  it('masks a value from the line that registers it on, in every line after, and drops the command', () => {
    const log = new GitHubLog(['tok_secret']);
    expect(log.render('using tok_secret')).toEqual(['  using ***']);
    expect(log.render('early pw_1')).toEqual(['  early pw_1']);
    expect(log.render('::add-mask::pw_1')).toEqual([]);
    expect(log.render('late pw_1 and pw_12')).toEqual(['  late *** and ***2']);
  });

  it('unescapes command data, groups and labels annotations, hides debug', () => {
    const log = new GitHubLog();
    expect(log.render('::add-mask::a%25b')).toEqual([]);
    expect(log.render('::group::Neon branch preview/pr-1')).toEqual(['▸ Neon branch preview/pr-1']);
    expect(log.render('inside a%b')).toEqual(['    inside ***']);
    expect(log.render('::warning title=Slow::took%0Along')).toEqual(['    Warning: took', '    long']);
    expect(log.render('::debug::hidden')).toEqual([]);
    expect(log.render('::endgroup::')).toEqual([]);
    expect(log.render('::notice::done')).toEqual(['  Notice: done']);
    expect(log.render('::error::failed')).toEqual(['  Error: failed']);
    expect(log.render('::unknown::as is')).toEqual(['  ::unknown::as is']);
  });
});
