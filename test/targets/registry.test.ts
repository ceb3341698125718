// A target registered from test code alone (no file of the action changed) runs through create,
// delete and sweep: what "adding a target" in the README promises.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY, pullRequestEvent } from '../../sandbox/action-runner.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import { setFailed } from '../setup-actions-core.js';

const { run } = await import('../../src/main.js');
const { TARGETS } = await import('../../src/targets/index.js');
const { required } = await import('../../src/input-values.js');
type TargetDefinition<S> = import('../../src/targets/target.js').TargetDefinition<S>;
type Target = import('../../src/targets/target.js').Target;

const KEY = 'napi_registry_key_000000000000';
/** The memory target's store: `<namespace>/<pr>` → the PR's values. */
const store = new Map<string, Record<string, string>>();

const memory: TargetDefinition<{ namespace: string }> = {
  name: 'memory',
  label: 'Memory',
  platform: 'Memory',
  scopedByBranch: false,
  readSettings: (read) => ({ namespace: required(read, 'memory_namespace', 'when `targets` has memory') }),
  async create({ namespace }): Promise<Target> {
    const key = (pr: number) => `${namespace}/${pr}`;
    const report = (names: string[]) => ({ target: 'memory', label: 'Memory', names, links: [], notes: [] });
    return {
      name: 'memory',
      label: 'Memory',
      platform: 'Memory',
      prepare: async () => undefined,
      publish: async (_prepared, pr, variables) => {
        store.set(key(pr.number), Object.fromEntries(variables.map((v) => [v.name, v.value])));
        return report(variables.map((v) => v.name));
      },
      remove: async (pr, names) => {
        store.delete(key(pr.number));
        return report(names);
      },
      findManaged: async () => ({
        entries: [...store.keys()].filter((k) => k.startsWith(`${namespace}/`)).map((k) => ({ pr: Number(k.split('/')[1]), description: `values of ${k}` })),
      }),
    };
  },
};

let neon: NeonStandIn;
let github: GitHubStandIn;
let dir: string;

beforeAll(async () => {
  [neon, github] = await Promise.all([startNeonStandIn({ apiKeys: [KEY], operationMs: 50 }), startGitHubStandIn({ repository: REPOSITORY })]);
  dir = mkdtempSync(join(tmpdir(), 'neon-preview-registry-'));
});
afterAll(async () => {
  await Promise.all([neon.stop(), github.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the action in this process, as the runner would (inputs and event in the environment). */
async function runWith(event: { name: string; payload: Record<string, unknown> }, inputs: Record<string, string>): Promise<string> {
  const eventPath = join(dir, 'event.json');
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(event.payload));
  writeFileSync(summaryPath, '');
  const env: Record<string, string> = {
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_API_URL: github.url,
    GITHUB_STEP_SUMMARY: summaryPath,
    INPUT_NEON_API_KEY: KEY,
    INPUT_NEON_PROJECT_ID: neon.projectId,
    INPUT_NEON_API_URL: neon.url,
    INPUT_GITHUB_TOKEN: github.tokens.admin,
    INPUT_TARGETS: 'memory',
    INPUT_MEMORY_NAMESPACE: 'shop',
    INPUT_COMMENT: 'false',
    INPUT_TIMEOUT: '60',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    await run([...TARGETS, memory]);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  expect(setFailed).not.toHaveBeenCalled();
  return readFileSync(summaryPath, 'utf8');
}

describe('a target registered from test code', () => {
  it('is published to on create, emptied on delete, and swept when its pull request closed', async () => {
    github.setPullRequest(1, { state: 'open', headRef: 'feature/one' });
    const created = await runWith(pullRequestEvent({ action: 'opened', number: 1, headRef: 'feature/one' }), {});
    expect(created).toContain('<td>Memory</td>');
    expect(Object.keys(store.get('shop/1')!).sort()).toEqual(['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGDATABASE', 'PGHOST', 'PGHOST_UNPOOLED', 'PGPASSWORD', 'PGUSER']);
    expect(store.get('shop/1')!.PGHOST).toBe(neon.branchByName('preview/pr-1')!.endpoints[0]!.host.replace(/^(ep-[^.]+)/, '$1-pooler'));

    github.setPullRequest(1, { state: 'closed', headRef: 'feature/one' });
    await runWith(pullRequestEvent({ action: 'closed', number: 1, headRef: 'feature/one' }), {});
    expect(store.has('shop/1')).toBe(false);
    expect(neon.branchByName('preview/pr-1')).toBeUndefined();

    // PR 2 closed without its closed run: the sweep removes its branch and its memory values.
    github.setPullRequest(2, { state: 'open', headRef: 'feature/two' });
    await runWith(pullRequestEvent({ action: 'opened', number: 2, headRef: 'feature/two' }), {});
    github.setPullRequest(2, { state: 'closed', headRef: 'feature/two' });
    const swept = await runWith({ name: 'schedule', payload: {} }, {});
    expect(swept).toMatch(/#2<\/td><td>closed<\/td><td>removed<\/td><td>Neon branch preview\/pr-2<br>Memory: values of shop\/2/);
    expect(store.size).toBe(0);
  });

  it('reads its own inputs, naming them when they are bad', async () => {
    const { parseSettings } = await import('../../src/inputs.js');
    const read = (name: string) => ({ neon_api_key: KEY, neon_project_id: 'p', targets: 'memory' })[name] ?? '';
    expect(() => parseSettings(read, { eventName: 'schedule', repository: REPOSITORY, apiUrl: '', payload: {} }, [memory])).toThrow(/^Input `memory_namespace`: is required when `targets` has memory/);
  });
});
