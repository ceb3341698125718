// The benchmark's options and the command line that sets them (node:util parseArgs).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../../sandbox/action-runner.js';

export const SCENARIOS = ['create', 'reuse', 'reset', 'delete', 'sweep'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const LABELS: Record<Scenario, string> = {
  create: 'create (new branch)',
  reuse: 'create (reuse)',
  reset: 'create (reuse) with reset_on_push',
  delete: 'delete',
  sweep: 'sweep',
};

/** Whose floors, request budgets and checks apply: this version's, or those of the bundle of an earlier commit. */
export const VERSIONS = ['current', 'c880f98'] as const;
export type Version = (typeof VERSIONS)[number];

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
  /** Extra arguments for node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
  nodeArgs: string[];
  /** The version the entry is a bundle of (see VERSIONS). */
  expect: Version;
}

export const DEFAULTS: BenchOptions = {
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
  expect: 'current',
};

export const USAGE = `npm run bench -- [--latency 50] [--operation-ms 1000] [--runs 3] [--entry dist/index.js]
                 [--branches 2000] [--closed 200] [--only ${SCENARIOS.join(',')}]
                 [--expect ${VERSIONS.join('|')}] [--out BENCHMARKS.md] [--section results]
                 [--no-write] [--trace] [--node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"]`;

function numberOf(flag: string, raw: string, min: number, integer: boolean): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new Error(`--${flag} needs ${integer ? 'a whole number' : 'a number'} of ${min} or more, got ${raw}`);
  return n;
}

/** The options of `npm run bench -- --latency 50 ...`; unknown flags, bad numbers and a missing entry throw. */
export function parseCommandLine(argv: string[], exists: (path: string) => boolean = existsSync): BenchOptions & { help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      latency: { type: 'string' },
      'operation-ms': { type: 'string' },
      runs: { type: 'string' },
      entry: { type: 'string' },
      branches: { type: 'string' },
      closed: { type: 'string' },
      only: { type: 'string' },
      expect: { type: 'string' },
      out: { type: 'string' },
      section: { type: 'string' },
      'no-write': { type: 'boolean' },
      trace: { type: 'boolean' },
      'node-args': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const options: BenchOptions = { ...DEFAULTS, only: [...DEFAULTS.only] };
  if (values.latency !== undefined) options.latencyMs = numberOf('latency', values.latency, 0, false);
  if (values['operation-ms'] !== undefined) options.operationMs = numberOf('operation-ms', values['operation-ms'], 0, false);
  if (values.runs !== undefined) options.runs = numberOf('runs', values.runs, 1, true);
  if (values.branches !== undefined) options.branches = numberOf('branches', values.branches, 1, true);
  if (values.closed !== undefined) options.closed = numberOf('closed', values.closed, 0, true);
  if (values.entry !== undefined) options.entry = resolve(values.entry);
  if (values.out !== undefined) options.out = resolve(values.out);
  if (values.only !== undefined) {
    const wanted = values.only.split(',').filter(Boolean);
    const unknown = wanted.filter((w) => !(SCENARIOS as readonly string[]).includes(w));
    if (wanted.length === 0 || unknown.length > 0) throw new Error(`--only takes some of ${SCENARIOS.join(',')}, got ${values.only}`);
    options.only = SCENARIOS.filter((s) => wanted.includes(s));
  }
  if (values.expect !== undefined) {
    if (!(VERSIONS as readonly string[]).includes(values.expect)) throw new Error(`--expect takes ${VERSIONS.join(' or ')}, got ${values.expect}`);
    options.expect = values.expect as Version;
  }
  if (values.section !== undefined) {
    if (!/^[a-z0-9-]+$/.test(values.section)) throw new Error('--section needs a name of lower-case letters, digits and dashes');
    options.section = values.section;
  }
  if (values['no-write']) options.write = false;
  if (values.trace) options.trace = true;
  if (values['node-args'] !== undefined) options.nodeArgs = values['node-args'].split(' ').filter(Boolean);
  if (options.closed > options.branches) throw new Error('--closed cannot exceed --branches');
  const help = values.help === true;
  if (!help && !exists(options.entry)) throw new Error(`no bundle at ${options.entry} (build one with ncc, or run npm run bundle)`);
  return { ...options, help };
}
