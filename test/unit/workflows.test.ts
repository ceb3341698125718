// The repository's own workflows (.github/): CI runs .ci/run on Node 20, "Check dist/" compares
// dist/ with the source, and the self-test uses the action (`uses: ./`) the way examples/ do: only
// inputs of action.yml, every required one, outputs that action.yml declares, and stand-in values
// that sandbox/serve.ts really writes. Dependabot watches npm and the actions.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadWorkflow, type Step, type Workflow } from '../workflow-shape.js';

const root = new URL('../../', import.meta.url);
const workflowsDir = new URL('.github/workflows/', root);

const action = parseYaml(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
};
const inputNames = Object.keys(action.inputs);
const requiredInputs = inputNames.filter((name) => action.inputs[name]!.required === true);
const outputNames = Object.keys(action.outputs);

const files = readdirSync(workflowsDir)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();
const workflows = files.map((file) => ({ file, ...loadWorkflow(workflowsDir, file) }));
const byFile = (file: string) => workflows.find((w) => w.file === file)!;
const stepsOf = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

/** The value of the stand-ins' step outputs that sandbox/serve.ts writes, by name (read from its source). */
function serveOutputNames(): string[] {
  const source = readFileSync(new URL('sandbox/serve.ts', root), 'utf8');
  const body = /export function standInOutputs[\s\S]*?return \{([\s\S]*?)\n {2}\};/.exec(source)?.[1] ?? '';
  return [...body.matchAll(/^\s*([a-z_]+):/gm)].map((m) => m[1]!);
}

describe('.github/workflows', () => {
  it('has CI, the dist/ check and the self-test', () => {
    expect(files).toEqual(['check-dist.yml', 'ci.yml', 'self-test.yml']);
  });

  describe.each(workflows)('$file', ({ file, text, workflow }) => {
    it('is a workflow with a name, an `on`, read-only contents and jobs with a time limit', () => {
      expect(workflow.name, file).toBeTruthy();
      expect(workflow.on, file).toBeTypeOf('object');
      expect(workflow.permissions, file).toEqual({ contents: 'read' });
      expect(Object.keys(workflow.jobs).length, file).toBeGreaterThan(0);
      for (const [name, job] of Object.entries(workflow.jobs)) {
        expect(job['runs-on'], `${file} job ${name}`).toBe('ubuntu-latest');
        expect(job['timeout-minutes'], `${file} job ${name}`).toBeGreaterThan(0);
        expect(job.steps?.length, `${file} job ${name}`).toBeGreaterThan(0);
      }
    });

    it('runs on pushes to main and on pull requests', () => {
      expect(Object.keys(workflow.on), file).toEqual(expect.arrayContaining(['push', 'pull_request']));
      expect((workflow.on.push as { branches?: string[] }).branches, file).toContain('main');
    });

    it('checks out first and sets up Node.js 20 with the npm cache', () => {
      const steps = stepsOf(workflow);
      expect(steps[0]!.uses, file).toMatch(/^actions\/checkout@v\d+$/);
      const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
      expect(node?.with, file).toEqual({ 'node-version': 20, cache: 'npm' });
    });

    it('names no secret and no literal credential', () => {
      expect(text, file).not.toMatch(/secrets\./);
      expect(text, file).not.toMatch(/\b(ghp_|gho_|ghs_|github_pat_|vcp_)[A-Za-z0-9_]{8,}/);
    });
  });

  it('CI runs .ci/run, which installs with npm ci itself', () => {
    const runs = stepsOf(byFile('ci.yml').workflow).filter((s) => s.run);
    expect(runs.map((s) => s.run!.trim())).toEqual(['bash .ci/run']);
    expect(readFileSync(new URL('.ci/run', root), 'utf8')).toMatch(/^npm ci\b/m);
  });

  it('"Check dist/" installs, compares dist/ with a build of the source, and uploads the expected dist/ when they differ', () => {
    const steps = stepsOf(byFile('check-dist.yml').workflow);
    const runs = steps.filter((s) => s.run).map((s) => s.run!.trim());
    expect(runs.slice(0, 2)).toEqual(['npm ci', 'npm run check-dist']);
    const compare = steps.find((s) => s.run?.trim() === 'npm run check-dist')!;
    for (const step of steps.slice(steps.indexOf(compare) + 1)) expect(step.if, step.name).toContain(`steps.${compare.id}.conclusion == 'failure'`);
    expect(steps.at(-1)!.uses).toMatch(/^actions\/upload-artifact@v\d+$/);
    expect(steps.at(-1)!.with).toMatchObject({ path: 'dist/' });
  });
});

