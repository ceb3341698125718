// examples/*.yml are copied into users' repositories as they are: each must stay a complete
// workflow that passes this action only inputs action.yml has, and keeps its tokens in secrets.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadWorkflow, type Step, type Workflow } from '../workflow-shape.js';

const examplesDir = new URL('../../examples/', import.meta.url);

const action = parseYaml(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
};
const inputNames = Object.keys(action.inputs);
const requiredInputs = inputNames.filter((name) => action.inputs[name]!.required === true);
/** Inputs that carry a credential: they must come from a secret. */
const credentialInputs = inputNames.filter((name) => /_(token|key)$/.test(name));

/** `${{ secrets.NAME }}` and nothing else. */
const SECRET_EXPRESSION = /^\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;
/** Prefixes of real Neon, GitHub, Netlify and Vercel credentials. */
const LITERAL_CREDENTIAL = /\b(napi_|npg_|ghp_|gho_|ghs_|ghu_|github_pat_|nfp_|vcp_)[A-Za-z0-9_]{8,}|\bpostgres(ql)?:\/\/[^\s:@/]+:[^\s@]+@/;

interface Example {
  file: string;
  text: string;
  workflow: Workflow;
}

function loadExamples(): Example[] {
  return readdirSync(examplesDir)
    .filter((file) => file.endsWith('.yml'))
    .sort()
    .map((file) => ({ file, ...loadWorkflow(examplesDir, file) }));
}

const examples = loadExamples();

/** A step that runs this action, from the marketplace reference or a local path. */
function isThisAction(step: Step): boolean {
  return typeof step.uses === 'string' && (step.uses.endsWith('neon-preview@v1') || step.uses.startsWith('./'));
}

function actionSteps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs ?? {}).flatMap((job) => (job.steps ?? []).filter(isThisAction));
}

