// Environment names and pull requests: the sweep reads which pull request (and head) a name the
// `github_environment` template gave belongs to; the name is the only marker.
import type { ManagedEntry } from '../target.js';
import { environmentName } from './index.js';

/** What an environment's name says about its pull request. */
interface EnvironmentNameMatch {
  /** Set when the template has `{pr}`. */
  pr?: number;
  /** The sanitised head as it stands in the name; set when the template has `{head}`. */
  headRef?: string;
  /** The name fits the template in more than one way; `pr` and `headRef` are then unset. */
  ambiguous?: boolean;
}

/** `text` as a regular expression that matches exactly it. */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * `template` (`github_environment`) as an anchored, case-insensitive pattern (GitHub's environment
 * names are case-insensitive): `{pr}` a positive integer without leading zeros, `{head}` one or more
 * of the characters a sanitised head keeps (`sanitizeHead`); a placeholder used twice must repeat
 * the same text. `lazy` makes the placeholders match as little as they can instead of as much.
 */
function templatePattern(template: string, lazy: boolean): RegExp {
  const seen = new Set<string>();
  const more = lazy ? '?' : '';
  const source = template
    .split(/(\{pr\}|\{head\})/)
    .map((part) => {
      if (part !== '{pr}' && part !== '{head}') return escapeRegExp(part);
      const name = part === '{pr}' ? 'pr' : 'head';
      if (seen.has(name)) return `\\k<${name}>`;
      seen.add(name);
      return name === 'pr' ? `(?<pr>[1-9][0-9]*${more})` : `(?<head>[A-Za-z0-9._/-]+${more})`;
    })
    .join('');
  // No `u` flag: with it, `[A-Za-z]` would also match the Kelvin sign and the long s, which
  // case-fold to k and s but which sanitizeHead replaces.
  return new RegExp(`^${source}$`, 'i');
}

/**
 * A function telling whether an environment name is one `template` gives some pull request, and
 * which; undefined when the template has neither `{pr}` nor `{head}` (it names no pull request).
 *
 * A match is kept only when rendering its values with the template (`environmentName`) gives the
 * name back (case aside), so that `remove` for that PR deletes exactly this environment. The
 * pattern is built so this always holds: `{pr}` takes no leading zeros and `{head}` only
 * characters that `sanitizeHead` leaves alone, so sanitising the matched head changes nothing.
 * What sanitising cannot give back is the PR's real head branch when it had other characters
 * (`feat/a b` is named `feat/a-b`): `headRef` is then not the branch name, and a sweep that looks
 * the PR up by head (a template without `{pr}`) finds no PR, or one whose head really is `feat/a-b`.
 *
 * Ambiguity: of all the ways a name can be read, the greedy pattern gives the one whose captured
 * placeholders are longest (the first one first, then the second), the lazy pattern the shortest;
 * every reading sorts between those two (later uses of a placeholder repeat its first), so when
 * they agree the name has exactly one reading.
 */
export function environmentMatcher(template: string): ((name: string) => EnvironmentNameMatch | undefined) | undefined {
  const hasPr = template.includes('{pr}');
  const hasHead = template.includes('{head}');
  if (!hasPr && !hasHead) return undefined;
  const greedy = templatePattern(template, false);
  const lazy = templatePattern(template, true);
  return (name) => {
    const longest = greedy.exec(name)?.groups;
    if (!longest) return undefined;
    const shortest = lazy.exec(name)?.groups ?? {};
    if (longest.pr !== shortest.pr || longest.head !== shortest.head) return { ambiguous: true };
    const pr = hasPr ? Number(longest.pr) : undefined;
    // More digits than a safe integer holds do not render back (and are no pull request).
    if (pr !== undefined && !Number.isSafeInteger(pr)) return undefined;
    const headRef = hasHead ? longest.head : undefined;
    const rendered = environmentName(template, pr ?? 0, headRef ?? '');
    if (!new RegExp(`^${escapeRegExp(rendered)}$`, 'i').test(name)) return undefined;
    return { ...(pr !== undefined && { pr }), ...(headRef !== undefined && { headRef }) };
  };
}

/**
 * The entries of the environments `names` whose names the template could have given (see
 * `environmentMatcher`), each with the PR number (and head, when the template has `{head}`) that
 * renders back to its name, so `remove` deletes exactly that environment. An environment someone
 * made by hand that fits the template counts as the action's. A template without `{pr}` gives
 * entries with only `headRef` (the sweep asks GitHub which PR has that head). A name that fits the
 * template in more than one way (e.g. `{head}{pr}`: is `fix12` PR 12 or PR 2?) is returned
 * without PR or head, so the sweep reports it and keeps it.
 */
export function managedEntries(template: string, names: string[]): ManagedEntry[] {
  const match = environmentMatcher(template);
  if (!match) return [];
  const entries: ManagedEntry[] = [];
  // An environment created or deleted between two pages shifts the rest: a name may come twice.
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    const found = match(name);
    if (!found) continue;
    if (found.ambiguous) {
      entries.push({ description: `environment ${name} (fits \`github_environment\` ${template} in more than one way, so its pull request is unknown)` });
      continue;
    }
    const entry: ManagedEntry = { description: `environment ${name}` };
    if (found.pr !== undefined) entry.pr = found.pr;
    if (found.headRef !== undefined) entry.headRef = found.headRef;
    entries.push(entry);
  }
  return entries;
}
