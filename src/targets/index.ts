// The registry of targets: adding one is a new file plus one line here.
import type { ApiSession } from '../http/retry.js';
import type { Settings } from '../inputs.js';
import type { Target, TargetName } from './target.js';

export type TargetFactory = (settings: Settings, session: ApiSession) => Target;

const FACTORIES: { [K in TargetName]?: TargetFactory } = {};

export function createTargets(settings: Settings, session: ApiSession): Target[] {
  return settings.targets.map((name) => {
    const factory = FACTORIES[name];
    if (!factory) throw new Error(`Input \`targets\`: ${name} is not available in this version`);
    return factory(settings, session);
  });
}
