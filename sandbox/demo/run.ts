// The built action run as action-runner.ts's runAction runs it (the same environment, inputs
// with action.yml's defaults, event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY), except that
// each line the action prints is handed over as it comes, so the demo can show the log live.
// Keep the environment in step with runAction's.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { actionDefaults, ENTRY, parseOutputFile, REPOSITORY, type RunOptions, type RunResult } from '../action-runner.js';

export async function runActionLive(options: RunOptions, onLine: (line: string) => void): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'neon-preview-demo-'));
  try {
    const event = options.event ?? { name: 'workflow_dispatch', payload: {} };
    const eventPath = join(dir, 'event.json');
    const outputPath = join(dir, 'output');
    const summaryPath = join(dir, 'summary');
    writeFileSync(eventPath, JSON.stringify(event.payload));
    writeFileSync(outputPath, '');
    writeFileSync(summaryPath, '');
    const inputs = { ...actionDefaults(options.githubToken), ...options.inputs };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: options.githubApiUrl ?? 'http://127.0.0.1:9/github-not-configured',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '1',
      GITHUB_SHA: 'c'.repeat(40),
      GITHUB_REF: 'refs/pull/1/merge',
      RUNNER_TEMP: dir,
      ...options.env,
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;

    const started = Date.now();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? process.env.NEON_PREVIEW_ENTRY ?? ENTRY], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const collected = { stdout: [] as string[], stderr: [] as string[] };
    // The runner shows both streams in the one log, in the order the lines come.
    const read = (stream: NodeJS.ReadableStream, into: string[]) =>
      new Promise<void>((resolve) => {
        const lines = createInterface({ input: stream, crlfDelay: Infinity });
        lines.on('line', (line) => {
          into.push(line);
          onLine(line);
        });
        lines.on('close', resolve);
      });
    const [code] = await Promise.all([
      new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1))),
      read(child.stdout, collected.stdout),
      read(child.stderr, collected.stderr),
    ]);
    return {
      code,
      stdout: collected.stdout.join('\n'),
      stderr: collected.stderr.join('\n'),
      outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
      summary: readFileSync(summaryPath, 'utf8'),
      ms: Date.now() - started,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
