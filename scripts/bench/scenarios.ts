// The scenarios: a pull request's life (create, reuse, reuse with reset_on_push, delete) and the
// sweep of a large project. Each run is measured and checked: it must succeed and leave what it
// should, or the benchmark fails.
import { pullRequestEvent } from '../../sandbox/action-runner.js';
import { expectationOf } from './expectations.js';
import { NEON_BURST, NEON_PER_SECOND, countRequests, longestChain, neonRate, type Platform, type Timed } from './measures.js';
import { LABELS, type BenchOptions, type Scenario } from './options.js';
import {
  KEYS,
  MAPPING,
  VERCEL_PROJECT,
  head,
  publishedCounts,
  publishedPasswords,
  seedPullRequest,
  setLatency,
  sha,
  startBenchPlatforms,
  sweepHead,
  sweepPulls,
  violations,
  type BenchPlatforms,
} from './platforms.js';
import { bareStart, runBundle, type RunMeasure, type SpawnOptions } from './spawn.js';

export interface Sample {
  scenario: Scenario;
  /** Requests per platform; Neon's without its operation polls. */
  requests: Record<Platform, number>;
  /** Neon's operation polls (reads of one operation or of the project's list). */
  polls: number;
  chain: number;
  wallMs: number;
  firstRequestMs: number;
  /** A bare `node -e ''` start (spawn to exit), taken right before this run. */
  bareStartMs: number;
  maxRssMb: number;
  /** The run's slowest answer: arrival to end of response (latency + the stand-in's own work). */
  slowest: { ms: number; what: string };
  /** Neon requests in the busiest 60 s, and the largest excess over Neon's token bucket. */
  neonRate: { peakPerMinute: number; excess: number };
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** One line per request: arrival and end (ms after the spawn), platform, method, path, status. */
function printTimeline(scenario: Scenario, started: number, requests: Timed[]): void {
  console.error(`--- ${LABELS[scenario]}: ${requests.length} requests`);
  for (const r of [...requests].sort((a, b) => a.start - b.start)) {
    console.error(`${(r.start - started).toFixed(0).padStart(6)} ${(r.end - started).toFixed(0).padStart(6)}  ${r.platform.padEnd(7)} ${r.method.padEnd(6)} ${r.url.slice(0, 110)} ${r.status}`);
  }
}

const shortPath = (r: Timed): string => `${r.platform} ${r.method} ${r.url.split('?')[0]!.replace(/\/[0-9a-f-]{20,}|\/br-[a-z]+-[a-z]+-[a-z0-9]+/g, '/…')}`;

async function measure(p: BenchPlatforms, options: BenchOptions, scenario: Scenario, spawnOptions: Omit<SpawnOptions, 'nodeArgs'>, check: (run: RunMeasure) => void): Promise<Sample> {
  const bareStartMs = await bareStart();
  const run = await runBundle(options.entry, { ...spawnOptions, nodeArgs: options.nodeArgs });
  if (run.code !== 0) throw new Error(`${LABELS[scenario]}: the run failed (exit ${run.code}):\n${run.stdout.split('\n').slice(-30).join('\n')}`);
  check(run);
  // Responses still being finished when the process exits are not part of the run.
  const requests = p.tracer.between(run.started, run.ended);
  if (options.trace) printTimeline(scenario, run.started, requests);
  return {
    scenario,
    ...countRequests(p.names, requests),
    chain: longestChain(requests),
    wallMs: run.ended - run.started,
    firstRequestMs: Math.min(...requests.map((r) => r.start)) - run.started,
    bareStartMs,
    maxRssMb: run.maxRssKb / 1024,
    neonRate: neonRate(
      requests.filter((r) => r.platform === 'Neon').map((r) => r.start),
      NEON_BURST,
      NEON_PER_SECOND,
      50,
    ),
    slowest: requests.reduce((worst, r) => (r.end - r.start > worst.ms ? { ms: r.end - r.start, what: shortPath(r) } : worst), { ms: 0, what: '' }),
  };
}

/** The role's password on a branch of the Neon stand-in. */
function passwordOn(p: BenchPlatforms, branchId: string, role: string): string | undefined {
  return p.neon
    .branches()
    .find((b) => b.id === branchId)
    ?.roles.find((r) => r.name === role)?.password;
}

/**
 * After a create run: the branch exists, every target holds the mapping's values for the PR, and
 * every one of them (and the `password` output) the branch's current password; with `own`, one
 * that is not the parent's. Returns the branch id and the password.
 */
function checkPublished(p: BenchPlatforms, pr: number, run: RunMeasure, own: boolean): { branchId: string; password: string; lastResetAt?: string } {
  const branch = p.neon.branchByName(`preview/pr-${pr}`);
  expect(branch !== undefined && branch.id === run.outputs.branch_id, `PR #${pr}'s branch exists and is the one in the outputs`);
  const role = run.outputs.role ?? 'neondb_owner';
  const current = passwordOn(p, branch!.id, role);
  expect(current !== undefined && run.outputs.password === current, `the password output is the branch's current password of ${role}`);
  for (const [target, n] of Object.entries(publishedCounts(p, pr, head(pr)))) expect(n === KEYS.all, `${target} holds the ${KEYS.all} values of PR #${pr} (holds ${n})`);
  for (const [target, value] of Object.entries(publishedPasswords(p, pr, head(pr)))) expect(value === current, `${target}'s PGPASSWORD is the branch's current password`);
  if (own) expect(current !== passwordOn(p, branch!.parent_id ?? p.neon.defaultBranchId, role), "the preview's password is not its parent's");
  return { branchId: branch!.id, password: current!, lastResetAt: branch!.last_reset_at };
}

/** create (new), create (reuse), create (reuse) with reset_on_push, delete of one pull request; returns the samples wanted. */
async function lifecycle(p: BenchPlatforms, options: BenchOptions, pr: number, wanted: Set<Scenario>): Promise<Sample[]> {
  const expectation = expectationOf(options.expect);
  const own = expectation.ownPassword;
  const samples: Sample[] = [];
  const keep = (s: Sample) => void (wanted.has(s.scenario) && samples.push(s));
  const github = { githubApiUrl: p.github.url, githubToken: p.github.tokens.admin };
  const event = (action: 'opened' | 'synchronize' | 'closed', push: number) => pullRequestEvent({ action, number: pr, headRef: head(pr), headSha: sha(pr, push) });
  p.github.setPullRequest(pr, { state: 'open', headRef: head(pr) });
  let made = { branchId: '', password: '' } as ReturnType<typeof checkPublished>;
  keep(
    await measure(p, options, 'create', { ...github, inputs: p.inputs(), event: event('opened', 1) }, (run) => {
      expect(run.outputs.created === 'true', `PR #${pr} got a new branch`);
      made = checkPublished(p, pr, run, own);
      expect(p.github.comments(pr).length === 1, `PR #${pr} has one comment`);
    }),
  );
  keep(
    await measure(p, options, 'reuse', { ...github, inputs: p.inputs(), event: event('synchronize', 2) }, (run) => {
      expect(run.outputs.created === 'false', `PR #${pr} reused its branch`);
      const reused = checkPublished(p, pr, run, own);
      expect(reused.branchId === made.branchId && reused.password === made.password, 'the reuse kept the branch and its password');
    }),
  );
  if (expectation.scenarios.includes('reset')) {
    keep(
      await measure(p, options, 'reset', { ...github, inputs: p.inputs({ reset_on_push: 'true' }), event: event('synchronize', 3) }, (run) => {
        expect(run.outputs.created === 'false', `PR #${pr} reused its branch`);
        const reset = checkPublished(p, pr, run, own);
        expect(reset.branchId === made.branchId, 'the reset kept the branch id');
        expect(reset.lastResetAt !== undefined && reset.lastResetAt !== made.lastResetAt, 'the branch was reset to its parent');
        expect(reset.password !== made.password, 'the reset branch has a new password');
      }),
    );
  }
  p.github.setPullRequest(pr, { state: 'closed', headRef: head(pr) });
  keep(
    await measure(p, options, 'delete', { ...github, inputs: p.inputs(), event: event('closed', 3) }, () => {
      expect(p.neon.branchByName(`preview/pr-${pr}`) === undefined, 'the branch is gone');
      for (const [target, n] of Object.entries(publishedCounts(p, pr, head(pr)))) expect(n === 0, `${target} holds nothing of PR #${pr} (holds ${n})`);
      expect(p.github.environment(`pr-${pr}`) === undefined, 'the GitHub environment is gone');
    }),
  );
  return samples;
}

export async function lifecycleSamples(options: BenchOptions): Promise<Sample[]> {
  const wanted = new Set(options.only.filter((s) => s !== 'sweep'));
  const p = await startBenchPlatforms(options.operationMs);
  try {
    setLatency(p, options.latencyMs);
    // Warm-up (file cache, the stand-ins' first requests): not measured.
    await lifecycle(p, { ...options, trace: false }, 90, new Set());
    const samples: Sample[] = [];
    for (let run = 0; run < options.runs; run++) {
      const got = await lifecycle(p, options, 100 + run, wanted);
      console.error(`  lifecycle run ${run + 1}: ${got.map((s) => `${s.scenario} ${Math.round(s.wallMs)} ms`).join(', ')}`);
      samples.push(...got);
    }
    const outside = violations(p);
    if (outside.length > 0) throw new Error(`requests outside the API description: ${outside.slice(0, 5).join('; ')}`);
    return samples;
  } finally {
    await p.stop();
  }
}

export async function sweepSamples(options: BenchOptions): Promise<Sample[]> {
  const p = await startBenchPlatforms(options.operationMs);
  try {
    const { open, closed } = sweepPulls(options.branches, options.closed);
    for (const pr of open) await seedPullRequest(p, pr, 'open');
    const samples: Sample[] = [];
    for (let run = 0; run < options.runs; run++) {
      setLatency(p, 0);
      for (const pr of closed) await seedPullRequest(p, pr, 'closed');
      setLatency(p, options.latencyMs);
      const inputs = p.inputs({ timeout: '900' });
      const sample = await measure(
        p,
        options,
        'sweep',
        { githubApiUrl: p.github.url, githubToken: p.github.tokens.admin, inputs, event: { name: 'schedule', payload: { schedule: '0 3 * * *' } } },
        (result) => {
          expect(result.summary.includes(`Neon preview sweep: ${closed.length} removed`), `the sweep removed ${closed.length} pull requests' leftovers`);
          expect(p.neon.branches().length === open.length + 1, 'every open PR keeps its branch');
          const vercelHeads = new Set(p.vercel.envs(VERCEL_PROJECT).map((e) => e.gitBranch));
          for (const pr of closed) {
            expect(!vercelHeads.has(sweepHead(pr)), `Vercel holds nothing of PR #${pr}`);
            expect(
              MAPPING.every(([key]) => p.netlify.valueOf(key, 'branch', sweepHead(pr)) === undefined),
              `Netlify holds nothing of PR #${pr}`,
            );
            expect(p.github.environment(`pr-${pr}`) === undefined, `PR #${pr}'s environment is gone`);
            expect(p.github.deployments(`pr-${pr}`).length === 0, `PR #${pr}'s deployment is retired`);
          }
        },
      );
      samples.push(sample);
      console.error(`  sweep run ${run + 1}: ${Math.round(sample.wallMs)} ms`);
    }
    const outside = violations(p);
    if (outside.length > 0) throw new Error(`requests outside the API description: ${outside.slice(0, 5).join('; ')}`);
    return samples;
  } finally {
    await p.stop();
  }
}
