// The registry of targets. Adding one: a folder `src/targets/<name>/` whose index.ts exports its
// TargetDefinition, one line here, its inputs in action.yml, and its section in the README.
import { github } from './github/index.js';
import { netlify } from './netlify/index.js';
import type { TargetDefinition } from './target.js';
import { vercel } from './vercel/index.js';

export const TARGETS: readonly TargetDefinition[] = [vercel, netlify, github];
