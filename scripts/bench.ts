// The benchmark (issue #8): the built action, run as the runner runs it, against the four
// stand-ins with a fixed latency on every request and Neon operations of a fixed duration, for
// create (new branch), create (reuse), delete, and a sweep of a large project. For each it
// reports the requests per platform, the longest chain of sequential requests, the wall time, the
// floor (the shortest sequence of dependent calls the platforms allow, see BENCHMARKS.md) and the
// ratio of the two; and the time from process start to the first request, the bundle's size and
// the peak memory of the action's process.
//
//   npm run bench -- [--latency 50] [--operation-ms 1000] [--runs 3] [--entry dist/index.js]
//                    [--branches 2000] [--closed 200] [--only create,reuse,delete,sweep]
//                    [--out BENCHMARKS.md] [--section results] [--no-write] [--trace]
//                    [--node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"]
//
// How it measures:
// - Every stand-in's HTTP server gets one more `request` listener that notes when each request
//   arrived and when its response was finished (the stand-ins' own log has the arrival only).
//   The latency is injected by the stand-in before it answers, so each request costs at least
//   `latency` ms between those two instants.
// - Longest chain: of the run's requests, the longest sequence in which each request arrived
//   after the previous one's response was finished (computed exactly over all requests of the
//   run, every platform together). Requests that overlap in time are never in one chain; a
//   request sent only after another's answer (whether it needed it or not) is.
// - Wall time: from spawning `node <entry>` to the process's exit. First request: from spawning to
//   the arrival of the run's first request at any stand-in (Node's own start, the bundle's load and
//   the reading of the inputs). Peak memory: the process's maxRSS, written at exit by a preload
//   (`node --import`), which does nothing else.
// - Each scenario runs `runs` times (after one unmeasured warm-up cycle); the table gives the run
//   with the median wall time (its counts and chain), and the largest peak memory of all runs.
// - Setup (seeding) happens with no latency and is not measured.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os, { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPOSITORY, ROOT, actionDefaults, parseOutputFile, pullRequestEvent } from '../sandbox/action-runner.js';
import { startPlatforms, type Platforms } from '../sandbox/platforms.js';
import type { StandIn } from '../sandbox/server.js';

// ---------------------------------------------------------------------------------------------
// Options

export interface BenchOptions {
  latencyMs: number;
  operationMs: number;
  runs: number;
  entry: string;
  branches: number;
  closed: number;
  only: Scenario[];
  out: string;
  section: string;
  write: boolean;
  /** Print every measured run's requests as a timeline (to stderr). */
  trace: boolean;
  /** Extra arguments for node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), space-separated. */
  nodeArgs: string[];
}

