// Runs the built action as GitHub would deliver its events: at most `concurrency` processes at
// once, a failed run delivered again (GitHub's "re-run failed jobs") up to `maxTries` times.
//
// A run that fails must fail loudly: exit code 1 and exactly one `::error::` line naming the
// platform, for a reason an injected fault explains (a 423, 429 or 5xx, a lost answer, a dropped
// connection, the run's timeout): any other failure is the action's own. A run refused because
// another PR holds its names (`... belong to pull request #n`) is expected only where a scenario
// says so; anywhere else it is reported and not re-run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pullRequestEvent, runAction, type RunResult } from '../../sandbox/action-runner.js';
import { describePull, type Soak } from './context.js';
import { checkParentPassword } from './passwords.js';
import { scenario } from './report.js';
import { countRetries, errorLines, isTransient, namesPlatform, outputSecrets, reasonOf, refusalOf, wrongSuccess } from './runs.js';
import type { EventAction, PullRequest } from './types.js';

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

/** The run's log as the runner would show it, less the `::add-mask::` lines (they hold the secrets). */
function writeLog(file: string, result: RunResult, startedAt: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const visible = (text: string) =>
    text
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
  const began = (Date.now() - result.ms - startedAt) / 1000;
  writeFileSync(
    file,
    `began +${began.toFixed(1)} s, exit ${result.code}, ${result.ms} ms, outputs ${Object.keys(result.outputs).join(' ')}\n--- stdout\n${visible(result.stdout)}\n--- stderr\n${visible(result.stderr)}\n`,
  );
}

export interface DeliverOptions {
  /** Re-run while it fails; default true. */
  retry?: boolean;
  /** The try this delivery starts at (> 1 continues after deliveries already made). */
  from?: number;
  /** A refusal naming this PR is what the scenario expects: not a failure, and not re-run. */
  refusedBy?: number;
}

export class Runner {
  private readonly processes: Semaphore;
  private sha = 0;
  /** Runs logged so far (`logDir`): the log files' numbers. */
  private logged = 0;
  /** Failure reasons → how many runs failed so. */
  readonly reasons = new Map<string, number>();
  readonly durations: number[] = [];
  readonly sweepResults: RunResult[] = [];
  /** Runs the scenarios make without re-runs (for the progress line). */
  planned = 0;

  constructor(private readonly soak: Soak) {
    this.processes = new Semaphore(soak.options.concurrency);
  }

  /** "41 of 96 runs done, 3 re-runs, 0 failures, 35 s". */
  progress(startedAt: number): string {
    const { report } = this.soak;
    return `${report.runs} of ${this.planned + report.reruns} runs done, ${report.reruns} re-runs, ${report.failedRuns} failures, ${Math.round((Date.now() - startedAt) / 1000)} s`;
  }

  private event(pr: PullRequest | undefined, action: EventAction) {
    if (action === 'sweep' || !pr) return { name: 'schedule', payload: { schedule: '0 3 * * *' } };
    const event = pullRequestEvent({
      action,
      number: pr.number,
      headRef: pr.head,
      headRepository: pr.fork,
      headSha: (++this.sha).toString(16).padStart(40, '0'),
      merged: action === 'closed' && this.soak.random() < 0.7,
    });
    return pr.fork ? { ...event, name: 'pull_request_target' } : event;
  }