describe('the self-test workflow', () => {
  const { text, workflow } = byFile('self-test.yml');
  const jobs = Object.values(workflow.jobs);
  const steps = stepsOf(workflow);
  const actionSteps = steps.filter((s) => s.uses === './');
  const standIns = steps.find((s) => s.run?.includes('sandbox/serve.ts'));

  it('starts the stand-ins with sandbox/serve.ts in the background and waits for them', () => {
    expect(jobs).toHaveLength(1);
    expect(standIns?.id).toBeTruthy();
    expect(standIns!.run).toMatch(/npx tsx sandbox\/serve\.ts --ready "\$ready" .*&\n/);
    expect(standIns!.run).toMatch(/until \[ -s "\$ready" \]/);
    expect(steps.indexOf(standIns!)).toBeLessThan(steps.indexOf(actionSteps[0]!));
  });

  it('uses the action three times: create, create again, delete, for one pull request given as inputs', () => {
    expect(actionSteps.map((s) => s.with?.command)).toEqual(['create', 'create', 'delete']);
    for (const step of actionSteps) {
      expect(step.id, step.name).toBeTruthy();
      expect(step.with?.pr_number, step.id).toBe('${{ env.PR_NUMBER }}');
      expect(step.with?.head_ref, step.id).toBe('${{ env.HEAD_REF }}');
    }
    expect(String(jobs[0]!.env?.PR_NUMBER)).toMatch(/^[1-9][0-9]*$/);
    expect(String(jobs[0]!.env?.HEAD_REF)).toBeTruthy();
  });

  it('passes only inputs of action.yml, every required one', () => {
    expect(requiredInputs).toEqual(expect.arrayContaining(['neon_api_key', 'neon_project_id']));
    for (const step of actionSteps) {
      const given = Object.keys(step.with ?? {});
      for (const name of given) expect(inputNames, `${step.id}: \`${name}\` is not an input of action.yml`).toContain(name);
      for (const name of requiredInputs) expect(given, `${step.id}: required input \`${name}\` is missing`).toContain(name);
    }
  });

  it('points every platform of its targets at a stand-in, and keeps GitHub out (its API URL is the runner’s)', () => {
    for (const step of actionSteps) {
      const w = step.with!;
      expect(
        String(w.targets)
          .split(/[\s,]+/)
          .sort(),
        step.id,
      ).toEqual(['netlify', 'vercel']);
      for (const name of ['neon_api_url', 'neon_api_key', 'neon_project_id', 'vercel_api_url', 'vercel_token', 'vercel_project', 'netlify_api_url', 'netlify_token', 'netlify_site_id']) {
        expect(w[name], `${step.id}: ${name}`).toBe(`\${{ steps.${standIns!.id}.outputs.${name} }}`);
      }
      expect(w.github_token, step.id).toBe('');
      expect(w.comment, step.id).toBe(false);
    }
  });

  it('reads only outputs that exist: the action’s from action.yml, the stand-ins’ from serve.ts, of steps that ran before', () => {
    const served = serveOutputNames();
    expect(served).toEqual(expect.arrayContaining(['neon_api_url', 'vercel_token', 'netlify_site_id']));
    const references = [...text.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)].map((m) => ({ id: m[1]!, name: m[2]!, at: m.index }));
    expect(references.length).toBeGreaterThan(0);
    for (const { id, name, at } of references) {
      const step = steps.find((s) => s.id === id);
      expect(step, `steps.${id}`).toBeDefined();
      // The step it reads from comes before the place that reads it.
      expect(text.indexOf(`id: ${id}\n`), `steps.${id}.outputs.${name}`).toBeLessThan(at);
      if (step!.uses === './') expect(outputNames, `steps.${id}.outputs.${name}`).toContain(name);
      else if (step === standIns) expect([...served, 'pid'], `steps.${id}.outputs.${name}`).toContain(name);
      else throw new Error(`steps.${id} has no outputs to read`);
    }
  });

  it('checks each use of the action by its outputs in the step after it', () => {
    const expected: Record<string, string[]> = { create: ['command', 'created', 'branch_id'], delete: ['command', 'branch_id'] };
    for (const step of actionSteps) {
      const check = steps[steps.indexOf(step) + 1]!;
      expect(check.run, `the step after ${step.id}`).toBeTruthy();
      const read = Object.values(check.env ?? {}).map(String);
      for (const name of expected[String(step.with!.command)]!) expect(read, `${check.name} reads ${step.id}'s ${name}`).toContain(`\${{ steps.${step.id}.outputs.${name} }}`);
      expect(check.run).toMatch(/test "\$COMMAND" = (create|delete)/);
    }
  });

  it('stops the stand-ins whatever happened, failing on a request the real platform would refuse', () => {
    const last = steps.at(-1)!;
    expect(last.if).toMatch(/always\(\)/);
    expect(last.run).toContain('kill -TERM "$PID"');
    expect(last.run).toContain("grep -qx 'Requests the real platforms would refuse: 0'");
    expect(readFileSync(new URL('sandbox/serve.ts', root), 'utf8')).toContain('Requests the real platforms would refuse: ${refused}');
  });
});

describe('.github/dependabot.yml', () => {
  it('updates the npm packages and the actions the workflows use', () => {
    const config = parseYaml(readFileSync(new URL('.github/dependabot.yml', root), 'utf8')) as {
      version: number;
      updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string } }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const update of config.updates) {
      expect(update.directory).toBe('/');
      expect(['daily', 'weekly', 'monthly']).toContain(update.schedule.interval);
    }
  });
});
