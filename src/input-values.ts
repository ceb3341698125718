// Reading one input: the checks every input shares (required, a token, a boolean, a URL, one of
// a few words, a name template), each failing with one line that names the input, says what is
// wrong and what is accepted. Used by the settings step and by each target for its own inputs.
import { registerSecret } from './secrets.js';
import type { InputReader } from './targets/target.js';

/** A bad input. Its message is the one line the user sees. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(`Input \`${input}\`: ${problem}`);
  }
}

/** Shows a user's value in a message: quoted, one line, short. Never used for tokens. */
export function show(value: string): string {
  const oneLine = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return oneLine;
}

/** Control and format characters, Unicode line breaks included (U+0085, U+2028, U+202E, ...). */
export function hasControlCharacters(value: string): boolean {
  return /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value);
}

export function required(read: InputReader, name: string, why?: string): string {
  const value = read(name);
  if (!value) throw new InputError(name, `is required${why ? ` ${why}` : ''} but is empty`);
  return value;
}

/**
 * A token: masked at once, and refused with a line break or any other control character in it (a
 * secret pasted from a wrapped terminal), which an HTTP header cannot carry. Never shown.
 */
export function token(read: InputReader, name: string, why?: string): string {
  const value = why === undefined ? read(name) : required(read, name, why);
  registerSecret(value);
  if (hasControlCharacters(value)) throw new InputError(name, 'contains a line break or another control character; copy the token again as one line');
  return value;
}

/** One of a few words (`what` they are, for the message); `fallback` when empty. */
export function choice<T extends string>(read: InputReader, name: string, what: string, allowed: readonly T[], fallback: T): T {
  const value = read(name) || fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(name, `${show(value)} is not ${what}; expected ${allowed.join(' or ')}`);
  return value as T;
}

export function optional(read: InputReader, name: string): string | undefined {
  return read(name) || undefined;
}

export function parseBoolean(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name);
  if (!value) return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(name, `${show(value)} is not a boolean; use true or false`);
}

export function parseUrl(read: InputReader, name: string, fallback: string): string {
  const value = read(name) || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `${show(value)} is not a URL; expected an http(s) URL such as ${fallback}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(name, `${show(value)} must use https (or http for a local stand-in)`);
  if (url.username || url.password) throw new InputError(name, 'must not carry credentials; pass tokens in their own inputs');
  if (url.search || url.hash || value.includes('?') || value.includes('#')) throw new InputError(name, `${show(value)} must be a base URL without a query or fragment, such as ${fallback}`);
  return value.replace(/\/+$/, '');
}

/** The head branch as it may appear in a name: `[A-Za-z0-9._/-]`, anything else becomes `-`. */
export function sanitizeHead(head: string): string {
  return head.replace(/[^A-Za-z0-9._/-]/g, '-');
}

/** Renders `{pr}` and `{head}` in a template; any other placeholder is an error. */
export function renderTemplate(input: string, template: string, pr: number, headRef: string): string {
  if (hasControlCharacters(template)) throw new InputError(input, 'must be one line without control characters');
  const unknown = template.match(/\{(?!pr\}|head\})[^}]*\}/);
  if (unknown) throw new InputError(input, `${show(template)} has an unknown placeholder ${unknown[0]}; the placeholders are {pr} and {head}`);
  if (template.includes('{head}') && !headRef) {
    throw new InputError(input, `${show(template)} uses {head} but the PR's head branch is unknown; set \`head_ref\``);
  }
  return template.replaceAll('{pr}', String(pr)).replaceAll('{head}', sanitizeHead(headRef));
}

/**
 * A name template must tell pull requests apart: a fixed name would give every PR the same branch
 * or environment, and one PR's close would delete another's.
 */
export function perPullRequest(input: string, template: string): string {
  if (!template.includes('{pr}') && !template.includes('{head}')) {
    throw new InputError(input, `${show(template)} names the same thing for every pull request; include {pr} (or {head}), e.g. ${input === 'branch_name' ? 'preview/pr-{pr}' : 'pr-{pr}'}`);
  }
  return template;
}