export const SCENARIOS = ['create', 'reuse', 'delete', 'sweep'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const LABELS: Record<Scenario, string> = { create: 'create (new branch)', reuse: 'create (reuse)', delete: 'delete', sweep: 'sweep' };

function parseArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    latencyMs: 50,
    operationMs: 1000,
    runs: 3,
    entry: join(ROOT, 'dist/index.js'),
    branches: 2000,
    closed: 200,
    only: [...SCENARIOS],
    out: join(ROOT, 'BENCHMARKS.md'),
    section: 'results',
    write: true,
    trace: false,
    nodeArgs: [],
  };
  const number = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number ≥ ${min}, got ${value ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    switch (flag) {
      case '--latency':
        options.latencyMs = number(flag, value, 0);
        i++;
        break;
      case '--operation-ms':
        options.operationMs = number(flag, value, 0);
        i++;
        break;
      case '--runs':
        options.runs = Math.round(number(flag, value, 1));
        i++;
        break;
      case '--entry':
        if (!value) throw new Error('--entry needs a path');
        options.entry = resolve(value);
        i++;
        break;
      case '--branches':
        options.branches = Math.round(number(flag, value, 1));
        i++;
        break;
      case '--closed':
        options.closed = Math.round(number(flag, value, 0));
        i++;
        break;
      case '--only': {
        const wanted = (value ?? '').split(',').filter(Boolean);
        const unknown = wanted.filter((w) => !(SCENARIOS as readonly string[]).includes(w));
        if (wanted.length === 0 || unknown.length > 0) throw new Error(`--only takes some of ${SCENARIOS.join(',')}`);
        options.only = wanted as Scenario[];
        i++;
        break;
      }
      case '--out':
        if (!value) throw new Error('--out needs a path');
        options.out = resolve(value);
        i++;
        break;
      case '--section':
        if (!value || !/^[a-z0-9-]+$/.test(value)) throw new Error('--section needs a name of lower-case letters, digits and dashes');
        options.section = value;
        i++;
        break;
      case '--no-write':
        options.write = false;
        break;
      case '--trace':
        options.trace = true;
        break;
      case '--node-args':
        options.nodeArgs = (value ?? '').split(' ').filter(Boolean);
        i++;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (options.closed > options.branches) throw new Error('--closed cannot exceed --branches');
  if (!existsSync(options.entry)) throw new Error(`no bundle at ${options.entry} (build one with ncc, or run npm run bundle)`);
  return options;
}

// ---------------------------------------------------------------------------------------------
// Request timing

type Platform = 'Neon' | 'Vercel' | 'Netlify' | 'GitHub';
const PLATFORMS: Platform[] = ['Neon', 'Vercel', 'Netlify', 'GitHub'];

export interface Timed {
  platform: Platform;
  method: string;
  url: string;
  /** Epoch ms (fractional) the request arrived at the stand-in. */
  start: number;
  /** Epoch ms the response was finished (NaN while open). */
  end: number;
  status: number;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Notes every request's arrival and the end of its response, on each stand-in's server. */
class Tracer {
  readonly requests: Timed[] = [];

  attach(platform: Platform, standIn: StandIn): void {
    // The stand-in keeps its server private; one more listener does not change how it answers.
    const server = (standIn as unknown as { server: http.Server }).server;
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const entry: Timed = { platform, method: req.method ?? 'GET', url: req.url ?? '', start: now(), end: NaN, status: 0 };
      this.requests.push(entry);
      const done = (): void => {
        if (Number.isNaN(entry.end)) {
          entry.end = now();
          entry.status = res.statusCode;
        }
      };
      res.on('finish', done);
      res.on('close', done);
    });
  }

  between(from: number, to: number): Timed[] {
    return this.requests.filter((r) => r.start >= from && r.start <= to);
  }
}

/**
 * The longest sequence of requests in which each arrived after the previous one's response was
 * finished. Exact (O(n²) over the run's requests).
 */
export function longestChain(requests: Timed[]): number {
  const sorted = [...requests].filter((r) => !Number.isNaN(r.end)).sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= sorted[i]!.start && depth[j]! + 1 > d) d = depth[j]! + 1;
    depth.push(d);
    if (d > best) best = d;
  }
  return best;
}

/**
 * Neon's rate limit as the action reads it, checked on the arrival times of a run's Neon requests:
 * in every window [t_i, t_j] at most `burst` + `perSecond` × (t_j − t_i) requests arrive (a token
 * bucket). Returns the largest number of requests any 60 s window held, and the largest excess over
 * the bucket (0 or less: within the limit). `slackMs` absorbs the latency between the action's
 * gate and the arrival.
 */
export function neonRate(starts: number[], burst = NEON_BURST, perSecond = NEON_PER_SECOND, slackMs = 0): { peakPerMinute: number; excess: number } {
  const t = [...starts].sort((a, b) => a - b);
  let peakPerMinute = 0;
  let excess = -Infinity;
  let from = 0;
  for (let j = 0; j < t.length; j++) {
    while (t[j]! - t[from]! >= 60_000) from++;
    peakPerMinute = Math.max(peakPerMinute, j - from + 1);
    for (let i = 0; i <= j; i++) excess = Math.max(excess, j - i + 1 - (burst + (perSecond * (t[j]! - t[i]! + slackMs)) / 1000));
  }
  // Rounded: the bucket's own arithmetic is in fractions of a request.
  return { peakPerMinute, excess: t.length === 0 ? 0 : Math.round(excess * 1e6) / 1e6 };
}

// ---------------------------------------------------------------------------------------------
// Running the bundle

const PROBE = `import { writeFileSync } from 'node:fs';
const file = process.env.NEON_PREVIEW_BENCH_PROBE;
process.on('exit', () => {
  if (file) writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
});
`;

