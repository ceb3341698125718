// The soak's report: what it counted, the problems it found, and the table it prints.
import { FAULT_KINDS, type Options } from './options.js';
import type { EventAction, JobKind, PerPlatform, Platform } from './types.js';

/** One scenario's pull requests, runs (re-runs included) and what it counted. */
export interface ScenarioStats {
  prs: number;
  runs: number;
  counts: Record<string, number>;
}

export interface SoakReport {
  options: Options;
  /** The bundle soaked (a hash of its directory's files), and whether it changed during the soak. */
  build: { hash: string; changed: boolean };
  runs: number;
  runsBy: Record<EventAction, number>;
  failedRuns: number;
  reruns: number;
  /** Failures without exit code 1 and exactly one ::error:: line, or successes with the wrong outputs. */
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
  /** For leaked GitHub environments and deployments: the stand-in's requests that touched them, in order. */
  evidence: string[];
  duplicates: string[];
  missing: string[];
  /** Values of open PRs that name another compute than their branch's, or another password than its role's. */
  stale: string[];
  secrets: string[];
  violations: string[];
  /** PRs with more than one sticky comment. */
  duplicateComments: string[];
  /** Closed PRs (their close delivered) whose sticky comment says the preview is ready. */
  readyComments: string[];
  /** Create runs checked for the parent's password, and those whose outputs or published values held it. */
  parentPasswords: { checked: number; runs: string[] };
  /** `{head}` collisions: a second PR that got, changed or deleted what the first PR holds, or was refused without naming it. */
  takeovers: string[];
  /** Forks that got something they must not, or changed what the repository's own PR holds. */
  forkProblems: string[];
  /** Runs refused because another PR holds their names, where no other PR should. */
  unexpectedRefusals: string[];
  /** Loud failures that no injected fault explains (not a 423/429/5xx, a lost answer, a dropped connection, the run's timeout). */
  unexplainedFailures: string[];
  scenarios: Partial<Record<JobKind, ScenarioStats>>;
  /** Closed PRs that still held something when the sweeps began; what each sweep removed and kept. */
  sweeps: { closedHolding: number; firstRemoved: number; firstTries: number; secondRemoved: number; kept: number };
  openPullRequests: number;
  closedPullRequests: number;
  wallMs: number;
  problems: string[];
  ok: boolean;
}

export function perPlatform(names: Platform[]): PerPlatform {
  return Object.fromEntries(names.map((n) => [n, 0])) as PerPlatform;
}

export function newReport(options: Options, names: Platform[]): SoakReport {
  return {
    options,
    build: { hash: '', changed: false },
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
    retries: perPlatform(names),
    requests: perPlatform(names),
    faults: perPlatform(names),
    faultKinds: {},
    leaks: perPlatform(names),
    leakDetails: [],
    evidence: [],
    duplicates: [],
    missing: [],
    stale: [],
    secrets: [],
    violations: [],
    duplicateComments: [],
    readyComments: [],
    parentPasswords: { checked: 0, runs: [] },
    takeovers: [],
    forkProblems: [],
    unexpectedRefusals: [],
    unexplainedFailures: [],
    scenarios: {},
    sweeps: { closedHolding: 0, firstRemoved: 0, firstTries: 0, secondRemoved: 0, kept: 0 },
    openPullRequests: 0,
    closedPullRequests: 0,
    wallMs: 0,
    problems: [],
    ok: false,
  };
}

/** The scenario's stats (made on first use). */
export function scenario(report: SoakReport, kind: JobKind): ScenarioStats {
  return (report.scenarios[kind] ??= { prs: 0, runs: 0, counts: {} });
}

/** Adds to one of a scenario's counts. */
export function count(report: SoakReport, kind: JobKind, what: string, n = 1): void {
  const counts = scenario(report, kind).counts;
  counts[what] = (counts[what] ?? 0) + n;
}

const sum = (x: PerPlatform) => Object.values(x).reduce((n, v) => n + v, 0);

