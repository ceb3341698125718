// GitHub's published REST description (`@octokit/openapi`), cut down to the operations the
// stand-in serves, to check every request against.
import { DescriptionCheck, readPackagedDescription } from '../api-description.js';

// ---------------------------------------------------------------------------------------------
// The API description, cut down to the operations served (the full file is 13 MB; matching a
// request against all of it costs ~8 ms, against this cut ~1 ms). Loaded once per process.

/** The repository itself (exact), and every path under these prefixes. */
const SERVED_PATHS = ['/repos/{owner}/{repo}'];
const SERVED_PATH_PREFIXES = [
  '/repos/{owner}/{repo}/pulls',
  '/repos/{owner}/{repo}/environments',
  '/repos/{owner}/{repo}/deployments',
  '/repos/{owner}/{repo}/issues/{issue_number}/comments',
  '/repos/{owner}/{repo}/issues/comments/',
];

let descriptionCheck: Promise<DescriptionCheck> | undefined;

/** The served part of `@octokit/openapi`'s api.github.com.json: its paths and every component they reference. */
export function servedDescription(): Record<string, unknown> {
  const full = readPackagedDescription('@octokit/openapi/generated/api.github.com.json') as {
    openapi: string;
    info: unknown;
    paths: Record<string, unknown>;
    components: Record<string, Record<string, unknown>>;
  };
  const paths = Object.fromEntries(Object.entries(full.paths).filter(([path]) => SERVED_PATHS.includes(path) || SERVED_PATH_PREFIXES.some((prefix) => path.startsWith(prefix))));
  const components: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (seen.has(value) || !value.startsWith('#/components/')) continue;
        seen.add(value);
        const [, , section, name] = value.split('/') as [string, string, string, string];
        const target = full.components[section]?.[name];
        (components[section] ??= {})[name] = target;
        walk(target);
      } else walk(value);
    }
  };
  walk(paths);
  return { openapi: full.openapi, info: full.info, paths, components };
}

export function githubDescriptionCheck(): Promise<DescriptionCheck> {
  // GraphQL is described by its own schema, not the REST description.
  descriptionCheck ??= DescriptionCheck.create(servedDescription(), { undocumented: [/^POST \/graphql$/] });
  return descriptionCheck;
}
