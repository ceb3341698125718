// The GitHub environment target as the registry knows it: its inputs, read here; its client (the
// run's one Octokit), handed over when a run creates it.
import { InputError, perPullRequest, renderTemplate, show } from '../../input-values.js';
import { isSecretSource } from '../../variables.js';
import type { PullRequestRef, TargetDefinition } from '../target.js';

export interface GitHubEnvironmentSettings {
  /** The `github_environment` template; render it with `environmentName`. */
  environmentTemplate: string;
  /** The `env_vars` mapping has secrets: the environment's public key is worth reading early. */
  mappingHasSecrets: boolean;
}

/** The environment name `github_environment` gives a pull request. */
export function environmentName(template: string, pr: number, headRef: string): string {
  return renderTemplate('github_environment', template, pr, headRef);
}

export const github: TargetDefinition<GitHubEnvironmentSettings> = {
  name: 'github',
  label: 'GitHub environment',
  platform: 'GitHub',
  scopedByBranch: false,
  // The environment is named from the template: two pull requests can get one name (case aside).
  collides({ environmentTemplate }, a, b) {
    const name = (pr: PullRequestRef) => {
      try {
        return environmentName(environmentTemplate, pr.number, pr.headRef).toLowerCase();
      } catch {
        return undefined;
      }
    };
    const ours = name(a);
    return ours !== undefined && ours === name(b);
  },
  readSettings(read, { variables, githubToken, pr }) {
    if (!githubToken) throw new InputError('github_token', 'is required when `targets` has github (a token allowed to manage environments)');
    const environmentTemplate = perPullRequest('github_environment', read('github_environment') || 'pr-{pr}');
    // Checks the template's placeholders whatever the command, and the name it gives this pull request.
    renderTemplate('github_environment', environmentTemplate, 1, 'head');
    if (pr) {
      const name = environmentName(environmentTemplate, pr.number, pr.headRef);
      if (!/^[A-Za-z0-9._/-]{1,255}$/.test(name)) throw new InputError('github_environment', `renders to ${show(name)}; expected at most 255 letters, digits, . _ - /`);
    }
    const reserved = variables.find((v) => /^GITHUB_/i.test(v.name));
    if (reserved) throw new InputError('env_vars', `${reserved.name}: GitHub reserves names starting with GITHUB_; rename it or set \`env_prefix\``);
    return { environmentTemplate, mappingHasSecrets: variables.some((v) => isSecretSource(v.source)) };
  },
  async create(settings, { session, octokit, githubApiUrl }) {
    if (!octokit) throw new Error('GitHub environment: no GitHub client (the `github_token` input is empty)');
    const [{ GitHubTarget }, client] = await Promise.all([import('./target.js'), octokit]);
    return new GitHubTarget(client, session, settings, githubApiUrl);
  },
};