  /** One delivery of an event: a child process running dist/index.js, with a watchdog. */
  async runOnce(pr: PullRequest | undefined, action: EventAction, attempt: number, refusedBy?: number): Promise<RunResult> {
    const { soak } = this;
    const { github } = soak.platforms;
    const limitMs = soak.options.timeoutSeconds * 4000 + 30_000;
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), limitMs)));
    const inputs = { ...soak.inputs, ...pr?.inputs };
    const run = runAction({ inputs, event: this.event(pr, action), githubApiUrl: github.url, githubToken: github.tokens.admin });
    const result = await Promise.race([run, watchdog]);
    clearTimeout(timer);
    const what = `${pr ? `#${pr.number} ` : ''}${action} (try ${attempt})`;
    if (result === 'hung') {
      // The child cannot be killed through runAction; it is reported, and the soak goes on.
      soak.report.hung.push(what);
      return { code: -1, stdout: '', stderr: '', outputs: {}, summary: '', ms: limitMs };
    }
    this.record(pr, action, result);
    if (soak.options.logDir) writeLog(join(soak.options.logDir, `${String(++this.logged).padStart(4, '0')}-${pr ? `pr-${pr.number}` : 'sweep'}-${action}-${attempt}.log`), result, soak.startedAt);
    this.judge(pr, action, attempt, result, refusedBy);
    if (pr && (action === 'opened' || action === 'synchronize') && pr.kind !== 'fork-skipped') checkParentPassword(soak, pr, result, what);
    return result;
  }

  /** Counts the run and keeps what the secret search needs. */
  private record(pr: PullRequest | undefined, action: EventAction, result: RunResult): void {
    const { report, names } = this.soak;
    report.runs++;
    report.runsBy[action]++;
    this.durations.push(result.ms);
    const retries = countRetries(result.stdout, names);
    for (const p of names) report.retries[p] += retries[p];
    if (!pr) {
      this.sweepResults.push(result);
      return;
    }
    scenario(report, pr.kind).runs++;
    pr.results.push(result);
    for (const [value, what] of outputSecrets(result)) if (!pr.secrets.has(value)) pr.secrets.set(value, what);
  }

  /** Loud, silent, vague or expected: where the run's outcome goes in the report. */
  private judge(pr: PullRequest | undefined, action: EventAction, attempt: number, result: RunResult, refusedBy?: number): void {
    const { report, names } = this.soak;
    const what = `${pr ? `#${pr.number} ` : ''}${action} (try ${attempt})`;
    if (result.code === 0) {
      const wrong = wrongSuccess(result, pr, action);
      if (wrong) report.silentFailures.push(`${what}: ${wrong}`);
      return;
    }
    if (refusedBy !== undefined && refusalOf(result) === refusedBy) return;
    const errors = errorLines(result);
    report.failedRuns++;
    report.failures.push(`${pr ? `${describePull(pr)} ` : ''}${action} try ${attempt}: ${(errors[0] ?? `exit ${result.code}`).slice(0, 240)}`);
    if (result.code !== 1 || errors.length !== 1) {
      report.silentFailures.push(`${what}: exit ${result.code}, ${errors.length} ::error:: line(s); stderr: ${result.stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 300)}`);
      return;
    }
    const refused = refusalOf(result) !== undefined;
    // A race's create may also fail because the close it races removed its branch: counted there.
    const racing = pr?.kind === 'race' && action === 'opened';
    if (!namesPlatform(errors[0]!, names) && !refused) report.vagueFailures.push(`${what}: ${errors[0]!.slice(0, 300)}`);
    if (!isTransient(errors[0]!) && !refused && !racing) report.unexplainedFailures.push(`${pr ? `${describePull(pr)} ` : ''}${action} try ${attempt}: ${errors[0]!.slice(0, 400)}`);
    const reason = reasonOf(errors[0]!, names);
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  /** Delivers an event, and again while it fails (`maxTries` deliveries at most). */
  async deliver(pr: PullRequest | undefined, action: EventAction, { retry = true, from = 1, refusedBy }: DeliverOptions = {}): Promise<RunResult> {
    const { report, options } = this.soak;
    for (let attempt = from; ; attempt++) {
      if (attempt > 1) report.reruns++;
      await this.processes.acquire();
      const result = await this.runOnce(pr, action, attempt, refusedBy).finally(() => this.processes.release());
      if (result.code === 0 || !retry) return result;
      const refusal = refusalOf(result);
      if (refusal !== undefined && refusal === refusedBy) return result;
      if (refusal !== undefined) {
        // Another PR holds the names: a re-run cannot help while it does.
        report.unexpectedRefusals.push(`${pr ? describePull(pr) : ''} ${action} try ${attempt}: ${errorLines(result)[0]!.slice(0, 300)}`);
        return result;
      }
      if (attempt >= options.maxTries) {
        report.unrecovered.push(`${pr ? `#${pr.number} ` : ''}${action}: failed ${attempt} times; last: ${errorLines(result)[0] ?? `exit ${result.code}`}`);
        return result;
      }
    }
  }

  /** Two events of one PR started together (two process slots at once), then re-run apart. */
  async deliverTogether(pr: PullRequest, first: EventAction, firstRetries: boolean, second: EventAction): Promise<[RunResult, RunResult]> {
    await this.processes.acquire(2);
    const once = (action: EventAction) => this.runOnce(pr, action, 1).finally(() => this.processes.release());
    const [a, b] = await Promise.all([once(first), once(second)]);
    const again = (result: RunResult, action: EventAction, retries: boolean) => (result.code === 0 || !retries ? result : this.deliver(pr, action, { from: 2 }));
    return Promise.all([again(a, first, firstRetries), again(b, second, true)]);
  }
}
