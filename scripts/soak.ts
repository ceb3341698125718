// The soak (issue #6): the built action (dist/index.js), run as the runner runs it, through many
// pull request lifecycles against the four stand-ins with every target configured and a share of
// every platform's requests failing transiently; then a sweep; then a check of what is left.
//
//   npm run soak -- [--lifecycles 200] [--concurrency 8] [--fault-rate 0.15] [--seed 1]
//                   [--undelivered 20] [--pairs 10] [--timeout 40] [--slow-ms 11000]
//                   [--max-tries 5] [--operation-ms 150] [--retry-after 1]
//
// Prints a table; exits 1 on a problem (below), 2 when the soak itself broke.
//
// What runs (jobs shuffled by the seed, the longest chains of runs first, at most `concurrency`
// action processes at once):
// - lifecycles: opened, 1-3 synchronize, closed;
// - undelivered: opened, 1-3 synchronize, then the PR is closed on GitHub but its `closed` run
//   never comes (the sweep must remove what it left);
// - double creates: two `opened` runs of one PR started together; the PR stays open;
// - create/delete races: an `opened` and a `closed` run of one PR started together (the PR is
//   closed on GitHub first, as it is by the time GitHub sends `closed`).
//
// A run that fails must fail loudly: exit code 1 and exactly one `::error::` line naming the
// platform. It is then delivered again (GitHub's "re-run failed jobs"), up to `max-tries` times
// in all; a re-run must converge. The one exception is the `opened` run of a create/delete race:
// its PR is closed, so nobody re-runs it.
//
// What a create/delete race leaves depends on who wins: when the create outlives the delete, the
// branch and its values stay behind a closed PR. The soak expects that to be cleaned up, and both
// ways are exercised: for every other race the `closed` run is delivered again afterwards (as a
// re-run of the closed job would); for the rest the sweep must do it. Either way the end state
// for every closed PR is nothing on any platform.
//
// At the end: one sweep with the faults still on (re-run until it succeeds), then faults off and a
// second sweep, then the check, computed from the stand-ins' own state:
// - leaks: anything on Neon (branches annotated github-pr), Vercel (values marked
//   `neon-preview acme/shop#<n>`), Netlify (branch-context values) or GitHub (environments,
//   deployments) that does not belong to a still-open PR;
// - duplicates / missing: every open PR has exactly one branch and exactly one value per key on
//   every target (and the values name that branch's compute: "stale" otherwise);
// - violations: requests a stand-in refused because they do not match the platform's API
//   description;
// - secrets: every URL, password (raw and URL-encoded) and token, searched in every run's
//   stdout/stderr (except `::add-mask::` lines) and job summary, and in every PR comment.
// - duplicate comments: more than one sticky comment on a PR (two create runs at once both write
//   one, then each keeps the oldest and deletes its own other one).
// The soak exits 1 on any leak, duplicate (branch, value or comment), missing or stale value, secret, violation, silent or
// vague failure, unrecovered run or hung run.
import { pathToFileURL } from 'node:url';
import { REPOSITORY, actionDefaults, leakedSecrets, pullRequestEvent, runAction, type RunResult } from '../sandbox/action-runner.js';
import type { GitHubStandIn } from '../sandbox/github.js';
import type { NeonStandIn } from '../sandbox/neon.js';
import type { NetlifyStandIn } from '../sandbox/netlify.js';
import { startPlatforms, type Platforms } from '../sandbox/platforms.js';
import { seededRandom, type FaultKind } from '../sandbox/server.js';
import type { VercelStandIn } from '../sandbox/vercel.js';

export interface SoakOptions {
  /** Full PR lifecycles (opened, 1-3 synchronize, closed). */
  lifecycles: number;
  /** Action processes in flight at once. */
  concurrency: number;
  /** Share of every platform's requests that fail transiently (0..1). */
  faultRate: number;
  seed: number;
  /** PRs whose `closed` run is never delivered. */
  undelivered: number;
  /** Double-create pairs, and as many create/delete pairs. */
  pairs: number;
  /** The action's `timeout` input in seconds; one attempt may take a quarter of it (2-30 s). */
  timeoutSeconds: number;
  /** How long a `slow` fault holds its response; more than one attempt's limit. */
  slowMs: number;
  /** Deliveries of one event at most (the first run and its re-runs). */
  maxTries: number;
  /** How long each Neon operation runs in the stand-in. */
  operationMs: number;
  /** Seconds a 429 asks to wait. */
  retryAfterSeconds: number;
  /** Progress lines; none when omitted. */
  log?: (line: string) => void;
  /** Called after the sweeps, before the check (to test that the check finds what it should). */
  beforeCheck?: (standIns: StandIns) => void | Promise<void>;
}

export const DEFAULT_OPTIONS: Omit<SoakOptions, 'log' | 'beforeCheck'> = {
  lifecycles: 200,
  concurrency: 8,
  faultRate: 0.15,
  seed: 1,
  undelivered: 20,
  pairs: 10,
  timeoutSeconds: 40,
  slowMs: 11_000,
  maxTries: 5,
  operationMs: 150,
  retryAfterSeconds: 1,
};

