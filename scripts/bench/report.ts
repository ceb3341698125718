// The report: one row per scenario (the run with the median wall time), the floors, the budgets,
// the start against a bare node start, Neon's rate limit, the bundle's size, the machine's load;
// and the section of BENCHMARKS.md it is written into.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT } from '../../sandbox/action-runner.js';
import { expectationOf, overBudget, type Inputs } from './expectations.js';
import { NEON_BURST, median, medianOf, type Platform } from './measures.js';
import { DEFAULTS, LABELS, type BenchOptions, type Scenario } from './options.js';
import type { Sample } from './scenarios.js';

/** The bare start's multiple the issue sets as the goal for start → first request. */
export const START_GOAL = 1.8;

export function bundleSize(entry: string): string {
  const dir = dirname(entry);
  const main = statSync(entry).size;
  const chunks = readdirSync(dir).filter((f) => f.endsWith('.js') && join(dir, f) !== entry);
  const chunkBytes = chunks.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  return chunks.length ? `${mb(main)} (\`${entry.split('/').pop()}\`) + ${mb(chunkBytes)} in ${chunks.length} lazily loaded chunk(s)` : `${mb(main)} (\`${entry.split('/').pop()}\`, one file)`;
}

/** The entry, and when it is in a git checkout, the commit checked out and the last one that changed its folder. */
export function describeEntry(entry: string): string {
  const shown = entry.startsWith(`${ROOT}/`) ? entry.slice(ROOT.length + 1) : entry;
  try {
    const dir = dirname(entry);
    const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const top = git('rev-parse', '--show-toplevel');
    const head = git('rev-parse', '--short', 'HEAD');
    const built = git('log', '-1', '--format=%h', '--', '.');
    const changed = git('status', '--porcelain', '--', '.') !== '';
    return `\`${relative(top, entry)}\` at commit ${head}${built && built !== head ? ` (last changed in ${built})` : ''}${changed ? ', with uncommitted changes' : ''}`;
  } catch {
    return `\`${shown}\``;
  }
}

/** Every run over its budget: "create (new branch) run 2: GitHub 19 > 18". */
export function budgetFailures(options: BenchOptions, samples: Sample[]): string[] {
  const expectation = expectationOf(options.expect);
  if (!expectation.budget) return [];
  const inputs = inputsOf(options);
  const runs = new Map<Scenario, number>();
  return samples.flatMap((s) => {
    const n = (runs.get(s.scenario) ?? 0) + 1;
    runs.set(s.scenario, n);
    return overBudget({ ...s.requests, polls: s.polls }, expectation.budget!(s.scenario, inputs)).map((line) => `${LABELS[s.scenario]} run ${n}: ${line}`);
  });
}

function inputsOf(options: BenchOptions): Inputs {
  return { L: options.latencyMs, T: options.operationMs, branches: options.branches, closed: options.closed };
}

const ms = (n: number): string => `${Math.round(n)} ms`;

export interface Machine {
  loadStart: number;
  loadEnd: number;
}

