// Runs the built action (dist/index.js) as a child process the way the GitHub runner does:
// INPUT_* variables with action.yml's defaults applied, an event payload file, and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, which are read back after the run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = join(ROOT, 'dist/index.js');
export const REPOSITORY = 'acme/shop';
export const DEFAULT_GITHUB_TOKEN = 'ghs_defaultWorkflowToken000000000000';

interface ActionInput {
  default?: string;
}

/** action.yml's inputs and their defaults, as the runner applies them. */
export function actionDefaults(githubToken = DEFAULT_GITHUB_TOKEN): Record<string, string> {
  const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, ActionInput> };
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    if (input.default === undefined) continue;
    defaults[name] = String(input.default).replace('${{ github.token }}', githubToken);
  }
  return defaults;
}

export interface PullRequestEventOptions {
  action: 'opened' | 'reopened' | 'synchronize' | 'closed' | 'edited';
  number: number;
  headRef?: string;
  headSha?: string;
  /** `owner/repo` of the head; a different one than REPOSITORY makes a fork PR. */
  headRepository?: string;
  merged?: boolean;
}

/** A `pull_request` payload shaped like GitHub's (the fields the action reads, and the usual others). */
export function pullRequestEvent(options: PullRequestEventOptions): { name: string; payload: Record<string, unknown> } {
  const headRef = options.headRef ?? `feature/pr-${options.number}`;
  const headRepo = options.headRepository ?? REPOSITORY;
  const repo = (fullName: string) => ({ full_name: fullName, name: fullName.split('/')[1], owner: { login: fullName.split('/')[0] }, fork: fullName !== REPOSITORY });
  return {
    name: 'pull_request',
    payload: {
      action: options.action,
      number: options.number,
      pull_request: {
        number: options.number,
        state: options.action === 'closed' ? 'closed' : 'open',
        merged: options.merged ?? false,
        title: `Change ${options.number}`,
        html_url: `https://github.com/${REPOSITORY}/pull/${options.number}`,
        head: { ref: headRef, sha: options.headSha ?? `${String(options.number).padStart(4, '0')}${'a'.repeat(36)}`, repo: repo(headRepo) },
        base: { ref: 'main', sha: 'b'.repeat(40), repo: repo(REPOSITORY) },
      },
      repository: repo(REPOSITORY),
      sender: { login: 'octocat' },
    },
  };
}

export interface RunOptions {
  /** Inputs as a workflow's `with:` gives them; action.yml's defaults fill the rest. */
  inputs: Record<string, string>;
  event?: { name: string; payload: Record<string, unknown> };
  env?: Record<string, string>;
  /** GITHUB_API_URL (the GitHub stand-in). */
  githubApiUrl?: string;
  githubToken?: string;
  /** Options for node before the script, e.g. `--expose-gc`. */
  nodeArgs?: string[];
  /** The bundle to run; default dist/index.js (or NEON_PREVIEW_ENTRY, to compare another build). */
  entry?: string;
  /** Called with each line the action prints (stdout or stderr) as it comes, as the runner's log shows them. */
  onLine?: (line: string) => void;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  ms: number;
}

/** Reads the GITHUB_OUTPUT file format (`name<<DELIMITER ... DELIMITER`). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

let checkedDist = false;

/** Refuses to run a dist/ built from other sources than src/ (run `npm run bundle`). */
export async function checkDistIsCurrent(): Promise<void> {
  if (checkedDist) return;
  const { sourceHash } = (await import(pathToFileURL(join(ROOT, 'scripts/source-hash.mjs')).href)) as { sourceHash: () => string };
  const built = readFileSync(join(ROOT, 'dist/source-hash.txt'), 'utf8').trim();
  if (built !== sourceHash()) throw new Error('dist/ was not built from the current src/ (or package.json): run `npm run bundle` before the end-to-end tests');
  checkedDist = true;
}

export async function runAction(options: RunOptions): Promise<RunResult> {
  if (!options.entry && !process.env.NEON_PREVIEW_ENTRY) await checkDistIsCurrent();
  const dir = mkdtempSync(join(tmpdir(), 'neon-preview-run-'));
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
    const entry = options.entry ?? process.env.NEON_PREVIEW_ENTRY ?? ENTRY;
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (options.onLine) for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', options.onLine);
    const code = await new Promise<number>((resolveCode) => child.on('close', (c) => resolveCode(c ?? -1)));
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
      summary: readFileSync(summaryPath, 'utf8'),
      ms: Date.now() - started,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Secrets that appear anywhere in the run's stdout/stderr/summary other than an ::add-mask:: line. */
export function leakedSecrets(result: RunResult, secrets: string[]): string[] {
  const visible = [...result.stdout.split('\n'), ...result.stderr.split('\n')].filter((line) => !line.startsWith('::add-mask::')).join('\n') + result.summary;
  return secrets.filter((s) => s && visible.includes(s));
}
