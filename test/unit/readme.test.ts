// The README's inputs and outputs tables are the user's reference: they must match action.yml.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const action = parseYaml(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
};

/** Rows of the Markdown table that follows `## <heading>`, as arrays of cells. */
function tableAfter(heading: string): string[][] {
  const section = readme.split(`\n## ${heading}\n`)[1]!.split('\n## ')[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

describe('README and action.yml', () => {
  it('list the same inputs, with the same defaults', () => {
    const rows = tableAfter('Inputs');
    expect(rows.map((r) => r[0]!.replace(/`/g, ''))).toEqual(Object.keys(action.inputs));
    for (const [cell, defaultCell] of rows) {
      const name = cell!.replace(/`/g, '');
      const fallback = action.inputs[name]!.default;
      if (fallback && !fallback.includes('\n')) expect(defaultCell, name).toBe(`\`${fallback}\``);
      if (!fallback) expect(defaultCell, name).toMatch(/^\(/);
    }
  });

  it('list the same outputs', () => {
    expect(tableAfter('Outputs').map((r) => r[0]!.replace(/`/g, ''))).toEqual(Object.keys(action.outputs));
  });

  it('describe every input and output, run on node24 from dist/, and have branding', () => {
    for (const [name, input] of Object.entries({ ...action.inputs, ...action.outputs })) expect(input.description, name).toBeTruthy();
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).toBeTruthy();
  });

  it('document the default env_vars exactly as action.yml sets them', () => {
    expect(readme).toContain(`\`\`\`\n${action.inputs.env_vars!.default!.trim()}\n\`\`\``);
  });
});
