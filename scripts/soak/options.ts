// The soak's options: what runs, how hard the platforms fail, and the command line that sets them.
import { parseArgs } from 'node:util';
import type { FaultKind } from '../../sandbox/server.js';
import type { StandIns } from './types.js';

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
  /** Double-create pairs, and as many create/close races. */
  pairs: number;
  /** `{head}` collisions: pairs of open PRs whose previews would share names. */
  collisions: number;
  /** `{head}` collisions whose first PR's `closed` run never comes (the second's create removes its leftovers). */
  collisionLeftovers: number;
  /** Fork PRs under `pull_request_target` with the default `fork_pull_requests: skip`. */
  forks: number;
  /** Fork PRs with `fork_pull_requests: allow` whose head is the head of the repository's own open PR. */
  allowedForks: number;
  /** Allowed fork PRs open while the repository's own PR of the same head opens or closes. */
  forkOverlap: number;
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
  /** Seconds between two progress lines. */
  progressSeconds: number;
  /** A directory for every run's log (stdout and stderr without `::add-mask::` lines); none when omitted. */
  logDir?: string;
  /** Progress lines; none when omitted. */
  log?: (line: string) => void;
  /** Called after the sweeps, before the check (to test that the check finds what it should). */
  beforeCheck?: (standIns: StandIns) => void | Promise<void>;
}

/** The numbers (everything but the callbacks). */
export type Options = Omit<SoakOptions, 'log' | 'beforeCheck'>;

export const DEFAULT_OPTIONS: Options = {
  lifecycles: 200,
  concurrency: 8,
  faultRate: 0.15,
  seed: 1,
  undelivered: 20,
  pairs: 10,
  collisions: 10,
  collisionLeftovers: 4,
  forks: 6,
  allowedForks: 6,
  forkOverlap: 2,
  timeoutSeconds: 40,
  slowMs: 11_000,
  maxTries: 5,
  operationMs: 150,
  retryAfterSeconds: 1,
  progressSeconds: 10,
};

export const FAULT_KINDS: FaultKind[] = ['429', '423', '500', '502', '503', 'reset', 'slow'];

/** The options that are numbers. */
type NumberOption = { [K in keyof Options]-?: Options[K] extends number ? K : never }[keyof Options];

/** Command-line flag → option (every one a number but `--log-dir`). */
const FLAGS: Record<string, NumberOption> = {
  lifecycles: 'lifecycles',
  concurrency: 'concurrency',
  'fault-rate': 'faultRate',
  seed: 'seed',
  undelivered: 'undelivered',
  pairs: 'pairs',
  collisions: 'collisions',
  'collision-leftovers': 'collisionLeftovers',
  forks: 'forks',
  'allowed-forks': 'allowedForks',
  'fork-overlap': 'forkOverlap',
  timeout: 'timeoutSeconds',
  'slow-ms': 'slowMs',
  'max-tries': 'maxTries',
  'operation-ms': 'operationMs',
  'retry-after': 'retryAfterSeconds',
  progress: 'progressSeconds',
};

export const USAGE = `npm run soak -- ${Object.keys(FLAGS)
  .map((flag) => `[--${flag} ${DEFAULT_OPTIONS[FLAGS[flag]!]}]`)
  .join(' ')} [--log-dir DIR]`;

/** The options of `npm run soak -- --lifecycles 30 ...`; unknown flags and bad numbers throw. */
export function parseCommandLine(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries([...Object.keys(FLAGS), 'log-dir'].map((flag) => [flag, { type: 'string' as const }])),
    strict: true,
    allowPositionals: false,
  });
  const { 'log-dir': logDir, ...numbers } = values;
  const options: Options = { ...DEFAULT_OPTIONS, ...(typeof logDir === 'string' ? { logDir } : {}) };
  for (const [flag, raw] of Object.entries(numbers)) {
    const value = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new Error(`--${flag} needs a number of 0 or more, got ${String(raw)}`);
    options[FLAGS[flag]!] = value;
  }
  return checked(options);
}

/** Refuses combinations the soak cannot run. */
export function checked(options: Options): Options {
  if (options.faultRate > 1) throw new Error('--fault-rate is a share between 0 and 1');
  if (options.concurrency < 2) throw new Error('--concurrency must be at least 2 (pairs start two runs together)');
  if (options.maxTries < 1) throw new Error('--max-tries must be at least 1');
  if (options.progressSeconds <= 0) throw new Error('--progress must be more than 0 seconds');
  return options;
}
