// Running the bundle as the runner runs it (INPUT_* variables with action.yml's defaults, an event
// file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY), with a preload that writes the process's peak
// memory at exit; and a bare `node -e ''` start, the yardstick of the bundle's start.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPOSITORY, actionDefaults, parseOutputFile } from '../../sandbox/action-runner.js';
import { now } from './measures.js';

const PROBE = `import { writeFileSync } from 'node:fs';
const file = process.env.NEON_PREVIEW_BENCH_PROBE;
process.on('exit', () => {
  if (file) writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
});
`;

export interface SpawnOptions {
  inputs: Record<string, string>;
  event: { name: string; payload: Record<string, unknown> };
  githubApiUrl: string;
  githubToken: string;
  /** Extra arguments for node, before the preload and the entry. */
  nodeArgs: string[];
}

export interface RunMeasure {
  code: number;
  stdout: string;
  summary: string;
  outputs: Record<string, string>;
  started: number;
  ended: number;
  maxRssKb: number;
}

/** Runs the bundle as sandbox/action-runner.ts does, with the probe preloaded. */
export async function runBundle(entry: string, options: SpawnOptions): Promise<RunMeasure> {
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
    const child = spawn(process.execPath, [...options.nodeArgs, '--import', pathToFileURL(probePath).href, entry], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Milliseconds from spawning `node -e ''` to its exit: Node's own start, with nothing to load. */
export async function bareStart(): Promise<number> {
  const started = now();
  const child = spawn(process.execPath, ['-e', ''], { cwd: tmpdir(), stdio: 'ignore' });
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
  if (code !== 0) throw new Error(`node -e '' exited with ${code}`);
  return now() - started;
}