interface SpawnOptions {
  inputs: Record<string, string>;
  event: { name: string; payload: Record<string, unknown> };
  githubApiUrl: string;
  githubToken: string;
}

interface RunMeasure {
  code: number;
  stdout: string;
  summary: string;
  outputs: Record<string, string>;
  started: number;
  ended: number;
  maxRssKb: number;
}

/** Runs the bundle as sandbox/action-runner.ts does, with the probe preloaded. */
async function runBundle(entry: string, options: SpawnOptions): Promise<RunMeasure> {
  const dir = mkdtempSync(join(tmpdir(), 'neon-preview-bench-'));
  try {
    const eventPath = join(dir, 'event.json');
    const outputPath = join(dir, 'output');
    const summaryPath = join(dir, 'summary');
    const probePath = join(dir, 'probe.mjs');
    const probeOut = join(dir, 'probe.json');
    writeFileSync(eventPath, JSON.stringify(options.event.payload));
    writeFileSync(outputPath, '');
    writeFileSync(summaryPath, '');
    writeFileSync(probePath, PROBE);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: options.githubApiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '1',
      GITHUB_SHA: 'c'.repeat(40),
      GITHUB_REF: 'refs/pull/1/merge',
      RUNNER_TEMP: dir,
      NEON_PREVIEW_BENCH_PROBE: probeOut,
    };
    const inputs = { ...actionDefaults(options.githubToken), ...options.inputs };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;

    const started = now();
    const child = spawn(process.execPath, [...nodeArgs, '--import', pathToFileURL(probePath).href, entry], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
    const ended = now();
    const probe = existsSync(probeOut) ? (JSON.parse(readFileSync(probeOut, 'utf8')) as { maxRssKb: number }) : { maxRssKb: NaN };
    return { code, stdout, summary: readFileSync(summaryPath, 'utf8'), outputs: parseOutputFile(readFileSync(outputPath, 'utf8')), started, ended, maxRssKb: probe.maxRssKb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The platforms

const NEON_KEY = 'napi_bench_key_00000000000000000';
const VERCEL_TOKEN = 'vercel_bench_token_000000000000';
const NETLIFY_TOKEN = 'netlify_bench_token_00000000000';
const VERCEL_PROJECT = 'shop-web';

interface BenchPlatforms extends Platforms {
  tracer: Tracer;
}

async function startBenchPlatforms(operationMs: number): Promise<BenchPlatforms> {
  const p = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN }, { operationMs, vercelProject: VERCEL_PROJECT });
  const tracer = new Tracer();
  for (const name of ['Neon', 'Vercel', 'Netlify', 'GitHub'] as const) tracer.attach(name, p.standIns[name]);
  return { ...p, tracer };
}

function setLatency(p: BenchPlatforms, ms: number): void {
  for (const s of Object.values(p.standIns)) s.setLatency(ms);
}

const head = (pr: number): string => `feature/bench-${pr}`;
const sha = (pr: number, push: number): string => `${String(push).padStart(4, '0')}${String(pr).padStart(8, '0')}${'e'.repeat(28)}`;

/** The default env_vars mapping: [name, secret]. */
const MAPPING: [string, boolean][] = [
  ['DATABASE_URL', true],
  ['DATABASE_URL_UNPOOLED', true],
  ['PGHOST', false],
  ['PGHOST_UNPOOLED', false],
  ['PGUSER', false],
  ['PGDATABASE', false],
  ['PGPASSWORD', true],
];

// ---------------------------------------------------------------------------------------------
// Measuring one run

interface Sample {
  scenario: Scenario;
  requests: Record<Platform, number>;
  chain: number;
  wallMs: number;
  firstRequestMs: number;
  maxRssMb: number;
  /** Answers with a status of 400 or more (retried or expected, e.g. a 404 lookup). */
  errors: number;
  /** The run's slowest answer: arrival to end of response (latency + the stand-in's own work). */
  slowest: { ms: number; what: string };
  /** Neon requests in the busiest 60 s, and the largest excess over Neon's token bucket. */
  neonRate: { peakPerMinute: number; excess: number };
}

let tracing = false;
let nodeArgs: string[] = [];

/** One line per request: arrival and end (ms after the spawn), platform, method, path, status. */
function printTimeline(scenario: Scenario, started: number, requests: Timed[]): void {
  console.error(`--- ${LABELS[scenario]}: ${requests.length} requests`);
  for (const r of [...requests].sort((a, b) => a.start - b.start)) {
    console.error(`${(r.start - started).toFixed(0).padStart(6)} ${(r.end - started).toFixed(0).padStart(6)}  ${r.platform.padEnd(7)} ${r.method.padEnd(6)} ${r.url.slice(0, 110)} ${r.status}`);
  }
}

async function measure(p: BenchPlatforms, scenario: Scenario, entry: string, options: SpawnOptions, check: (run: RunMeasure) => void): Promise<Sample> {
  const run = await runBundle(entry, options);
  if (run.code !== 0) throw new Error(`${LABELS[scenario]}: the run failed (exit ${run.code}):\n${run.stdout.split('\n').slice(-30).join('\n')}`);
  check(run);
  // Responses still being finished when the process exits are not part of the run.
  const requests = p.tracer.between(run.started, run.ended);
  const counts = Object.fromEntries(PLATFORMS.map((name) => [name, requests.filter((r) => r.platform === name).length])) as Record<Platform, number>;
  const first = Math.min(...requests.map((r) => r.start));
  if (tracing) printTimeline(scenario, run.started, requests);
  return {
    scenario,
    requests: counts,
    chain: longestChain(requests),
    wallMs: run.ended - run.started,
    firstRequestMs: first - run.started,
    maxRssMb: run.maxRssKb / 1024,
    errors: requests.filter((r) => r.status >= 400).length,
    neonRate: neonRate(requests.filter((r) => r.platform === 'Neon').map((r) => r.start), NEON_BURST, NEON_PER_SECOND, 50),
    slowest: requests.reduce(
      (worst, r) => (r.end - r.start > worst.ms ? { ms: r.end - r.start, what: `${r.platform} ${r.method} ${r.url.split('?')[0]!.replace(/\/[0-9a-f-]{20,}|\/br-[a-z]+-[a-z]+-[a-z0-9]+/g, '/…')}` } : worst),
      { ms: 0, what: '' },
    ),
  };
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** create (new), create (reuse), delete of one pull request; returns the samples wanted. */
async function lifecycle(p: BenchPlatforms, pr: number, entry: string, wanted: Set<Scenario>): Promise<Sample[]> {
  const samples: Sample[] = [];
  const github = { githubApiUrl: p.github.url, githubToken: p.github.tokens.admin };
  p.github.setPullRequest(pr, { state: 'open', headRef: head(pr) });
  const created = await measure(p, 'create', entry, { ...github, inputs: p.inputs(), event: pullRequestEvent({ action: 'opened', number: pr, headRef: head(pr), headSha: sha(pr, 1) }) }, (run) => {
    expect(run.outputs.created === 'true', `PR #${pr} got a new branch`);
    expect(p.vercel.envs(VERCEL_PROJECT).filter((e) => e.gitBranch === head(pr)).length === MAPPING.length, 'Vercel holds every value');
    expect(p.github.environment(`pr-${pr}`) !== undefined, 'the GitHub environment exists');
  });
  if (wanted.has('create')) samples.push(created);
  const reused = await measure(p, 'reuse', entry, { ...github, inputs: p.inputs(), event: pullRequestEvent({ action: 'synchronize', number: pr, headRef: head(pr), headSha: sha(pr, 2) }) }, (run) => {
    expect(run.outputs.created === 'false', `PR #${pr} reused its branch`);
  });
  if (wanted.has('reuse')) samples.push(reused);
  p.github.setPullRequest(pr, { state: 'closed', headRef: head(pr) });
  const deleted = await measure(p, 'delete', entry, { ...github, inputs: p.inputs(), event: pullRequestEvent({ action: 'closed', number: pr, headRef: head(pr), headSha: sha(pr, 2) }) }, () => {
    expect(p.neon.branchByName(`preview/pr-${pr}`) === undefined, 'the branch is gone');
    expect(p.vercel.envs(VERCEL_PROJECT).filter((e) => e.gitBranch === head(pr)).length === 0, 'Vercel holds nothing of the PR');
    expect(p.github.environment(`pr-${pr}`) === undefined, 'the GitHub environment is gone');
  });
  if (wanted.has('delete')) samples.push(deleted);
  return samples;
}

// ---------------------------------------------------------------------------------------------
// The sweep's project

const sweepHead = (pr: number): string => `feature/sweep-${pr}`;

/** One pull request's leftovers, as a create run leaves them: Neon branch, Vercel, Netlify, GitHub. */
async function seedPullRequest(p: BenchPlatforms, pr: number, state: 'open' | 'closed'): Promise<void> {
  const headRef = sweepHead(pr);
  const branch = p.neon.addBranch({ name: `preview/pr-${pr}`, annotations: { 'managed-by': 'neon-preview', 'github-repo': REPOSITORY, 'github-pr': String(pr), 'github-head-ref': headRef } });
  const endpoint = branch.endpoints[0]!.id;
  const values: Record<string, string> = {
    DATABASE_URL: `postgresql://neondb_owner:npg_seeded@${endpoint}-pooler.c-2.us-east-2.aws.neon.tech/neondb?sslmode=require`,
    DATABASE_URL_UNPOOLED: `postgresql://neondb_owner:npg_seeded@${endpoint}.c-2.us-east-2.aws.neon.tech/neondb?sslmode=require`,
    PGHOST: `${endpoint}-pooler.c-2.us-east-2.aws.neon.tech`,
    PGHOST_UNPOOLED: `${endpoint}.c-2.us-east-2.aws.neon.tech`,
    PGUSER: 'neondb_owner',
    PGDATABASE: 'neondb',
    PGPASSWORD: 'npg_seeded',
  };
  for (const [key, secret] of MAPPING) {
    p.vercel.addEnv(VERCEL_PROJECT, { key, value: values[key]!, type: secret ? 'sensitive' : 'encrypted', target: ['preview'], gitBranch: headRef, comment: `neon-preview ${REPOSITORY}#${pr}` });
    p.netlify.setValue(key, { context: 'branch', contextParameter: headRef, value: values[key]!, secret });
  }
  const secrets = Object.fromEntries(MAPPING.filter(([, s]) => s).map(([k]) => [k, values[k]!]));
  const variables = Object.fromEntries(MAPPING.filter(([, s]) => !s).map(([k]) => [k, values[k]!]));
  p.github.seedEnvironment(`pr-${pr}`, { secrets, variables });
  p.github.setPullRequest(pr, { state, headRef });
  if (state === 'closed') {
    // Its deployment, as the create run recorded it (the sweep retires it).
    const api = `${p.github.url}/repos/${REPOSITORY}`;
    const headers = { authorization: `Bearer ${p.github.tokens.admin}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' };
    const made = await fetch(`${api}/deployments`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ref: sha(pr, 1), environment: `pr-${pr}`, transient_environment: true, production_environment: false, auto_merge: false, required_contexts: [], description: `Neon branch preview/pr-${pr}` }),
    });
    const { id } = (await made.json()) as { id: number };
    const status = await fetch(`${api}/deployments/${id}/statuses`, { method: 'POST', headers, body: JSON.stringify({ state: 'success', environment_url: 'https://console.neon.tech/', auto_inactive: true }) });
    if (status.status !== 201) throw new Error(`seeding a deployment status failed: HTTP ${status.status}`);
  }
}

/** Pull requests of the sweep's project: every tenth one is closed, the rest open. */
function sweepPulls(branches: number, closed: number): { open: number[]; closed: number[] } {
  const all = Array.from({ length: branches }, (_, i) => 1001 + i);
  const step = closed > 0 ? branches / closed : Infinity;
  const closedSet = new Set(Array.from({ length: closed }, (_, i) => all[Math.floor(i * step)]!));
  return { open: all.filter((n) => !closedSet.has(n)), closed: all.filter((n) => closedSet.has(n)) };
}

async function sweepSamples(options: BenchOptions): Promise<Sample[]> {
  const p = await startBenchPlatforms(options.operationMs);
  try {
    const { open, closed } = sweepPulls(options.branches, options.closed);
    for (const pr of open) await seedPullRequest(p, pr, 'open');
    const samples: Sample[] = [];
    for (let run = 0; run < options.runs; run++) {
      setLatency(p, 0);
      for (const pr of closed) await seedPullRequest(p, pr, 'closed');
      setLatency(p, options.latencyMs);
      const sample = await measure(
        p,
        'sweep',
        options.entry,
        { githubApiUrl: p.github.url, githubToken: p.github.tokens.admin, inputs: p.inputs({ timeout: '900' }), event: { name: 'schedule', payload: { schedule: '0 3 * * *' } } },
        (result) => {
          expect(result.summary.includes(`Neon preview sweep: ${closed.length} removed`), `the sweep removed ${closed.length} pull requests' leftovers`);
          expect(p.neon.branches().length === open.length + 1, 'every open PR keeps its branch');
          for (const pr of closed) {
            expect(p.github.environment(`pr-${pr}`) === undefined, `PR #${pr}'s environment is gone`);
            expect(p.github.deployments(`pr-${pr}`).length === 0, `PR #${pr}'s deployment is retired`);
          }
        },
      );
      samples.push(sample);
      console.error(`  sweep run ${run + 1}: ${Math.round(sample.wallMs)} ms`);
    }
    for (const s of [p.neon.standIn, p.vercel.standIn, p.netlify.standIn, p.github.standIn]) if (s.violations.length > 0) throw new Error(`requests outside the API description: ${s.violations.slice(0, 5).join('; ')}`);
    return samples;
  } finally {
    await p.stop();
  }
}

