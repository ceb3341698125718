// The one retry policy for every platform call: when to try again (failure.ts judges the
// answer), how long to wait, the platforms' rate limits and the run's overall deadline.
import { ApiError, DeadlineError, describeFailure, judge, requestedWaitMs, type CallFailure, type CallOptions, type Platform } from './failure.js';

export interface RetryTuning {
  /** First backoff step when the platform names no wait. */
  baseDelayMs: number;
  /** Largest backoff step. */
  maxDelayMs: number;
  /** Time limit of one attempt. */
  attemptTimeoutMs: number;
}

const DEFAULT_TUNING: RetryTuning = { baseDelayMs: 300, maxDelayMs: 8000, attemptTimeoutMs: 30_000 };

/** The tuning for a run: one attempt may take a quarter of the run's `timeout`, 2 s to 30 s. */
export function tuningFor(timeoutMs: number): RetryTuning {
  return { ...DEFAULT_TUNING, attemptTimeoutMs: Math.min(30_000, Math.max(2_000, Math.round(timeoutMs / 4))) };
}

/**
 * A token bucket: `burst` requests at once, refilled at `perMinute`. Keeps a run under a
 * platform's documented rate limit instead of running into 429s.
 */
export class RateGate {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Resolves when the next request may start. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
      this.last = now;
      if (this.tokens < 1) {
        const wait = Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
        await new Promise((resolve) => setTimeout(resolve, wait));
        this.tokens = 1;
        this.last = Date.now();
      }
      this.tokens -= 1;
    });
    this.queue = turn;
    return turn;
  }
}

/** How often a long wait says that it still waits. */
const PROGRESS_MS = 10_000;

/** Neon: 700 requests a minute per account, bursts of 40 a second per route. */
const NEON_RATE = { perMinute: 700, burst: 40 };

/** What the run's calls cost, per platform (those it called, in the order it first did): for the job summary and the benchmark. */
export interface CallStats {
  requests: Record<Platform, number>;
  retries: Record<Platform, number>;
}

/**
 * The context every platform call runs in: the run's deadline, the retry policy and the counts.
 * Created once per run in main.ts and handed to each client wrapper.
 */
export class ApiSession {
  readonly stats: CallStats = { requests: {}, retries: {} };
  private readonly deadline: number;
  private readonly gates: Record<Platform, RateGate | undefined> = { Neon: new RateGate(NEON_RATE.perMinute, NEON_RATE.burst) };

  constructor(
    timeoutMs: number,
    private readonly log: (message: string) => void = () => {},
    readonly tuning: RetryTuning = DEFAULT_TUNING,
    private readonly random: () => number = Math.random,
    /** Lines written at once, whatever phase runs: progress on long waits. */
    readonly progress: (message: string) => void = () => {},
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  remainingMs(): number {
    return this.deadline - Date.now();
  }

  /**
   * Sleeps `ms`, or fails at once when that would pass the run's deadline.
   * `what` names what the run was waiting for, for the error.
   */
  async sleep(ms: number, what: string): Promise<void> {
    if (ms > this.remainingMs())
      throw new DeadlineError(`Timed out waiting for ${what}: the run's timeout leaves ${Math.max(0, Math.round(this.remainingMs() / 1000))} s (raise the \`timeout\` input to wait longer)`);
    if (ms > 0) await this.pause(ms, what);
  }

  /** Waits `ms`; a wait of more than PROGRESS_MS says every PROGRESS_MS what it waits for and how long so far. */
  private async pause(ms: number, what: string): Promise<void> {
    for (let waited = 0; waited < ms;) {
      const step = Math.min(ms - waited, PROGRESS_MS);
      await new Promise((resolve) => setTimeout(resolve, step));
      waited += step;
      if (waited < ms) this.progress(`Waiting for ${what}: ${Math.round(waited / 1000)} s so far, ${Math.ceil((ms - waited) / 1000)} s to go`);
    }
  }

  /**
   * Runs one platform call under the policy. `send` receives an AbortSignal that ends the attempt
   * at its time limit; it must pass it to the client.
   */
  async call<T>(options: CallOptions, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let attempt = 0;
    for (;;) {
      attempt++;
      const remaining = this.remainingMs();
      if (remaining <= 0) throw new DeadlineError(`${options.platform}: ${options.operation} did not complete within the run's timeout (raise the \`timeout\` input)`);
      await this.gates[options.platform]?.take();
      const controller = new AbortController();
      const limit = Math.min(this.tuning.attemptTimeoutMs, this.remainingMs());
      const timer = setTimeout(() => controller.abort(new Error(`no answer within ${Math.round(limit / 1000)} s`)), limit);
      this.stats.requests[options.platform] = (this.stats.requests[options.platform] ?? 0) + 1;
      let failure: CallFailure;
      try {
        return await untilAborted(send(controller.signal), controller.signal);
      } catch (error) {
        failure = describeFailure(error);
        if (controller.signal.aborted) {
          failure = { ...failure, status: undefined, timedOut: true, message: `no answer within ${Math.round(limit / 1000)} s` };
        }
        if (failure.status !== undefined && options.acceptStatus?.includes(failure.status)) return undefined as T;
      } finally {
        clearTimeout(timer);
      }
      const verdict = judge(failure, options);
      if (verdict === 'fail') throw new ApiError(options.platform, options.operation, failure, attempt, false);
      if (verdict === 'unknown-outcome') throw new ApiError(options.platform, options.operation, failure, attempt, true);
      const asked = requestedWaitMs(failure);
      const wait = asked ?? this.backoffMs(attempt);
      if (wait > this.remainingMs()) {
        throw new ApiError(options.platform, options.operation, failure, attempt, false, `Gave up: the next try would pass the run's timeout (raise the \`timeout\` input)`);
      }
      this.stats.retries[options.platform] = (this.stats.retries[options.platform] ?? 0) + 1;
      const reason = failure.status !== undefined ? `HTTP ${failure.status}` : failure.timedOut ? 'no answer in time' : (failure.code ?? 'network error');
      const line = `${options.platform}: ${options.operation}: ${reason}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1})`;
      // A long wait (a rate limit) is said at once, not when its phase ends.
      (wait >= PROGRESS_MS ? this.progress : this.log)(line);
      await this.pause(wait, `${options.platform} (${options.operation})`);
    }
  }

  /** Exponential backoff with jitter: half the step fixed, half random. */
  backoffMs(attempt: number): number {
    const step = Math.min(this.tuning.maxDelayMs, this.tuning.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + (this.random() * step) / 2);
  }
}

/**
 * The request's answer, or its signal's abort, whichever comes first: a client that loses track of
 * the signal (an SDK that wraps it in a Request, which holds it weakly) still ends the attempt
 * on time. The abandoned request is left to fail on its own.
 */
function untilAborted<T>(request: Promise<T>, signal: AbortSignal): Promise<T> {
  request.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  return Promise.race([request, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