function targetsOf(step: Step): string[] {
  return String(step.with?.targets ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

describe('examples/', () => {
  it('has the ready-to-copy workflows the README points to', () => {
    expect(examples.map((e) => e.file)).toEqual(expect.arrayContaining(['github-environment.yml', 'migrations.yml', 'netlify.yml', 'outputs-only.yml', 'sweep.yml', 'vercel.yml']));
    // The checks below read action.yml; make sure they read something.
    expect(requiredInputs).toEqual(expect.arrayContaining(['neon_api_key', 'neon_project_id']));
    expect(credentialInputs).toEqual(expect.arrayContaining(['neon_api_key', 'vercel_token', 'netlify_token', 'github_token']));
  });

  describe.each(examples)('$file', ({ file, text, workflow }) => {
    it('starts with a comment saying what it does and which secrets it needs', () => {
      const header = text.split('\n').filter((line, i, lines) => lines.slice(0, i + 1).every((l) => l.startsWith('#')));
      expect(header.length, file).toBeGreaterThanOrEqual(3);
      expect(header.join('\n'), file).toMatch(/Secrets:/);
      for (const [, name] of text.matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
        expect(header.join('\n'), `${file}: the header names secret ${name}`).toContain(name);
      }
    });

    it('is a workflow: a name, an `on` and jobs with steps', () => {
      expect(workflow.name, file).toBeTruthy();
      expect(workflow.on, file).toBeTypeOf('object');
      expect(Object.keys(workflow.jobs ?? {}).length, file).toBeGreaterThan(0);
      for (const [name, job] of Object.entries(workflow.jobs)) expect(job.steps?.length, `${file} job ${name}`).toBeGreaterThan(0);
    });

    // A sweep workflow runs on a schedule; every other example runs on pull request events.
    const sweep = workflow.on && 'schedule' in workflow.on;

    it('runs on every pull request event the action handles, closed included (or, a sweep, on a schedule)', () => {
      if (sweep) {
        expect((workflow.on as { schedule: { cron: string }[] }).schedule[0]?.cron, file).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
        return;
      }
      const types = workflow.on.pull_request?.types;
      expect(types, file).toEqual(expect.arrayContaining(['opened', 'reopened', 'synchronize', 'closed']));
    });

    it('runs one at a time (per pull request) and never cancels a running run', () => {
      expect(workflow.concurrency?.group, file).toMatch(sweep ? /\S/ : /\$\{\{\s*github\.event\.pull_request\.number\s*\}\}/);
      expect(workflow.concurrency?.['cancel-in-progress'], file).toBe(false);
    });

    it('sets the token permissions explicitly', () => {
      expect(workflow.permissions, file).toBeTypeOf('object');
      expect(workflow.permissions!.contents, file).toBe('read');
    });

    it('uses the action once, with only inputs of action.yml and every required one', () => {
      const steps = actionSteps(workflow);
      expect(steps, file).toHaveLength(1);
      const given = Object.keys(steps[0]!.with ?? {});
      for (const name of given) expect(inputNames, `${file}: \`${name}\` is not an input of action.yml`).toContain(name);
      for (const name of requiredInputs) expect(given, `${file}: required input \`${name}\` is missing`).toContain(name);
    });

    it('passes the settings each of its targets needs', () => {
      const step = actionSteps(workflow)[0]!;
      const given = Object.keys(step.with ?? {});
      const needs: Record<string, string[]> = {
        vercel: ['vercel_token', 'vercel_project'],
        netlify: ['netlify_token', 'netlify_site_id'],
        // The default GITHUB_TOKEN cannot manage environments.
        github: ['github_token'],
      };
      for (const target of targetsOf(step)) {
        expect(Object.keys(needs), `${file}: unknown target ${target}`).toContain(target);
        for (const name of needs[target]!) expect(given, `${file}: target ${target} needs \`${name}\``).toContain(name);
      }
    });

    it('takes every credential from a secret, and holds none', () => {
      const step = actionSteps(workflow)[0]!;
      for (const name of credentialInputs) {
        const value = step.with?.[name];
        if (value !== undefined) expect(String(value), `${file}: \`${name}\``).toMatch(SECRET_EXPRESSION);
      }
      // Secrets are only ever read inside an expression.
      for (const line of text.split('\n').filter((l) => !l.trimStart().startsWith('#'))) {
        if (line.includes('secrets.')) expect(line, file).toMatch(/\$\{\{[^}]*secrets\.[A-Za-z_][A-Za-z0-9_]*[^}]*\}\}/);
      }
      expect(text, file).not.toMatch(LITERAL_CREDENTIAL);
      // A credential or URL handed to a later step comes from an expression, not from the file.
      for (const job of Object.values(workflow.jobs)) {
        for (const s of job.steps ?? []) {
          for (const [name, value] of Object.entries(s.env ?? {})) {
            if (/TOKEN|KEY|PASSWORD|SECRET|URL/.test(name)) expect(String(value), `${file}: env ${name}`).toMatch(/^\$\{\{.*\}\}$/);
          }
        }
      }
    });

    it('reads only outputs that action.yml declares', () => {
      const id = actionSteps(workflow)[0]!.id;
      if (!id) return;
      const references = [...text.matchAll(new RegExp(`steps\\.${id}\\.outputs\\.([A-Za-z0-9_-]+)`, 'g'))].map((m) => m[1]!);
      for (const name of references) expect(Object.keys(action.outputs), `${file}: output \`${name}\``).toContain(name);
    });

    it('starts a job in the PR environment only after the action, and never on close', () => {
      const actionJob = Object.entries(workflow.jobs).find(([, job]) => (job.steps ?? []).some(isThisAction))![0];
      for (const [name, job] of Object.entries(workflow.jobs)) {
        if (!job.environment) continue;
        const needs = ([] as string[]).concat(job.needs ?? []);
        expect(needs, `${file} job ${name}`).toContain(actionJob);
        // Either the event (not closed) or the action's `command` output (create) gates it.
        expect(job.if ?? '', `${file} job ${name}`).toMatch(/github\.event\.action != 'closed'|outputs\.command == 'create'/);
      }
    });
  });
});

describe('.env.example (for @github/local-action)', () => {
  const lines = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');
  /** `NAME=value` of the lines that are set, not commented out. */
  const set = new Map(lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

  it('lists every input of action.yml as INPUT_<NAME>', () => {
    for (const name of inputNames) {
      const variable = `INPUT_${name.toUpperCase()}`;
      expect(
        lines.some((l) => new RegExp(`^(# )?${variable}=`).test(l)),
        variable,
      ).toBe(true);
    }
    for (const [variable] of set) if (variable.startsWith('INPUT_')) expect(inputNames, variable).toContain(variable.slice(6).toLowerCase());
  });

  it('works without a pull request event, and holds no credential', () => {
    expect(set.get('INPUT_COMMAND')).toBe('create');
    expect(set.get('INPUT_PR_NUMBER')).toMatch(/^[1-9][0-9]*$/);
    expect(set.get('INPUT_HEAD_REF')).toBeTruthy();
    expect(set.get('GITHUB_REPOSITORY')).toMatch(/^[^/\s]+\/[^/\s]+$/);
    for (const name of credentialInputs) expect(set.get(`INPUT_${name.toUpperCase()}`) ?? '', name).toBe('');
    expect(lines.join('\n')).not.toMatch(LITERAL_CREDENTIAL);
  });
});
