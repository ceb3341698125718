// .github/workflows/self-test.yml, run here step by step as the runner would run it: its shell
// steps with bash (-eo pipefail, the job's and the step's env, RUNNER_TEMP, GITHUB_OUTPUT), its
// `uses: ./` steps through dist/index.js with the inputs as written (action.yml's defaults for the
// rest), each step's outputs read back for the expressions of the later ones. So the workflow's
// stand-ins start, its three uses of the action succeed, its checks pass and the stand-ins stop
// cleanly before it is ever pushed. The steps that set up the machine (checkout, Node.js, npm ci)
// are this checkout's own and are not run again.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runAction } from '../../sandbox/action-runner.js';
import type { Step } from '../workflow-shape.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const workflow = parseYaml(readFileSync(join(root, '.github/workflows/self-test.yml'), 'utf8')) as { jobs: Record<string, { env?: Record<string, unknown>; steps: Step[] }> };
const [job] = Object.values(workflow.jobs);
const jobEnv = Object.fromEntries(Object.entries(job!.env ?? {}).map(([k, v]) => [k, String(v)]));
/** The machine's set-up, done already for this checkout. */
const SETUP = (step: Step) => /^actions\/(checkout|setup-node)@/.test(step.uses ?? '') || step.run?.trim() === 'npm ci';

/** Outputs of the steps that ran, by step id. */
const outputs: Record<string, Record<string, string>> = {};
const temp = mkdtempSync(join(tmpdir(), 'neon-preview-self-test-'));

afterAll(() => {
  // A failure before the last step leaves the stand-ins running: stop them.
  const pid = Number(Object.values(outputs).find((o) => o.pid)?.pid);
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already stopped
    }
  }
  rmSync(temp, { recursive: true, force: true });
});

/** The value of one expression of the forms the workflow uses; anything else is an error here. */
function expression(source: string): string {
  const text = source.trim();
  let m = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (m) return jobEnv[m[1]!] ?? '';
  m = /^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$/.exec(text);
  if (m) return outputs[m[1]!]?.[m[2]!] ?? '';
  throw new Error(`expression this test does not evaluate: ${text}`);
}

/** A value with `${{ … }}` parts replaced, as the runner hands it to the step. */
function evaluate(value: unknown): string {
  return String(value).replace(/\$\{\{(.*?)\}\}/g, (_m, inner: string) => expression(inner));
}

/** An `if:` of the forms the workflow uses: terms joined by &&, `always()` or a value (truthy when not empty). */
function condition(source: string | undefined): boolean {
  if (source === undefined) return true;
  const inner = /^\$\{\{(.*)\}\}$/s.exec(source.trim())?.[1] ?? source;
  return inner.split('&&').every((term) => (term.trim() === 'always()' ? true : expression(term) !== ''));
}

/** Reads a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks. */
function readOutputFile(file: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const block = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (block) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== block[2]; i++) value.push(lines[i]!);
      result[block[1]!] = value.join('\n');
    } else if (lines[i]!.includes('=')) {
      result[lines[i]!.slice(0, lines[i]!.indexOf('='))] = lines[i]!.slice(lines[i]!.indexOf('=') + 1);
    }
  }
  return result;
}

/** A `run:` step as the runner's default shell runs it on Linux. */
async function runShell(step: Step, index: number): Promise<{ code: number; output: string; outputs: Record<string, string> }> {
  const script = join(temp, `step-${index}.sh`);
  const outputFile = join(temp, `step-${index}.output`);
  writeFileSync(script, step.run!);
  writeFileSync(outputFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? temp,
    CI: 'true',
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_WORKSPACE: root,
    ...jobEnv,
    ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v)])),
  };
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, output, outputs: readOutputFile(outputFile) };
}

describe('.github/workflows/self-test.yml, run here', () => {
  it('starts the stand-ins, creates, synchronizes and closes through the action, passes its checks and stops the stand-ins cleanly', async () => {
    const ran: string[] = [];
    for (const [index, step] of job!.steps.entries()) {
      const label = step.name ?? step.id ?? `step ${index}`;
      if (SETUP(step)) continue;
      if (!condition(step.if)) continue;
      if (step.uses === './') {
        const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, evaluate(v)]));
        const result = await runAction({ inputs, event: { name: 'push', payload: {} } });
        expect(result.code, `${label}:\n${result.stdout}${result.stderr}`).toBe(0);
        expect(result.stdout, label).not.toMatch(/^::(error|warning)::/m);
        if (step.id) outputs[step.id] = result.outputs;
      } else if (step.run) {
        const result = await runShell(step, index);
        expect(result.code, `${label}:\n${result.output}`).toBe(0);
        if (step.id) outputs[step.id] = result.outputs;
      } else {
        throw new Error(`${label}: a step this test does not run (${step.uses})`);
      }
      ran.push(label);
    }
    // Every step but the set-up ran, the stand-ins' stop included.
    expect(ran).toEqual(job!.steps.filter((s) => !SETUP(s)).map((s, i) => s.name ?? s.id ?? `step ${i}`));
    expect(outputs.opened).toMatchObject({ command: 'create', created: 'true' });
    expect(outputs.synchronized).toMatchObject({ command: 'create', created: 'false', branch_id: outputs.opened!.branch_id });
    expect(outputs.closed).toMatchObject({ command: 'delete', branch_id: outputs.opened!.branch_id });
    expect(readFileSync(join(temp, 'stand-ins.log'), 'utf8')).toMatch(/^Requests the real platforms would refuse: 0$/m);
  }, 300_000);
});
