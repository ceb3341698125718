// The benchmark's own measures (the longest chain of sequential requests, Neon's polls, the check
// of Neon's rate limit on arrival times), its command line, the polling rounds and request budgets
// it checks runs against (and that BENCHMARKS.md documents the same budgets), and the floors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../sandbox/action-runner.js';
import { expectationOf, overBudget, pollRounds, type Budget } from '../../scripts/bench/expectations.js';
import { countRequests, isPoll, longestChain, median, medianOf, neonRate, type Timed } from '../../scripts/bench/measures.js';
import { DEFAULTS, LABELS, SCENARIOS, parseCommandLine } from '../../scripts/bench/options.js';

const request = (start: number, end: number, over: Partial<Timed> = {}): Timed => ({ platform: 'Neon', method: 'GET', url: '/x', start, end, status: 200, ...over });

describe('longestChain', () => {
  it('counts requests sent one after another, not those in flight together', () => {
    // a → b → d in sequence; c overlaps b.
    expect(longestChain([request(0, 50), request(60, 110), request(70, 120), request(115, 165)])).toBe(3);
    expect(longestChain([request(0, 50), request(10, 60), request(20, 70)])).toBe(1);
    expect(longestChain([])).toBe(0);
  });

  it('counts a request sent the instant the previous answer ended, and leaves out one never answered', () => {
    expect(longestChain([request(0, 50), request(50, 100)])).toBe(2);
    expect(longestChain([request(0, 50), request(60, NaN)])).toBe(1);
  });
});

describe('polls', () => {
  it("are Neon's reads of an operation or of the project's operation list", () => {
    expect(isPoll({ platform: 'Neon', method: 'GET', url: '/projects/p-1/operations/0b7e-11' })).toBe(true);
    expect(isPoll({ platform: 'Neon', method: 'GET', url: '/projects/p-1/operations?limit=1000' })).toBe(true);
    expect(isPoll({ platform: 'Neon', method: 'GET', url: '/projects/p-1/branches?limit=10000' })).toBe(false);
    expect(isPoll({ platform: 'GitHub', method: 'GET', url: '/projects/p-1/operations/1' })).toBe(false);
  });

  it('are counted apart from the platforms’ other requests', () => {
    const requests = [
      request(0, 1, { url: '/projects/p/branches' }),
      request(1, 2, { url: '/projects/p/operations/a' }),
      request(1, 2, { url: '/projects/p/operations/b' }),
      request(0, 1, { platform: 'GitHub', url: '/repos/a/b' }),
    ];
    expect(countRequests(['Neon', 'Vercel', 'Netlify', 'GitHub'], requests)).toEqual({ requests: { Neon: 1, Vercel: 0, Netlify: 0, GitHub: 1 }, polls: 2 });
  });

  it('take at most pollRounds(T) rounds at the pace of a tenth of the wait, 100 ms to 2 s', () => {
    // Rounds at 100, 200, ... 900 ms, and the one at 1000 ms that sees the end.
    expect(pollRounds(1000)).toBe(10);
    expect(pollRounds(100)).toBe(1);
    expect(pollRounds(0)).toBe(1);
    expect(pollRounds(101)).toBe(2);
    // Past 1 s rounds are a tenth of the wait apart: 1000, 1100, 1210, 1331, 1464, 1610, ...
    expect(pollRounds(1500)).toBe(15);
    // Past 20 s, 2 s apart.
    expect(pollRounds(60_000) - pollRounds(40_000)).toBe(10);
  });
});

describe('neonRate', () => {
  it('accepts a burst of 40 and then 700 a minute', () => {
    const burst = Array.from({ length: 40 }, () => 0);
    const paced = Array.from({ length: 100 }, (_, i) => ((i + 1) * 60_000) / 700);
    expect(neonRate([...burst, ...paced]).excess).toBeLessThanOrEqual(0);
    expect(neonRate([...burst, ...paced]).peakPerMinute).toBe(140);
  });

  it('finds a run over the bucket', () => {
    const tooMany = Array.from({ length: 60 }, (_, i) => i * 10);
    expect(neonRate(tooMany).excess).toBeGreaterThan(0);
    expect(neonRate(tooMany).peakPerMinute).toBe(60);
  });

  it('counts the busiest 60 s', () => {
    expect(neonRate([0, 30_000, 59_999, 60_000, 120_001]).peakPerMinute).toBe(3);
  });
});

describe('medians', () => {
  it('of items: the lower middle one; of values: the mean of the two middle ones', () => {
    expect(median([3, 1, 2], (n) => n)).toBe(2);
    expect(median([4, 1, 3, 2], (n) => n)).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([5])).toBe(5);
    expect(medianOf([])).toBeNaN();
  });
});

