// The pull request event: what `auto` means on it, whether it is skipped (a fork's, Dependabot's),
// and its number and head branch, each refused with the input that would override it.
import { readFileSync } from 'node:fs';
import { InputError, hasControlCharacters, show } from './input-values.js';
import type { InputReader } from './targets/target.js';

export type Command = 'create' | 'delete';

export interface Skip {
  command: 'skip';
  reason: string;
}

/** The parts of the event the action uses. */
export interface EventInfo {
  eventName: string;
  /** `owner/repo` */
  repository: string;
  payload: Record<string, unknown>;
  /** GITHUB_API_URL */
  apiUrl: string;
  /** GITHUB_ACTOR: who triggered the run (`dependabot[bot]` for Dependabot's pull requests). */
  actor?: string;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);
/** Pull request numbers are 32-bit integers on GitHub. */
const MAX_PR_NUMBER = 2_147_483_647;
const DEPENDABOT = 'dependabot[bot]';

export interface PullRequestPayload {
  number?: number;
  user?: { login?: string } | null;
  head?: { ref?: string; sha?: string; repo?: { full_name?: string } | null };
  base?: { repo?: { full_name?: string } };
}

/** The command `auto` stands for on this event. */
export function commandFor(event: EventInfo, requested: string): Command | 'sweep' {
  if (requested === 'create' || requested === 'delete' || requested === 'sweep') return requested;
  if (requested !== 'auto') throw new InputError('command', `${show(requested)} is not a command; expected auto, create, delete or sweep`);
  if (PR_EVENTS.has(event.eventName)) return event.payload.action === 'closed' ? 'delete' : 'create';
  if (event.eventName === 'schedule') return 'sweep';
  throw new InputError('command', `is auto, but a ${show(event.eventName)} event is neither a pull request event nor a schedule; set \`command\` to create or delete (with \`pr_number\`), or sweep`);
}

/**
 * Whether this run is for a pull request that must be skipped: from a fork (unless
 * `fork_pull_requests: allow`), or one GitHub runs without secrets (a fork's or Dependabot's under
 * `pull_request`). Undefined when the run goes on; the fork flag tells a run that goes on for a fork.
 */
export function skipFor(read: InputReader, event: EventInfo, pullRequest: PullRequestPayload | undefined, forks: 'skip' | 'allow'): { skip?: Skip; fork: boolean } {
  if (!pullRequest) return { fork: false };
  const headRepo = pullRequest.head?.repo?.full_name;
  const baseRepo = pullRequest.base?.repo?.full_name ?? event.repository;
  const fork = headRepo !== baseRepo;
  const dependabot = event.actor === DEPENDABOT || pullRequest.user?.login === DEPENDABOT;
  const from = fork ? `a fork (${headRepo ?? 'a deleted repository'})` : DEPENDABOT;
  if (!read('neon_api_key') && (fork || dependabot)) {
    return { fork, skip: { command: 'skip', reason: `Pull request from ${from}: GitHub runs it without the repository's secrets, so there is no Neon API key. Nothing was done.` } };
  }
  if (fork && forks === 'skip') {
    return {
      fork,
      skip: {
        command: 'skip',
        reason: `Pull request from ${from}: skipped, as \`fork_pull_requests: skip\` (the default) says; its code is an outsider's. Set \`fork_pull_requests: allow\` to give forks a branch of your data. Nothing was done.`,
      },
    };
  }
  return { fork };
}

/** The pull request's number: `pr_number`, else the event's. */
export function pullRequestNumber(read: InputReader, event: EventInfo, pullRequest: PullRequestPayload | undefined): number {
  const prInput = read('pr_number');
  if (prInput) {
    if (!/^[1-9][0-9]{0,9}$/.test(prInput) || Number(prInput) > MAX_PR_NUMBER)
      throw new InputError('pr_number', `${show(prInput)} is not a pull request number; expected a whole number from 1 to ${MAX_PR_NUMBER}`);
    return Number(prInput);
  }
  const fromEvent = pullRequest?.number ?? (typeof event.payload.number === 'number' ? event.payload.number : undefined);
  if (!fromEvent || !Number.isInteger(fromEvent) || fromEvent <= 0) {
    throw new InputError('pr_number', `is empty and the ${show(event.eventName)} event carries no pull request number; set \`pr_number\``);
  }
  return fromEvent;
}

/** The head branch: `head_ref`, else the event's; refused when git would not accept it as a branch name. */
export function headBranch(read: InputReader, pullRequest: PullRequestPayload | undefined): string {
  const headInput = read('head_ref');
  const headRef = headInput || pullRequest?.head?.ref || '';
  const problem = headRef ? branchNameProblem(headRef) : undefined;
  if (problem) throw new InputError(headInput ? 'head_ref' : 'head_ref (from the event)', `${show(headRef)} is not a git branch name: it ${problem}`);
  return headRef;
}

/**
 * Why `name` is not a branch name git accepts (the rules of `git check-ref-format --branch`), or
 * undefined when it is one.
 */
function branchNameProblem(name: string): string | undefined {
  if (name.length > 250) return 'is longer than 250 characters';
  if (/[\s~^:?*[\\]/.test(name) || hasControlCharacters(name)) return 'has a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return 'has "..", "@{" or "//"';
  if (name === '@' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.startsWith('-')) return 'starts with "/" or "-", ends with "/" or ".", or is "@"';
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return 'has a part that starts with "." or ends with ".lock"';
  return undefined;
}

/** The event's payload, from the file the runner names. */
function eventPayload(): Record<string, unknown> {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The event from the runner's environment. */
export function readEvent(): EventInfo {
  const event: EventInfo = {
    eventName: process.env.GITHUB_EVENT_NAME ?? '',
    repository: process.env.GITHUB_REPOSITORY ?? '',
    payload: eventPayload(),
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    actor: process.env.GITHUB_ACTOR,
  };
  if (!/^[^/\s]+\/[^/\s]+$/.test(event.repository)) throw new Error('GITHUB_REPOSITORY is not set: run this action in a GitHub Actions workflow');
  return event;
}