async function lifecycleSamples(options: BenchOptions): Promise<Sample[]> {
  const wanted = new Set(options.only.filter((s) => s !== 'sweep'));
  const p = await startBenchPlatforms(options.operationMs);
  try {
    setLatency(p, options.latencyMs);
    // Warm-up (file cache, the stand-ins' first requests): not measured.
    await lifecycle(p, 90, options.entry, new Set());
    const samples: Sample[] = [];
    for (let run = 0; run < options.runs; run++) {
      const got = await lifecycle(p, 100 + run, options.entry, wanted);
      console.error(`  lifecycle run ${run + 1}: ${got.map((s) => `${s.scenario} ${Math.round(s.wallMs)} ms`).join(', ')}`);
      samples.push(...got);
    }
    for (const s of [p.neon.standIn, p.vercel.standIn, p.netlify.standIn, p.github.standIn]) if (s.violations.length > 0) throw new Error(`requests outside the API description: ${s.violations.slice(0, 5).join('; ')}`);
    return samples;
  } finally {
    await p.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Floors (derived in BENCHMARKS.md; L = latency, T = operation time)

/** Neon's rate limit as the action keeps it: bursts of 40, refilled at 700 a minute. */
const NEON_BURST = 40;
const NEON_PER_SECOND = 700 / 60;

export interface Floor {
  ms: number;
  formula: string;
}

export function floorOf(scenario: Scenario, L: number, T: number, closed: number): Floor {
  switch (scenario) {
    case 'create':
      return { ms: Math.max(3 * L + T, 8 * L), formula: 'max(3L + T, 8L)' };
    case 'reuse':
      return { ms: 8 * L, formula: '8L' };
    case 'delete':
      return { ms: 7 * L + T, formula: '7L + T' };
    case 'sweep': {
      // The list and the `closed` deletes are Neon requests 1..closed+1: the last delete cannot be
      // sent before the bucket let it through, nor before the first target removals were done.
      const limited = (Math.max(0, 1 + closed - NEON_BURST) / NEON_PER_SECOND) * 1000;
      return { ms: Math.max(7 * L, limited) + L + T, formula: `max(7L, (1 + ${closed} − ${NEON_BURST}) / (700/min)) + L + T` };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function median<T>(items: T[], by: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => by(a) - by(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function bundleSize(entry: string): string {
  const dir = dirname(entry);
  const main = statSync(entry).size;
  const chunks = readdirSync(dir).filter((f) => f.endsWith('.js') && join(dir, f) !== entry);
  const chunkBytes = chunks.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  return chunks.length ? `${mb(main)} (\`${entry.split('/').pop()}\`) + ${mb(chunkBytes)} in ${chunks.length} lazily loaded chunk(s)` : `${mb(main)} (\`${entry.split('/').pop()}\`, one file)`;
}

function report(options: BenchOptions, samples: Sample[]): string {
  const L = options.latencyMs;
  const T = options.operationMs;
  const rows: string[] = [];
  const floors: string[] = [];
  const slowest: string[] = [];
  for (const scenario of options.only) {
    const mine = samples.filter((s) => s.scenario === scenario);
    if (mine.length === 0) continue;
    const m = median(mine, (s) => s.wallMs);
    const floor = floorOf(scenario, L, T, options.closed);
    const peak = Math.max(...mine.map((s) => s.maxRssMb));
    const first = median(mine, (s) => s.firstRequestMs).firstRequestMs;
    const label = scenario === 'sweep' ? `sweep (${options.branches} branches, ${options.closed} closed)` : LABELS[scenario];
    rows.push(
      `| ${label} | ${PLATFORMS.map((pl) => m.requests[pl]).join(' | ')} | ${m.chain} | ${Math.round(m.wallMs)} ms | ${Math.round(floor.ms)} ms | ${(m.wallMs / floor.ms).toFixed(2)}× | ${Math.round(first)} ms | ${Math.round(peak)} MB |`,
    );
    floors.push(`${LABELS[scenario]}: ${floor.formula} = ${Math.round(floor.ms)} ms`);
    slowest.push(`${LABELS[scenario]}: ${m.slowest.what} ${Math.round(m.slowest.ms)} ms`);
  }
  const cpu = cpus();
  return [
    `Measured with \`npm run bench -- --latency ${L} --operation-ms ${T} --runs ${options.runs} --branches ${options.branches} --closed ${options.closed}\` against \`${options.entry.replace(`${ROOT}/`, '')}\` (Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}). L = ${L} ms per request, T = ${T} ms per Neon operation. Median of ${options.runs} run(s) per scenario (its counts and chain); peak memory is the largest of the runs.`,
    '',
    '| Scenario | Neon | Vercel | Netlify | GitHub | Longest chain | Wall time | Floor | Wall / floor | Start → first request | Peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Floors: ${floors.join('; ')}.`,
    '',
    `Slowest single answer of the median run (L plus the stand-in's own work): ${slowest.join('; ')}.`,
    '',
    `Neon's rate limit (${NEON_BURST} at once, then 700 a minute), from the arrival times of every run's Neon requests: at most ${Math.max(...samples.map((s) => s.neonRate.peakPerMinute))} requests in any 60 s; ${samples.every((s) => s.neonRate.excess <= 0) ? 'every run stayed within the bucket' : `over the bucket by up to ${Math.max(...samples.map((s) => s.neonRate.excess)).toFixed(1)} request(s)`}.`,
    '',
    `Bundle: ${bundleSize(options.entry)}.`,
    '',
    `Load average of the machine (1 min) at the start / end: ${load.start.toFixed(1)} / ${os.loadavg()[0]!.toFixed(1)}.`,
  ].join('\n');
}

const load = { start: 0 };

function writeSection(file: string, section: string, body: string): void {
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

export async function bench(options: BenchOptions): Promise<string> {
  load.start = os.loadavg()[0]!;
  const samples: Sample[] = [];
  if (options.only.some((s) => s !== 'sweep')) {
    console.error(`create / reuse / delete: ${options.runs} run(s) after a warm-up, L = ${options.latencyMs} ms, T = ${options.operationMs} ms`);
    samples.push(...(await lifecycleSamples(options)));
  }
  if (options.only.includes('sweep')) {
    console.error(`sweep: ${options.branches} branches, ${options.closed} of closed pull requests; seeding…`);
    samples.push(...(await sweepSamples(options)));
  }
  return report(options, samples);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseArgs(process.argv.slice(2));
  tracing = options.trace;
  nodeArgs = options.nodeArgs;
  const text = await bench(options);
  console.log(text);
  if (options.write) {
    writeSection(options.out, options.section, text);
    console.error(`written to ${options.out} (section ${options.section})`);
  }
}
