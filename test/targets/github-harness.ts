// What the github target's test files share: the settings a pull_request run of PR 42 parses,
// and the target as a run makes it (through the registry's definition, with the run's one Octokit).
import { createOctokit } from '../../src/github/octokit.js';
import { ApiSession } from '../../src/http/retry.js';
import { parseSettings, type Settings } from '../../src/inputs.js';
import type { Target } from '../../src/targets/target.js';

export const REPOSITORY = 'octo-org/preview-app';

/** The settings of a `synchronize` run of PR 42 (head feature/login at `sha`) with the github target. */
export function githubSettings(apiUrl: string, inputs: Record<string, string>, sha = '1'.repeat(40)): Settings {
  const all: Record<string, string> = { neon_api_key: 'napi_test', neon_project_id: 'young-sound-123456', targets: 'github', ...inputs };
  const result = parseSettings((name) => all[name] ?? '', {
    eventName: 'pull_request',
    repository: REPOSITORY,
    apiUrl,
    payload: {
      action: 'synchronize',
      number: 42,
      pull_request: { number: 42, head: { ref: 'feature/login', sha, repo: { full_name: REPOSITORY } }, base: { repo: { full_name: REPOSITORY } } },
    },
  });
  if (result.command === 'skip' || result.command === 'sweep') throw new Error('unexpected command');
  return result;
}

export function githubTargetOf(s: Settings, session = new ApiSession(30_000)): Promise<Target> {
  const [configured] = s.targets;
  return configured!.create({ session, octokit: Promise.resolve(createOctokit(s.github.token, s.github.apiUrl)), githubApiUrl: s.github.apiUrl, variables: s.variables });
}
