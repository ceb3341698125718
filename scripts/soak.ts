// The soak (issues #6, #16, #21): the built action (dist/index.js), run as the runner runs it,
// through many pull requests' runs against the four stand-ins with every target configured and a
// share of every platform's requests failing transiently; then a sweep; then a check of what is
// left. Prints a table; exits 1 on a problem, 2 when the soak itself broke.
//
//   npm run soak -- [--lifecycles 200] [--collisions 10] [--forks 6] ... (see --help)
//
// The scenarios (scripts/soak/scenarios.ts, collisions.ts, forks.ts) are shuffled by the seed,
// the longest chains of runs first, at most `concurrency` action processes at once
// (scripts/soak/runner.ts: a failed run is delivered again, up to `max-tries` times). After every
// create run, its outputs and what the targets hold for its PR are compared with the parent
// branch's passwords (scripts/soak/passwords.ts).
//
// At the end: one sweep with the faults still on (re-run until it succeeds), then faults off and a
// second sweep, then the check (scripts/soak/checks.ts, secrets.ts): leaks of closed PRs, open
// PRs' values duplicated, missing or stale, comments, API-description violations, secrets in any
// output or comment. The problems are listed in scripts/soak/report.ts (`judge`).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { actionDefaults, ENTRY, type RunResult } from '../sandbox/action-runner.js';
import { startPlatforms } from '../sandbox/platforms.js';
import { seededRandom } from '../sandbox/server.js';
import { checkComments, checkLeaks, checkOpenPulls, countRequests } from './soak/checks.js';
import { collisionLeftovers, collisions } from './soak/collisions.js';
import { NEON_KEY, NETLIFY_TOKEN, STAGING, VERCEL_PROJECT, VERCEL_TOKEN, type Soak } from './soak/context.js';
import { allowedForks, overlappingForks, skippedForks } from './soak/forks.js';
import { checked, DEFAULT_OPTIONS, FAULT_KINDS, parseCommandLine, USAGE, type Options, type SoakOptions } from './soak/options.js';
import { formatReport, judge, newReport, type SoakReport } from './soak/report.js';
import { Runner } from './soak/runner.js';
import { errorLines } from './soak/runs.js';
import { doubleCreates, lifecycles, races, undelivered } from './soak/scenarios.js';
import { searchSecrets } from './soak/secrets.js';
import { holdings, whatIsHeld } from './soak/state.js';
import type { Job, Platform } from './soak/types.js';

export { DEFAULT_OPTIONS, formatReport };
export type { SoakOptions, SoakReport };
export type { StandIns } from './soak/types.js';

/** The stand-ins, a `staging` branch beside the default one, and what every run is given. */
async function startSoak(options: Options, log: (line: string) => void, startedAt: number): Promise<Soak> {
  const platforms = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN }, { operationMs: options.operationMs, vercelProject: VERCEL_PROJECT });
  const { neon, github } = platforms;
  const staging = neon.addBranch({ name: STAGING });
  const keys = (actionDefaults().env_vars ?? '')
    .split('\n')
    .map((l) => l.split('=')[0]!.trim())
    .filter(Boolean);
  const names = Object.keys(platforms.standIns) as Platform[];
  const tokens = new Map([
    [NEON_KEY, 'the Neon API key'],
    [VERCEL_TOKEN, 'the Vercel token'],
    [NETLIFY_TOKEN, 'the Netlify token'],
    [github.tokens.admin, 'the GitHub token'],
    [github.tokens.actions, 'the workflow token'],
  ]);
  const inputs = platforms.inputs({ timeout: String(options.timeoutSeconds) });
  const seeded = new Set([neon.defaultBranchId, staging.id]);
  return { options, platforms, names, report: newReport(options, names), pulls: new Map(), random: seededRandom(options.seed), inputs, keys, tokens, seeded, log, startedAt };
}

function setFaults(soak: Soak, on: boolean): void {
  const { options } = soak;
  soak.names.forEach((p, i) =>
    soak.platforms.standIns[p].setFaults(
      on && options.faultRate > 0 ? { rate: options.faultRate, kinds: FAULT_KINDS, seed: options.seed * 31 + i, slowMs: options.slowMs, retryAfterSeconds: options.retryAfterSeconds } : undefined,
    ),
  );
}