const PLATFORMS = ['Neon', 'Vercel', 'Netlify', 'GitHub'] as const;
type Platform = (typeof PLATFORMS)[number];
type PerPlatform = Record<Platform, number>;

const FAULT_KINDS: FaultKind[] = ['429', '423', '500', '502', '503', 'reset', 'slow'];
const NEON_KEY = 'napi_soak_key_00000000000000000000';
const VERCEL_TOKEN = 'vercel_soak_token_000000000000';
const NETLIFY_TOKEN = 'netlify_soak_token_00000000000';
const VERCEL_PROJECT = 'shop-web';
/** The sticky comment's marker (src/comment.ts COMMENT_MARKER). */
const COMMENT_MARKER = '<!-- neon-preview:sticky-comment -->';

type JobKind = 'lifecycle' | 'undelivered' | 'double-create' | 'create-delete';
type EventAction = 'opened' | 'synchronize' | 'closed' | 'sweep';

interface RunRecord {
  pr?: number;
  action: EventAction;
  attempt: number;
  code: number;
  ms: number;
  /** The one `::error::` line's message, when the run failed. */
  error?: string;
  retries: PerPlatform;
}

interface PullRequest {
  number: number;
  head: string;
  kind: JobKind;
  /** Open on GitHub at the end. */
  open: boolean;
  /** Every URL and password any of its runs output, or its branches' roles had: value → what it is. */
  secrets: Map<string, string>;
  /** Its runs' visible output, for the secret search. */
  results: RunResult[];
}

export interface SoakReport {
  options: Omit<SoakOptions, 'log' | 'beforeCheck'>;
  runs: number;
  runsBy: Record<EventAction, number>;
  failedRuns: number;
  reruns: number;
  /** Failures without exit code 1 and exactly one ::error:: line. */
  silentFailures: string[];
  /** Loud failures whose message names no platform. */
  vagueFailures: string[];
  /** Events still failing after max-tries deliveries. */
  unrecovered: string[];
  /** Runs that did not end within 4x their timeout. */
  hung: string[];
  /** Duration of the action runs: mean, 95th percentile, longest (ms). */
  runMs: { mean: number; p95: number; max: number };
  /** Every failed run: which PR (and its kind), which event and try, and its error. */
  failures: string[];
  /** Failure messages, by platform and operation, most frequent first. */
  failureReasons: [string, number][];
  retries: PerPlatform;
  requests: PerPlatform;
  faults: PerPlatform;
  faultKinds: Record<string, number>;
  leaks: PerPlatform;
  leakDetails: string[];
  duplicates: string[];
  missing: string[];
  stale: string[];
  secrets: string[];
  violations: string[];
  /** PRs with more than one sticky comment (reported, not a failure: see the report). */
  duplicateComments: string[];
  /** create/delete races whose create outlived the delete, and who cleaned up after them. */
  raceLeftovers: { redelivered: number; sweep: number };
  sweeps: { firstRemoved: number; firstTries: number; secondRemoved: number; kept: number };
  openPullRequests: number;
  closedPullRequests: number;
  wallMs: number;
  problems: string[];
  ok: boolean;
}

// ---------------------------------------------------------------------------------------------

/** At most `size` permits out; `acquire(n)` takes n at once (a pair starts together). */
class Semaphore {
  private free: number;
  private readonly waiting: { n: number; resolve: () => void }[] = [];
  constructor(private readonly size: number) {
    this.free = size;
  }
  async acquire(n = 1): Promise<void> {
    const want = Math.min(n, this.size);
    if (this.waiting.length === 0 && this.free >= want) {
      this.free -= want;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push({ n: want, resolve }));
  }
  release(n = 1): void {
    this.free += Math.min(n, this.size);
    while (this.waiting.length > 0 && this.free >= this.waiting[0]!.n) {
      const next = this.waiting.shift()!;
      this.free -= next.n;
      next.resolve();
    }
  }
}

function zero(): PerPlatform {
  return { Neon: 0, Vercel: 0, Netlify: 0, GitHub: 0 };
}

/** The action's own retry log lines: `<Platform>: <operation>: <reason>; retrying in 1.0 s (attempt 2)`. */
function countRetries(stdout: string): PerPlatform {
  const counts = zero();
  for (const match of stdout.matchAll(/^(Neon|Vercel|Netlify|GitHub): .*; retrying in \d+(?:\.\d+)? s \(attempt \d+\)$/gm)) counts[match[1] as Platform]++;
  return counts;
}