/** Fills `problems` and `ok` from what was found. */
export function judge(report: SoakReport): void {
  const p = report.problems;
  const add = (n: number, what: string) => n > 0 && p.push(`${n} ${what}`);
  if (report.build.changed) p.push('the bundle changed during the soak (rebuilt?): its runs are of more than one build');
  add(sum(report.leaks), 'leaked item(s) of closed PRs');
  add(report.duplicates.length, 'duplicate(s)');
  add(report.duplicateComments.length, 'PR(s) with more than one sticky comment');
  add(report.missing.length, 'missing value(s) of open PRs');
  add(report.stale.length, 'stale value(s) of open PRs');
  add(report.secrets.length, 'secret(s) in output');
  add(report.violations.length, 'API-description violation(s)');
  add(report.silentFailures.length, 'run(s) that failed without one ::error:: line (or succeeded with the wrong outputs)');
  add(report.vagueFailures.length, 'failure(s) whose message names no platform');
  add(report.unrecovered.length, `event(s) still failing after ${report.options.maxTries} deliveries`);
  add(report.hung.length, 'run(s) that did not end');
  add(report.parentPasswords.runs.length, "run(s) publishing the parent's password");
  add(report.readyComments.length, 'closed PR(s) whose comment says "ready"');
  add(report.takeovers.length, '{head} collision problem(s)');
  add(report.forkProblems.length, 'fork problem(s)');
  add(report.unexpectedRefusals.length, 'run(s) refused for names no other PR should hold');
  add(report.unexplainedFailures.length, 'failure(s) no injected fault explains');
  report.ok = p.length === 0;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

const SCENARIO_LABELS: Record<JobKind, string> = {
  lifecycle: 'lifecycles',
  undelivered: 'undelivered closes',
  'double-create': 'double creates',
  race: 'create/close races',
  collision: '{head} collisions',
  'collision-leftovers': 'collisions, close lost',
  'fork-skipped': 'forks (skipped)',
  'fork-allowed': 'forks (allowed)',
  'fork-overlap': 'forks beside own PR',
};

function header(r: SoakReport): string {
  const o = r.options;
  const attemptS = Math.min(30, Math.max(2, o.timeoutSeconds / 4));
  return (
    `neon-preview soak of build ${r.build.hash}: seed ${o.seed}, ${o.concurrency} in flight, fault rate ${o.faultRate} (${FAULT_KINDS.join(' ')}), ` +
    `timeout ${o.timeoutSeconds} s (attempts ${attemptS} s), slow ${o.slowMs / 1000} s`
  );
}

function platformTable(r: SoakReport): string[] {
  const names = Object.keys(r.requests) as Platform[];
  const row = (label: string, values: (string | number)[]) => `${label.padEnd(28)}${values.map((v) => String(v).padStart(9)).join('')}`;
  const per = (label: string, x: PerPlatform) => row(label, [...names.map((p) => x[p]), sum(x)]);
  return [row('', [...names, 'total']), per('requests', r.requests), per('faults injected', r.faults), per('retries (action log)', r.retries), per('leaks (closed PRs)', r.leaks)];
}

function scenarioTable(r: SoakReport): string[] {
  const lines = [`${'scenario'.padEnd(24)}${'PRs'.padStart(5)}${'runs'.padStart(6)}  counted`];
  for (const [kind, label] of Object.entries(SCENARIO_LABELS) as [JobKind, string][]) {
    const s = r.scenarios[kind];
    if (!s) continue;
    const counts = Object.entries(s.counts)
      .map(([what, n]) => `${what} ${n}`)
      .join(', ');
    lines.push(`${label.padEnd(24)}${String(s.prs).padStart(5)}${String(s.runs).padStart(6)}  ${counts}`);
  }
  return lines;
}

function summary(r: SoakReport): string[] {
  const lines: string[] = [];
  const kv = (label: string, value: string | number) => lines.push(`${label.padEnd(28)}${value}`);
  kv('runs', `${r.runs} (opened ${r.runsBy.opened}, synchronize ${r.runsBy.synchronize}, closed ${r.runsBy.closed}, sweep ${r.runsBy.sweep})`);
  kv('failed runs', `${r.failedRuns} (loud: ${r.failedRuns - r.silentFailures.filter((s) => !s.includes('exit 0')).length}, silent: ${r.silentFailures.length}, vague: ${r.vagueFailures.length})`);
  kv('re-runs', `${r.reruns} (unrecovered after ${r.options.maxTries} tries: ${r.unrecovered.length}, hung: ${r.hung.length})`);
  kv('run time', `mean ${(r.runMs.mean / 1000).toFixed(1)} s, p95 ${(r.runMs.p95 / 1000).toFixed(1)} s, max ${(r.runMs.max / 1000).toFixed(1)} s`);
  kv(
    'fault kinds',
    Object.entries(r.faultKinds)
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none',
  );
  kv('pull requests', `${r.openPullRequests} open, ${r.closedPullRequests} closed`);
  kv(
    'sweeps',
    `${r.sweeps.closedHolding} closed PR(s) held something; faults on: ${r.sweeps.firstRemoved} removed in ${r.sweeps.firstTries} run(s); faults off: ${r.sweeps.secondRemoved} removed, ${r.sweeps.kept} kept`,
  );
  kv('duplicates (open PRs)', r.duplicates.length);
  kv('missing / stale (open PRs)', `${r.missing.length} / ${r.stale.length}`);
  kv('duplicate PR comments', r.duplicateComments.length);
  kv('"ready" on closed PRs', r.readyComments.length);
  kv("parent's password", `${r.parentPasswords.runs.length} of ${r.parentPasswords.checked} create runs published it`);
  kv('collision problems', r.takeovers.length);
  kv('fork problems', r.forkProblems.length);
  kv('unexpected refusals', r.unexpectedRefusals.length);
  kv('failures no fault explains', r.unexplainedFailures.length);
  kv('secrets found', r.secrets.length);
  kv('violations', r.violations.length);
  kv('wall time', duration(r.wallMs));
  return lines;
}

function details(r: SoakReport): string[] {
  const lines: string[] = [];
  if (r.failureReasons.length > 0) {
    lines.push('', 'failures by reason:');
    for (const [reason, n] of r.failureReasons.slice(0, 15)) lines.push(`  ${String(n).padStart(4)}  ${reason}`);
  }
  const lists: [string, string[]][] = [
    ['failed runs', r.failures],
    ['leaks', r.leakDetails],
    ['requests that touched a leaked environment or deployment', r.evidence],
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
    ['"ready" comments on closed PRs', r.readyComments],
    ["runs publishing the parent's password", r.parentPasswords.runs],
    ['{head} collision problems', r.takeovers],
    ['fork problems', r.forkProblems],
    ['unexpected refusals', r.unexpectedRefusals],
    ['failures no injected fault explains', r.unexplainedFailures],
  ];
  for (const [label, items] of lists) {
    if (items.length === 0) continue;
    lines.push('', `${label}:`);
    const shown = label === 'failed runs' ? 60 : label.startsWith('requests') ? 80 : 20;
    for (const item of items.slice(0, shown)) lines.push(`  ${item}`);
    if (items.length > shown) lines.push(`  … ${items.length - shown} more`);
  }
  return lines;
}

/** The soak's table, as printed. */
export function formatReport(r: SoakReport): string {
  return [header(r), '', ...platformTable(r), '', ...scenarioTable(r), '', ...summary(r), ...details(r), '', r.ok ? 'RESULT: PASS' : `RESULT: FAIL: ${r.problems.join('; ')}`].join('\n');
}
