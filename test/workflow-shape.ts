// The parts of a GitHub Actions workflow file the tests read (examples/, .github/workflows/), and
// how they read one.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseDocument } from 'yaml';

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface Job {
  'runs-on'?: string;
  'timeout-minutes'?: number;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  steps?: Step[];
}

export interface Workflow {
  name?: string;
  on: { pull_request?: { types?: string[] } } & Record<string, unknown>;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** A workflow file in `dir`, parsed; parse errors and warnings (duplicate keys, bad indentation) fail the test, naming the file. */
export function loadWorkflow(dir: URL, file: string): { text: string; workflow: Workflow } {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const document = parseDocument(text);
  expect(
    document.errors.map((e) => e.message),
    file,
  ).toEqual([]);
  expect(
    document.warnings.map((w) => w.message),
    file,
  ).toEqual([]);
  return { text, workflow: document.toJS() as Workflow };
}