describe('parseCommandLine', () => {
  const exists = () => true;

  it('gives the documented defaults', () => {
    expect(parseCommandLine([], exists)).toEqual({ ...DEFAULTS, help: false });
  });

  it('reads every option', () => {
    const options = parseCommandLine(
      [
        '--latency',
        '20',
        '--operation-ms',
        '500',
        '--runs',
        '5',
        '--entry',
        '/tmp/x/index.js',
        '--branches',
        '100',
        '--closed',
        '10',
        '--only',
        'sweep,create',
        '--expect',
        'c880f98',
        '--out',
        '/tmp/B.md',
        '--section',
        'before',
        '--no-write',
        '--trace',
        '--node-args=--cpu-prof  --cpu-prof-dir=/tmp/p',
      ],
      exists,
    );
    expect(options).toMatchObject({
      latencyMs: 20,
      operationMs: 500,
      runs: 5,
      entry: '/tmp/x/index.js',
      branches: 100,
      closed: 10,
      only: ['create', 'sweep'],
      expect: 'c880f98',
      out: '/tmp/B.md',
      section: 'before',
      write: false,
      trace: true,
    });
    expect(options.nodeArgs).toEqual(['--cpu-prof', '--cpu-prof-dir=/tmp/p']);
  });

  it('refuses what it cannot run, naming the option', () => {
    expect(() => parseCommandLine(['--latency'], exists)).toThrow(/latency/);
    expect(() => parseCommandLine(['--latency', 'fast'], exists)).toThrow(/--latency needs a number/);
    expect(() => parseCommandLine(['--runs', '0'], exists)).toThrow(/--runs/);
    expect(() => parseCommandLine(['--runs', '1.5'], exists)).toThrow(/whole number/);
    expect(() => parseCommandLine(['--only', 'create,merge'], exists)).toThrow(/--only takes/);
    expect(() => parseCommandLine(['--expect', 'v0'], exists)).toThrow(/--expect takes/);
    expect(() => parseCommandLine(['--section', 'Before!'], exists)).toThrow(/--section/);
    expect(() => parseCommandLine(['--closed', '30', '--branches', '20'], exists)).toThrow(/--closed cannot exceed/);
    expect(() => parseCommandLine(['--fast'], exists)).toThrow(/fast/);
    expect(() => parseCommandLine([], () => false)).toThrow(/no bundle at/);
  });
});

describe('request budgets', () => {
  const current = expectationOf('current');
  const documented = { L: 50, T: 1000, branches: 2000, closed: 200 };
  const counts = (budget: Budget) => ({ ...budget });

  it('hold a run that makes exactly its budget, and name each platform over it', () => {
    const budget = current.budget!('create', documented);
    expect(overBudget(counts(budget), budget)).toEqual([]);
    expect(overBudget({ ...counts(budget), GitHub: budget.GitHub + 1, polls: budget.polls + 4 }, budget)).toEqual([
      `Neon polls ${budget.polls + 4} > ${budget.polls}`,
      `GitHub ${budget.GitHub + 1} > ${budget.GitHub}`,
    ]);
  });

  it('are the counts BENCHMARKS.md documents, at its settings', () => {
    const text = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
    const table = text.slice(text.indexOf('### Request budgets'));
    for (const scenario of SCENARIOS) {
      const label = scenario === 'sweep' ? 'sweep (2000 branches, 200 closed)' : LABELS[scenario];
      const row = table.split('\n').find((line) => line.startsWith(`| ${label} |`));
      expect(row, `a row for ${label}`).toBeDefined();
      const [neon, polls, vercel, netlify, github] = row!
        .split('|')
        .slice(2, 7)
        .map((cell) => Number(cell.trim()));
      expect({ Neon: neon, polls, Vercel: vercel, Netlify: netlify, GitHub: github }, label).toEqual(current.budget!(scenario, documented));
    }
  });

  it('are not checked for an earlier version, which cannot run reset_on_push', () => {
    const before = expectationOf('c880f98');
    expect(before.budget).toBeUndefined();
    expect(before.scenarios).not.toContain('reset');
  });
});

describe('floors', () => {
  it('at L = 50 ms and T = 1 s', () => {
    const k = { L: 50, T: 1000, branches: 2000, closed: 200 };
    const floor = (scenario: (typeof SCENARIOS)[number]) => expectationOf('current').floor(scenario, k).ms;
    expect(floor('create')).toBe(2550);
    expect(floor('reuse')).toBe(450);
    expect(floor('reset')).toBe(2550);
    expect(floor('delete')).toBe(1350);
    // The list and 200 deletions through the bucket: (201 − 40) / (700/min) = 13.8 s, then L + T.
    expect(floor('sweep')).toBe(14850);
    expect(expectationOf('c880f98').floor('create', k).ms).toBe(1200);
  });
});