/** Every scenario's jobs, shuffled with the seed (Fisher-Yates), then the longest chains of runs first (a stable sort). */
function buildJobs(soak: Soak, runner: Runner): Job[] {
  const builders = [lifecycles, undelivered, doubleCreates, races, collisions, collisionLeftovers, skippedForks, allowedForks, overlappingForks];
  const jobs = builders.flatMap((build) => build(soak, runner));
  for (let i = jobs.length - 1; i > 0; i--) {
    const j = Math.floor(soak.random() * (i + 1));
    [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
  }
  return jobs.sort((a, b) => b.runs - a.runs);
}

/** One worker per process slot; a pair's worker takes two slots while its runs start together. */
async function runJobs(soak: Soak, jobs: Job[]): Promise<void> {
  let cursor = 0;
  const worker = async () => {
    while (cursor < jobs.length) await jobs[cursor++]!.go();
  };
  await Promise.all(Array.from({ length: soak.options.concurrency }, worker));
}

/** A hash of the bundle's directory (dist/: index.js and the chunks it loads), to tell whether it was rebuilt meanwhile. */
function buildHash(): string {
  const entry = process.env.NEON_PREVIEW_ENTRY ?? ENTRY;
  const dir = dirname(entry);
  const hash = createHash('sha256');
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.js'))
    .sort())
    hash.update(name).update(readFileSync(join(dir, name)));
  return hash.digest('hex').slice(0, 12);
}

/** One sweep with the faults on (re-run until it succeeds), then one with the faults off. */
async function sweeps(soak: Soak, runner: Runner): Promise<void> {
  const { report, options, log } = soak;
  const removedBy = (result: RunResult) => Number(/Neon preview sweep: (\d+) removed/.exec(result.summary)?.[1] ?? 0);
  const keptBy = (result: RunResult) => Number(/Neon preview sweep: \d+ removed, (\d+) kept/.exec(result.summary)?.[1] ?? 0);
  report.sweeps.closedHolding = [...soak.pulls.values()].filter((pr) => !pr.open && whatIsHeld(holdings(soak, pr))).length;
  log('sweep with faults on');
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) report.reruns++;
    const result = await runner.runOnce(undefined, 'sweep', attempt);
    report.sweeps.firstTries = attempt;
    report.sweeps.firstRemoved += removedBy(result);
    if (result.code === 0) break;
    if (attempt >= options.maxTries) {
      report.unrecovered.push(`sweep: failed ${attempt} times; last: ${errorLines(result)[0] ?? `exit ${result.code}`}`);
      break;
    }
  }
  setFaults(soak, false);
  log('sweep with faults off');
  const second = await runner.runOnce(undefined, 'sweep', 1);
  if (second.code !== 0) report.unrecovered.push(`second sweep (no faults): ${errorLines(second)[0] ?? `exit ${second.code}`}`);
  report.sweeps.secondRemoved = removedBy(second);
  report.sweeps.kept = keptBy(second);
}

/** The check of what is left, the counts, and the verdict. */
function finish(soak: Soak, runner: Runner, startedAt: number): SoakReport {
  const { report } = soak;
  checkLeaks(soak);
  checkOpenPulls(soak);
  checkComments(soak);
  searchSecrets(soak, runner.sweepResults);
  countRequests(soak);
  report.failureReasons = [...runner.reasons].sort((a, b) => b[1] - a[1]);
  const durations = [...runner.durations].sort((a, b) => a - b);
  if (durations.length > 0) {
    report.runMs = {
      mean: Math.round(durations.reduce((n, ms) => n + ms, 0) / durations.length),
      p95: durations[Math.min(durations.length - 1, Math.floor(durations.length * 0.95))]!,
      max: durations.at(-1)!,
    };
  }
  judge(report);
  report.wallMs = Date.now() - startedAt;
  return report;
}

export async function runSoak(given: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const { log = () => {}, beforeCheck, ...rest } = given;
  const options = checked({ ...DEFAULT_OPTIONS, ...rest });
  const startedAt = Date.now();
  const soak = await startSoak(options, log, startedAt);
  soak.report.build.hash = buildHash();
  const runner = new Runner(soak);
  // A line every `progressSeconds` whatever happens (a run can take a minute on a busy machine).
  const progress = setInterval(() => log(runner.progress(startedAt)), options.progressSeconds * 1000);
  try {
    const jobs = buildJobs(soak, runner);
    runner.planned = jobs.reduce((n, job) => n + job.runs, 0) + 2;
    log(`${soak.pulls.size} pull requests, ${jobs.length} jobs, ${runner.planned} runs planned`);
    setFaults(soak, true);
    await runJobs(soak, jobs);
    await sweeps(soak, runner);
    await beforeCheck?.(soak.platforms);
    soak.report.build.changed = buildHash() !== soak.report.build.hash;
    return finish(soak, runner, startedAt);
  } finally {
    clearInterval(progress);
    setFaults(soak, false);
    await soak.platforms.stop();
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return console.log(USAGE);
  let options: Options;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const report = await runSoak({ ...options, log: (line) => console.error(`[soak] ${line}`) });
  console.log(formatReport(report));
  process.exitCode = report.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  });
}