export function report(options: BenchOptions, samples: Sample[], machine: Machine): string {
  const expectation = expectationOf(options.expect);
  const inputs = inputsOf(options);
  const { L, T } = inputs;
  const platforms = Object.keys(samples[0]?.requests ?? {}) as Platform[];
  const bare = medianOf(samples.map((s) => s.bareStartMs));
  const firstAll = medianOf(samples.map((s) => s.firstRequestMs));
  const rows: string[] = [];
  const floors: string[] = [];
  const slowest: string[] = [];
  for (const scenario of options.only) {
    const mine = samples.filter((s) => s.scenario === scenario);
    if (mine.length === 0) continue;
    const m = median(mine, (s) => s.wallMs);
    const floor = expectation.floor(scenario, inputs);
    const budget = expectation.budget?.(scenario, inputs);
    const cell = (n: number, b: number | undefined): string => (b === undefined ? String(n) : `${n} / ${b}`);
    const counts = [cell(m.requests.Neon, budget?.Neon), cell(m.polls, budget?.polls), ...platforms.filter((pl) => pl !== 'Neon').map((pl) => cell(m.requests[pl], budget?.[pl]))];
    const first = medianOf(mine.map((s) => s.firstRequestMs));
    const peak = Math.max(...mine.map((s) => s.maxRssMb));
    const label = scenario === 'sweep' ? `sweep (${options.branches} branches, ${options.closed} closed)` : LABELS[scenario];
    rows.push(
      `| ${label} | ${counts.join(' | ')} | ${m.chain} | ${ms(m.wallMs)} | ${ms(floor.ms)} | ${(m.wallMs / floor.ms).toFixed(2)}× | ${ms(first)} | ${(first / bare).toFixed(2)}× | ${Math.round(peak)} MB |`,
    );
    floors.push(`${LABELS[scenario]}: ${floor.formula} = ${ms(floor.ms)}`);
    slowest.push(`${LABELS[scenario]}: ${m.slowest.what} ${ms(m.slowest.ms)}`);
  }
  const cpu = cpus();
  const command = `npm run bench -- --latency ${L} --operation-ms ${T} --runs ${options.runs} --branches ${options.branches} --closed ${options.closed}${options.entry === DEFAULTS.entry ? '' : ` --entry ${options.entry}`}${options.expect === 'current' ? '' : ` --expect ${options.expect}`}`;
  const overall = samples.every((s) => s.neonRate.excess <= 0)
    ? 'every run stayed within the bucket'
    : `over the bucket by up to ${Math.max(...samples.map((s) => s.neonRate.excess)).toFixed(1)} request(s)`;
  return [
    `Measured with \`${command}\` against ${describeEntry(options.entry)}, ${expectation.name} (Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}). L = ${L} ms per request, T = ${T} ms per Neon operation. Median of ${options.runs} run(s) per scenario (its counts and chain); start → first request is the median of the scenario's runs, peak memory the largest.`,
    '',
    `| Scenario | Neon | Neon polls | ${platforms.filter((pl) => pl !== 'Neon').join(' | ')} | Longest chain | Wall time | Floor | Wall / floor | Start → first request | ÷ bare start | Peak RSS |`,
    `| --- |${' ---: |'.repeat(platforms.length + 8)}`,
    ...rows,
    '',
    expectation.budget
      ? `Requests are given as count / budget (the counts documented under [Request budgets](#request-budgets); every run was checked against them). Neon's column counts its requests other than operation polls.`
      : `Requests as counted (no budget is checked for ${expectation.name}). Neon's column counts its requests other than operation polls.`,
    '',
    `Floors: ${floors.join('; ')}.`,
    '',
    `Start: a bare \`node -e ''\` (spawn to exit) took ${ms(bare)} (median of ${samples.length}, one right before each run); start → first request over all ${samples.length} runs: ${ms(firstAll)}, ${(firstAll / bare).toFixed(2)}× the bare start (goal: at most ${START_GOAL}×).`,
    '',
    `Slowest single answer of the median run (L plus the stand-in's own work): ${slowest.join('; ')}.`,
    '',
    `Neon's rate limit (${NEON_BURST} at once, then 700 a minute), from the arrival times of every run's Neon requests: at most ${Math.max(...samples.map((s) => s.neonRate.peakPerMinute))} requests in any 60 s; ${overall}.`,
    '',
    `Bundle: ${bundleSize(options.entry)}.`,
    '',
    `Load average of the machine (1 min) at the start / end: ${machine.loadStart.toFixed(1)} / ${machine.loadEnd.toFixed(1)}.`,
  ].join('\n');
}

export function writeSection(file: string, section: string, body: string): void {
  const start = `<!-- bench:${section}:start -->`;
  const end = `<!-- bench:${section}:end -->`;
  const block = `${start}\n${body}\n${end}`;
  if (!existsSync(file)) {
    writeFileSync(file, `# Benchmarks\n\n${block}\n`);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  writeFileSync(file, from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`);
}