/** The `::error::` lines of a run, their messages unescaped (%0A, %0D, %25). */
function errorLines(result: RunResult): string[] {
  return result.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error::'))
    .map((l) => l.slice('::error::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
}

/** A failure message reduced to platform and operation, for the table of reasons. */
function reasonOf(message: string): string {
  const first = message.split(' | ')[0]!.replace(/^\d+ targets failed: /, '');
  const platform = /^(Neon|Vercel|Netlify|GitHub)(?: environment)?: ([^:]+?)(?: failed)?: ([^:(]+)/.exec(first);
  if (platform) {
    const operation = platform[2]!.replace(/\b(pr-\d+|#\d+|\d{3,})\b/g, '<n>').replace(/[A-Z_]{4,}/g, '<KEY>').replace(/branch \S+/g, 'branch <head>');
    return `${platform[1]}: ${operation}: ${platform[3]!.trim()}`;
  }
  return first.replace(/\d+/g, '<n>').slice(0, 100);
}

function parseArgs(argv: string[]): Omit<SoakOptions, 'log' | 'beforeCheck'> {
  const options = { ...DEFAULT_OPTIONS };
  const names: Record<string, keyof typeof options> = {
    '--lifecycles': 'lifecycles',
    '--concurrency': 'concurrency',
    '--fault-rate': 'faultRate',
    '--seed': 'seed',
    '--undelivered': 'undelivered',
    '--pairs': 'pairs',
    '--timeout': 'timeoutSeconds',
    '--slow-ms': 'slowMs',
    '--max-tries': 'maxTries',
    '--operation-ms': 'operationMs',
    '--retry-after': 'retryAfterSeconds',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const key = names[flag];
    if (!key) throw new Error(`unknown option ${flag}; options: ${Object.keys(names).join(' ')}`);
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < 0) throw new Error(`${flag} needs a number, got ${raw}`);
    options[key] = value;
  }
  if (options.faultRate > 1) throw new Error('--fault-rate is a share between 0 and 1');
  if (options.concurrency < 2) throw new Error('--concurrency must be at least 2 (pairs start two runs together)');
  return options;
}

// ---------------------------------------------------------------------------------------------

export async function runSoak(given: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const { log = () => {}, beforeCheck, ...rest } = given;
  const options: Omit<SoakOptions, 'log' | 'beforeCheck'> = { ...DEFAULT_OPTIONS, ...rest };
  const started = Date.now();
  const random = seededRandom(options.seed);
  const keys = (actionDefaults().env_vars ?? '')
    .split('\n')
    .map((l) => l.split('=')[0]!.trim())
    .filter(Boolean);

  const platforms = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN }, { operationMs: options.operationMs, vercelProject: VERCEL_PROJECT });
  const setFaults = (on: boolean) =>
    PLATFORMS.forEach((p, i) =>
      platforms.standIns[p].setFaults(on && options.faultRate > 0 ? { rate: options.faultRate, kinds: FAULT_KINDS, seed: options.seed * 31 + i, slowMs: options.slowMs, retryAfterSeconds: options.retryAfterSeconds } : undefined),
    );

  try {
    return await soak(options, log, beforeCheck, random, keys, platforms, setFaults, started);
  } finally {
    setFaults(false);
    await platforms.stop();
  }
}

export interface StandIns {
  neon: NeonStandIn;
  vercel: VercelStandIn;
  netlify: NetlifyStandIn;
  github: GitHubStandIn;
}

async function soak(
  options: Omit<SoakOptions, 'log' | 'beforeCheck'>,
  log: (line: string) => void,
  beforeCheck: SoakOptions['beforeCheck'],
  random: () => number,
  keys: string[],
  platforms: Platforms,
  setFaults: (on: boolean) => void,
  started: number,
): Promise<SoakReport> {
  const { neon, vercel, netlify, github } = platforms;
  const tokens = new Map([
    [NEON_KEY, 'the Neon API key'],
    [VERCEL_TOKEN, 'the Vercel token'],
    [NETLIFY_TOKEN, 'the Netlify token'],
    [github.tokens.admin, 'the GitHub token'],
    [github.tokens.actions, 'the workflow token'],
  ]);
  const inputs = platforms.inputs({ timeout: String(options.timeoutSeconds) });

  const report: SoakReport = {
    options,
    runs: 0,
    runsBy: { opened: 0, synchronize: 0, closed: 0, sweep: 0 },
    failedRuns: 0,
    reruns: 0,
    silentFailures: [],
    vagueFailures: [],
    unrecovered: [],
    hung: [],
    runMs: { mean: 0, p95: 0, max: 0 },
    failures: [],
    failureReasons: [],
    retries: zero(),
    requests: zero(),
    faults: zero(),
    faultKinds: {},
    leaks: zero(),
    leakDetails: [],
    duplicates: [],
    missing: [],
    stale: [],
    secrets: [],
    violations: [],
    duplicateComments: [],
    raceLeftovers: { redelivered: 0, sweep: 0 },
    sweeps: { firstRemoved: 0, firstTries: 0, secondRemoved: 0, kept: 0 },
    openPullRequests: 0,
    closedPullRequests: 0,
    wallMs: 0,
    problems: [],
    ok: false,
  };
  const runs: RunRecord[] = [];
  const reasons = new Map<string, number>();
  const sweepResults: RunResult[] = [];
  const processes = new Semaphore(options.concurrency);
  const pulls = new Map<number, PullRequest>();
  let shaCounter = 0;

  /** One delivery of an event: a child process running dist/index.js. */
  async function runOnce(pr: PullRequest | undefined, action: EventAction, attempt: number): Promise<RunResult> {
    const event =
      action === 'sweep'
        ? { name: 'schedule', payload: { schedule: '0 3 * * *' } }
        : pullRequestEvent({ action, number: pr!.number, headRef: pr!.head, headSha: (++shaCounter).toString(16).padStart(40, '0'), merged: action === 'closed' && random() < 0.7 });
    const limitMs = options.timeoutSeconds * 4000 + 30_000;
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), limitMs)));
    const result = await Promise.race([runAction({ inputs, event, githubApiUrl: github.url, githubToken: github.tokens.admin }), watchdog]);
    clearTimeout(timer);
    const what = `${pr ? `#${pr.number} ` : ''}${action} (try ${attempt})`;
    if (result === 'hung') {
      // The child cannot be killed through runAction; it is reported, and the soak goes on.
      report.hung.push(what);
      return { code: -1, stdout: '', stderr: '', outputs: {}, summary: '', ms: limitMs };
    }
    const record: RunRecord = { pr: pr?.number, action, attempt, code: result.code, ms: result.ms, retries: countRetries(result.stdout) };
    report.runs++;
    report.runsBy[action]++;
    for (const p of PLATFORMS) report.retries[p] += record.retries[p];
    if (pr) {
      pr.results.push(result);
      const { db_url, db_url_pooled, password } = result.outputs;
      const found: [string | undefined, string][] = [
        [db_url, 'db_url'],
        [db_url_pooled, 'db_url_pooled'],
        [password, 'password'],
        [password && encodeURIComponent(password), 'password (URL-encoded)'],
      ];
      for (const url of [db_url, db_url_pooled]) {
        try {
          if (url) found.push([new URL(url).password, 'password (as in the URL)']);
        } catch {
          // not a URL: kept as a whole above
        }
      }
      for (const [value, what] of found) if (value && !pr.secrets.has(value)) pr.secrets.set(value, what);
    } else sweepResults.push(result);

    const errors = errorLines(result);
    const expectedCommand = action === 'sweep' ? 'sweep' : action === 'closed' ? 'delete' : 'create';
    if (result.code === 0) {
      if (errors.length > 0 || result.outputs.command !== expectedCommand || (expectedCommand === 'create' && !result.outputs.db_url)) {
        report.silentFailures.push(`${what}: exit 0 but ${errors.length ? `::error:: ${errors[0]}` : `outputs ${JSON.stringify(Object.keys(result.outputs))}`}`);
      }
    } else {
      report.failedRuns++;
      record.error = errors[0];
      report.failures.push(`${pr ? `#${pr.number} (${pr.kind}) ` : ''}${action} try ${attempt}: ${(errors[0] ?? `exit ${result.code}`).slice(0, 200)}`);
      if (result.code !== 1 || errors.length !== 1) {
        report.silentFailures.push(`${what}: exit ${result.code}, ${errors.length} ::error:: line(s); stderr: ${result.stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 300)}`);
      } else {
        if (!/\b(Neon|Vercel|Netlify|GitHub)\b/.test(errors[0]!)) report.vagueFailures.push(`${what}: ${errors[0]!.slice(0, 300)}`);
        const reason = reasonOf(errors[0]!);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
    runs.push(record);
    return result;
  }

  /**
   * Delivers an event, and re-runs it while it fails (without `retry`: once), `maxTries`
   * deliveries at most. `from` > 1 continues after deliveries already made.
   */
  async function deliver(pr: PullRequest | undefined, action: EventAction, retry = true, from = 1): Promise<RunResult> {
    for (let attempt = from; ; attempt++) {
      if (attempt > 1) report.reruns++;
      await processes.acquire();
      const result = await runOnce(pr, action, attempt).finally(() => processes.release());
      if (result.code === 0 || !retry) return result;
      if (attempt >= options.maxTries) {
        report.unrecovered.push(`${pr ? `#${pr.number} ` : ''}${action}: failed ${attempt} times; last: ${errorLines(result)[0] ?? `exit ${result.code}`}`);
        return result;
      }
    }
  }

  /** Two events of one PR started together (two process slots at once), then re-run apart. */
  async function deliverTogether(pr: PullRequest, first: EventAction, firstRetries: boolean, second: EventAction): Promise<[RunResult, RunResult]> {
    await processes.acquire(2);
    const once = (action: EventAction) => runOnce(pr, action, 1).finally(() => processes.release());
    const [a, b] = await Promise.all([once(first), once(second)]);
    const again = (result: RunResult, action: EventAction, retries: boolean) => (result.code === 0 || !retries ? result : deliver(pr, action, true, 2));
    return Promise.all([again(a, first, firstRetries), again(b, second, true)]);
  }

  /** What the platforms hold for a PR right now. */
  function holds(pr: PullRequest): boolean {
    return (
      neon.branches().some((b) => b.annotations['github-pr'] === String(pr.number)) ||
      vercel.envs(VERCEL_PROJECT).some((e) => e.comment === `neon-preview ${REPOSITORY}#${pr.number}`) ||
      netlify.vars().some((v) => v.values.some((x) => x.context === 'branch' && x.context_parameter === pr.head)) ||
      github.environment(`pr-${pr.number}`) !== undefined
    );
  }

  // --- the jobs --------------------------------------------------------------------------------

  let nextNumber = 1;
  const newPull = (kind: JobKind): PullRequest => {
    const number = nextNumber++;
    // Head branches of several shapes; `{head}` is not used in names, so any git name works.
    const head = [`feature/soak-${number}`, `fix/issue-${number}`, `soak-${number}`, `deps/bump.${number}`][number % 4]!;
    const pr: PullRequest = { number, head, kind, open: true, secrets: new Map(), results: [] };
    pulls.set(number, pr);
    return pr;
  };

  /** A job and the runs it makes (without re-runs): longer ones start first. */
  type Job = { runs: number; go: () => Promise<void> };
  const jobs: Job[] = [];
  const syncCount = () => 1 + Math.floor(random() * 3);

  for (let i = 0; i < options.lifecycles; i++) {
    const pr = newPull('lifecycle');
    const syncs = syncCount();
    jobs.push({
      runs: syncs + 2,
      go: async () => {
        github.setPullRequest(pr.number, { state: 'open', headRef: pr.head });
        await deliver(pr, 'opened');
        for (let s = 0; s < syncs; s++) await deliver(pr, 'synchronize');
        github.setPullRequest(pr.number, { state: 'closed', headRef: pr.head });
        pr.open = false;
        await deliver(pr, 'closed');
      },
    });
  }
  for (let i = 0; i < options.undelivered; i++) {
    const pr = newPull('undelivered');
    const syncs = syncCount();
    jobs.push({
      runs: syncs + 1,
      go: async () => {
        github.setPullRequest(pr.number, { state: 'open', headRef: pr.head });
        await deliver(pr, 'opened');
        for (let s = 0; s < syncs; s++) await deliver(pr, 'synchronize');
        github.setPullRequest(pr.number, { state: 'closed', headRef: pr.head });
        pr.open = false; // ... and its closed run never comes.
      },
    });
  }
  for (let i = 0; i < options.pairs; i++) {
    const pr = newPull('double-create');
    jobs.push({
      runs: 1,
      go: async () => {
        github.setPullRequest(pr.number, { state: 'open', headRef: pr.head });
        const [a, b] = await deliverTogether(pr, 'opened', true, 'opened');
        if (a.code === 0 && b.code === 0 && a.outputs.branch_id !== b.outputs.branch_id) {
          report.duplicates.push(`#${pr.number}: two create runs started together reported branches ${a.outputs.branch_id} and ${b.outputs.branch_id}`);
        }
      },
    });
  }
  for (let i = 0; i < options.pairs; i++) {
    const pr = newPull('create-delete');
    const redeliver = i % 2 === 0;
    jobs.push({
      runs: redeliver ? 2 : 1,
      go: async () => {
        github.setPullRequest(pr.number, { state: 'closed', headRef: pr.head });
        pr.open = false;
        // The create is not re-run when it fails: its PR is closed.
        await deliverTogether(pr, 'opened', false, 'closed');
        if (!holds(pr)) return;
        if (redeliver) {
          report.raceLeftovers.redelivered++;
          await deliver(pr, 'closed');
        } else report.raceLeftovers.sweep++;
      },
    });
  }
  // Shuffled with the seed (Fisher-Yates), then the longest chains of runs first (a stable sort):
  // jobs of one length interleave their kinds, and no long lifecycle starts last.
  for (let i = jobs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
  }
  jobs.sort((a, b) => b.runs - a.runs);

  setFaults(true);
  let done = 0;
  let cursor = 0;
  const progressEvery = Math.max(1, Math.round(jobs.length / 20));
  const worker = async () => {
    while (cursor < jobs.length) {
      const job = jobs[cursor++]!;
      await job.go();
      done++;
      if (done % progressEvery === 0 || done === jobs.length) {
        log(`${done}/${jobs.length} jobs, ${report.runs} runs, ${report.failedRuns} failed, ${report.reruns} re-runs, ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }
  };
  // One worker per process slot; a pair's worker takes two slots while its runs start together.
  await Promise.all(Array.from({ length: options.concurrency }, worker));

  // --- the sweeps ------------------------------------------------------------------------------

  const removedBy = (result: RunResult) => Number(/Neon preview sweep: (\d+) removed/.exec(result.summary)?.[1] ?? 0);
  const keptBy = (result: RunResult) => Number(/Neon preview sweep: \d+ removed, (\d+) kept/.exec(result.summary)?.[1] ?? 0);
  log('sweep with faults on');
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) report.reruns++;
    const result = await runOnce(undefined, 'sweep', attempt);
    report.sweeps.firstTries = attempt;
    report.sweeps.firstRemoved += removedBy(result);
    if (result.code === 0) break;
    if (attempt >= options.maxTries) {
      report.unrecovered.push(`sweep: failed ${attempt} times; last: ${errorLines(result)[0] ?? `exit ${result.code}`}`);
      break;
    }
  }
  setFaults(false);
  log('sweep with faults off');
  const second = await runOnce(undefined, 'sweep', 1);
  if (second.code !== 0) report.unrecovered.push(`second sweep (no faults): ${errorLines(second)[0] ?? `exit ${second.code}`}`);
  report.sweeps.secondRemoved = removedBy(second);
  report.sweeps.kept = keptBy(second);

  // --- the check -------------------------------------------------------------------------------

  await beforeCheck?.({ neon, vercel, netlify, github });

  const open = [...pulls.values()].filter((p) => p.open);
  const openNumbers = new Set(open.map((p) => p.number));
  const byHead = new Map([...pulls.values()].map((p) => [p.head, p]));
  report.openPullRequests = open.length;
  report.closedPullRequests = pulls.size - open.length;
  const leak = (platform: Platform, detail: string) => {
    report.leaks[platform]++;
    if (report.leakDetails.length < 50) report.leakDetails.push(`${platform}: ${detail}`);
  };

  const branches = neon.branches();
  for (const b of branches) {
    if (b.id === neon.defaultBranchId) continue;
    const pr = Number(b.annotations['github-pr']);
    if (!openNumbers.has(pr)) leak('Neon', `branch ${b.name} (${b.id}) of ${pulls.get(pr)?.open === false ? 'closed' : 'unknown'} PR #${b.annotations['github-pr'] ?? '?'}`);
  }
  const envs = vercel.envs(VERCEL_PROJECT);
  for (const e of envs) {
    const pr = Number(/^neon-preview acme\/shop#(\d+)$/.exec(e.comment ?? '')?.[1]);
    if (!openNumbers.has(pr)) leak('Vercel', `${e.key} on ${e.gitBranch ?? '(all branches)'} (${e.comment ?? 'no comment'})`);
  }
  const vars = netlify.vars();
  for (const v of vars) {
    for (const x of v.values) {
      const pr = x.context === 'branch' ? byHead.get(x.context_parameter ?? '') : undefined;
      if (!pr || !pr.open) leak('Netlify', `${v.key} for ${x.context}${x.context_parameter ? ` ${x.context_parameter}` : ''}${pr ? ` (#${pr.number}, closed)` : ''}`);
    }
  }
  for (const env of github.environments()) {
    const pr = Number(/^pr-(\d+)$/.exec(env.name)?.[1]);
    if (!openNumbers.has(pr)) leak('GitHub', `environment ${env.name}`);
  }
  const deploymentLeaks = new Map<string, number>();
  for (const d of github.deployments()) {
    const pr = Number(/^pr-(\d+)$/.exec(d.environment)?.[1]);
    if (!openNumbers.has(pr)) deploymentLeaks.set(d.environment, (deploymentLeaks.get(d.environment) ?? 0) + 1);
  }
  for (const [env, count] of deploymentLeaks) leak('GitHub', `${count} deployment(s) to ${env}`);

  for (const pr of open) {
    const mine = branches.filter((b) => b.annotations['github-pr'] === String(pr.number));
    if (mine.length > 1) report.duplicates.push(`#${pr.number}: ${mine.length} Neon branches (${mine.map((b) => b.name).join(', ')})`);
    if (mine.length === 0) report.missing.push(`#${pr.number}: no Neon branch`);
    const host = mine[0]?.endpoints.find((e) => e.type === 'read_write')?.host;
    const env = github.environment(`pr-${pr.number}`);
    if (!env) report.missing.push(`#${pr.number}: no GitHub environment pr-${pr.number}`);
    for (const key of keys) {
      const counts: Record<Exclude<Platform, 'Neon'>, number> = {
        Vercel: envs.filter((e) => e.key === key && e.comment === `neon-preview ${REPOSITORY}#${pr.number}`).length,
        Netlify: vars.filter((v) => v.key === key).flatMap((v) => v.values).filter((x) => x.context === 'branch' && x.context_parameter === pr.head).length,
        GitHub: env ? Number(env.secretNames.includes(key)) + Number(key in env.variables) : 0,
      };
      for (const [platform, count] of Object.entries(counts)) {
        if (count > 1) report.duplicates.push(`#${pr.number}: ${count} values of ${key} on ${platform}`);
        if (count === 0) report.missing.push(`#${pr.number}: no value of ${key} on ${platform}`);
      }
    }
    // The values name the PR's current branch (its compute's host), not an earlier one.
    if (host && keys.includes('PGHOST_UNPOOLED')) {
      const published: Record<string, string | undefined> = {
        Vercel: envs.find((e) => e.key === 'PGHOST_UNPOOLED' && e.comment === `neon-preview ${REPOSITORY}#${pr.number}`)?.value,
        Netlify: netlify.valueOf('PGHOST_UNPOOLED', 'branch', pr.head),
        GitHub: env?.variables.PGHOST_UNPOOLED ?? github.secretPlaintext(`pr-${pr.number}`, 'PGHOST_UNPOOLED'),
      };
      for (const [platform, value] of Object.entries(published)) {
        if (value !== undefined && value !== host) report.stale.push(`#${pr.number}: PGHOST_UNPOOLED on ${platform} is ${value}, the branch's compute is ${host}`);
      }
    }
  }

  for (const pr of pulls.values()) {
    const mine = github.comments(pr.number).filter((c) => c.body.includes(COMMENT_MARKER));
    if (mine.length > 1) report.duplicateComments.push(`#${pr.number} (${pr.kind}): ${mine.length} sticky comments`);
  }

  // Secrets: every run's output and summary, and every PR comment.
  // Reported by what they are, never by any part of their value.
  const allSecrets = new Map<string, string>(tokens);
  // Every password the Neon stand-in ever gave a role, also of runs that failed before their outputs.
  for (const branch of neon.branches({ includeDeleted: true })) {
    const pr = pulls.get(Number(branch.annotations['github-pr']));
    for (const role of branch.roles) {
      if (!role.password) continue;
      const what = `password of role ${role.name} on ${branch.name}`;
      for (const [form, how] of [[role.password, ''], [encodeURIComponent(role.password), ' (URL-encoded)']] as const) {
        allSecrets.set(form, `${what}${how}`);
        if (pr && !pr.secrets.has(form)) pr.secrets.set(form, `${what}${how}`);
      }
    }
  }
  for (const pr of pulls.values()) {
    const secrets = new Map([...pr.secrets, ...tokens]);
    for (const [value, what] of pr.secrets) allSecrets.set(value, `${what} of #${pr.number}`);
    for (const result of pr.results) for (const found of leakedSecrets(result, [...secrets.keys()])) report.secrets.push(`#${pr.number} run output or summary: ${secrets.get(found)}`);
    for (const c of github.comments(pr.number)) for (const [value, what] of secrets) if (c.body.includes(value)) report.secrets.push(`#${pr.number} comment ${c.id}: ${what}`);
  }
  for (const result of sweepResults) for (const found of leakedSecrets(result, [...allSecrets.keys()])) report.secrets.push(`sweep output or summary: ${allSecrets.get(found)}`);

  for (const p of PLATFORMS) {
    const requests = platforms.standIns[p].requests;
    report.requests[p] = requests.length;
    for (const r of requests) {
      if (!r.fault || r.fault === 'forced') continue;
      report.faults[p]++;
      report.faultKinds[r.fault] = (report.faultKinds[r.fault] ?? 0) + 1;
    }
    for (const v of platforms.standIns[p].violations) report.violations.push(`${p}: ${v}`);
  }
  report.failureReasons = [...reasons].sort((a, b) => b[1] - a[1]);
  const durations = runs.map((r) => r.ms).sort((a, b) => a - b);
  if (durations.length > 0) {
    report.runMs = {
      mean: Math.round(durations.reduce((n, ms) => n + ms, 0) / durations.length),
      p95: durations[Math.min(durations.length - 1, Math.floor(durations.length * 0.95))]!,
      max: durations.at(-1)!,
    };
  }

  const problems = report.problems;
  const sum = (x: PerPlatform) => PLATFORMS.reduce((n, p) => n + x[p], 0);
  if (sum(report.leaks) > 0) problems.push(`${sum(report.leaks)} leaked item(s) of closed PRs`);
  if (report.duplicates.length > 0) problems.push(`${report.duplicates.length} duplicate(s)`);
  if (report.duplicateComments.length > 0) problems.push(`${report.duplicateComments.length} PR(s) with more than one sticky comment`);
  if (report.missing.length > 0) problems.push(`${report.missing.length} missing value(s) of open PRs`);
  if (report.stale.length > 0) problems.push(`${report.stale.length} stale value(s) of open PRs`);
  if (report.secrets.length > 0) problems.push(`${report.secrets.length} secret(s) in output`);
  if (report.violations.length > 0) problems.push(`${report.violations.length} API-description violation(s)`);
  if (report.silentFailures.length > 0) problems.push(`${report.silentFailures.length} run(s) that failed without one ::error:: line (or succeeded without outputs)`);
  if (report.vagueFailures.length > 0) problems.push(`${report.vagueFailures.length} failure(s) whose message names no platform`);
  if (report.unrecovered.length > 0) problems.push(`${report.unrecovered.length} event(s) still failing after ${options.maxTries} deliveries`);
  if (report.hung.length > 0) problems.push(`${report.hung.length} run(s) that did not end`);
  report.ok = problems.length === 0;
  report.wallMs = Date.now() - started;
  return report;
}

// ---------------------------------------------------------------------------------------------

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** The soak's table, as printed. */
export function formatReport(r: SoakReport): string {
  const o = r.options;
  const attemptS = Math.min(30, Math.max(2, o.timeoutSeconds / 4));
  const lines: string[] = [];
  lines.push(
    `neon-preview soak: seed ${o.seed}, ${o.lifecycles} lifecycles, ${o.undelivered} undelivered closes, ${o.pairs} double creates + ${o.pairs} create/delete races, ` +
      `${o.concurrency} in flight, fault rate ${o.faultRate} (${FAULT_KINDS.join(' ')}), timeout ${o.timeoutSeconds} s (attempts ${attemptS} s), slow ${o.slowMs / 1000} s`,
  );
  lines.push('');
  const row = (label: string, values: (string | number)[]) => `${label.padEnd(28)}${values.map((v) => String(v).padStart(9)).join('')}`;
  const per = (label: string, x: PerPlatform) => row(label, [...PLATFORMS.map((p) => x[p]), PLATFORMS.reduce((n, p) => n + x[p], 0)]);
  lines.push(row('', [...PLATFORMS, 'total']));
  lines.push(per('requests', r.requests));
  lines.push(per('faults injected', r.faults));
  lines.push(per('retries (action log)', r.retries));
  lines.push(per('leaks (closed PRs)', r.leaks));
  lines.push('');
  const kv = (label: string, value: string | number) => lines.push(`${label.padEnd(28)}${value}`);
  kv('runs', `${r.runs} (opened ${r.runsBy.opened}, synchronize ${r.runsBy.synchronize}, closed ${r.runsBy.closed}, sweep ${r.runsBy.sweep})`);
  kv('failed runs', `${r.failedRuns} (loud: ${r.failedRuns - r.silentFailures.filter((s) => !s.includes('exit 0')).length}, silent: ${r.silentFailures.length}, vague: ${r.vagueFailures.length})`);
  kv('re-runs', `${r.reruns} (unrecovered after ${o.maxTries} tries: ${r.unrecovered.length}, hung: ${r.hung.length})`);
  kv('run time', `mean ${(r.runMs.mean / 1000).toFixed(1)} s, p95 ${(r.runMs.p95 / 1000).toFixed(1)} s, max ${(r.runMs.max / 1000).toFixed(1)} s`);
  kv('fault kinds', Object.entries(r.faultKinds).sort().map(([k, n]) => `${k} ${n}`).join(', ') || 'none');
  kv('pull requests', `${r.openPullRequests} open, ${r.closedPullRequests} closed`);
  kv('create/delete leftovers', `${r.raceLeftovers.redelivered + r.raceLeftovers.sweep} of ${o.pairs} (cleaned by re-delivered close: ${r.raceLeftovers.redelivered}, by the sweep: ${r.raceLeftovers.sweep})`);
  kv('sweeps', `faults on: ${r.sweeps.firstRemoved} removed in ${r.sweeps.firstTries} run(s); faults off: ${r.sweeps.secondRemoved} removed, ${r.sweeps.kept} kept`);
  kv('duplicates (open PRs)', r.duplicates.length);
  kv('missing / stale (open PRs)', `${r.missing.length} / ${r.stale.length}`);
  kv('duplicate PR comments', r.duplicateComments.length);
  kv('secrets found', r.secrets.length);
  kv('violations', r.violations.length);
  kv('wall time', duration(r.wallMs));
  if (r.failureReasons.length > 0) {
    lines.push('', 'failures by reason:');
    for (const [reason, n] of r.failureReasons.slice(0, 15)) lines.push(`  ${String(n).padStart(4)}  ${reason}`);
  }
  const details: [string, string[]][] = [
    ['failed runs', r.failures],
    ['leaks', r.leakDetails],
    ['duplicates', r.duplicates],
    ['missing', r.missing],
    ['stale', r.stale],
    ['secrets', r.secrets],
    ['violations', r.violations],
    ['silent failures', r.silentFailures],
    ['vague failures', r.vagueFailures],
    ['unrecovered', r.unrecovered],
    ['hung', r.hung],
    ['duplicate PR comments', r.duplicateComments],
  ];
  for (const [label, items] of details) {
    if (items.length === 0) continue;
    lines.push('', `${label}:`);
    const shown = label === 'failed runs' ? 60 : 20;
    for (const item of items.slice(0, shown)) lines.push(`  ${item}`);
    if (items.length > shown) lines.push(`  … ${items.length - shown} more`);
  }
  lines.push('', r.ok ? 'RESULT: PASS' : `RESULT: FAIL: ${r.problems.join('; ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
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
