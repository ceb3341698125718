// The registry of targets: adding one is a new file plus one line here.
import type { ApiSession } from '../http/retry.js';
import type { CommonSettings } from '../inputs.js';
import { createGitHubTarget } from './github.js';
import { createNetlifyTarget } from './netlify.js';
import type { Target, TargetName } from './target.js';
import { createVercelTarget } from './vercel.js';

export type TargetFactory = (settings: CommonSettings, session: ApiSession) => Target;

const FACTORIES: Record<TargetName, TargetFactory> = {
  vercel: createVercelTarget,
  netlify: createNetlifyTarget,
  github: createGitHubTarget,
};

export function createTargets(settings: CommonSettings, session: ApiSession): Target[] {
  return settings.targets.map((name) => FACTORIES[name](settings, session));
}
